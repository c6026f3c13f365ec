package org.ttp4j.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.ttp4j.engine.Event;
import org.ttp4j.engine.Tag;
import org.ttp4j.jsonl.EventParser;
import org.ttp4j.jsonl.TagWriter;

/**
 * The JSON codecs of {@code ttp4j tag} alone, without the engine (docs/events.md §6, §7), each beside its Jackson
 * anchor in the same run. Ops are lines: 10,000 command events shaped as {@code scripts/tag-throughput} writes them,
 * and 10,000 tags of such events.
 *
 * <ul>
 *   <li>{@code parseOurs}: the hand-written parser, reused line after line (what {@code tag} does);
 *   <li>{@code parseJacksonPerLine}: a Jackson parser per line (what {@code tag} did before);
 *   <li>{@code parseJacksonOneParser}: one Jackson parser over the whole input (the other idea: no per-line
 *       recovery, only a ceiling);
 *   <li>{@code writeOurs} / {@code writeJackson}: the tag writer against Jackson's generator, same bytes;
 *   <li>{@code parseAndWriteOurs}: both codecs with a trivial engine that answers one ready tag per event (the
 *       all-matching stream's codec cost);
 *   <li>{@code parseAb} / {@code writeAb}: ours and the Jackson anchor alternating every 500 lines in one
 *       invocation, each half's thread CPU time added up; every iteration prints both per line and their ratio, so
 *       that load from other processes falls on both alike (the figures to quote on a busy machine).
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
public class JsonLinesBenchmark {

    static final int LINES = 10_000;
    private static final JsonFactory JACKSON = JsonFactory.builder().build();
    private static final String[] COMMANDS = {"ls -la /var/www", "cd /var/www/html", "df -h", "uptime",
        "cat /etc/os-release", "echo $PATH", "netstat -tulpn", "systemctl status nginx", "tail -n 50 /var/log/syslog",
        "docker ps", "git status", "make -j4", "du -sh /var/log", "cat README.md"};

    private byte[] input;
    private int[] lineEnds;
    private Tag[] tags;
    private final EventParser parser = new EventParser();
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final int CHUNK = 500;
    private final long[] cpu = new long[4]; // parse ours, parse Jackson, write ours, write Jackson
    private long parsed;
    private long written;

    @Setup
    public void setUp() throws IOException {
        StringBuilder sb = new StringBuilder();
        Random r = new Random(7);
        List<Tag> list = new ArrayList<>();
        for (int k = 0; k < LINES; k++) {
            String c = COMMANDS[r.nextInt(COMMANDS.length)];
            sb.append("{\"source_kind\":\"command\",\"source_id\":\"cmd_").append(k)
                    .append("\",\"attacker_uuid\":\"6f1c3c1e-6d2b-4b8e-9d7e-1c2b3a4d5e6f\",\"identity_uuid\":null,")
                    .append("\"session_id\":\"sess_").append(k / 16).append("\",\"decky_id\":\"decky-01\",")
                    .append("\"payload\":{\"command_text\":\"").append(c).append("\",\"uid\":0,\"user\":\"root\",")
                    .append("\"pwd\":\"/root\",\"src\":\"10.0.0.").append(k % 250).append("\"}}\n");
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("command_text", c);
            evidence.put("uid", 0);
            evidence.put("user", "root");
            evidence.put("src", "10.0.0." + k % 250);
            evidence.put("pwd", "/root");
            list.add(new Tag(new UUID(r.nextLong(), r.nextLong()), "command", "cmd_" + k,
                    "6f1c3c1e-6d2b-4b8e-9d7e-1c2b3a4d5e6f", null, "sess_" + k / 16, "decky-01", "TA0007", "T1082", null,
                    0.6, "R0042", 3, evidence, "v15.1", "https://attack.mitre.org/techniques/T1082",
                    Instant.parse("2026-12-01T14:00:00.123456Z").plusNanos(k / 2 * 1000L)));
        }
        input = sb.toString().getBytes(StandardCharsets.UTF_8);
        tags = list.toArray(Tag[]::new);
        lineEnds = new int[LINES];
        for (int i = 0, k = 0; i < input.length; i++) {
            if (input[i] == '\n') {
                lineEnds[k++] = i;
            }
        }
        if (!sameBytes()) {
            throw new IllegalStateException("the two writers disagree: the comparison would not be fair");
        }
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public void parseOurs(Blackhole bh) {
        int from = 0;
        for (int k = 0; k < LINES; k++) {
            int to = lineEnds[k];
            bh.consume(parser.parse(input, from, to, k + 1));
            from = to + 1;
        }
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public void parseJacksonPerLine(Blackhole bh) throws IOException {
        int from = 0;
        for (int k = 0; k < LINES; k++) {
            int to = lineEnds[k];
            try (JsonParser p = JACKSON.createParser(input, from, to - from)) {
                p.nextToken();
                bh.consume(jacksonEvent(p));
            }
            from = to + 1;
        }
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public void parseJacksonOneParser(Blackhole bh) throws IOException {
        try (JsonParser p = JACKSON.createParser(input)) {
            while (p.nextToken() != null) {
                bh.consume(jacksonEvent(p));
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public void writeOurs() throws IOException {
        try (TagWriter w = new TagWriter(OutputStream.nullOutputStream())) {
            for (Tag t : tags) {
                w.write(t);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public void writeJackson() throws IOException {
        try (JsonGenerator g = JACKSON.createGenerator(OutputStream.nullOutputStream())) {
            g.setRootValueSeparator(null);
            for (Tag t : tags) {
                jacksonTag(g, t);
                g.writeRaw('\n');
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public void parseAndWriteOurs(Blackhole bh) throws IOException {
        try (TagWriter w = new TagWriter(OutputStream.nullOutputStream())) {
            int from = 0;
            for (int k = 0; k < LINES; k++) {
                int to = lineEnds[k];
                bh.consume(parser.parse(input, from, to, k + 1));
                w.write(tags[k]);
                from = to + 1;
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(2 * LINES)
    public void parseAb(Blackhole bh) throws IOException {
        for (int c = 0; c < LINES; c += CHUNK) {
            boolean oursFirst = (c / CHUNK & 1) == 0;
            for (int half = 0; half < 2; half++) {
                boolean ours = oursFirst == (half == 0);
                long t0 = CPU.getCurrentThreadCpuTime();
                int from = c == 0 ? 0 : lineEnds[c - 1] + 1;
                for (int k = c; k < c + CHUNK; k++) {
                    int to = lineEnds[k];
                    if (ours) {
                        bh.consume(parser.parse(input, from, to, k + 1));
                    } else {
                        try (JsonParser p = JACKSON.createParser(input, from, to - from)) {
                            p.nextToken();
                            bh.consume(jacksonEvent(p));
                        }
                    }
                    from = to + 1;
                }
                cpu[ours ? 0 : 1] += CPU.getCurrentThreadCpuTime() - t0;
            }
        }
        parsed += LINES;
    }

    @Benchmark
    @OperationsPerInvocation(2 * LINES)
    public void writeAb() throws IOException {
        try (TagWriter w = new TagWriter(OutputStream.nullOutputStream());
             JsonGenerator g = JACKSON.createGenerator(OutputStream.nullOutputStream())) {
            g.setRootValueSeparator(null);
            for (int c = 0; c < LINES; c += CHUNK) {
                boolean oursFirst = (c / CHUNK & 1) == 0;
                for (int half = 0; half < 2; half++) {
                    boolean ours = oursFirst == (half == 0);
                    long t0 = CPU.getCurrentThreadCpuTime();
                    for (int k = c; k < c + CHUNK; k++) {
                        if (ours) {
                            w.write(tags[k]);
                        } else {
                            jacksonTag(g, tags[k]);
                            g.writeRaw('\n');
                        }
                    }
                    cpu[ours ? 2 : 3] += CPU.getCurrentThreadCpuTime() - t0;
                }
            }
        }
        written += LINES;
    }

    @TearDown(Level.Iteration)
    public void report() {
        if (parsed > 0) {
            System.out.printf("%nparse, CPU ns/line: ours %.1f, Jackson per line %.1f: ours is %.2fx as fast%n",
                    (double) cpu[0] / parsed, (double) cpu[1] / parsed, (double) cpu[1] / cpu[0]);
        }
        if (written > 0) {
            System.out.printf("%nwrite, CPU ns/tag: ours %.1f, Jackson %.1f: ours is %.2fx as fast%n",
                    (double) cpu[2] / written, (double) cpu[3] / written, (double) cpu[3] / cpu[2]);
        }
        java.util.Arrays.fill(cpu, 0);
        parsed = 0;
        written = 0;
    }

    /** The mapping the per-line reader did before (ids, payload as maps and lists). */
    private static Event jacksonEvent(JsonParser p) throws IOException {
        String kind = null;
        String id = null;
        String attacker = null;
        String identity = null;
        String session = null;
        String decky = null;
        Map<String, Object> payload = null;
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "source_kind" -> kind = p.getText();
                case "source_id" -> id = p.getText();
                case "attacker_uuid" -> attacker = t == JsonToken.VALUE_NULL ? null : p.getText();
                case "identity_uuid" -> identity = t == JsonToken.VALUE_NULL ? null : p.getText();
                case "session_id" -> session = t == JsonToken.VALUE_NULL ? null : p.getText();
                case "decky_id" -> decky = t == JsonToken.VALUE_NULL ? null : p.getText();
                case "payload" -> payload = jacksonObject(p, new HashMap<>());
                default -> p.skipChildren();
            }
        }
        return new Event(kind, id, attacker, identity, session, decky, payload);
    }

    private static Map<String, Object> jacksonObject(JsonParser p, Map<String, Object> into) throws IOException {
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            into.put(name, switch (t) {
                case VALUE_STRING -> p.getText();
                case VALUE_NUMBER_INT -> p.getNumberValue();
                case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                case START_OBJECT -> jacksonObject(p, new LinkedHashMap<>());
                default -> {
                    p.skipChildren();
                    yield null;
                }
            });
        }
        return into;
    }

    private static void jacksonTag(JsonGenerator g, Tag tag) throws IOException {
        g.writeStartObject();
        g.writeStringField("uuid", tag.uuid().toString());
        g.writeStringField("source_kind", tag.sourceKind());
        g.writeStringField("source_id", tag.sourceId());
        g.writeStringField("attacker_uuid", tag.attackerUuid());
        g.writeStringField("identity_uuid", tag.identityUuid());
        g.writeStringField("session_id", tag.sessionId());
        g.writeStringField("decky_id", tag.deckyId());
        g.writeStringField("tactic", tag.tactic());
        g.writeStringField("technique_id", tag.techniqueId());
        g.writeStringField("sub_technique_id", tag.subTechniqueId());
        g.writeNumberField("confidence", tag.confidence());
        g.writeStringField("rule_id", tag.ruleId());
        g.writeNumberField("rule_version", tag.ruleVersion());
        g.writeFieldName("evidence");
        g.writeStartObject();
        for (Map.Entry<String, Object> e : tag.evidence().entrySet()) {
            g.writeFieldName(e.getKey());
            if (e.getValue() instanceof Integer i) {
                g.writeNumber(i);
            } else {
                g.writeString((String) e.getValue());
            }
        }
        g.writeEndObject();
        g.writeStringField("attack_release", tag.attackRelease());
        g.writeStringField("mitre_url", tag.mitreUrl());
        g.writeStringField("created_at", tag.createdAt().toString());
        g.writeEndObject();
    }

    /** Whether both writers give the same bytes, so that the comparison is fair. */
    private boolean sameBytes() throws IOException {
        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        ByteArrayOutputStream theirs = new ByteArrayOutputStream();
        try (TagWriter w = new TagWriter(ours); JsonGenerator g = JACKSON.createGenerator(theirs)) {
            g.setRootValueSeparator(null);
            for (Tag t : tags) {
                w.write(t);
                jacksonTag(g, t);
                g.writeRaw('\n');
            }
        }
        return java.util.Arrays.equals(ours.toByteArray(), theirs.toByteArray());
    }
}
