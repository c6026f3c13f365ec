package org.ttp4j.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.ttp4j.inotify.Inotify;
import org.ttp4j.inotify.InotifyEvent;
import org.ttp4j.inotify.InotifyHandler;
import org.ttp4j.inotify.InotifyWatcher;

/**
 * Delivery latency: {@code rename(2)} of a file in a tmpfs directory until a reader thread has seen
 * the {@code IN_MOVED_TO} (the benchmark thread spins on the reader's counter). Three readers watch
 * the same kind of directory in the same run:
 * <ul>
 *   <li>{@code ttp4j}: {@link InotifyWatcher} and a handler that counts;
 *   <li>{@code jdk}: {@code java.nio.file.WatchService} with a thread in {@code take()} (ENTRY_CREATE);
 *   <li>{@code c}: the physical floor: a pthread blocked in {@code read(2)} on an inotify fd, compiled
 *       by gcc at setup into a shared library and loaded through FFM; it bumps a counter Java polls.
 * </ul>
 * The rename goes through FFM with preallocated paths, so the operation itself costs the same for all.
 * For {@code ttp4j}, each iteration also prints the bytes the reader thread allocated per event.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DeliveryLatencyBenchmark {
    @Param({"ttp4j", "jdk", "c"})
    public String reader;

    private static final MethodHandle RENAME = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("rename").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));

    private Path dir;
    private Arena arena;
    private MemorySegment pathA;
    private MemorySegment pathB;
    private boolean atA = true;
    private Reader delivered;
    private long iterationEvents;
    private long iterationAllocated;

    /** A reader under test: how many IN_MOVED_TO (or ENTRY_CREATE) it has seen. */
    interface Reader extends AutoCloseable {
        long count();

        @Override
        void close() throws Exception;
    }

    @Setup(Level.Trial)
    public void start() throws Throwable {
        dir = Tmpfs.newDirectory("ttp4j-bench");
        arena = Arena.ofShared();
        pathA = arena.allocateFrom(dir.resolve("R0001.yaml").toString());
        pathB = arena.allocateFrom(dir.resolve("R0002.yaml").toString());
        Files.writeString(dir.resolve("R0001.yaml"), "rule_id: R0001\n");
        delivered = switch (reader) {
            case "ttp4j" -> new Ttp4jReader(dir);
            case "jdk" -> new JdkReader(dir);
            case "c" -> new CReader(dir, arena);
            default -> throw new IllegalArgumentException(reader);
        };
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        delivered.close();
        Tmpfs.deleteTree(dir);
        arena.close();
    }

    @Setup(Level.Iteration)
    public void markAllocation() {
        if (delivered instanceof Ttp4jReader t) {
            iterationEvents = t.count();
            iterationAllocated = t.allocatedAtBatchEnd;
        }
    }

    @TearDown(Level.Iteration)
    public void reportAllocation() {
        if (delivered instanceof Ttp4jReader t && t.count() > iterationEvents) {
            double perEvent = (double) (t.allocatedAtBatchEnd - iterationAllocated) / (t.count() - iterationEvents);
            System.out.printf("%n[ttp4j reader thread] %.3f bytes allocated per event over %d events%n", perEvent, t.count() - iterationEvents);
        }
    }

    @Benchmark
    public long renameUntilDelivered() throws Throwable {
        long before = delivered.count();
        int rc = atA ? (int) RENAME.invokeExact(pathA, pathB) : (int) RENAME.invokeExact(pathB, pathA);
        if (rc != 0) {
            throw new IOException("rename failed in " + dir);
        }
        atA = !atA;
        long deadline = 0;
        for (int spins = 0; delivered.count() == before; spins++) {
            Thread.onSpinWait();
            if ((spins & 0xffff) == 0xffff) {
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + TimeUnit.SECONDS.toNanos(5);
                } else if (now > deadline) {
                    throw new IllegalStateException(reader + " reader saw no event within 5 s");
                }
            }
        }
        return before;
    }

    static final class Ttp4jReader implements Reader, InotifyHandler {
        private final InotifyWatcher watcher;
        private final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        private volatile long count;
        volatile long allocatedAtBatchEnd;

        Ttp4jReader(Path dir) throws IOException {
            watcher = new InotifyWatcher(this, "ttp4j-bench-reader", InotifyWatcher.MIN_BUFFER_SIZE);
            watcher.addWatch(dir, Inotify.IN_MOVED_TO);
        }

        @Override
        public void onEvent(InotifyEvent e) {
            if ((e.mask() & Inotify.IN_MOVED_TO) != 0) {
                count = count + 1; // single writer
            }
        }

        @Override
        public void onBatchEnd() {
            allocatedAtBatchEnd = threads.getCurrentThreadAllocatedBytes();
        }

        @Override
        public long count() {
            return count;
        }

        @Override
        public void close() {
            watcher.close();
        }
    }

    static final class JdkReader implements Reader {
        private final WatchService service;
        private final Thread thread;
        private volatile long count;

        JdkReader(Path dir) throws IOException {
            service = FileSystems.getDefault().newWatchService();
            dir.register(service, StandardWatchEventKinds.ENTRY_CREATE);
            thread = Thread.ofPlatform().name("jdk-watchservice-bench-reader").daemon(true).start(this::loop);
        }

        private void loop() {
            try {
                while (true) {
                    WatchKey key = service.take();
                    for (WatchEvent<?> event : key.pollEvents()) {
                        if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE) {
                            count = count + 1;
                        }
                    }
                    key.reset();
                }
            } catch (InterruptedException | ClosedWatchServiceException stop) {
                // closed
            }
        }

        @Override
        public long count() {
            return count;
        }

        @Override
        public void close() throws Exception {
            service.close();
            thread.join();
        }
    }

    /** A minimal C reader: one pthread blocked in read(2), counting IN_MOVED_TO into a counter Java polls. */
    static final class CReader implements Reader {
        private static final String SOURCE = """
                #include <pthread.h>
                #include <stdatomic.h>
                #include <sys/inotify.h>
                #include <unistd.h>
                static int fd = -1, wd = -1;
                static pthread_t thread;
                static _Atomic long counter;
                static atomic_int stopping;
                static void *loop(void *arg) {
                  static char buf[65536] __attribute__((aligned(8)));
                  (void) arg;
                  while (!atomic_load(&stopping)) {
                    ssize_t n = read(fd, buf, sizeof buf);
                    for (char *p = buf; n > 0 && p < buf + n; ) {
                      struct inotify_event *e = (struct inotify_event *) p;
                      if (e->mask & IN_MOVED_TO) atomic_fetch_add(&counter, 1);
                      p += sizeof *e + e->len;
                    }
                  }
                  return 0;
                }
                int creader_start(const char *dir) {
                  fd = inotify_init1(IN_CLOEXEC);
                  if (fd < 0) return -1;
                  wd = inotify_add_watch(fd, dir, IN_MOVED_TO);
                  if (wd < 0) return -1;
                  return pthread_create(&thread, 0, loop, 0) == 0 ? 0 : -1;
                }
                long *creader_counter(void) { return (long *) &counter; }
                void creader_stop(void) {
                  atomic_store(&stopping, 1);
                  inotify_rm_watch(fd, wd); /* IN_IGNORED wakes the blocked read */
                  pthread_join(thread, 0);
                  close(fd);
                }
                """;
        private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
        private final MemorySegment counter;
        private final MethodHandle stop;

        CReader(Path dir, Arena arena) throws Throwable {
            Path source = Files.writeString(dir.getParent().resolve(dir.getFileName() + "-creader.c"), SOURCE);
            Path lib = dir.getParent().resolve(dir.getFileName() + "-creader.so");
            SymbolLookup so;
            try {
                Process gcc = new ProcessBuilder("gcc", "-O2", "-shared", "-fPIC", "-pthread", "-o", lib.toString(),
                        source.toString()).redirectErrorStream(true).start();
                String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (gcc.waitFor() != 0) {
                    throw new IllegalStateException("gcc could not build the C reader (is gcc installed?): " + out);
                }
                so = SymbolLookup.libraryLookup(lib, arena);
            } finally { // the library is mapped once loaded: neither file is needed, on tmpfs they would stay
                Files.deleteIfExists(source);
                Files.deleteIfExists(lib);
            }
            Linker linker = Linker.nativeLinker();
            MethodHandle start = linker.downcallHandle(so.find("creader_start").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            MethodHandle counterAddress = linker.downcallHandle(so.find("creader_counter").orElseThrow(), FunctionDescriptor.of(ValueLayout.ADDRESS));
            stop = linker.downcallHandle(so.find("creader_stop").orElseThrow(), FunctionDescriptor.ofVoid());
            if ((int) start.invokeExact(arena.allocateFrom(dir.toString())) != 0) {
                throw new IllegalStateException("the C reader could not watch " + dir);
            }
            counter = ((MemorySegment) counterAddress.invokeExact()).reinterpret(Long.BYTES);
        }

        @Override
        public long count() {
            return (long) LONG.getAcquire(counter, 0L);
        }

        @Override
        public void close() throws Exception {
            try {
                stop.invokeExact();
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }
}
