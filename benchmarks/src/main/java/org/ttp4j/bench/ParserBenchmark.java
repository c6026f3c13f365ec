package org.ttp4j.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.ttp4j.inotify.Inotify;
import org.ttp4j.inotify.InotifyEvent;
import org.ttp4j.rule.RuleFileNames;

/**
 * One 64 KiB inotify read buffer of realistic records (rule saves, editor swap files, vim's 4913
 * probe, backups, atomic-rename halves), parsed and filtered by the rule-file allowlist. Scores are
 * per record (ops = records).
 *
 * <ul>
 *   <li>{@code flyweight}: {@link InotifyEvent} over the segment + {@link RuleFileNames} on the raw bytes (what the store does).
 *   <li>{@code stringPerName}: a conventional parser: a String per name, then the same allowlist on the String.
 *   <li>{@code stringPerNameRegex}: the same with the allowlist as a precompiled regex (what a port of the Python store would do).
 *   <li>{@code headerOnly}: the floor: walk the records reading only mask and len.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ParserBenchmark {
    static final int RECORDS = 1510;
    private static final String[] NAMES = {"T1110_brute_force.yaml", ".T1110_brute_force.yaml.swp", "4913", "T1078.yaml",
        "T1059_command_and_scripting.yml", "T1110_brute_force.yaml~", ".T1110_brute_force.yaml.swx", "R0001.yaml",
        "R0015_sudo_caching.yaml", ".goutputstream-X1Y2Z3"};
    private static final int[] MASKS = {Inotify.IN_CLOSE_WRITE, Inotify.IN_CREATE, Inotify.IN_CREATE, Inotify.IN_MOVED_TO,
        Inotify.IN_CLOSE_WRITE, Inotify.IN_MOVED_FROM, Inotify.IN_DELETE, Inotify.IN_CLOSE_WRITE, Inotify.IN_DELETE,
        Inotify.IN_CREATE};
    private static final Pattern RULE_FILE = Pattern.compile("[A-Za-z0-9_]+\\.ya?ml");
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    private Arena arena;
    MemorySegment buffer;
    long limit;
    private final InotifyEvent event = new InotifyEvent();
    private ByteBuffer heapView;

    @Setup
    public void fill() {
        arena = Arena.ofShared();
        buffer = arena.allocate(64 * 1024, 8);
        ByteBuffer b = buffer.asByteBuffer().order(ByteOrder.nativeOrder());
        for (int i = 0; i < RECORDS; i++) {
            byte[] name = NAMES[i % NAMES.length].getBytes(StandardCharsets.US_ASCII);
            int len = (name.length + 1 + 15) / 16 * 16;
            b.putInt(1).putInt(MASKS[i % MASKS.length]).putInt(MASKS[i % MASKS.length] == Inotify.IN_MOVED_TO ? i : 0).putInt(len);
            b.put(name);
            b.position(b.position() + len - name.length);
        }
        limit = b.position();
        if (limit > 64 * 1024 || limit < 60 * 1024) {
            throw new IllegalStateException("buffer of " + limit + " bytes is not a full 64 KiB read");
        }
        heapView = buffer.asByteBuffer().order(ByteOrder.nativeOrder());
    }

    @TearDown
    public void free() {
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int flyweight() {
        InotifyEvent e = event;
        MemorySegment seg = buffer;
        int ruleEvents = 0;
        for (long at = 0; at < limit; at = e.nextOffset()) {
            e.wrap(seg, at, limit, 0);
            if ((e.mask() & (Inotify.IN_CLOSE_WRITE | Inotify.IN_MOVED_TO | Inotify.IN_DELETE)) != 0
                    && RuleFileNames.matches(seg, e.nameOffset(), e.nameLength())) {
                ruleEvents++;
            }
        }
        return ruleEvents;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int stringPerName() {
        ByteBuffer b = heapView;
        int ruleEvents = 0;
        for (int at = 0; at < limit; ) {
            int mask = b.getInt(at + 4);
            int len = b.getInt(at + 12);
            String name = cString(b, at + 16, len);
            if ((mask & (Inotify.IN_CLOSE_WRITE | Inotify.IN_MOVED_TO | Inotify.IN_DELETE)) != 0 && RuleFileNames.matches(name)) {
                ruleEvents++;
            }
            at += 16 + len;
        }
        return ruleEvents;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int stringPerNameRegex() {
        ByteBuffer b = heapView;
        int ruleEvents = 0;
        for (int at = 0; at < limit; ) {
            int mask = b.getInt(at + 4);
            int len = b.getInt(at + 12);
            String name = cString(b, at + 16, len);
            if ((mask & (Inotify.IN_CLOSE_WRITE | Inotify.IN_MOVED_TO | Inotify.IN_DELETE)) != 0 && RULE_FILE.matcher(name).matches()) {
                ruleEvents++;
            }
            at += 16 + len;
        }
        return ruleEvents;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int headerOnly() {
        MemorySegment seg = buffer;
        int ruleEvents = 0;
        for (long at = 0; at < limit; at += 16 + seg.get(INT, at + 12)) {
            if ((seg.get(INT, at + 4) & (Inotify.IN_CLOSE_WRITE | Inotify.IN_MOVED_TO | Inotify.IN_DELETE)) != 0) {
                ruleEvents++;
            }
        }
        return ruleEvents;
    }

    private static String cString(ByteBuffer b, int from, int len) {
        int n = 0;
        while (n < len && b.get(from + n) != 0) {
            n++;
        }
        byte[] bytes = new byte[n];
        b.get(from, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
