package org.ttp4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.ttp4j.engine.Event;
import org.ttp4j.engine.RuleEngine;
import org.ttp4j.engine.Tag;
import org.ttp4j.index.RuleIndex;
import org.ttp4j.store.RuleStore;
import org.ttp4j.store.fs.FilesystemRuleStore;

/**
 * File save to rule firing (target p99 &lt; 1 ms): a rule file in a tmpfs directory, watched by the filesystem
 * store, followed by a {@link RuleIndex}, evaluated by a {@link RuleEngine}. Each op saves the file in place
 * with the other of two patterns and spins evaluating one event until the engine's answer flips (the rule
 * starts or stops firing on it). The directory also holds the 23 DECNET-style rules. Every save's pattern is
 * new (a distinct never-matching alternative from a ring of {@value #DISTINCT}, more than the compiler keeps), so
 * each save pays the whole translation, as an edit of the pattern does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ReloadToFiringBenchmark {

    private Path dir;
    private Path rule;
    static final int DISTINCT = 1024;
    private final byte[][] contents = new byte[DISTINCT][];
    private int next;
    private FilesystemRuleStore store;
    private RuleStore.Subscription subscription;
    private RuleEngine engine;
    private Event event;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Tmpfs.newDirectory("ttp4j-reload");
        for (String[] r : RulePacks.DECNET_STYLE) {
            Files.writeString(dir.resolve(r[0] + ".yaml"), RulePacks.yaml(r[0], 1, r[1], r[2], r[3], r[4], r[5]));
        }
        for (int k = 0; k < DISTINCT; k++) { // even k fires on the event, odd k does not
            String pattern = "(?i)\\bkinsing\\s+--" + (k % 2 == 0 ? "run" : "stop") + "|zq" + k + "marker";
            contents[k] = RulePacks.yaml("R0900", k + 1, "command", pattern, "T1496", "", "TA0040")
                    .getBytes(StandardCharsets.UTF_8);
        }
        rule = dir.resolve("R0900.yaml");
        Files.write(rule, contents[DISTINCT - 1]);
        store = FilesystemRuleStore.open(dir);
        RuleIndex index = new RuleIndex(RuleIndex.engineOwned());
        subscription = index.watch(store);
        engine = new RuleEngine(index);
        event = BenchEvents.command("./kinsing --run -q", 1);
        if (fires()) {
            throw new IllegalStateException("version 2 must not fire on the event");
        }
    }

    private boolean fires() {
        List<Tag> tags = engine.evaluate(event);
        return !tags.isEmpty();
    }

    @Benchmark
    public boolean saveUntilFiring() throws IOException {
        int k = next;
        next = (next + 1) % DISTINCT;
        boolean expected = k % 2 == 0;
        Files.write(rule, contents[k]);
        for (int spins = 1; fires() != expected; spins++) {
            if ((spins & 63) == 0) {
                Thread.yield(); // let the store's reader thread run on a busy machine
            } else {
                Thread.onSpinWait();
            }
        }
        return expected;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        subscription.close();
        store.close();
        Tmpfs.deleteTree(dir);
    }
}
