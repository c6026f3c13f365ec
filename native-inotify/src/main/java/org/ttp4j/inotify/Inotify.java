package org.ttp4j.inotify;

/**
 * Linux inotify: the event mask bits of {@code <sys/inotify.h>} and whether inotify can be used in
 * this JVM. The constants are the values jextract generated into {@code org.ttp4j.inotify.linux},
 * written here as compile-time constants (usable in {@code switch}, and readable without native
 * access, which the generated class needs to initialise); {@code InotifyConstantsTest} checks each
 * against the generated binding and {@code AbiTest} against the machine's headers.
 *
 * <p>Use {@link InotifyWatcher} to watch directories. The module needs native access:
 * {@code --enable-native-access=org.ttp4j.inotify} (or {@code ALL-UNNAMED} on the class path).
 */
public final class Inotify {
    private Inotify() {}

    // Events a watch can report (and ask for).
    public static final int IN_ACCESS = 0x00000001;
    public static final int IN_MODIFY = 0x00000002;
    public static final int IN_ATTRIB = 0x00000004;
    public static final int IN_CLOSE_WRITE = 0x00000008;
    public static final int IN_CLOSE_NOWRITE = 0x00000010;
    public static final int IN_CLOSE = 0x00000018;
    public static final int IN_OPEN = 0x00000020;
    public static final int IN_MOVED_FROM = 0x00000040;
    public static final int IN_MOVED_TO = 0x00000080;
    public static final int IN_MOVE = 0x000000c0;
    public static final int IN_CREATE = 0x00000100;
    public static final int IN_DELETE = 0x00000200;
    public static final int IN_DELETE_SELF = 0x00000400;
    public static final int IN_MOVE_SELF = 0x00000800;
    public static final int IN_ALL_EVENTS = 0x00000fff;
    // Events the kernel sends unasked.
    public static final int IN_UNMOUNT = 0x00002000;
    public static final int IN_Q_OVERFLOW = 0x00004000;
    public static final int IN_IGNORED = 0x00008000;
    public static final int IN_ISDIR = 0x40000000;
    // Watch options (inotify_add_watch).
    public static final int IN_ONLYDIR = 0x01000000;
    public static final int IN_DONT_FOLLOW = 0x02000000;
    public static final int IN_EXCL_UNLINK = 0x04000000;
    public static final int IN_MASK_CREATE = 0x10000000;
    public static final int IN_MASK_ADD = 0x20000000;
    public static final int IN_ONESHOT = 0x80000000;
    // inotify_init1 flags.
    public static final int IN_CLOEXEC = 0x00080000;
    public static final int IN_NONBLOCK = 0x00000800;

    private static final Throwable UNAVAILABILITY_CAUSE = probe();

    private static Throwable probe() {
        String os = System.getProperty("os.name", "?");
        if (!os.startsWith("Linux")) {
            return new UnsupportedOperationException("inotify is Linux only; this is " + os + " (" + System.getProperty("os.arch") + ")");
        }
        try {
            Syscalls.probe(); // every symbol found, the first call linked
            return null;
        } catch (Throwable t) {
            Throwable root = t instanceof ExceptionInInitializerError && t.getCause() != null ? t.getCause() : t;
            if (root instanceof IllegalCallerException) {
                return new UnsupportedOperationException("native access is not enabled for module org.ttp4j.inotify: "
                        + "run java with --enable-native-access=org.ttp4j.inotify (ALL-UNNAMED on the class path)", root);
            }
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
