package org.ttp4j.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.ttp4j.engine.Event;
import org.ttp4j.jsonl.EventReader;
import org.ttp4j.jsonl.EventWriter;
import org.ttp4j.engine.RuleEngine;
import org.ttp4j.engine.Tag;
import org.ttp4j.jsonl.TagWriter;
import org.ttp4j.index.RuleIndex;

/**
 * What {@code ttp4j tag} does, on one thread: JSON Lines events in (streaming parse), the engine with our pack
 * ({@code -Dttp4j.rules=DIR}, default {@code rules/ttp}), JSON Lines tags out (streaming write). Ops are events;
 * the {@code tags} counter is the tags written per second. Streams: {@code mixed} (one event in ten an attack line)
 * and {@code attack} (every event a tagged command).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
public class TagPipelineBenchmark {

    static final int EVENTS = 10_000;

    @Param({"mixed", "attack"})
    public String stream;

    private byte[] input;
    private RuleEngine engine;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        RuleIndex index = new RuleIndex(RuleIndex.engineOwned());
        index.replaceAll(EngineBenchmark.pack("ours"));
        engine = new RuleEngine(index);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (EventWriter w = new EventWriter(out)) {
            for (Event e : "attack".equals(stream) ? BenchEvents.attack(EVENTS, 7) : BenchEvents.mixed(EVENTS, 7)) {
                w.write(e);
            }
        }
        input = out.toByteArray();
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public int jsonInEngineJsonOut(Written written) throws Exception {
        int tags = 0;
        List<Tag> buffer = new ArrayList<>();
        try (EventReader in = new EventReader(new ByteArrayInputStream(input));
             TagWriter out = new TagWriter(OutputStream.nullOutputStream())) {
            Event e;
            while ((e = in.next()) != null) {
                engine.evaluateInto(e, buffer);
                for (int k = 0; k < buffer.size(); k++) {
                    out.write(buffer.get(k));
                }
                tags += buffer.size();
                buffer.clear();
            }
        }
        written.tags += tags;
        return tags;
    }

    /** The tags written, as a rate beside the events'. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Written {
        public long tags;
    }
}
