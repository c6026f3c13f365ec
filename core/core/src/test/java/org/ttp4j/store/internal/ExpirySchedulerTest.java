package org.ttp4j.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The scheduler reads "now" from the clock it is given. A fixed clock makes every delay exact, so what may still
 * run is asserted from the executor's queue ({@link ExpiryScheduler#pending()}) instead of by waiting past an
 * instant on the wall clock.
 */
class ExpirySchedulerTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Clock FIXED = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void runsTheRevertOnceTheInstantHasPassed() throws Exception {
        Clock clock = Clock.systemUTC();
        try (ExpiryScheduler s = new ExpiryScheduler(clock, "expiry-test")) {
            CountDownLatch ran = new CountDownLatch(1);
            Instant at = clock.instant().plusMillis(50);
            Instant[] when = new Instant[1];
            s.schedule("R1", at, () -> {
                when[0] = clock.instant();
                ran.countDown();
            });
            assertTrue(ran.await(10, TimeUnit.SECONDS), "revert never ran");
            assertFalse(when[0].isBefore(at), "revert ran before the expiry instant");
        }
    }

    @Test
    void anInstantCenturiesAwayIsScheduledAndNeverRunsNow() throws Exception {
        try (ExpiryScheduler s = new ExpiryScheduler(FIXED, "expiry-test")) {
            AtomicInteger ran = new AtomicInteger();
            s.schedule("R1", Instant.parse("2999-01-01T00:00:00Z"), ran::incrementAndGet);
            s.schedule("R2", Instant.MAX, ran::incrementAndGet);
            assertEquals(2, s.pending(), "both wait in the executor");
            CountDownLatch soon = new CountDownLatch(1);
            s.schedule("R3", NOW, soon::countDown);
            assertTrue(soon.await(10, TimeUnit.SECONDS), "the scheduler stopped working");
            assertEquals(0, ran.get());
            assertEquals(2, s.pending(), "the far schedules still wait");
        }
    }

    @Test
    void reschedulingReplacesAndNullCancels() throws Exception {
        try (ExpiryScheduler s = new ExpiryScheduler(FIXED, "expiry-test")) {
            AtomicInteger first = new AtomicInteger();
            AtomicInteger cancelled = new AtomicInteger();
            s.schedule("R1", NOW.plus(Duration.ofHours(1)), first::incrementAndGet);
            s.schedule("R2", NOW.plus(Duration.ofHours(1)), cancelled::incrementAndGet);
            assertEquals(2, s.pending());

            s.schedule("R2", null, cancelled::incrementAndGet);
            assertEquals(1, s.pending(), "a null instant cancels the rule's schedule");
            s.schedule("R2", null, cancelled::incrementAndGet);
            assertEquals(1, s.pending(), "cancelling nothing is harmless");

            CountDownLatch second = new CountDownLatch(1);
            s.schedule("R1", NOW, second::countDown);
            assertTrue(second.await(10, TimeUnit.SECONDS), "the replacing schedule never ran");
            assertEquals(0, s.pending(), "the replaced schedule left the executor, so it can never run");
            assertEquals(0, first.get(), "replaced schedule ran");
            assertEquals(0, cancelled.get(), "cancelled schedule ran");
        }
    }

    @Test
    void aPastInstantRunsAtOnce() throws Exception {
        try (ExpiryScheduler s = new ExpiryScheduler(FIXED, "expiry-test")) {
            CountDownLatch ran = new CountDownLatch(1);
            s.schedule("R1", Instant.EPOCH, ran::countDown);
            assertTrue(ran.await(10, TimeUnit.SECONDS));
            assertEquals(0, s.pending());
        }
    }

    @Test
    void closeDropsEverySchedule() {
        ExpiryScheduler s = new ExpiryScheduler(FIXED, "expiry-test");
        s.schedule("R1", NOW.plus(Duration.ofMinutes(5)), () -> {});
        s.schedule("R2", NOW.plus(Duration.ofMinutes(6)), () -> {});
        assertEquals(2, s.pending());
        s.close();
        assertEquals(0, s.pending());
        s.close();
    }
}
