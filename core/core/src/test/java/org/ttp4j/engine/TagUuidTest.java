package org.ttp4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class TagUuidTest {

    @Test
    void namespace() {
        assertEquals(UUID.fromString("1ca31f08-5522-5aae-8371-fe81f0e39de3"), TagUuid.NAMESPACE);
    }

    @Test
    void goldenValuesOfTheSpecification() { // docs/events.md §4
        assertEquals("9aa491e5-f03b-5d8f-9eb5-161becedcdd6",
                TagUuid.of("command", "cmd_42", "R0014", 2, "T1083", null).toString());
        assertEquals("4fd57b14-c135-544c-97d9-4fabc1051584",
                TagUuid.of("command", "cmd_42", "R0015", 1, "T1548", "T1548.001").toString());
        assertEquals("68fb11d9-e52c-5751-9b99-75877c5465ba",
                TagUuid.of("command", "cmd_42", "R0015", 1, "T1083", null).toString());
        assertEquals("d86176e6-2fc7-50f7-9ca1-c9e373b466da",
                TagUuid.of("command", "séance#cmd0", "R0013", 1, "T1083", null).toString());
    }

    @Test
    void missingSubTechniqueIsTheEmptyString() {
        assertEquals(TagUuid.of("command", "c", "R1", 1, "T1083", null),
                TagUuid.of("command", "c", "R1", 1, "T1083", ""));
    }

    /** RFC 4122 §4.3 spelled out with the JDK's own UTF-8 encoder: the reference for the zero-copy one. */
    private static UUID reference(String name) throws Exception {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        ByteBuffer ns = ByteBuffer.allocate(16);
        ns.putLong(TagUuid.NAMESPACE.getMostSignificantBits()).putLong(TagUuid.NAMESPACE.getLeastSignificantBits());
        sha1.update(ns.array());
        byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        h[6] = (byte) ((h[6] & 0x0f) | 0x50);
        h[8] = (byte) ((h[8] & 0x3f) | 0x80);
        ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
        return new UUID(b.getLong(), b.getLong());
    }

    @Property(tries = 500)
    void deterministicAndEqualToTheReference(@ForAll String kind, @ForAll String sourceId, @ForAll String ruleId,
                                              @ForAll @IntRange(min = 1, max = 100_000) int version,
                                              @ForAll String technique, @ForAll String sub) throws Exception {
        UUID a = TagUuid.of(kind, sourceId, ruleId, version, technique, sub);
        assertEquals(a, TagUuid.of(kind, sourceId, ruleId, version, technique, sub));
        assertEquals(reference(kind + '|' + sourceId + '|' + ruleId + '|' + version + '|' + technique + '|' + sub), a);
        assertEquals(5, a.version());
        assertEquals(2, a.variant());
    }

    @Property(tries = 500)
    void distinctNamesGiveDistinctUuids(@ForAll String sourceId, @ForAll String other,
                                         @ForAll @IntRange(min = 1, max = 50) int version) {
        if (sourceId.equals(other) || sourceId.contains("|") || other.contains("|")) {
            return;
        }
        assertNotEquals(TagUuid.of("command", sourceId, "R1", version, "T1083", null),
                TagUuid.of("command", other, "R1", version, "T1083", null));
        assertNotEquals(TagUuid.of("command", sourceId, "R1", version, "T1083", null),
                TagUuid.of("command", sourceId, "R1", version + 1, "T1083", null));
        assertNotEquals(TagUuid.of("command", sourceId, "R1", version, "T1083", null),
                TagUuid.of("command", sourceId, "R1", version, "T1083", "T1083.001"));
    }

    @Test
    void theNamePartsKeptFromTheCallBeforeStandInOnlyForTheVerySameStrings() throws Exception {
        // the name's start (kind and id) is kept from the call before, and its end per rule: calls in a row that
        // share some instances, an equal copy, another value, a long id, a long rule part, two rules of one hash
        java.util.Random r = new java.util.Random(8);
        String longId = "é".repeat(100);
        String hugeId = "x".repeat(100_000);
        String[] kinds = {"command", new String("command"), "http_request"};
        String[] rules = {"T1033_user_discovery", new String("T1033_user_discovery"), "Aa", "BB", "R".repeat(300)};
        String[] techniques = {"T1033", new String("T1033"), "T1070"};
        String[] subs = {null, "T1070.003", new String("T1070.003"), ""};
        String[] ids = {"cmd_1", new String("cmd_1"), "cmd_2", longId, hugeId};
        for (int n = 0; n < 5_000; n++) {
            String kind = kinds[r.nextInt(kinds.length)];
            String id = ids[r.nextInt(ids.length)];
            String rule = rules[r.nextInt(rules.length)];
            int version = 1 + r.nextInt(2);
            String technique = techniques[r.nextInt(techniques.length)];
            String sub = subs[r.nextInt(subs.length)];
            assertEquals(reference(kind + '|' + id + '|' + rule + '|' + version + '|' + technique + '|'
                    + (sub == null ? "" : sub)), TagUuid.of(kind, id, rule, version, technique, sub), "call " + n);
        }
    }

    @Test
    void aNamePartThatIsNullThrowsAndLeavesNothingKeptWrong() throws Exception {
        UUID first = TagUuid.of("command", "cmd_7", "R1", 1, "T1083", null);
        org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class,
                () -> TagUuid.of("http_request", null, "R1", 1, "T1083", null));
        assertEquals(first, TagUuid.of("command", "cmd_7", "R1", 1, "T1083", null));
        assertEquals(reference("command|cmd_7|R1|1|T1083|"), first);
    }
}
