package org.ttp4j.jsonl;

import org.ttp4j.engine.Tag;
import org.ttp4j.engine.Event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JsonLinesTest {

    private static EventReader reader(String text) {
        return new EventReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsSnakeCaseEventsOnePerLine() throws Exception {
        String lines = """
                {"source_kind":"command","source_id":"cmd_42","attacker_uuid":"a-1","identity_uuid":null,"session_id":"s","decky_id":"d","payload":{"command_text":"ls -la","uid":0,"ratio":0.5,"ok":true,"cwd":null,"argv":["ls","-la"],"env":{"HOME":"/root"}},"extra":{"ignored":[1,2]}}
                {"source_kind":"http_request","source_id":"h1","identity_uuid":"i-1","payload":{"raw_url":"/x"}}
                """;
        try (EventReader r = reader(lines)) {
            Event e = r.next();
            assertEquals("command", e.sourceKind());
            assertEquals("cmd_42", e.sourceId());
            assertEquals("a-1", e.attackerUuid());
            assertNull(e.identityUuid());
            assertEquals("s", e.sessionId());
            assertEquals("d", e.deckyId());
            assertEquals("ls -la", e.payload().get("command_text"));
            assertEquals(0, e.payload().get("uid"));
            assertEquals(0.5, e.payload().get("ratio"));
            assertEquals(true, e.payload().get("ok"));
            assertTrue(e.payload().containsKey("cwd"));
            assertNull(e.payload().get("cwd"));
            assertEquals(List.of("ls", "-la"), e.payload().get("argv"));
            assertEquals(Map.of("HOME", "/root"), e.payload().get("env"));
            Event h = r.next();
            assertEquals("i-1", h.identityUuid());
            assertNull(h.sessionId());
            assertNull(r.next());
        }
    }

    @Test
    void anEventWithoutAnchorsIsRejectedNamingItsLineAndTheReaderGoesOn() throws Exception {
        String lines = """
                {"source_kind":"command","source_id":"ok1","attacker_uuid":"a","payload":{}}
                {"source_kind":"command","source_id":"bad","payload":{"command_text":"ls"}}
                {"source_kind":"command","source_id":7,"attacker_uuid":"a","payload":{}}
                {"source_kind":"command","source_id":"ok2","attacker_uuid":"a","payload":{}}
                """;
        try (EventReader r = reader(lines)) {
            assertEquals("ok1", r.next().sourceId());
            EventFormatException e = assertThrows(EventFormatException.class, r::next);
            assertEquals(2, e.line());
            assertEquals("line 2: event command/bad has neither attacker_uuid nor identity_uuid (at least one is required)",
                    e.getMessage());
            EventFormatException t = assertThrows(EventFormatException.class, r::next);
            assertEquals("line 3: source_id must be a string or null, found 7", t.getMessage());
            assertEquals("ok2", r.next().sourceId());
        }
    }

    @Test
    void malformedJsonNamesTheLine() {
        try (EventReader r = reader("{\"source_kind\":\"command\",\"source_id\":\"a\",\"attacker_uuid\":\"x\"}\n{\"source_kind\": }\n")) {
            r.next();
            EventFormatException e = assertThrows(EventFormatException.class, r::next);
            assertEquals(2, e.line());
            assertTrue(e.getMessage().startsWith("line 2: malformed JSON"), e.getMessage());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void writesTagsInSpecifiedOrder() throws Exception { // docs/events.md §3
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("command_text", "sudo -l");
        evidence.put("cwd", null);
        evidence.put("uid", 0);
        Tag tag = new Tag(UUID.fromString("4fd57b14-c135-544c-97d9-4fabc1051584"), "command", "cmd_42", "a-1", null,
                "s", "d", "TA0004", "T1548", "T1548.001", 0.8, "R0015", 1, evidence, "v15.1",
                "https://attack.mitre.org/techniques/T1548/001", Instant.parse("2026-05-01T12:00:00.123456Z"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TagWriter w = new TagWriter(out)) {
            w.write(tag);
            w.write(tag);
        }
        String line = "{\"uuid\":\"4fd57b14-c135-544c-97d9-4fabc1051584\",\"source_kind\":\"command\","
                + "\"source_id\":\"cmd_42\",\"attacker_uuid\":\"a-1\",\"identity_uuid\":null,\"session_id\":\"s\","
                + "\"decky_id\":\"d\",\"tactic\":\"TA0004\",\"technique_id\":\"T1548\",\"sub_technique_id\":\"T1548.001\","
                + "\"confidence\":0.8,\"rule_id\":\"R0015\",\"rule_version\":1,"
                + "\"evidence\":{\"command_text\":\"sudo -l\",\"cwd\":null,\"uid\":0},\"attack_release\":\"v15.1\","
                + "\"mitre_url\":\"https://attack.mitre.org/techniques/T1548/001\","
                + "\"created_at\":\"2026-05-01T12:00:00.123456Z\"}";
        assertEquals(line + "\n" + line + "\n", out.toString(StandardCharsets.UTF_8));
        assertEquals(line, TagWriter.toJson(tag));
    }

    @Test
    void eventsRoundTrip() throws Exception {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("command_text", "echo \"séance\"\n");
        p.put("n", 12345678901L);
        p.put("cwd", null);
        Event e = new Event("command", "c1", "a", "i", null, "d", p);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (EventWriter w = new EventWriter(out)) {
            w.write(e);
            w.write(e);
        }
        try (EventReader r = new EventReader(new ByteArrayInputStream(out.toByteArray()))) {
            assertEquals(e, r.next());
            assertEquals(e, r.next());
            assertNull(r.next());
        }
        assertEquals(e, EventReader.parse(EventWriter.toJson(e)));
    }

    @Test
    void aLineThatFailsHalfWrittenLeavesNothingOfItInTheStream() throws Exception {
        Event good = new Event("command", "c1", "a", "i", null, "d", Map.of("command_text", "id"));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("command_text", "id");
        p.put("odd", new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("no text");
            }
        });
        Map<String, Object> loop = new LinkedHashMap<>();
        loop.put("command_text", "id");
        loop.put("self", loop);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (EventWriter w = new EventWriter(out)) {
            w.write(good);
            assertThrows(IllegalStateException.class, () -> w.write(new Event("command", "c2", "a", "i", null, "d", p)));
            assertThrows(StackOverflowError.class, () -> w.write(new Event("command", "c3", "a", "i", null, "d", loop)));
            w.write(good);
        }
        String line = EventWriter.toJson(good);
        assertEquals(line + "\n" + line + "\n", out.toString(StandardCharsets.UTF_8));
    }

    /**
     * After a tag that fails half written (a stack overflow, a value that cannot be written), the next tags are the
     * bytes a fresh writer gives: nothing of the failed one, no copy it kept. (Where exactly a stack overflows cannot be
     * chosen, so a copy cut in the middle is not forced here; the writer forgets every copy after a failure.)
     */
    @Test
    void aTagThatFailsHalfWrittenLeavesTheNextTagsAsAFreshWriterWritesThem() throws Exception {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("command_text", "sudo -l");
        evidence.put("uid", 0);
        Map<String, Object> loop = new LinkedHashMap<>(evidence);
        loop.put("self", loop); // deep enough to overflow the stack wherever the writer is, caches included
        Map<String, Object> odd = new LinkedHashMap<>(evidence);
        odd.put("odd", new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("no text");
            }
        });
        List<Tag> good = new java.util.ArrayList<>();
        List<Tag> bad = new java.util.ArrayList<>();
        for (Map<String, Object> e : List.of(evidence, loop, odd)) {
            for (String id : List.of("cmd_1", "cmd_2")) {
                Tag t = new Tag(UUID.fromString("4fd57b14-c135-544c-97d9-4fabc1051584"), "command", id, "a-1", null,
                        "s", "d", "TA0004", "T1548", "T1548.001", 0.8, "R0015", 1, e, "v15.1",
                        "https://attack.mitre.org/techniques/T1548/001", Instant.parse("2026-05-01T12:00:00.123456Z"));
                (e == evidence ? good : bad).add(t);
            }
        }
        ByteArrayOutputStream fresh = new ByteArrayOutputStream();
        try (TagWriter w = new TagWriter(fresh)) {
            for (Tag t : good) {
                w.write(t);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TagWriter w = new TagWriter(out)) {
            for (int round = 0; round < 3; round++) { // the caches warm, then a failure amid them, every kind of it
                for (Tag t : bad) {
                    w.write(good.get(0));
                    w.write(good.get(0));
                    assertThrows(Throwable.class, () -> w.write(t));
                }
            }
            w.flush();
            out.reset();
            for (Tag t : good) {
                w.write(t);
            }
        }
        assertEquals(fresh.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
    }
}
