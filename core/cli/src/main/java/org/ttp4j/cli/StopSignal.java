package org.ttp4j.cli;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * SIGTERM or ctrl-C for a command that streams events ({@code run}, {@code tag}; docs/cli.md §9): reading
 * stops, the event in hand is finished and its tags written, the output is flushed on a line boundary, and the JVM
 * exits with 143 (130 for ctrl-C). The event loop holds the lock while it handles input and lets go of it only
 * around a read that may block; the shutdown hook takes it, so it always finds the output between two events.
 */
final class StopSignal {

    /** How long the hook waits for the event in hand (a stuck stdout reader must not keep the process alive). */
    private static final long WAIT_SECONDS = 10;

    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean requested;

    private StopSignal() {
    }

    /** A signal no hook raises: the loop runs to the end of its input (tests, embedding). */
    static StopSignal none() {
        return new StopSignal();
    }

    /** Installs the shutdown hook that stops the loop and then runs {@code finish} (flush, close) between events. */
    static StopSignal install(Runnable finish) {
        StopSignal signal = new StopSignal();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> signal.stop(finish), "ttp4j-shutdown"));
        return signal;
    }

    /** True once the process is stopping: the loop must not start another event. */
    boolean requested() {
        return requested;
    }

    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    private void stop(Runnable finish) {
        requested = true;
        boolean between;
        try {
            between = lock.tryLock(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            between = false;
        }
        if (between) {
            finish.run(); // and keep the lock: nothing may be written after the last flush
        }
    }
}
