package org.ttp4j.inotify;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.ttp4j.inotify.linux.LibInotify;

/**
 * The thin layer over the jextract output: the same libc symbols and function descriptors, linked
 * again with {@code errno} captured into a caller-supplied call-state segment (one preallocated per
 * thread), so that a failure can name its errno. None is {@code critical}: {@code read} blocks. Each method returns the raw result; on a negative one the errno is in
 * {@link #errno(MemorySegment)}.
 */
final class Syscalls {
    private Syscalls() {}

    /** Layout of the call-state segment every call here writes errno into. */
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle INOTIFY_INIT1 = link(LibInotify.inotify_init1$address(), LibInotify.inotify_init1$descriptor());
    private static final MethodHandle INOTIFY_ADD_WATCH = link(LibInotify.inotify_add_watch$address(), LibInotify.inotify_add_watch$descriptor());
    private static final MethodHandle INOTIFY_RM_WATCH = link(LibInotify.inotify_rm_watch$address(), LibInotify.inotify_rm_watch$descriptor());
    private static final MethodHandle READ = link(LibInotify.read$address(), LibInotify.read$descriptor());
    private static final MethodHandle CLOSE = link(LibInotify.close$address(), LibInotify.close$descriptor());

    private static MethodHandle link(MemorySegment address, FunctionDescriptor descriptor) {
        return Linker.nativeLinker().downcallHandle(address, descriptor, Linker.Option.captureCallState("errno"));
    }

    static int errno(MemorySegment callState) {
        return callState.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
    }

    static InotifyException failure(String call, MemorySegment callState, String detail) {
        return new InotifyException(call, errno(callState), detail);
    }

    static int inotifyInit1(MemorySegment callState, int flags) {
        try {
            return (int) INOTIFY_INIT1.invokeExact(callState, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int inotifyAddWatch(MemorySegment callState, int fd, MemorySegment path, int mask) {
        try {
            return (int) INOTIFY_ADD_WATCH.invokeExact(callState, fd, path, mask);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int inotifyRmWatch(MemorySegment callState, int fd, int wd) {
        try {
            return (int) INOTIFY_RM_WATCH.invokeExact(callState, fd, wd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static long read(MemorySegment callState, int fd, MemorySegment buf, long count) {
        try {
            return (long) READ.invokeExact(callState, fd, buf, count);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int close(MemorySegment callState, int fd) {
        try {
            return (int) CLOSE.invokeExact(callState, fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("unexpected checked exception from a downcall", t);
    }
}
