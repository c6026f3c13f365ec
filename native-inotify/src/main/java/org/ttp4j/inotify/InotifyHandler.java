package org.ttp4j.inotify;

/**
 * Receives what one {@link InotifyWatcher} reads, on its reader thread, one {@code read()} (a batch)
 * at a time: {@link #onEvent} for each record in kernel order, then {@link #onBatchEnd}. The event
 * is a flyweight over the kernel buffer, valid only during the call: copy what you keep.
 *
 * <p>{@code IN_IGNORED} (watch gone: directory deleted, unmounted or watch removed),
 * {@code IN_DELETE_SELF}, {@code IN_MOVE_SELF} and {@code IN_UNMOUNT} arrive as events;
 * {@code IN_Q_OVERFLOW} (the kernel dropped events) arrives as {@link #onOverflow} only.
 * An exception thrown by a callback goes to {@link #onError} and the watcher carries on. No callback
 * starts once {@link InotifyWatcher#close()} has begun (a callback may call it).
 *
 * <p>Callbacks must not allocate per event where that matters: the watcher itself allocates nothing
 * per event, and the kernel queue ({@code /proc/sys/fs/inotify/max_queued_events}) keeps filling
 * while a callback runs.
 */
public interface InotifyHandler {
    /** One event; {@code event} is valid only until this method returns. */
    void onEvent(InotifyEvent event);

    /** After the last event of one batch (one {@code read()}): process the batch as a unit here. */
    default void onBatchEnd() {}

    /** The kernel queue overflowed and events were lost: rescan what you watch. */
    default void onOverflow() {}

    /**
     * A callback threw, the kernel returned a malformed buffer (the rest of that batch is dropped),
     * or a call failed and the watcher stopped (then {@link InotifyWatcher#isOpen()} is false).
     */
    default void onError(Throwable error) {}
}
