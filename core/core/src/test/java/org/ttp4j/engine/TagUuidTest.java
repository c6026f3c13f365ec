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
}
