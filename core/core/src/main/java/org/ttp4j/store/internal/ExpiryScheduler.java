package org.ttp4j.store.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Makes expiry active (docs/state.md §4): runs a store's revert for a rule at the instant its state expires,
 * whether or not anyone reads the state. One schedule per rule id: scheduling again replaces it.
 * One daemon thread per scheduler; {@link #close()} cancels everything.
 */
public final class ExpiryScheduler implements AutoCloseable {
    private final Clock clock;
    private final ScheduledThreadPoolExecutor executor;
    private final Map<String, Job> scheduled = new ConcurrentHashMap<>();

    public ExpiryScheduler(Clock clock, String threadName) {
        this.clock = clock;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        this.executor.setRemoveOnCancelPolicy(true);
        this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Runs {@code revert} for {@code ruleId} at {@code at} (at once if it has passed), replacing any earlier
     * schedule for that id; a null {@code at} just cancels. The revert runs on the scheduler thread a little
     * after {@code at}; it should re-check, under the store's own lock, that the state it reverts is still the
     * one that expired.
     */
    public void schedule(String ruleId, Instant at, Runnable revert) {
        Job old;
        if (at == null) {
            old = scheduled.remove(ruleId);
        } else {
            Job job = new Job(ruleId, revert);
            old = scheduled.put(ruleId, job);
            // One millisecond late rather than early: the executor's timer and the clock may disagree slightly.
            // Past about 292 years the delay does not fit in nanoseconds: it is then "never" for this process.
            long delayNanos;
            try {
                delayNanos = Math.addExact(Math.max(0, Duration.between(clock.instant(), at).toNanos()), 1_000_000);
            } catch (ArithmeticException tooFar) {
                delayNanos = Long.MAX_VALUE;
            }
            job.future = executor.schedule(job, delayNanos, TimeUnit.NANOSECONDS);
        }
        if (old != null && old.future != null) {
            old.future.cancel(false);
        }
    }

    /** Schedules waiting in the executor (cancelled ones are removed at once): what may still run. */
    int pending() {
        return executor.getQueue().size();
    }

    private final class Job implements Runnable {
        private final String ruleId;
        private final Runnable revert;
        volatile ScheduledFuture<?> future;

        Job(String ruleId, Runnable revert) {
            this.ruleId = ruleId;
            this.revert = revert;
        }

        @Override
        public void run() {
            scheduled.remove(ruleId, this);
            revert.run();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        scheduled.clear();
    }
}
