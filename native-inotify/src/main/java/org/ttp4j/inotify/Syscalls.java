package org.ttp4j.inotify;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import org.ttp4j.inotify.linux.LibInotify;

/**
 * The thin layer over the jextract output: the libc symbols and function descriptors of {@link LibInotify}, linked
 * with {@code errno} captured into a caller-supplied call-state segment (one preallocated per thread), so that a
 * failure can name its errno. None is {@code critical}: {@code read} blocks. Each method returns the raw result; on a
 * negative one the errno is in {@link #errno(MemorySegment)}.
 *
 * <p>Each call is linked at its first use, by its own holder class: linking one costs the JVM about ten
 * milliseconds of spinning a stub class (one per distinct signature: {@code close} shares {@code
 * inotify_init1}'s), and a command that starts watching needs only {@code inotify_init1} and {@code
 * inotify_add_watch} before it is ready (the reader's {@code read} links on the watcher thread; {@code close}
 * and {@code inotify_rm_watch} when they are called). The descriptors are written here from the generated
 * layouts rather than read from {@code LibInotify.f$descriptor()}, which would link the generated handle as well
 * (a second stub per call, never used); a test checks that each equals the generated one and that each symbol
 * resolves to the generated address ({@code InotifyConstantsTest}).
 */
final class Syscalls {
    private Syscalls() {}

    /** Layout of the call-state segment every call here writes errno into. */
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    /** The calls linked here, in the order of {@link #DESCRIPTORS}. */
    static final List<String> NAMES = List.of("inotify_init1", "inotify_add_watch", "inotify_rm_watch", "read", "close");
    /** {@code int inotify_init1(int)}, {@code int inotify_add_watch(int, const char *, uint32_t)}, {@code int
     * inotify_rm_watch(int, int)}, {@code ssize_t read(int, void *, size_t)}, {@code int close(int)}. */
    static final List<FunctionDescriptor> DESCRIPTORS = List.of(
            FunctionDescriptor.of(LibInotify.C_INT, LibInotify.C_INT),
            FunctionDescriptor.of(LibInotify.C_INT, LibInotify.C_INT, LibInotify.C_POINTER, LibInotify.C_INT),
            FunctionDescriptor.of(LibInotify.C_INT, LibInotify.C_INT, LibInotify.C_INT),
            FunctionDescriptor.of(LibInotify.C_LONG, LibInotify.C_INT, LibInotify.C_POINTER, LibInotify.C_LONG),
            FunctionDescriptor.of(LibInotify.C_INT, LibInotify.C_INT));

    /** Where {@code name} is in this process's libc; throws when it is not there. */
    static MemorySegment symbol(String name) {
        return Linker.nativeLinker().defaultLookup().find(name)
                .orElseThrow(() -> new UnsupportedOperationException("libc has no symbol " + name));
    }

    /**
     * Checks that every symbol is in libc and links the first call: what tells whether inotify can be used here
     * (the first link is the one that fails without native access).
     */
    static void probe() {
        NAMES.forEach(Syscalls::symbol);
        Init1.HANDLE.type();
    }

    private static MethodHandle link(int call) {
        return Linker.nativeLinker().downcallHandle(symbol(NAMES.get(call)), DESCRIPTORS.get(call),
                Linker.Option.captureCallState("errno"));
    }

    private static final class Init1 {
        static final MethodHandle HANDLE = link(0);
    }

    private static final class AddWatch {
        static final MethodHandle HANDLE = link(1);
    }

    private static final class RmWatch {
        static final MethodHandle HANDLE = link(2);
    }

    private static final class Read {
        static final MethodHandle HANDLE = link(3);
    }

    private static final class Close {
        static final MethodHandle HANDLE = link(4);
    }

    static int errno(MemorySegment callState) {
        return callState.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
    }

    static InotifyException failure(String call, MemorySegment callState, String detail) {
        return new InotifyException(call, errno(callState), detail);
    }

    static int inotifyInit1(MemorySegment callState, int flags) {
        try {
            return (int) Init1.HANDLE.invokeExact(callState, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int inotifyAddWatch(MemorySegment callState, int fd, MemorySegment path, int mask) {
        try {
            return (int) AddWatch.HANDLE.invokeExact(callState, fd, path, mask);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int inotifyRmWatch(MemorySegment callState, int fd, int wd) {
        try {
            return (int) RmWatch.HANDLE.invokeExact(callState, fd, wd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static long read(MemorySegment callState, int fd, MemorySegment buf, long count) {
        try {
            return (long) Read.HANDLE.invokeExact(callState, fd, buf, count);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int close(MemorySegment callState, int fd) {
        try {
            return (int) Close.HANDLE.invokeExact(callState, fd);
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
