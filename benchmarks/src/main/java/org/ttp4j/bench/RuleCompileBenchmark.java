package org.ttp4j.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.ttp4j.rule.CompileResult;
import org.ttp4j.rule.RuleCompiler;

/**
 * Rule compile throughput (issue 3 target: at least 5,000 rules/s warm), in rules per second: every
 * benchmark compiles a whole pack per invocation and declares the pack size as its operation count.
 * Input bytes are in memory, so this measures YAML, validation, regex translation and the examples
 * self-tests, not the disk.
 *
 * <p>{@code ourPack}: {@code rules/ttp/} (60 rules, 52 with examples). {@code generated1000}: 1,000
 * rules derived from it (distinct ids, each pattern widened by a distinct literal alternative), all
 * checked to compile cleanly before measuring.
 *
 * <p>On a shared machine the wall-clock score mostly measures the other processes, so each benchmark
 * also counts the benchmark thread's own CPU time ({@link CpuTime}: secondary results
 * {@code cpuMicros} and {@code rules}, totals per iteration); {@code rules / cpuMicros * 1e6} is the
 * compile rate per CPU-second, independent of load.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RuleCompileBenchmark {

    static final int PACK_SIZE = 60;
    static final int GENERATED_SIZE = 1000;

    /** Keeps no translations: every compile pays the whole pattern translation, as a fresh pack's load does. */
    private final RuleCompiler compiler = new RuleCompiler(RuleCompiler.Options.DEFAULTS.withRecentPatterns(0));
    private List<byte[]> pack;
    private List<String> packNames;
    private List<byte[]> generated;

    @Setup(Level.Trial)
    public void load() {
        Path dir = Stream.of(Path.of("rules", "ttp"), Path.of("..", "rules", "ttp"))
                .filter(Files::isDirectory).findFirst()
                .orElseThrow(() -> new IllegalStateException("run from the repository root: rules/ttp not found"));
        pack = new ArrayList<>();
        packNames = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                pack.add(Files.readAllBytes(p));
                packNames.add(p.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (pack.size() != PACK_SIZE) {
            throw new IllegalStateException("rules/ttp has " + pack.size() + " rules; update PACK_SIZE (" + PACK_SIZE + ")");
        }
        generated = generate(pack, GENERATED_SIZE);
        for (byte[] rule : generated) {
            CompileResult r = compiler.compile("gen.yaml", rule);
            if (!(r instanceof CompileResult.Compiled) || !r.problems().isEmpty()) {
                throw new IllegalStateException("a generated rule does not compile cleanly: " + r.problems());
            }
        }
    }

    /** 1,000 rules from the pack: new ids, and each engine pattern gains a distinct literal alternative. */
    static List<byte[]> generate(List<byte[]> pack, int count) {
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String text = new String(pack.get(i % pack.size()), StandardCharsets.UTF_8);
            String id = text.substring("rule_id: ".length(), text.indexOf('\n'));
            text = text.replaceFirst("rule_id: " + id, "rule_id: G" + i + "_" + id)
                    // a last top-level alternative keeps any leading (?i) at the start
                    .replaceFirst("(?m)^(  pattern: '.*)'$", "$1|zq" + i + "marker'");
            out.add(text.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The benchmark thread's CPU time and the rules it compiled, as JMH secondary results. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuTime {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        public long cpuMicros;
        public long rules;

        long start() {
            return THREADS.getCurrentThreadCpuTime();
        }

        void stop(long started, int compiled) {
            cpuMicros += (THREADS.getCurrentThreadCpuTime() - started) / 1000;
            rules += compiled;
        }

        @Setup(Level.Iteration)
        public void reset() {
            cpuMicros = 0;
            rules = 0;
        }
    }

    @Benchmark
    @OperationsPerInvocation(PACK_SIZE)
    public void ourPack(Blackhole bh, CpuTime cpu) {
        long started = cpu.start();
        for (int i = 0; i < PACK_SIZE; i++) {
            bh.consume(compiler.compile(packNames.get(i), pack.get(i)));
        }
        cpu.stop(started, PACK_SIZE);
    }

    @Benchmark
    @OperationsPerInvocation(GENERATED_SIZE)
    public void generated1000(Blackhole bh, CpuTime cpu) {
        long started = cpu.start();
        for (int i = 0; i < GENERATED_SIZE; i++) {
            bh.consume(compiler.compile("gen.yaml", generated.get(i)));
        }
        cpu.stop(started, GENERATED_SIZE);
    }
}
