package org.ttp4j.inotify;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Objects;
import org.ttp4j.inotify.linux.LibInotify;
import org.ttp4j.inotify.linux.pollfd;

/**
 * One inotify instance and the platform thread that reads it. Watches are added and removed from any
 * thread; the reader thread blocks in {@code poll} on the inotify fd and an eventfd (the close signal),
 * {@code read}s whole batches into one preallocated buffer and hands them to the
 * {@link InotifyHandler} through a reused {@link InotifyEvent} flyweight: no allocation per event.
 *
 * <pre>{@code
 * try (var watcher = new InotifyWatcher(handler)) {
 *     int wd = watcher.addWatch(dir, Inotify.IN_CLOSE_WRITE | Inotify.IN_MOVED_TO | Inotify.IN_DELETE);
 *     ...
 * }
 * }</pre>
 * {@link #close()} is idempotent and prompt: it wakes the reader, joins it (unless called from a
 * callback, on the reader thread itself) and releases both fds and the buffer.
 */
public final class InotifyWatcher implements AutoCloseable {
    /** Smallest and default read buffer: room for at least 256 events with 255-byte names. */
    public static final int MIN_BUFFER_SIZE = 64 * 1024;

    private static final System.Logger LOG = System.getLogger(InotifyWatcher.class.getName());
    private static final long POLLFD_SIZE = pollfd.layout().byteSize();
    private static final short POLLIN = (short) LibInotify.POLLIN();

    private final InotifyHandler handler;
    private final Object lock = new Object(); // guards the fds against close/reuse while addWatch runs
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer;
    private final MemorySegment pollFds;
    private final MemorySegment readerCallState;
    private final MemorySegment wakeValue;
    private final MemorySegment wakeCallState;
    private final int inotifyFd;
    private final int wakeFd;
    private final Thread reader;
    private final InotifyEvent event = new InotifyEvent();
    private volatile boolean closing;
    private boolean released; // under lock

    /** A watcher with a {@value #MIN_BUFFER_SIZE}-byte buffer and a reader thread named {@code ttp4j-inotify}. */
    public InotifyWatcher(InotifyHandler handler) throws InotifyException {
        this(handler, "ttp4j-inotify", MIN_BUFFER_SIZE);
    }

    /**
     * @param threadName name of the reader thread (a daemon platform thread)
     * @param bufferSize bytes read per {@code read()}, at least {@value #MIN_BUFFER_SIZE}
     * @throws UnsupportedOperationException (one readable line) where inotify is not available
     * @throws InotifyException if the kernel refuses an instance ({@code EMFILE}: see
     *     {@code /proc/sys/fs/inotify/max_user_instances})
     */
    public InotifyWatcher(InotifyHandler handler, String threadName, int bufferSize) throws InotifyException {
        Inotify.ensureAvailability();
        this.handler = Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(threadName, "threadName");
        if (bufferSize < MIN_BUFFER_SIZE) {
            throw new IllegalArgumentException("inotify buffer size " + bufferSize + " is below the minimum " + MIN_BUFFER_SIZE);
        }
        try {
            buffer = arena.allocate(bufferSize, 8);
            pollFds = arena.allocate(POLLFD_SIZE * 2, 8);
            readerCallState = arena.allocate(Syscalls.CALL_STATE);
            wakeCallState = arena.allocate(Syscalls.CALL_STATE);
            wakeValue = arena.allocate(ValueLayout.JAVA_LONG);
            wakeValue.set(ValueLayout.JAVA_LONG, 0, 1L);
            inotifyFd = Syscalls.inotifyInit1(wakeCallState, Inotify.IN_CLOEXEC | Inotify.IN_NONBLOCK);
            if (inotifyFd < 0) {
                throw Syscalls.failure("inotify_init1", wakeCallState, "see /proc/sys/fs/inotify/max_user_instances");
            }
            wakeFd = Syscalls.eventfd(wakeCallState, 0, LibInotify.EFD_CLOEXEC() | LibInotify.EFD_NONBLOCK());
            if (wakeFd < 0) {
                InotifyException failure = Syscalls.failure("eventfd", wakeCallState, null);
                Syscalls.close(wakeCallState, inotifyFd);
                throw failure;
            }
        } catch (InotifyException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        pollfd.fd(pollFds, inotifyFd);
        pollfd.events(pollFds, POLLIN);
        MemorySegment second = pollFds.asSlice(POLLFD_SIZE);
        pollfd.fd(second, wakeFd);
        pollfd.events(second, POLLIN);
        reader = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::readLoop);
        reader.start();
    }

    /**
     * Watches {@code dir} (or a file) for the events in {@code mask}; returns its watch descriptor,
     * the {@link InotifyEvent#wd()} of its events. Adding the same inode again returns the same wd
     * and replaces its mask (or adds to it with {@code IN_MASK_ADD}).
     *
     * @throws InotifyException e.g. {@code ENOENT}, {@code ENOTDIR} (with {@code IN_ONLYDIR}),
     *     {@code EACCES}, {@code ENOSPC} (watch limit: {@code /proc/sys/fs/inotify/max_user_watches})
     * @throws IllegalStateException if this watcher is closed
     */
    public int addWatch(Path dir, int mask) throws InotifyException {
        String path = dir.toString();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment cPath = call.allocateFrom(path);
            MemorySegment callState = call.allocate(Syscalls.CALL_STATE);
            int wd;
            synchronized (lock) {
                ensureOpen();
                wd = Syscalls.inotifyAddWatch(callState, inotifyFd, cPath, mask);
            }
            if (wd < 0) {
                int errno = Syscalls.errno(callState);
                String hint = errno == Errno.ENOSPC.number ? path + " (watch limit: see /proc/sys/fs/inotify/max_user_watches)" : path;
                throw new InotifyException("inotify_add_watch", errno, hint);
            }
            return wd;
        }
    }

    /**
     * Stops the watch {@code wd}; the reader then receives its {@code IN_IGNORED}. Returns false if the
     * kernel had already dropped it ({@code EINVAL}: its directory was deleted or it was removed before).
     *
     * @throws IllegalStateException if this watcher is closed
     */
    public boolean removeWatch(int wd) throws InotifyException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment callState = call.allocate(Syscalls.CALL_STATE);
            int rc;
            synchronized (lock) {
                ensureOpen();
                rc = Syscalls.inotifyRmWatch(callState, inotifyFd, wd);
            }
            if (rc < 0) {
                int errno = Syscalls.errno(callState);
                if (errno == Errno.EINVAL.number) {
                    return false;
                }
                throw new InotifyException("inotify_rm_watch", errno, "wd " + wd);
            }
            return true;
        }
    }

    /** True until {@link #close()} is called or the reader stopped on an error. */
    public boolean isOpen() {
        synchronized (lock) {
            return !closing && !released;
        }
    }

    private void ensureOpen() {
        if (closing || released) {
            throw new IllegalStateException("inotify watcher is closed");
        }
    }

    /** Wakes and joins the reader thread, then releases the inotify fd, the eventfd and the buffer. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (!closing) {
                closing = true;
                if (!released) {
                    Syscalls.write(wakeCallState, wakeFd, wakeValue, Long.BYTES); // only EAGAIN if already signalled
                }
            }
        }
        if (Thread.currentThread() != reader) {
            boolean interrupted = false;
            while (reader.isAlive()) {
                try {
                    reader.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void readLoop() {
        try {
            while (!closing) {
                int ready = Syscalls.poll(readerCallState, pollFds, 2, -1);
                if (ready < 0) {
                    if (Syscalls.errno(readerCallState) == Errno.EINTR.number) {
                        continue;
                    }
                    throw Syscalls.failure("poll", readerCallState, null);
                }
                if (closing) {
                    break;
                }
                long n = Syscalls.read(readerCallState, inotifyFd, buffer, buffer.byteSize());
                if (n < 0) {
                    int errno = Syscalls.errno(readerCallState);
                    if (errno == Errno.EAGAIN.number || errno == Errno.EINTR.number) {
                        continue;
                    }
                    throw Syscalls.failure("read", readerCallState, "inotify fd " + inotifyFd);
                }
                dispatch(n);
            }
        } catch (Throwable t) {
            report(t);
        } finally {
            release();
        }
    }

    private void dispatch(long n) {
        InotifyEvent e = event;
        long at = 0;
        while (at < n) {
            try {
                e.wrap(buffer, at, n, 0);
            } catch (IllegalArgumentException malformed) {
                report(malformed);
                break;
            }
            at = e.nextOffset();
            try {
                if ((e.mask() & Inotify.IN_Q_OVERFLOW) != 0) {
                    handler.onOverflow();
                } else {
                    handler.onEvent(e);
                }
            } catch (Throwable t) {
                report(t);
            }
        }
        try {
            handler.onBatchEnd();
        } catch (Throwable t) {
            report(t);
        }
    }

    private void report(Throwable t) {
        try {
            handler.onError(t);
        } catch (Throwable inHandler) {
            inHandler.addSuppressed(t);
            LOG.log(System.Logger.Level.ERROR, "inotify handler onError threw", inHandler);
        }
    }

    private void release() {
        synchronized (lock) {
            released = true;
            Syscalls.close(readerCallState, wakeFd);
            Syscalls.close(readerCallState, inotifyFd);
        }
        arena.close();
    }
}
