package org.ttp4j.cli;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * SIGTERM or ctrl-C for a command that streams events ({@code run}, {@code tag}; docs/cli.md §9): reading
 * stops, the event in hand is finished and its tags written, the output is flushed on a line boundary, and the JVM
 * exits with 143 (130 for ctrl-C).
 *
 * <p>Stdout is written only by a thread holding the lock: the event loop holds it while it handles input and lets
 * go of it only around a read that may block; the last flush ({@code finish}) runs once, holding it, either from
 * the loop's thread at the end of the input ({@link #end}) or from the shutdown hook, which then keeps the lock. So
 * the JVM cannot halt while a write to stdout is under way, and nothing is written after the last flush.
 */
final class StopSignal {

    /** How long the hook waits for the event in hand (a stuck stdout reader must not keep the process alive). */
    private static final long WAIT_SECONDS = 10;

    private final ReentrantLock lock = new ReentrantLock();
    private final Runnable finish;
    private volatile boolean requested;
    private boolean finished; // guarded by lock

    private StopSignal(Runnable finish) {
        this.finish = finish;
    }

    /** A signal no hook raises: the loop runs to the end of its input (tests, embedding). */
    static StopSignal none() {
        return new StopSignal(() -> { });
    }

    /** Installs the shutdown hook that stops the loop and then runs {@code finish} (flush, close) between events. */
    static StopSignal install(Runnable finish) {
        StopSignal signal = new StopSignal(finish);
        Runtime.getRuntime().addShutdownHook(new Thread(signal::stop, "ttp4j-shutdown"));
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

    /**
     * The loop's thread after the loop: runs {@code finish} holding the lock unless the hook has run it (then this
     * waits for the halt, as the hook keeps the lock).
     */
    void end() {
        lock.lock();
        try {
            finishOnce();
        } finally {
            lock.unlock();
        }
    }

    private void finishOnce() {
        if (!finished) {
            finished = true;
            finish.run();
        }
    }

    private void stop() {
        requested = true;
        boolean between;
        try {
            between = lock.tryLock(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            between = false;
        }
        if (between) {
            finishOnce(); // and keep the lock: nothing may be written after the last flush
        }
    }
}
