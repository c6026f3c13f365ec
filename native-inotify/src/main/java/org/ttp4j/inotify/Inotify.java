package org.ttp4j.inotify;

import org.ttp4j.inotify.linux.LibInotify;

/**
 * Linux inotify: the event mask bits of {@code <sys/inotify.h>} (values taken from the jextract
 * bindings, checked against the machine's headers by a gcc probe in the tests) and whether inotify
 * can be used in this JVM.
 *
 * <p>Use {@link InotifyWatcher} to watch directories. The module needs native access:
 * {@code --enable-native-access=org.ttp4j.inotify} (or {@code ALL-UNNAMED} on the class path).
 */
public final class Inotify {
    private Inotify() {}

    // Events a watch can report (and ask for).
    public static final int IN_ACCESS = LibInotify.IN_ACCESS();
    public static final int IN_MODIFY = LibInotify.IN_MODIFY();
    public static final int IN_ATTRIB = LibInotify.IN_ATTRIB();
    public static final int IN_CLOSE_WRITE = LibInotify.IN_CLOSE_WRITE();
    public static final int IN_CLOSE_NOWRITE = LibInotify.IN_CLOSE_NOWRITE();
    public static final int IN_CLOSE = LibInotify.IN_CLOSE();
    public static final int IN_OPEN = LibInotify.IN_OPEN();
    public static final int IN_MOVED_FROM = LibInotify.IN_MOVED_FROM();
    public static final int IN_MOVED_TO = LibInotify.IN_MOVED_TO();
    public static final int IN_MOVE = LibInotify.IN_MOVE();
    public static final int IN_CREATE = LibInotify.IN_CREATE();
    public static final int IN_DELETE = LibInotify.IN_DELETE();
    public static final int IN_DELETE_SELF = LibInotify.IN_DELETE_SELF();
    public static final int IN_MOVE_SELF = LibInotify.IN_MOVE_SELF();
    public static final int IN_ALL_EVENTS = LibInotify.IN_ALL_EVENTS();
    // Events the kernel sends unasked.
    public static final int IN_UNMOUNT = LibInotify.IN_UNMOUNT();
    public static final int IN_Q_OVERFLOW = LibInotify.IN_Q_OVERFLOW();
    public static final int IN_IGNORED = LibInotify.IN_IGNORED();
    public static final int IN_ISDIR = LibInotify.IN_ISDIR();
    // Watch options (inotify_add_watch).
    public static final int IN_ONLYDIR = LibInotify.IN_ONLYDIR();
    public static final int IN_DONT_FOLLOW = LibInotify.IN_DONT_FOLLOW();
    public static final int IN_EXCL_UNLINK = LibInotify.IN_EXCL_UNLINK();
    public static final int IN_MASK_CREATE = LibInotify.IN_MASK_CREATE();
    public static final int IN_MASK_ADD = LibInotify.IN_MASK_ADD();
    public static final int IN_ONESHOT = LibInotify.IN_ONESHOT();
    // inotify_init1 flags.
    public static final int IN_CLOEXEC = LibInotify.IN_CLOEXEC();
    public static final int IN_NONBLOCK = LibInotify.IN_NONBLOCK();

    private static final Throwable UNAVAILABILITY_CAUSE = probe();

    private static Throwable probe() {
        String os = System.getProperty("os.name", "?");
        if (!os.startsWith("Linux")) {
            return new UnsupportedOperationException("inotify is Linux only; this is " + os + " (" + System.getProperty("os.arch") + ")");
        }
        try {
            Syscalls.CALL_STATE.byteSize(); // links every downcall handle
            return null;
        } catch (IllegalCallerException e) {
            return new UnsupportedOperationException(
                    "native access is not enabled for module org.ttp4j.inotify: run java with --enable-native-access=org.ttp4j.inotify (ALL-UNNAMED on the class path)", e);
        } catch (Throwable t) {
            Throwable root = t instanceof ExceptionInInitializerError && t.getCause() != null ? t.getCause() : t;
            return new UnsupportedOperationException("inotify is not available: " + root, root);
        }
    }

    /** True when inotify can be used here (Linux, libc symbols found, native access granted). */
    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /** Why inotify cannot be used here (its message is one readable line), or null when it can. */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }

    /** Throws an {@link UnsupportedOperationException} with one readable line unless inotify is available. */
    public static void ensureAvailability() {
        if (UNAVAILABILITY_CAUSE != null) {
            throw new UnsupportedOperationException(UNAVAILABILITY_CAUSE.getMessage(), UNAVAILABILITY_CAUSE);
        }
    }
}
