package org.ttp4j.inotify;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Copies every callback into a queue the test thread can wait on. */
final class RecordingHandler implements InotifyHandler {
    /** One event, copied out of the flyweight; {@code paired} is true when its move half was in the same batch. */
    record Seen(int wd, int mask, int cookie, String name, boolean paired, int batch) {
        boolean has(int bits) {
            return (mask & bits) != 0;
        }
    }

    final LinkedBlockingQueue<Seen> events = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
    volatile int overflows;
    volatile int batches;

    @Override
    public void onEvent(InotifyEvent e) {
        events.add(new Seen(e.wd(), e.mask(), e.cookie(), e.name(), e.pairedMoveOffset() >= 0, batches));
    }

    @Override
    public void onBatchEnd() {
        batches++;
    }

    @Override
    public void onOverflow() {
        overflows++;
    }

    @Override
    public void onError(Throwable error) {
        errors.add(error);
    }

    /** Waits (up to 10 s) for an event matching {@code what}, returning every event seen up to it. */
    List<Seen> awaitEvent(Predicate<Seen> what) throws InterruptedException {
        List<Seen> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Seen s = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (s == null) {
                throw new AssertionError("no matching inotify event within 10 s; saw " + seen + ", errors " + errors);
            }
            seen.add(s);
            if (what.test(s)) {
                return seen;
            }
        }
    }
}
