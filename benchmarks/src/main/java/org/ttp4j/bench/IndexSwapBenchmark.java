package org.ttp4j.bench;

import java.nio.charset.StandardCharsets;
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
import org.ttp4j.index.RuleIndex;
import org.ttp4j.index.Snapshot;
import org.ttp4j.rule.CompileResult;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.RuleCompiler;
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.RuleChange;

/**
 * One change applied to an index of 10,000 generated rules, until the new snapshot is published
 * (target: 50 µs or less). {@code redefine}: a rule's definition alternates between two compiled versions
 * (new pattern: its segment's automaton is rebuilt; each version's literals are learned once, at its first
 * apply). {@code restamp}: a state change (prefilter shared). {@code compileAndRedefine}: a save's work without
 * the disk, a new version compiled from YAML with a pattern the compiler has not seen lately (a ring of
 * {@value #DISTINCT}) and applied, so the index learns its literals every time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class IndexSwapBenchmark {

    private RuleIndex index;
    private RuleChange.Definition[] versions;
    private RuleChange.State[] states;
    private int flip;
    static final int DISTINCT = 1024;
    private final RuleCompiler compiler = new RuleCompiler();
    private byte[][] fresh;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        List<CompiledRule> rules = RulePacks.generated(10_000, 1);
        index = new RuleIndex(RuleIndex.engineOwned());
        index.replaceAll(rules);
        String id = "G05000";
        CompiledRule a = rules.stream().filter(r -> r.ruleId().equals(id)).findFirst().orElseThrow();
        String kind = a.appliesTo().iterator().next();
        CompiledRule b = RulePacks.compile(id, RulePacks.yaml(id, 2, kind, "(?i)\\bswapped5000\\s+--now", "T1059",
                "T1059.004", "TA0002"));
        versions = new RuleChange.Definition[] {new RuleChange.Definition(id, b), new RuleChange.Definition(id, a)};
        fresh = new byte[DISTINCT][];
        for (int k = 0; k < DISTINCT; k++) {
            fresh[k] = RulePacks.yaml(id, 3 + k, kind, "(?i)\\bswapped5000\\s+--now|zq" + k + "marker", "T1059",
                    "T1059.004", "TA0002").getBytes(StandardCharsets.UTF_8);
        }
        states = new RuleChange.State[] {new RuleChange.State(id, RuleState.of(RuleState.Mode.DISABLED)),
            new RuleChange.State(id, RuleState.DEFAULT)};
    }

    @Benchmark
    public Snapshot redefine() {
        index.apply(versions[flip ^= 1]);
        return index.snapshot();
    }

    @Benchmark
    public Snapshot compileAndRedefine() {
        CompileResult r = compiler.compile("G05000.yaml", fresh[next++ & (DISTINCT - 1)]);
        index.apply(new RuleChange.Definition("G05000", ((CompileResult.Compiled) r).rule()));
        return index.snapshot();
    }

    @Benchmark
    public Snapshot restamp() {
        index.apply(states[flip ^= 1]);
        return index.snapshot();
    }
}
