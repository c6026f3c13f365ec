package org.ttp4j.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ExpirySchedulerTest {

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
        Clock clock = Clock.systemUTC();
        try (ExpiryScheduler s = new ExpiryScheduler(clock, "expiry-test")) {
            AtomicInteger ran = new AtomicInteger();
            s.schedule("R1", Instant.parse("2999-01-01T00:00:00Z"), ran::incrementAndGet);
            s.schedule("R2", Instant.MAX, ran::incrementAndGet);
            CountDownLatch soon = new CountDownLatch(1);
            s.schedule("R3", clock.instant(), soon::countDown);
            assertTrue(soon.await(10, TimeUnit.SECONDS), "the scheduler stopped working");
            assertEquals(0, ran.get());
        }
    }

    @Test
    void reschedulingReplacesAndNullCancels() throws Exception {
        Clock clock = Clock.systemUTC();
        try (ExpiryScheduler s = new ExpiryScheduler(clock, "expiry-test")) {
            AtomicInteger first = new AtomicInteger();
            CountDownLatch second = new CountDownLatch(1);
            AtomicInteger cancelled = new AtomicInteger();
            // The replaced and cancelled schedules lie far enough ahead that even a loaded machine replaces
            // them before they are due; the test then waits past that instant.
            Instant farAhead = clock.instant().plusMillis(1_500);
            s.schedule("R1", farAhead, first::incrementAndGet);
            s.schedule("R1", clock.instant().plusMillis(20), second::countDown);
            s.schedule("R2", farAhead, cancelled::incrementAndGet);
            s.schedule("R2", null, cancelled::incrementAndGet);
            assertTrue(second.await(10, TimeUnit.SECONDS));
            Thread.sleep(Math.max(0, java.time.Duration.between(clock.instant(), farAhead).toMillis()) + 300);
            assertEquals(0, first.get(), "replaced schedule still ran");
            assertEquals(0, cancelled.get(), "cancelled schedule still ran");
        }
    }

    @Test
    void aPastInstantRunsAtOnce() throws Exception {
        Clock clock = Clock.systemUTC();
        try (ExpiryScheduler s = new ExpiryScheduler(clock, "expiry-test")) {
            CountDownLatch ran = new CountDownLatch(1);
            s.schedule("R1", Instant.EPOCH, ran::countDown);
            assertTrue(ran.await(10, TimeUnit.SECONDS));
        }
    }
}
