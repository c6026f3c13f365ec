package org.ttp4j.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.ttp4j.engine.Event;
import org.ttp4j.engine.RuleEngine;
import org.ttp4j.engine.Tag;
import org.ttp4j.index.RuleIndex;
import org.ttp4j.rule.CompiledRule;

/**
 * Events per second on one thread, ttp4j's engine against the naive loop DECNET runs, over four packs:
 * {@code real23} (23 command/http rules written like real packs: common words under {@code \b}, {@code .*} gaps),
 * {@code gen1k} and {@code gen10k} (generated rules), {@code ours} (the rule files of {@code -Dttp4j.rules=DIR},
 * default {@code rules/ttp}). {@code -p pack=decnet23} still gives the older, easier 23-rule pack.
 *
 * <ul>
 *   <li>{@code quietCommand}: one typical command no rule matches (run with {@code -prof gc}: 0 B/op).
 *   <li>{@code mixedStream}: 1,024 events, 70% commands, 30% URLs, one in ten an attack line (ops = events).
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
public class EngineBenchmark {

    static final int MIXED = 1024;

    @Param({"ours", "real23", "gen1k", "gen10k"})
    public String pack;

    @Param({"ttp4j", "naive"})
    public String engine;

    private RuleEngine ttp4j;
    private NaiveEngine naive;
    private Event quiet;
    private Event[] mixed;

    static List<CompiledRule> pack(String name) throws Exception {
        return switch (name) {
            case "real23" -> RulePacks.realStyle();
            case "decnet23" -> RulePacks.decnetStyle();
            case "gen1k" -> RulePacks.generated(1_000, 1);
            case "gen10k" -> RulePacks.generated(10_000, 1);
            case "ours" -> {
                List<CompiledRule> rules = RulePacks.directory(Path.of(System.getProperty("ttp4j.rules", "rules/ttp")));
                if (rules.isEmpty()) {
                    throw new IllegalStateException("no rule files in " + System.getProperty("ttp4j.rules", "rules/ttp"));
                }
                yield rules;
            }
            default -> throw new IllegalArgumentException("unknown pack " + name);
        };
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        List<CompiledRule> rules = pack(pack);
        RuleIndex index = new RuleIndex(RuleIndex.engineOwned());
        index.replaceAll(rules);
        ttp4j = new RuleEngine(index);
        naive = new NaiveEngine(rules);
        quiet = BenchEvents.command(BenchEvents.QUIET_COMMAND, 1);
        if (!ttp4j.evaluate(quiet).isEmpty() || !naive.evaluate(quiet).isEmpty()) {
            throw new IllegalStateException("the quiet command matches a rule of " + pack);
        }
        mixed = BenchEvents.mixed(MIXED, 42).toArray(Event[]::new);
        int a = 0;
        int b = 0;
        for (Event e : mixed) {
            a += ttp4j.evaluate(e).size();
            b += naive.evaluate(e).size();
        }
        if (a != b) {
            throw new IllegalStateException("ttp4j gave " + a + " tags, naive " + b + " on the mixed stream");
        }
    }

    @Benchmark
    public List<Tag> quietCommand() {
        return "naive".equals(engine) ? naive.evaluate(quiet) : ttp4j.evaluate(quiet);
    }

    @Benchmark
    @OperationsPerInvocation(MIXED)
    public void mixedStream(Blackhole bh) {
        if ("naive".equals(engine)) {
            for (Event e : mixed) {
                bh.consume(naive.evaluate(e));
            }
        } else {
            for (Event e : mixed) {
                bh.consume(ttp4j.evaluate(e));
            }
        }
    }
}
