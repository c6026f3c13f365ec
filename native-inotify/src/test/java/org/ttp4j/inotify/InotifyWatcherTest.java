package org.ttp4j.inotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ttp4j.inotify.Inotify.IN_CLOSE_WRITE;
import static org.ttp4j.inotify.Inotify.IN_CREATE;
import static org.ttp4j.inotify.Inotify.IN_DELETE;
import static org.ttp4j.inotify.Inotify.IN_DELETE_SELF;
import static org.ttp4j.inotify.Inotify.IN_IGNORED;
import static org.ttp4j.inotify.Inotify.IN_MOVED_FROM;
import static org.ttp4j.inotify.Inotify.IN_MOVED_TO;
import static org.ttp4j.inotify.Inotify.IN_MOVE_SELF;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher against the real kernel: real inotify fds on real directories, no mocks. */
class InotifyWatcherTest {
    static final int RULE_MASK = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF;

    @TempDir
    Path tmp;
    Path dir;
    RecordingHandler handler;
    InotifyWatcher watcher;
    String readerName;
    int wd;

    /** Gives every reader thread its own name (at most 15 chars, the kernel's comm), to find it in /proc. */
    private static final AtomicInteger READERS = new AtomicInteger();

    static String readerName() {
        return "inotify-t" + READERS.incrementAndGet();
    }

    @BeforeEach
    void watch() throws IOException {
        dir = Files.createDirectory(tmp.resolve("ttp"));
        handler = new RecordingHandler();
        readerName = readerName();
        watcher = new InotifyWatcher(handler, readerName, InotifyWatcher.MIN_BUFFER_SIZE);
        wd = watcher.addWatch(dir, RULE_MASK);
    }

    @AfterEach
    void close() {
        watcher.close();
        assertTrue(handler.errors.isEmpty(), () -> "handler errors: " + handler.errors);
    }

    @Test
    void createReportsTheName() throws Exception {
        Files.createFile(dir.resolve("T1078.yaml"));
        var seen = handler.awaitEvent(e -> e.has(IN_CREATE));
        var create = seen.getLast();
        assertEquals("T1078.yaml", create.name());
        assertEquals(wd, create.wd());
        assertFalse(create.has(Inotify.IN_ISDIR));
    }

    @Test
    void writeAndCloseReportsCloseWrite() throws Exception {
        Files.writeString(dir.resolve("R0001.yaml"), "rule_id: R0001\n");
        var seen = handler.awaitEvent(e -> e.has(IN_CLOSE_WRITE));
        assertEquals("R0001.yaml", seen.getLast().name());
        assertTrue(seen.stream().anyMatch(e -> e.has(IN_CREATE) && e.name().equals("R0001.yaml")), seen::toString);
    }

    @Test
    void atomicRenamePairsBothHalvesInOneBatch() throws Exception {
        Path scratch = Files.writeString(dir.resolve(".R0001.yaml.tmp"), "rule_id: R0001\n");
        handler.awaitEvent(e -> e.has(IN_CLOSE_WRITE));
        Files.move(scratch, dir.resolve("R0001.yaml"), StandardCopyOption.ATOMIC_MOVE);
        var from = handler.awaitEvent(e -> e.has(IN_MOVED_FROM)).getLast();
        var to = handler.awaitEvent(e -> e.has(IN_MOVED_TO)).getLast();
        assertEquals(".R0001.yaml.tmp", from.name());
        assertEquals("R0001.yaml", to.name());
        assertNotEquals(0, from.cookie());
        assertEquals(from.cookie(), to.cookie());
        assertEquals(from.batch(), to.batch(), "both halves of one rename arrive in one read");
        assertTrue(from.paired() && to.paired(), "each half finds the other in the batch");
    }

    @Test
    void deleteReportsDelete() throws Exception {
        Path file = Files.createFile(dir.resolve("R0002.yml"));
        handler.awaitEvent(e -> e.has(IN_CREATE));
        Files.delete(file);
        assertEquals("R0002.yml", handler.awaitEvent(e -> e.has(IN_DELETE)).getLast().name());
    }

    @Test
    void moveOutIsAnUnpairedMovedFrom() throws Exception {
        Path file = Files.createFile(dir.resolve("R0003.yaml"));
        handler.awaitEvent(e -> e.has(IN_CREATE));
        Files.move(file, tmp.resolve("R0003.yaml"), StandardCopyOption.ATOMIC_MOVE);
        var from = handler.awaitEvent(e -> e.has(IN_MOVED_FROM)).getLast();
        assertEquals("R0003.yaml", from.name());
        assertFalse(from.paired(), "the other half went to an unwatched directory");
    }

    @Test
    void rmdirOfTheWatchedDirectoryReportsDeleteSelfThenIgnored() throws Exception {
        Files.delete(dir);
        var seen = handler.awaitEvent(e -> e.has(IN_IGNORED));
        assertTrue(seen.stream().anyMatch(e -> e.has(IN_DELETE_SELF) && e.wd() == wd), seen::toString);
        assertEquals(wd, seen.getLast().wd());
        assertFalse(watcher.removeWatch(wd), "the kernel already dropped the watch");
    }

    @Test
    void removeWatchDeliversIgnored() throws Exception {
        assertTrue(watcher.removeWatch(wd));
        assertEquals(wd, handler.awaitEvent(e -> e.has(IN_IGNORED)).getLast().wd());
        assertFalse(watcher.removeWatch(wd));
    }

    @Test
    void addWatchOnAMissingDirectoryNamesCallErrnoAndPath() {
        Path missing = tmp.resolve("missing");
        var e = assertThrows(InotifyException.class, () -> watcher.addWatch(missing, RULE_MASK));
        assertEquals("inotify_add_watch: ENOENT (No such file or directory): " + missing, e.getMessage());
        assertEquals("ENOENT", e.errnoName());
        assertEquals("inotify_add_watch", e.call());
    }

    @Test
    void burstOf20000FilesLosesNothing() throws Exception {
        int files = 20_000;
        Set<String> created = new HashSet<>();
        for (int i = 0; i < files; i++) {
            Files.createFile(dir.resolve("T" + i + ".yaml"));
        }
        var seen = handler.awaitEvent(e -> e.has(IN_CREATE) && e.name().equals("T" + (files - 1) + ".yaml"));
        seen.stream().filter(e -> e.has(IN_CREATE)).forEach(e -> created.add(e.name()));
        assertEquals(0, handler.overflows, "no overflow while the reader keeps up");
        assertEquals(files, created.size());
        for (int i = 0; i < files; i++) {
            assertTrue(created.contains("T" + i + ".yaml"), "T" + i + ".yaml");
        }
    }

    @Test
    void aStalledConsumerGetsAnOverflowNotSilence() throws Exception {
        int maxQueued = maxQueuedEvents();
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger events = new AtomicInteger();
        CountDownLatch overflowed = new CountDownLatch(1);
        Path stallDir = Files.createDirectory(tmp.resolve("stall"));
        try (var stalling = new InotifyWatcher(new InotifyHandler() {
            @Override
            public void onEvent(InotifyEvent e) {
                events.incrementAndGet();
                stalled.countDown();
                try {
                    release.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onOverflow() {
                overflowed.countDown();
            }
        })) {
            stalling.addWatch(stallDir, IN_CREATE);
            Files.createFile(stallDir.resolve("first"));
            assertTrue(stalled.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < maxQueued + 100; i++) {
                Files.createFile(stallDir.resolve("f" + i));
            }
            release.countDown();
            assertTrue(overflowed.await(10, TimeUnit.SECONDS), "IN_Q_OVERFLOW reported through onOverflow");
            assertTrue(events.get() <= maxQueued + 1, "the kernel dropped what did not fit: " + events.get());
        }
    }

    @Test
    void thousandWatchersReleaseEveryFd() throws Exception {
        long before = openFds();
        for (int i = 0; i < 1000; i++) {
            try (var w = new InotifyWatcher(new RecordingHandler())) {
                w.addWatch(dir, RULE_MASK);
            }
        }
        assertEquals(before, openFds(), "fds in /proc/self/fd before and after 1,000 watchers");
    }

    @Test
    void closeWhileTheReaderIsBlockedReturns() throws Exception {
        Files.createFile(dir.resolve("a.yaml"));
        handler.awaitEvent(e -> e.has(IN_CREATE));
        awaitBlockedInRead(readerName);
        assertTimeoutPreemptively(Duration.ofSeconds(5), watcher::close);
        assertFalse(watcher.isOpen());
        watcher.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> watcher.addWatch(dir, RULE_MASK));
        assertThrows(IllegalStateException.class, () -> watcher.removeWatch(wd));
    }

    @Test
    void closeReturnsWithNoWatchLeft() throws Exception {
        String bareName = readerName();
        try (var bare = new InotifyWatcher(new RecordingHandler(), bareName, InotifyWatcher.MIN_BUFFER_SIZE)) {
            awaitBlockedInRead(bareName); // with nothing watched
            assertTimeoutPreemptively(Duration.ofSeconds(5), bare::close);
            assertFalse(bare.isOpen());
        }
        String droppedName = readerName();
        var droppedHandler = new RecordingHandler();
        var dropped = new InotifyWatcher(droppedHandler, droppedName, InotifyWatcher.MIN_BUFFER_SIZE);
        Path gone = Files.createDirectory(tmp.resolve("gone"));
        dropped.addWatch(gone, IN_CREATE);
        Files.delete(gone); // the kernel drops the watch: close cannot use it
        droppedHandler.awaitEvent(e -> e.has(IN_IGNORED));
        awaitBlockedInRead(droppedName);
        assertTimeoutPreemptively(Duration.ofSeconds(5), dropped::close);
    }

    @Test
    void closeFromTheHandlerStopsTheReader() throws Exception {
        var closed = new CountDownLatch(1);
        var holder = new InotifyWatcher[1];
        holder[0] = new InotifyWatcher(event -> {
            holder[0].close();
            closed.countDown();
        });
        holder[0].addWatch(dir, IN_CREATE);
        Files.createFile(dir.resolve("b.yaml"));
        assertTrue(closed.await(10, TimeUnit.SECONDS));
        assertTimeoutPreemptively(Duration.ofSeconds(5), holder[0]::close);
        assertFalse(holder[0].isOpen());
    }

    @Test
    void nothingIsDeliveredAfterCloseFromTheHandler() throws Exception {
        var calls = new AtomicInteger();
        var holder = new InotifyWatcher[1];
        var first = new CountDownLatch(1);
        Path burst = Files.createDirectory(tmp.resolve("burst"));
        for (int i = 0; i < 50; i++) {
            Files.createFile(burst.resolve("f" + i));
        }
        holder[0] = new InotifyWatcher(new InotifyHandler() {
            @Override
            public void onEvent(InotifyEvent event) {
                calls.incrementAndGet();
                holder[0].close();
                first.countDown();
            }

            @Override
            public void onBatchEnd() {
                calls.addAndGet(1000);
            }
        });
        holder[0].addWatch(burst, Inotify.IN_DELETE);
        try (Stream<Path> files = Files.list(burst)) {
            for (Path f : files.toList()) {
                Files.delete(f); // 50 events, most in the first read
            }
        }
        assertTrue(first.await(10, TimeUnit.SECONDS));
        holder[0].close();
        assertEquals(1, calls.get(), "one event, then nothing: no further event and no onBatchEnd");
    }

    @Test
    void watchesAreAddedAndRemovedFromManyThreadsWhileEventsFlow() throws Exception {
        int threads = 4;
        Path[] dirs = new Path[threads];
        for (int t = 0; t < threads; t++) {
            dirs[t] = Files.createDirectory(tmp.resolve("d" + t));
        }
        var failures = new java.util.concurrent.ConcurrentLinkedQueue<Throwable>();
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            Path d = dirs[t];
            workers[t] = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        int w = watcher.addWatch(d, IN_CREATE);
                        Files.createFile(d.resolve("f" + i));
                        assertTrue(watcher.removeWatch(w));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
        }
        for (Thread w : workers) {
            w.join();
        }
        assertTrue(failures.isEmpty(), failures::toString);
        Files.createFile(dir.resolve("still-watched.yaml"));
        assertEquals("still-watched.yaml", handler.awaitEvent(e -> e.has(IN_CREATE) && e.wd() == wd).getLast().name());
    }

    @Test
    void aThrowingHandlerIsReportedAndTheWatcherCarriesOn() throws Exception {
        var errors = new java.util.concurrent.LinkedBlockingQueue<Throwable>();
        var names = new java.util.concurrent.LinkedBlockingQueue<String>();
        try (var w = new InotifyWatcher(new InotifyHandler() {
            @Override
            public void onEvent(InotifyEvent e) {
                if (e.nameEquals("boom".getBytes(StandardCharsets.US_ASCII))) {
                    throw new IllegalStateException("boom");
                }
                names.add(e.name());
            }

            @Override
            public void onError(Throwable error) {
                errors.add(error);
            }
        })) {
            w.addWatch(dir, IN_CREATE);
            Files.createFile(dir.resolve("boom"));
            assertEquals("boom", errors.poll(10, TimeUnit.SECONDS).getMessage());
            Files.createFile(dir.resolve("after"));
            assertEquals("after", names.poll(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void bufferBelow64KiBIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new InotifyWatcher(new RecordingHandler(), "t", 4096));
    }

    /**
     * Waits until the thread named {@code name} is blocked in read(2), as /proc/self/task/TID/syscall shows it: the
     * barrier for "the reader is parked in the kernel", where a Java thread state says only RUNNABLE.
     */
    static void awaitBlockedInRead(String name) throws Exception {
        String read = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "0 ";
            case "aarch64", "riscv64" -> "63 ";
            default -> throw new AssertionError("read(2)'s syscall number on " + System.getProperty("os.arch") + "?");
        };
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        if (Files.readString(task.resolve("comm")).strip().equals(name)
                                && Files.readString(task.resolve("syscall")).startsWith(read)) {
                            return;
                        }
                    } catch (IOException ended) {
                        // the task ended while being read
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("thread " + name + " not blocked in read(2) within 10 s");
            }
            Thread.onSpinWait();
        }
    }

    static int maxQueuedEvents() throws IOException {
        // procfs reports size 0: read it as a plain stream.
        try (InputStream in = Files.newInputStream(Path.of("/proc/sys/fs/inotify/max_queued_events"))) {
            return Integer.parseInt(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        }
    }

    static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    static List<String> names(List<RecordingHandler.Seen> seen) {
        return seen.stream().map(RecordingHandler.Seen::name).toList();
    }
}
