package org.ttp4j.jsonl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.ttp4j.engine.Tag;

/**
 * The tag writer formats bytes itself (docs/events.md §7); the bytes stay those the Jackson generator wrote before,
 * checked here against Jackson on random tags whose evidence holds every kind of char and value.
 */
class TagWriterBytesTest {

    private static final JsonFactory JACKSON = JsonFactory.builder().build();
    private static final char[] CHARS = {'a', 'Z', '0', ' ', '"', '\\', '/', '\b', '\t', '\n', '\f', '\r', 0, 1, 0x1f,
        0x7f, 0x80, 0xe9, 0x7ff, 0x800, 0x2028, 0xfffd, 0xffff, 0xd83d, 0xde00, 0xd800, 0xdfff, '<', '&', '\''};

    /** The tag as the Jackson generator wrote it (the writer before docs/events.md §7). */
    private static String jackson(Tag tag) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JACKSON.createGenerator(out)) {
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
            value(g, tag.evidence());
            g.writeStringField("attack_release", tag.attackRelease());
            g.writeStringField("mitre_url", tag.mitreUrl());
            g.writeStringField("created_at", tag.createdAt().toString());
            g.writeEndObject();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void value(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Double d -> g.writeNumber(d);
            case BigInteger b -> g.writeNumber(b);
            case BigDecimal b -> g.writeNumber(b);
            case Boolean b -> g.writeBoolean(b);
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    value(g, e.getValue());
                }
                g.writeEndObject();
            }
            case List<?> l -> {
                g.writeStartArray();
                for (Object o : l) {
                    value(g, o);
                }
                g.writeEndArray();
            }
            default -> throw new AssertionError(v);
        }
    }

    /**
     * Line by line, so that a failure names the first line that differs: surefire drops a failure whose message is
     * megabytes long (its fork channel overflows) and the test is then not reported at all.
     */
    private static void assertSameLines(CharSequence expected, String actual) {
        String[] e = expected.toString().split("\n", -1);
        String[] a = actual.split("\n", -1);
        for (int i = 0; i < Math.min(e.length, a.length); i++) {
            assertEquals(e[i], a[i], "line " + (i + 1));
        }
        assertEquals(e.length, a.length, "the number of lines");
    }

    private static String text(Random r, int max) {
        StringBuilder sb = new StringBuilder();
        for (int n = r.nextInt(max); n > 0; n--) {
            sb.append(r.nextInt(3) == 0 ? (char) (0x20 + r.nextInt(0x5f)) : CHARS[r.nextInt(CHARS.length)]);
        }
        return sb.toString();
    }

    private static Object any(Random r, int depth) {
        return switch (r.nextInt(depth > 2 ? 9 : 11)) {
            case 0 -> null;
            case 1 -> r.nextInt();
            case 2 -> r.nextLong();
            case 3 -> new double[] {0.5, 1e20, 1e-7, -0.0, 1.0, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, r.nextDouble(), Double.MIN_VALUE, Double.MAX_VALUE}[r.nextInt(11)];
            case 4 -> new BigInteger("123456789012345678901234567890").negate();
            case 5 -> new BigDecimal("1.50");
            case 6 -> r.nextBoolean();
            case 7, 8 -> text(r, 40);
            case 9 -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int n = r.nextInt(4); n > 0; n--) {
                    m.put(text(r, 6), any(r, depth + 1));
                }
                yield m;
            }
            default -> {
                List<Object> l = new ArrayList<>();
                for (int n = r.nextInt(4); n > 0; n--) {
                    l.add(any(r, depth + 1));
                }
                yield l;
            }
        };
    }

    private static Tag tag(Random r) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        for (int n = r.nextInt(5); n > 0; n--) {
            evidence.put(text(r, 12), any(r, 0));
        }
        return new Tag(new UUID(r.nextLong(), r.nextLong()), text(r, 10), text(r, 20), r.nextBoolean() ? null : text(r, 36),
                r.nextBoolean() ? null : text(r, 8), r.nextBoolean() ? null : "s", text(r, 5), "TA0007", "T1033",
                r.nextBoolean() ? null : "T1033.001", new double[] {0.6, 0.95, 1.0, 0.1 + 0.2, 0}[r.nextInt(5)],
                "R" + r.nextInt(9999), r.nextInt(Integer.MAX_VALUE), evidence, "v15.1",
                "https://attack.mitre.org/techniques/T1033",
                Instant.ofEpochSecond(r.nextInt(2_000_000_000), r.nextInt(4) == 0 ? 0 : r.nextInt(1_000_000_000)));
    }

    @Test
    void theBytesAreJacksonsOnRandomTags() throws IOException {
        Random r = new Random(14);
        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        StringBuilder expected = new StringBuilder();
        try (TagWriter w = new TagWriter(ours)) {
            for (int n = 0; n < 5_000; n++) {
                Tag t = tag(r);
                for (int k = r.nextInt(3); k >= 0; k--) { // the same confidence and time again: the cached forms
                    w.write(t);
                    expected.append(jackson(t)).append('\n');
                }
            }
        }
        assertSameLines(expected, ours.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theTimeIsWhatInstantToStringWritesAtEveryPrecisionAndYear() {
        Random r = new Random(5);
        long[] seconds = {0, -1, -62_167_219_200L, -62_167_219_201L, 253_402_300_799L, 253_402_300_800L, 951_782_400L,
            1_764_547_200L};
        int[] nanos = {0, 1, 999_999_999, 1_000_000, 123_000_000, 123_456_000, 123_456_789, 1000, 100_000_000};
        for (long s : seconds) { // year 0 and -1, 9999 and 10000, 2000-02-29, 2025-12-01
            for (int n : nanos) {
                Instant t = Instant.ofEpochSecond(s, n);
                assertEquals(t.toString(), new String(TagWriter.isoInstant(t), StandardCharsets.US_ASCII));
            }
        }
        for (int k = 0; k < 100_000; k++) {
            Instant t = Instant.ofEpochSecond(r.nextLong(-70_000_000_000L, 300_000_000_000L),
                    new int[] {0, r.nextInt(1000) * 1_000_000, r.nextInt(1_000_000) * 1000, r.nextInt(1_000_000_000)}[k & 3]);
            assertEquals(t.toString(), new String(TagWriter.isoInstant(t), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void theTimeOfEachTagIsItsOwnInARunOfTagsOfOneSecondAndOfOthers() throws IOException {
        // the writer keeps the text of the last time and of its second: tags of one instant, of one second at every
        // precision, of the next second, of a year past 9999 and before 0, in random order
        Random r = new Random(12);
        long[] seconds = {1_764_547_200L, 1_764_547_201L, 1_764_633_600L, 253_402_300_800L, -62_167_219_201L, 0};
        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        StringBuilder expected = new StringBuilder();
        try (TagWriter w = new TagWriter(ours)) {
            Tag t = tag(r);
            for (int n = 0; n < 5_000; n++) {
                int nano = new int[] {0, 5_000_000, 123_456_000, 123_456_789, 999_999_999, r.nextInt(1_000_000_000)}[r.nextInt(6)];
                Instant at = Instant.ofEpochSecond(seconds[r.nextInt(r.nextBoolean() ? 2 : seconds.length)], nano);
                t = new Tag(t.uuid(), t.sourceKind(), t.sourceId(), t.attackerUuid(), t.identityUuid(), t.sessionId(),
                        t.deckyId(), t.tactic(), t.techniqueId(), t.subTechniqueId(), t.confidence(), t.ruleId(),
                        t.ruleVersion(), t.evidence(), t.attackRelease(), t.mitreUrl(), r.nextInt(3) == 0 ? t.createdAt() : at);
                w.write(t);
                expected.append(jackson(t)).append('\n');
            }
        }
        assertSameLines(expected, ours.toString(StandardCharsets.UTF_8));
    }

    @Test
    void stringsOfOneHashAreNeverTakenForEachOther() throws IOException {
        // "Aa" and "BB" share String.hashCode, so they share a slot of the writer's cache of repeated strings
        Random r = new Random(9);
        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        StringBuilder expected = new StringBuilder();
        String[] texts = {"Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa", new String("Aa"), "\u00e9Aa"};
        try (TagWriter w = new TagWriter(ours)) {
            for (int n = 0; n < 2_000; n++) {
                Tag t = tag(r);
                String a = texts[r.nextInt(texts.length)];
                String b = texts[r.nextInt(texts.length)];
                t = new Tag(t.uuid(), a, b, a, b, t.sessionId(), t.deckyId(), b, a, t.subTechniqueId(), t.confidence(),
                        a, t.ruleVersion(), Map.of(a, b), t.attackRelease(), b, t.createdAt());
                w.write(t);
                expected.append(jackson(t)).append('\n');
            }
        }
        assertSameLines(expected, ours.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aRulesFormattedRunsAreNeverTakenForAnotherRulesOrAnEditOfIt() throws IOException {
        // one rule id (one instance, and an equal copy) with edits of each of its other fields (a second emit of the
        // rule among them), and a rule of the same id hash ("Aa", "BB"): the runs the writer keeps per rule and emit
        // must only stand in for the very same fields
        Random r = new Random(21);
        String id = "T1105_download";
        String[] ids = {id, new String(id), "Aa", "BB"};
        String[] tactics = {"TA0011", "TA0002"};
        String[] subs = {null, "T1105.001"};
        double[] confidences = {0.6, 0.65};
        int[] versions = {1, 2};
        String[] urls = {"https://attack.mitre.org/techniques/T1105", "https://attack.mitre.org/techniques/T1106"};
        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        StringBuilder expected = new StringBuilder();
        try (TagWriter w = new TagWriter(ours)) {
            for (int n = 0; n < 5_000; n++) {
                Tag t = tag(r);
                boolean edit = r.nextInt(4) == 0;
                int e = edit ? r.nextInt(6) : -1;
                t = new Tag(t.uuid(), t.sourceKind(), t.sourceId(), t.attackerUuid(), t.identityUuid(), t.sessionId(),
                        t.deckyId(), tactics[e == 0 ? 1 : 0], e == 5 ? "T1106" : "T1105", subs[e == 1 ? 1 : 0],
                        confidences[e == 2 ? 1 : 0],
                        ids[r.nextInt(ids.length)], versions[e == 3 ? 1 : 0], t.evidence(), e == 4 ? "v16" : "v15.1",
                        urls[edit && r.nextBoolean() ? 1 : 0], t.createdAt());
                for (int k = r.nextInt(3); k >= 0; k--) {
                    w.write(t);
                    expected.append(jackson(t)).append('\n');
                }
            }
        }
        assertSameLines(expected, ours.toString(StandardCharsets.UTF_8));
    }

    /** Counts the writes and checks that each one ends a line. */
    private static final class Writes extends OutputStream {
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        int writes;
        int largest;

        @Override
        public void write(int b) {
            throw new AssertionError("a byte at a time");
        }

        @Override
        public void write(byte[] b, int off, int len) {
            assertTrue(len > 0 && b[off + len - 1] == '\n', "a write that does not end a line");
            writes++;
            largest = Math.max(largest, len);
            all.write(b, off, len);
        }
    }

    @Test
    void theStreamIsOnlyEverHandedWholeLinesEvenOfALineLongerThanTheBuffer() throws IOException {
        Writes out = new Writes();
        char[] big = new char[3 * JsonLinesWriter.SPILL];
        Arrays.fill(big, 'x');
        Random r = new Random(3);
        StringBuilder expected = new StringBuilder();
        try (TagWriter w = new TagWriter(out)) {
            for (int n = 0; n < 2_000; n++) {
                Tag t = tag(r);
                if (n % 500 == 7) {
                    t = new Tag(t.uuid(), t.sourceKind(), t.sourceId(), t.attackerUuid(), t.identityUuid(), t.sessionId(),
                            t.deckyId(), t.tactic(), t.techniqueId(), t.subTechniqueId(), t.confidence(), t.ruleId(),
                            t.ruleVersion(), Map.of("command_text", new String(big)), t.attackRelease(), t.mitreUrl(),
                            t.createdAt());
                }
                w.write(t);
                expected.append(jackson(t)).append('\n');
            }
        }
        assertTrue(out.writes > 10, "the buffer was handed over many times: " + out.writes);
        assertSameLines(expected, out.all.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anEventsFieldsAndEvidenceStandInOnlyForTheVerySameOnes() throws IOException {
        // the tags of one event share its field strings and often one evidence map: the writer copies their bytes
        // from the tag before, which must only happen for the very same instances, and never for an evidence that
        // holds a list or map (those may change between tags), nor across a field of another instance, nor for null
        Random r = new Random(33);
        List<Object> changing = new ArrayList<>(List.of("a"));
        Map<String, Object> scalars = new LinkedHashMap<>(Map.of("command_text", "whoami"));
        List<Map<String, Object>> evidences = Arrays.asList(scalars, new LinkedHashMap<>(scalars),
                new LinkedHashMap<>(Map.of("command_text", "id")), new LinkedHashMap<>(Map.of("argv", changing)),
                Map.of("command_text", "x".repeat(5_000)), null, Map.of());
        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        StringBuilder expected = new StringBuilder();
        try (TagWriter w = new TagWriter(ours)) {
            for (int n = 0; n < 5_000; n++) {
                // an event's fields, then its tags: each may have one field of another instance (an equal copy, or
                // another value) or another evidence
                String[] fields = {"command", "cmd_" + n, "6f1c3c1e", r.nextBoolean() ? null : "i", "sess_" + n / 16,
                    r.nextInt(50) == 0 ? "d".repeat(5_000) : "decky-01"};
                Map<String, Object> evidence = evidences.get(r.nextInt(evidences.size()));
                for (int k = r.nextInt(4); k >= 0; k--) {
                    String[] f = fields.clone();
                    int change = r.nextInt(8);
                    if (change < f.length) {
                        f[change] = r.nextBoolean() || f[change] == null ? "other" : new String(f[change]);
                    } else if (change == f.length) {
                        evidence = evidences.get(r.nextInt(evidences.size()));
                    }
                    changing.add(n); // the list one evidence holds changes between every two tags
                    Tag t = tag(r);
                    t = new Tag(t.uuid(), f[0], f[1], f[2], f[3], f[4], f[5], t.tactic(), t.techniqueId(),
                            t.subTechniqueId(), t.confidence(), t.ruleId(), t.ruleVersion(), evidence, t.attackRelease(),
                            t.mitreUrl(), t.createdAt());
                    w.write(t);
                    expected.append(jackson(t)).append('\n');
                }
            }
        }
        assertSameLines(expected, ours.toString(StandardCharsets.UTF_8));
    }

    @Test
    void eachWriteOfTagsIsAtMostHalfOfAPipeAndOneLine() throws IOException {
        // a pipe holds 64 KiB: writes of 64 KiB fill it, and the reader then waits for each write and the writer for
        // each read; half of it lets the two run at once
        Writes out = new Writes();
        Random r = new Random(5);
        int longest = 0;
        try (TagWriter w = new TagWriter(out)) {
            for (int n = 0; n < 5_000; n++) {
                Tag t = tag(r);
                longest = Math.max(longest, jackson(t).getBytes(StandardCharsets.UTF_8).length + 1);
                w.write(t);
            }
        }
        assertTrue(out.writes > 10, "the buffer was handed over many times: " + out.writes);
        assertTrue(out.largest < (1 << 15) + longest, "a write of " + out.largest + " bytes");
    }
}
