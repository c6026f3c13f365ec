package org.ttp4j.bench;

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
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.RuleChange;

/**
 * One change applied to an index of 10,000 generated rules, until the new snapshot is published
 * (target: 50 µs or less). {@code redefine}: a rule's definition alternates between two compiled versions
 * (new pattern: its segment's automaton is rebuilt). {@code restamp}: a state change (prefilter shared).
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
        states = new RuleChange.State[] {new RuleChange.State(id, RuleState.of(RuleState.Mode.DISABLED)),
            new RuleChange.State(id, RuleState.DEFAULT)};
    }

    @Benchmark
    public Snapshot redefine() {
        index.apply(versions[flip ^= 1]);
        return index.snapshot();
    }

    @Benchmark
    public Snapshot restamp() {
        index.apply(states[flip ^= 1]);
        return index.snapshot();
    }
}
