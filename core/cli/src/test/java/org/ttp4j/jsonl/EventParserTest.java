package org.ttp4j.jsonl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ttp4j.engine.Event;

/**
 * The hand-written event parser (docs/events.md §6): what it accepts and rejects, and the values it gives, as
 * Python's {@code json.loads}; on standard JSON it agrees with Jackson's parser, checked on random mutated lines.
 */
class EventParserTest {

    private static final String HEAD = "{\"source_kind\":\"command\",\"source_id\":\"c1\",\"attacker_uuid\":\"a\",\"payload\":";

    private static Event parse(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return new EventParser().parse(b, 0, b.length, 7);
    }

    private static Object payloadValue(String json) {
        return parse(HEAD + "{\"v\":" + json + "}}").payload().get("v");
    }

    private static String error(String line) {
        return assertThrows(EventFormatException.class, () -> parse(line), line).getMessage();
    }

    /** A hostile line of many keys: linear work (a hash index past a few keys), and a dict's semantics kept. */
    @Test
    @org.junit.jupiter.api.Timeout(60) // only guards against a hang: quadratic lookups would take many minutes here
    void aPayloadOfManyKeysKeepsOrderAndTheLastValueOfARepeatedKey() {
        int n = 300_000;
        StringBuilder line = new StringBuilder(HEAD).append('{');
        for (int i = 0; i < n; i++) {
            line.append("\"k").append(i).append("\":").append(i).append(',');
        }
        line.append("\"k7\":\"again\",\"k12\":\"again\"}}");
        java.util.Map<String, Object> payload = parse(line.toString()).payload();
        assertEquals(n, payload.size());
        assertEquals("again", payload.get("k7")); // below the index's threshold when first seen
        assertEquals("again", payload.get("k12"));
        assertEquals(n - 1, payload.get("k" + (n - 1)));
        java.util.Iterator<String> keys = payload.keySet().iterator();
        for (int i = 0; i < 20; i++) {
            assertEquals("k" + i, keys.next()); // a repeated key keeps its first place
        }
    }

    /**
     * One reused parser tries the key each place had in the last line first, as quoted text and colon compared in
     * words: a different key, a prefix or extension of it, spacing, an escape, or a line that ends the array (no
     * word can be read past it) must all still give exactly the event a fresh parser gives.
     */
    @Test
    void thePredictedKeysNeverStandInForAnotherKey() {
        String[] lines = {
            "{\"source_kind\":\"command\",\"source_id\":\"c1\",\"attacker_uuid\":\"a\",\"payload\":{\"command_text\":\"ls\",\"user\":\"root\"}}",
            "{\"source_kind\":\"command\",\"source_id\":\"c2\",\"attacker_uuid\":\"a\",\"payload\":{\"command_text\":\"id\",\"user\":\"root\"}}",
            "{\"source_kind\":\"command\",\"source_id\":\"c3\",\"attacker_uuid\":\"a\",\"payload\":{\"command_tex\":\"x\",\"user\":\"u\"}}",
            "{\"source_kind\":\"command\",\"source_id\":\"c4\",\"attacker_uuid\":\"a\",\"payload\":{\"command_texts\":\"y\",\"user\":\"u\"}}",
            "{\"source_kind\" :\"command\", \"source_id\": \"c5\" ,\"attacker_uuid\":\"a\",\"payload\":{ \"command_text\" : \"z\"}}",
            "{\"source_\\u006bind\":\"command\",\"source_id\":\"c6\",\"attacker_uuid\":\"a\",\"payload\":{\"command_text\":\"w\"}}",
            "{\"source_id\":\"c7\",\"source_kind\":\"http_request\",\"identity_uuid\":\"i\",\"payload\":{\"user\":\"root\",\"command_text\":\"v\"}}",
            "{\"source_kind\":\"command\",\"source_id\":\"c8\",\"attacker_uuid\":\"a\",\"payload\":{\"command_text\":\"ls\",\"user\":\"root\"}}",
            "{\"source_kind\":\"command\",\"source_id\":\"c9\",\"attacker_uuid\":\"a\",\"payload\":{\"a\":1}}",
            // the top-level keys in other places, an unknown key learnt at a place, a payload key named like an id
            "{\"session_id\":\"s\",\"decky_id\":\"d\",\"payload\":{\"source_kind\":\"x\"},\"source_kind\":\"command\",\"source_id\":\"c10\",\"attacker_uuid\":\"a\"}",
            "{\"decky_id\":\"d2\",\"payload\":{\"a\":1},\"session_id\":\"s2\",\"x\":{\"session_id\":\"no\"},\"source_kind\":\"command\",\"source_id\":\"c11\",\"attacker_uuid\":\"a\"}",
            "{\"x\":\"y\",\"session_id\":\"s3\",\"source_kind\":\"command\",\"payload\":{},\"source_id\":\"c12\",\"identity_uuid\":\"i\"}",
        };
        EventParser reused = new EventParser();
        for (int round = 0; round < 3; round++) {
            for (String line : lines) {
                byte[] exact = line.getBytes(StandardCharsets.UTF_8); // the line ends the array: no word past it
                byte[] padded = (line + " ".repeat(40)).getBytes(StandardCharsets.UTF_8);
                Event fresh = new EventParser().parse(exact, 0, exact.length, 1);
                assertEquals(fresh, reused.parse(exact, 0, exact.length, 1), line);
                assertEquals(fresh, reused.parse(padded, 0, exact.length, 1), line);
            }
        }
        byte[] second = lines[10].getBytes(StandardCharsets.UTF_8);
        Event e = reused.parse(second, 0, second.length, 1); // its places learnt with other keys last
        assertEquals("d2", e.deckyId());
        assertEquals("s2", e.sessionId());
        assertEquals(Map.of("a", 1), e.payload());
        byte[] third = lines[11].getBytes(StandardCharsets.UTF_8);
        reused.parse(third, 0, third.length, 1);
        e = reused.parse(third, 0, third.length, 1); // every key the predicted one
        assertEquals("s3", e.sessionId());
        assertEquals(Map.of(), e.payload());
        assertNull(e.payload().get(null));
        assertEquals(Map.of("command_tex", "x", "user", "u"), parse(lines[2]).payload());
        assertEquals("command", parse(lines[5]).sourceKind());
    }

    /**
     * A payload key seen before (predicted at its place, or from the cache: in another place, after the same text as
     * a value) is the interned String, as the rules' field names are: the engine finds it in a payload by identity. A
     * key seen once is not interned, so that a stream of unique keys interns nothing. (A line's last 24 bytes in its
     * buffer are not cached: there a key is a new String, and the engine's look-up compares it.)
     */
    @Test
    void aPayloadKeySeenBeforeIsTheInternedString() {
        EventParser reused = new EventParser();
        // (the texts lie in slots of their own in the cache: two in one slot take turns, and one would be new again)
        String[] lines = {HEAD + "{\"command_text\":\"ls\",\"user\" : \"uid\"}}",
            HEAD + "{\"command_text\":\"ls\",\"user\" : \"uid\"}}", HEAD + "{\"user\":\"x\",\"command_text\":\"id\"}}",
            HEAD + "{\"a\":1,\"uid\":0}}"};
        for (int k = 0; k < lines.length; k++) {
            byte[] b = (lines[k] + "\n" + " ".repeat(40)).getBytes(StandardCharsets.UTF_8); // more lines follow it
            for (String key : reused.parse(b, 0, lines[k].length(), 1).payload().keySet()) {
                if (k > 0 && !key.equals("a")) { // the first line's keys, and "a", are new
                    assertSame(new String(key).intern(), key, lines[k] + ": " + key); // a copy: intern() cannot take it
                }
            }
        }
        String canonical = ("k" + System.nanoTime()).intern(); // the interned instance of a key met once below
        byte[] once = (HEAD + "{\"" + canonical + "\":1}}\n" + " ".repeat(40)).getBytes(StandardCharsets.UTF_8);
        String key = reused.parse(once, 0, once.length - 41, 1).payload().keySet().iterator().next();
        assertEquals(canonical, key);
        assertNotSame(canonical, key);
    }

    /**
     * The string caches never stand in for another string: values of every length up to past the long cache, alike
     * in their first sixteen and last eight bytes and differing only between, each read twice, both as a key and as a
     * value, from a line at the start of its buffer and from one three bytes in; and a value read again is the very
     * String the cache kept.
     */
    @Test
    void theStringCachesNeverStandInForAnotherString() {
        EventParser reused = new EventParser();
        for (int round = 0; round < 2; round++) {
            for (int n = 1; n <= 140; n++) {
                for (char middle = 'a'; middle <= 'c'; middle++) {
                    char[] text = ("0123456789abcdef" + "x".repeat(Math.max(0, n - 24)) + "ZYXWVUTS").toCharArray();
                    text = java.util.Arrays.copyOf(text, n);
                    text[n / 2] = middle;
                    String v = new String(text);
                    String line = HEAD + "{\"" + v + "\":\"" + v + "\"}}";
                    byte[] exact = line.getBytes(StandardCharsets.UTF_8);
                    Event e = reused.parse(exact, 0, exact.length, 1);
                    assertEquals(Map.of(v, v), e.payload(), line);
                    byte[] shifted = ("   " + line).getBytes(StandardCharsets.UTF_8);
                    assertEquals(Map.of(v, v), reused.parse(shifted, 3, shifted.length, 1).payload(), line);
                }
            }
        }
        String uuid = "6f1c3c1e-6d2b-4b8e-9d7e-1c2b3a4d5e6f";
        String command = "journalctl -u nginx --since today --no-pager -n 200";
        String line = "{\"source_kind\":\"command\",\"source_id\":\"c1\",\"attacker_uuid\":\"" + uuid
                + "\",\"payload\":{\"command_text\":\"" + command + "\"}}";
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        reused.parse(b, 0, b.length, 1);
        Event second = reused.parse(b, 0, b.length, 2);
        Event third = reused.parse(b, 0, b.length, 3);
        assertTrue(second.attackerUuid() == third.attackerUuid(), "a repeated uuid is one String");
        assertTrue(second.payload().get("command_text") == third.payload().get("command_text"), "as is a command");
        String longer = "x".repeat(129);
        byte[] over = (HEAD + "{\"v\":\"" + longer + "\"}}").getBytes(StandardCharsets.UTF_8);
        reused.parse(over, 0, over.length, 4);
        assertEquals(longer, reused.parse(over, 0, over.length, 5).payload().get("v"));
    }

    /**
     * A reused parser (its keys predicted, its strings cached) reads what a fresh one reads when the value at one
     * place changes from line to line: the same value, one that differs in a byte, one it is the start of, an escaped
     * or non-ASCII spelling, another type, a value cut by the end of the line, and values around the longest cached;
     * each line read twice, after every other.
     */
    @Test
    void aValueThatChangesAtOnePlaceIsReadAfresh() {
        String[] values = {"\"command\"", "\"commanD\"", "\"commander\"", "\"comm\"", "\"comm\\u0061nd\"", "\"command\u00e9\"",
            "7", "null", "\"\"", "\"" + "x".repeat(126) + "\"", "\"" + "x".repeat(127) + "\"", "\"" + "x".repeat(125) + "y\""};
        EventParser reused = new EventParser();
        Random r = new Random(3);
        for (int n = 0; n < 4_000; n++) {
            String v = values[r.nextInt(values.length)];
            String w = values[r.nextInt(values.length)];
            String line = r.nextInt(8) == 0
                    ? "{\"source_kind\":\"command\",\"source_id\":\"c\",\"attacker_uuid\":\"a\",\"payload\":{\"v\":" + v.substring(0, r.nextInt(v.length()))
                    : "{\"source_kind\":\"command\",\"source_id\":" + w + ",\"attacker_uuid\":\"a\",\"payload\":{\"v\":" + v + "}}";
            byte[] exact = line.getBytes(StandardCharsets.UTF_8);
            for (int twice = 0; twice < 2; twice++) {
                Object expected;
                try {
                    expected = new EventParser().parse(exact, 0, exact.length, 1);
                } catch (EventFormatException e) {
                    expected = e.getMessage();
                }
                Object ours;
                try {
                    ours = reused.parse(exact, 0, exact.length, 1);
                } catch (EventFormatException e) {
                    ours = e.getMessage();
                }
                assertEquals(expected, ours, line);
            }
        }
    }

    @Test
    void numbersAreWhatJsonLoadsGives() {
        assertEquals(0, payloadValue("-0"));
        assertEquals(2147483647, payloadValue("2147483647"));
        assertEquals(2147483648L, payloadValue("2147483648"));
        assertEquals(-2147483648, payloadValue("-2147483648"));
        assertEquals(Long.MAX_VALUE, payloadValue("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, payloadValue("-9223372036854775808"));
        assertEquals(new BigInteger("9223372036854775808"), payloadValue("9223372036854775808"));
        assertEquals(new BigInteger("-123456789012345678901234567890"), payloadValue("-123456789012345678901234567890"));
        assertEquals(-0.0, payloadValue("-0.0"));
        assertEquals(1e20, payloadValue("1E20"));
        assertEquals(0.5, payloadValue("5e-1"));
        assertEquals(Double.POSITIVE_INFINITY, payloadValue("1e400")); // float('1e400') is inf
        assertEquals(Double.NaN, payloadValue("NaN"));
        assertEquals(Double.POSITIVE_INFINITY, payloadValue("Infinity"));
        assertEquals(Double.NEGATIVE_INFINITY, payloadValue("-Infinity"));
        assertEquals(BigInteger.TEN.pow(999), payloadValue("1" + "0".repeat(999)));
        assertTrue(error(HEAD + "{\"v\":1" + "0".repeat(1000) + "}}").endsWith(": a number longer than 1000 characters"));
        for (String bad : List.of("01", "-", "1.", ".5", "+1", "1e", "1e+", "-NaN", "nan", "infinity", "0x10", "1.5.3")) {
            assertTrue(error(HEAD + "{\"v\":" + bad + "}}").startsWith("line 7: malformed JSON at column "), bad);
        }
    }

    @Test
    void stringsAreWhatJsonLoadsGives() {
        assertEquals("a\"\\/\b\f\n\r\t\u00e9\u20ac\ud83d\ude00", payloadValue("\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u20AC\\ud83d\\ude00\""));
        assertEquals("\u00e9\u20ac\ud83d\ude00 raw", payloadValue("\"\u00e9\u20ac\ud83d\ude00 raw\""));
        assertEquals("x\u00e9\ud83d\ude00\\", payloadValue("\"x\u00e9\ud83d\ude00\\\\\""));
        assertEquals("\ud800", payloadValue("\"\\ud800\"")); // a lone surrogate escape is kept
        assertEquals("\udc00x\ud83d", payloadValue("\"\\udc00x\\ud83d\""));
        assertEquals("\u007f", payloadValue("\"\u007f\""));
        assertTrue(error(HEAD + "{\"v\":\"a\tb\"}}").endsWith("a control character (0x09) in a string: it must be escaped"));
        assertTrue(error(HEAD + "{\"v\":\"\\x\"}}").endsWith("an invalid escape \\'x'"));
        assertTrue(error(HEAD + "{\"v\":\"\\u12g4\"}}").endsWith("a \\u escape needs four hex digits"));
        assertTrue(error(HEAD + "{\"v\":\"\\u12\"}}").endsWith("a \\u escape needs four hex digits"));
        assertEquals("line 7: malformed JSON at column 82: the line ends inside a string", error(HEAD + "{\"v\":\"abc"));
        assertEquals("line 7: malformed JSON at column 84: the line ends inside a string", error(HEAD + "{\"v\":\"ab\\n\\"));
    }

    @Test
    void aRepeatedTopLevelKeyIsJudgedByItsLastValue() {
        // json.loads keeps the last value: a wrong first one is no problem, a wrong last one is
        Event e = parse("{\"source_kind\":\"command\",\"source_id\":5,\"source_id\":\"c1\",\"attacker_uuid\":\"a\","
                + "\"payload\":7,\"payload\":{\"command_text\":\"id\"}}");
        assertEquals("c1", e.sourceId());
        assertEquals(Map.of("command_text", "id"), e.payload());
        assertTrue(error("{\"source_kind\":\"command\",\"source_id\":\"c1\",\"source_id\":5,\"attacker_uuid\":\"a\","
                + "\"payload\":{}}").endsWith("source_id must be a string or null, found 5"));
        assertTrue(error(HEAD + "{},\"payload\":7}").contains("payload must be an object, found 7"));
    }

    @Test
    void duplicateKeysKeepTheLastValueInTheFirstPlace() {
        Event e = parse("{\"source_kind\":\"x\",\"source_kind\":\"command\",\"source_id\":\"c\",\"attacker_uuid\":\"a\","
                + "\"payload\":{\"a\":1},\"payload\":{\"command_text\":\"id\",\"env\":{\"k\":1,\"j\":2,\"k\":3}}}");
        assertEquals("command", e.sourceKind());
        assertEquals(Map.of("command_text", "id", "env", Map.of("k", 3, "j", 2)), e.payload());
        assertEquals(List.of("k", "j"), List.copyOf(((Map<?, ?>) e.payload().get("env")).keySet()));
        Map<String, Object> p = parse(HEAD + "{\"a\":1,\"b\":2,\"a\":3,\"c\":null}}").payload();
        assertEquals(List.of("a", "b", "c"), List.copyOf(p.keySet()));
        assertEquals(3, p.get("a"));
        assertTrue(p.containsKey("c"));
        assertNull(p.get("d"));
        // a present null is not the default (the engine's evidence keeps it), an absent key is
        assertNull(p.getOrDefault("c", "absent"));
        assertEquals("absent", p.getOrDefault("d", "absent"));
        assertEquals(3, p.getOrDefault("a", "absent"));
        assertEquals(Map.of("a", 3, "b", 2, "c", "x").size(), p.size());
        assertEquals(p, new java.util.HashMap<>(p));
        // keys of one hash ("Aa" and "BB"), and of one bit of the payload's hash mask ("a" and "\u00a1": 97 and 161)
        Map<String, Object> same = parse(HEAD + "{\"Aa\":1,\"BB\":2,\"a\":4,\"Aa\":3,\"\u00a1\":5,\"BB\":6}}").payload();
        assertEquals(List.of("Aa", "BB", "a", "\u00a1"), List.copyOf(same.keySet()));
        assertEquals(List.of(3, 6, 4, 5), List.copyOf(same.values()));
        assertNull(same.get("C#")); // the hash of "Aa" too
        assertEquals("absent", same.getOrDefault("!", "absent")); // the bit of "a" (33 + 64)
    }

    @Test
    void nestingIsLimitedToAThousandLevels() {
        String ok = "[".repeat(998) + "]".repeat(998); // the event and its payload are two levels
        assertInstanceOf(List.class, payloadValue(ok));
        String deep = "[".repeat(999) + "]".repeat(999);
        assertTrue(error(HEAD + "{\"v\":" + deep + "}}").endsWith(": nested deeper than 1000 levels"));
    }

    @Test
    void whatIsNotAnEventIsNamed() {
        assertEquals("line 7: expected a JSON object, found an array", error("[1,2]"));
        assertEquals("line 7: expected a JSON object, found 7", error(" 7 "));
        assertEquals("line 7: expected a JSON object, found a string", error("\"x\""));
        assertEquals("line 7: expected a JSON object, found NaN", error("NaN"));
        assertEquals("line 7: expected a JSON object, found null", error("null"));
        assertEquals("line 7: more than one JSON value on the line", error(HEAD + "{}} {\"a\":1}"));
        assertEquals("line 7: malformed JSON at column 77: expected a value, found 'x'", error(HEAD + "{}} x"));
        assertEquals("line 7: source_id must be a string or null, found 7",
                error("{\"source_kind\":\"command\",\"source_id\":7,\"attacker_uuid\":\"a\"}"));
        assertEquals("line 7: source_id must be a string or null, found an object",
                error("{\"source_kind\":\"command\",\"source_id\":{\"a\":[1]},\"attacker_uuid\":\"a\"}"));
        assertEquals("line 7: payload must be an object, found true", error(HEAD + "true}"));
        assertEquals("line 7: payload must be an object, found an array", error(HEAD + "[]}"));
        assertNull(parse(HEAD + "null}").payload().get("x"));
        assertEquals("line 7: malformed JSON at column 1: expected a value, found byte 0xef",
                error("\ufeff" + HEAD + "{}}")); // json.loads refuses a BOM too
        assertEquals("line 7: malformed JSON at column 2: expected a double-quoted key", error("{'a':1}"));
        assertEquals("line 7: malformed JSON at column 8: expected a double-quoted key", error("{\"a\":1,}"));
        assertEquals("line 7: malformed JSON at column 9: expected a value, found ']'", error("{\"a\":[1,]}"));
        assertEquals("line 7: malformed JSON at column 6: expected ':' after a key", error("{\"a\" 1}"));
        assertEquals("line 7: malformed JSON at column 8: expected ',' or '}'", error("{\"a\":1 \"b\":2}"));
        assertEquals("line 7: malformed JSON at column 8: the line ends inside an object", error("{\"a\":1 "));
        assertEquals("line 7: malformed JSON at column 6: expected a value, found 'tru'", error("{\"a\":tru}"));
        assertEquals("line 7: malformed JSON at column 6: the line ends where a value was expected", error("{\"a\":"));
        assertEquals("line 7: event command/c has neither attacker_uuid nor identity_uuid (at least one is required)",
                error("{\"source_kind\":\"command\",\"source_id\":\"c\",\"x\":[{\"y\":null}]}"));
        assertEquals("line 7: ill-formed UTF-8: byte 0xc0 at offset 5: invalid start byte",
                assertThrows(EventFormatException.class, () -> new EventParser().parse(
                        new byte[] {'{', '"', 'a', '"', ':', (byte) 0xc0, (byte) 0xaf, '}'}, 0, 8, 7)).getMessage());
    }

    @Test
    void theLibraryReaderIsAsStrictAsTheCommandAndGoesOnAfterABadLine() throws IOException {
        byte[] overlong = (HEAD + "{\"command_text\":\"cat \u0001etc\"}}\n").getBytes(StandardCharsets.UTF_8);
        int at = new String(overlong, StandardCharsets.ISO_8859_1).indexOf('\u0001');
        byte[] in = new byte[overlong.length + 1];
        System.arraycopy(overlong, 0, in, 0, at);
        in[at] = (byte) 0xc0;
        in[at + 1] = (byte) 0xaf;
        System.arraycopy(overlong, at + 1, in, at + 2, overlong.length - at - 1);
        String good = HEAD + "{\"command_text\":\"ok\"}}\r\n \n";
        byte[] all = (good + new String(in, StandardCharsets.ISO_8859_1) + "{\"a\":\n" + good)
                .getBytes(StandardCharsets.ISO_8859_1);
        try (EventReader r = new EventReader(new ByteArrayInputStream(all))) {
            assertEquals("ok", r.next().payload().get("command_text"));
            assertEquals("line 3: ill-formed UTF-8: byte 0xc0 at offset " + at + ": invalid start byte",
                    assertThrows(EventFormatException.class, r::next).getMessage());
            assertEquals(4, assertThrows(EventFormatException.class, r::next).line());
            assertEquals("ok", r.next().payload().get("command_text"));
            assertNull(r.next());
        }
    }

    /** The library's reader parses the lines its buffer holds whole in place (EventLinesFramingTest: the same answers). */
    @Test
    void theLibraryReaderParsesMostLinesInPlace() throws IOException {
        String good = HEAD + "{\"command_text\":\"ok\"}}";
        byte[] all = ((good + "\n").repeat(9_000) + good + "\r\n" + good).getBytes(StandardCharsets.UTF_8);
        long events = 0;
        try (EventReader r = new EventReader(new ByteArrayInputStream(all))) {
            while (r.next() != null) {
                events++;
            }
            assertEquals(9_002, events);
            assertTrue(r.inPlace > 8_900, r.inPlace + " of 9,002 lines parsed in place"); // all but one or two a refill
        }
    }

    @Test
    void theNewlineSearchFindsTheFirstNewlineEightBytesAtATime() {
        Random r = new Random(8);
        for (int n = 0; n < 20_000; n++) {
            byte[] b = new byte[r.nextInt(40)];
            for (int k = 0; k < b.length; k++) {
                b[k] = (byte) (r.nextInt(b.length + 1) == 0 ? '\n' : new int[] {0x0b, 0x09, 0x8a, 'a', 0, 0xff, 0x0e}[r.nextInt(7)]);
            }
            int from = b.length == 0 ? 0 : r.nextInt(b.length);
            int to = from + (b.length == from ? 0 : r.nextInt(b.length - from + 1));
            int expected = -1;
            for (int i = from; i < to; i++) {
                if (b[i] == '\n') {
                    expected = i;
                    break;
                }
            }
            assertEquals(expected, EventReader.newline(b, from, to));
        }
    }

    @Test
    void stringsWithEverySpecialByteAtEveryOffsetOfAWord() {
        for (int at = 0; at < 17; at++) {
            String head = "x".repeat(at);
            assertEquals(head + "\"" + head, payloadValue("\"" + head + "\\\"" + head + "\""));
            assertEquals(head + "\u00e9" + head, payloadValue("\"" + head + "\u00e9" + head + "\""));
            assertEquals(head, payloadValue("\"" + head + "\""));
            assertTrue(error(HEAD + "{\"v\":\"" + head + "\u0001\"}}").contains("control character (0x01)"));
        }
    }

    // --- agreement with Jackson on standard JSON ---

    private static final JsonFactory JACKSON = JsonFactory.builder().build();

    /** Jackson's reading of a line: the top-level object as maps and lists, or null when it is malformed. */
    private static Object jackson(byte[] line) {
        try (JsonParser p = JACKSON.createParser(line)) {
            JsonToken t = p.nextToken();
            Object v = t == null ? null : jacksonValue(p, t);
            return p.nextToken() == null ? v : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Object jacksonValue(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                String name;
                while ((name = p.nextFieldName()) != null) {
                    m.put(name, jacksonValue(p, p.nextToken()));
                }
                yield m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                for (JsonToken e; (e = p.nextToken()) != JsonToken.END_ARRAY; ) {
                    l.add(jacksonValue(p, e));
                }
                yield l;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getNumberValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            default -> null;
        };
    }

    private static final String[] PIECES = {"{", "}", "[", "]", ",", ":", "\"", "\\", "\"k\"", "\"v\\u00e9\"", "\"\\n\"",
        "0", "-", "1.5", "e3", "12345678901234567890", "true", "null", "fals", " ", "\t", "\u00e9", "\ud83d\ude00", "\\u",
        "\u0001", "x", "00", "."};

    @Test
    void agreesWithJacksonOnRandomlyMutatedLines() {
        Random r = new Random(14);
        String base = HEAD + "{\"command_text\":\"cat /etc/shadow\",\"uid\":0,\"argv\":[\"a\",1.5,-2,true,null,{\"k\":[]}],"
                + "\"n\":12345678901234567890,\"s\":\"\\u00e9\\n\\\"q\\\"\"}}";
        int accepted = 0;
        EventParser reused = new EventParser(); // its caches of keys and values, warm from every line before
        for (int n = 0; n < 100_000; n++) {
            StringBuilder sb = new StringBuilder(base);
            for (int k = 1 + r.nextInt(3); k > 0; k--) {
                int at = r.nextInt(sb.length() + 1);
                switch (r.nextInt(3)) {
                    case 0 -> sb.insert(at, PIECES[r.nextInt(PIECES.length)]);
                    case 1 -> sb.delete(at, Math.min(sb.length(), at + 1 + r.nextInt(3)));
                    default -> sb.replace(at, Math.min(sb.length(), at + 1), PIECES[r.nextInt(PIECES.length)]);
                }
            }
            String line = sb.toString().replace("\n", "");
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            Object expected = jackson(bytes);
            Event ours;
            try {
                ours = new EventParser().parse(bytes, 0, bytes.length, 1);
            } catch (EventFormatException e) {
                EventFormatException again = assertThrows(EventFormatException.class,
                        () -> reused.parse(bytes, 0, bytes.length, 1), line);
                assertEquals(e.getMessage(), again.getMessage(), line);
                if (e.getMessage().startsWith("line 1: expected a JSON object")) {
                    continue; // a top-level value that is not an object is named before the rest is read, as before
                }
                boolean malformed = e.getMessage().startsWith("line 1: malformed JSON")
                        || e.getMessage().equals("line 1: more than one JSON value on the line");
                assertTrue(malformed == (expected == null), () -> line + " -> " + e.getMessage() + " / Jackson " + expected);
                continue;
            }
            accepted++;
            assertEquals(ours, reused.parse(bytes, 0, bytes.length, 1), line);
            assertTrue(expected instanceof Map<?, ?>, () -> line + " / Jackson " + expected);
            Object payload = ((Map<?, ?>) expected).get("payload");
            assertEquals(payload == null ? Map.of() : payload, ours.payload(), line);
        }
        assertTrue(accepted > 10_000, "mutations that stay events: " + accepted);
    }

    private static final byte[][] BYTE_PIECES = {{(byte) 0x80}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xe2, (byte) 0x82},
        {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xff}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
        {(byte) 0xc3}, {'\\', (byte) 0xc3}, {'\\', (byte) 0xc3, (byte) 0xa9}, {(byte) 0xc3, (byte) 0xa9},
        {(byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80}, {'"'}, {'\\'}, {'{'}, {','}, {'1'}};

    /**
     * The bytes are checked as UTF-8 only when the parse meets a non-ASCII byte (in a string, before decoding it) or
     * fails: a line that is not UTF-8 still gives its encoding problem, whatever else is wrong with it and wherever
     * the bad byte is (a key, a value, after an escape, outside any string), from a fresh and from a warm parser.
     */
    @Test
    void aLineThatIsNotUtf8SaysSoWhereverItsBadByteIs() {
        Random r = new Random(22);
        byte[] base = (HEAD + "{\"command_text\":\"cat \\\"/etc/shadow\\\"\",\"uid\":0,\"argv\":[\"a\",1.5,null]}}")
                .getBytes(StandardCharsets.UTF_8);
        EventParser reused = new EventParser();
        int notUtf8 = 0;
        int events = 0;
        for (int n = 0; n < 50_000; n++) {
            byte[] line = base;
            for (int k = 1 + r.nextInt(2); k > 0; k--) {
                byte[] piece = BYTE_PIECES[r.nextInt(BYTE_PIECES.length)];
                int at = r.nextInt(line.length + 1);
                byte[] longer = new byte[line.length + piece.length];
                System.arraycopy(line, 0, longer, 0, at);
                System.arraycopy(piece, 0, longer, at, piece.length);
                System.arraycopy(line, at, longer, at + piece.length, line.length - at);
                line = longer;
            }
            byte[] bytes = line;
            String problem = EventReader.utf8Problem(bytes, 0, bytes.length);
            if (problem == null) {
                String fresh;
                try {
                    fresh = String.valueOf(new EventParser().parse(bytes, 0, bytes.length, 1));
                    events++;
                } catch (EventFormatException e) {
                    fresh = e.getMessage();
                }
                String warm;
                try {
                    warm = String.valueOf(reused.parse(bytes, 0, bytes.length, 1));
                } catch (EventFormatException e) {
                    warm = e.getMessage();
                }
                assertEquals(fresh, warm);
                continue;
            }
            notUtf8++;
            for (EventParser parser : List.of(new EventParser(), reused)) {
                EventFormatException e = assertThrows(EventFormatException.class,
                        () -> parser.parse(bytes, 0, bytes.length, 1));
                assertEquals("line 1: " + problem, e.getMessage(), () -> java.util.HexFormat.of().formatHex(bytes));
            }
        }
        assertTrue(notUtf8 > 15_000 && events > 1_000, "lines not UTF-8: " + notUtf8 + ", events: " + events);
    }
}
