package org.ttp4j.inotify;

import java.io.IOException;

/**
 * A failed inotify (or supporting libc) call: names the call, the errno name and its meaning, e.g.
 * {@code inotify_add_watch: ENOENT (No such file or directory): /srv/rules}. Checked, like the
 * {@link IOException} of {@code java.nio.file} it extends: the caller decides (a watched directory that
 * vanished is {@code ENOENT}; a full watch table is {@code ENOSPC}; too many instances is {@code EMFILE}).
 */
public final class InotifyException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    InotifyException(String call, int errno, String detail) {
        super(call + ": " + Errno.name(errno) + " (" + Errno.message(errno) + ")" + (detail == null ? "" : ": " + detail));
        this.call = call;
        this.errno = errno;
    }

    /** The libc function that failed, e.g. {@code inotify_add_watch}. */
    public String call() {
        return call;
    }

    /** The raw errno value. */
    public int errno() {
        return errno;
    }

    /** The symbolic errno name, e.g. {@code ENOENT}, or {@code errno N} for one this library does not name. */
    public String errnoName() {
        return Errno.name(errno);
    }
}
