package org.ttp4j.inotify;

/**
 * Linux errno values the inotify calls can report, with their glibc {@code strerror} text. Facts of
 * the Linux ABI (asm-generic numbering, the same on x86_64 and aarch64); {@code AbiTest} checks every
 * one against the machine's headers and libc.
 */
enum Errno {
    EPERM(1, "Operation not permitted"),
    ENOENT(2, "No such file or directory"),
    EINTR(4, "Interrupted system call"),
    EIO(5, "Input/output error"),
    EBADF(9, "Bad file descriptor"),
    EAGAIN(11, "Resource temporarily unavailable"),
    ENOMEM(12, "Cannot allocate memory"),
    EACCES(13, "Permission denied"),
    EFAULT(14, "Bad address"),
    EEXIST(17, "File exists"),
    ENOTDIR(20, "Not a directory"),
    EINVAL(22, "Invalid argument"),
    ENFILE(23, "Too many open files in system"),
    EMFILE(24, "Too many open files"),
    ENOSPC(28, "No space left on device"),
    ENAMETOOLONG(36, "File name too long"),
    ENOSYS(38, "Function not implemented"),
    ELOOP(40, "Too many levels of symbolic links");

    final int number;
    final String message;

    Errno(int number, String message) {
        this.number = number;
        this.message = message;
    }

    private static final Errno[] BY_NUMBER = new Errno[64];

    static {
        for (Errno e : values()) {
            BY_NUMBER[e.number] = e;
        }
    }

    /** The symbolic name of {@code errno}, or {@code "errno N"} when this table does not know it. */
    static String name(int errno) {
        Errno e = errno >= 0 && errno < BY_NUMBER.length ? BY_NUMBER[errno] : null;
        return e == null ? "errno " + errno : e.name();
    }

    /** The strerror text of {@code errno}, or {@code "Unknown error N"} as glibc says it. */
    static String message(int errno) {
        Errno e = errno >= 0 && errno < BY_NUMBER.length ? BY_NUMBER[errno] : null;
        return e == null ? "Unknown error " + errno : e.message;
    }
}
