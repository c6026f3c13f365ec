package org.ttp4j.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RuleFileNamesTest {
    private static final Pattern RULE_FILE = Pattern.compile("[A-Za-z0-9_]+\\.ya?ml");

    @ParameterizedTest
    @ValueSource(strings = {"T1110_brute_force.yaml", "T1078.yaml", "T1059_command_and_scripting.yml", "R0001.yaml", "a.yml", "_.yaml"})
    void acceptsTheSpecifiedExamples(String name) { // docs/rules.md §8
        assertAllAgree(name.getBytes(StandardCharsets.ISO_8859_1), true);
    }

    @ParameterizedTest
    @ValueSource(strings = {".T1110_brute_force.yaml.swp", ".swo", "T1110_brute_force.yaml~", ".T1110_brute_force.yaml.bak",
            "4913", ".4913", ".foo", "T1110_brute_force.yaml.tmp", "T1110_brute_force.txt", "R1.YAML", "R-1.yaml", "a.b.yaml",
            ".yaml", ".yml", "yaml", "a.yamll", "a.yam", "a.ymll", "a .yaml", "a\u00e9.yaml", ""})
    void rejectsTheSpecifiedExamples(String name) { // docs/rules.md §8
        assertAllAgree(name.getBytes(StandardCharsets.ISO_8859_1), false);
    }

    /** Every name of up to 6 bytes over an alphabet that reaches every branch, against the regex. */
    @Test
    void equalsTheRegexOnEveryShortNameOverATrickyAlphabet() {
        byte[] alphabet = {'a', 'Z', '0', '_', '.', 'y', 'm', 'l', '-', 'Y', (byte) 0xC3, 0};
        byte[] name = new byte[6];
        int checked = 0;
        for (int length = 0; length <= 6; length++) {
            int combinations = (int) Math.pow(alphabet.length, length);
            for (int n = 0; n < combinations; n++) {
                for (int i = 0, v = n; i < length; i++, v /= alphabet.length) {
                    name[i] = alphabet[v % alphabet.length];
                }
                assertAllAgree(java.util.Arrays.copyOf(name, length), null);
                checked++;
            }
        }
        assertEquals(3_257_437, checked);
    }

    /** Every byte value at every position of (and inserted into) real names, against the regex. */
    @Test
    void equalsTheRegexForEveryByteAtEveryPosition() {
        for (String base : new String[] {"R0001.yaml", "T1059_x.yml", "ab.yaml"}) {
            byte[] bytes = base.getBytes(StandardCharsets.US_ASCII);
            for (int at = 0; at <= bytes.length; at++) {
                for (int b = 0; b < 256; b++) {
                    if (at < bytes.length) {
                        byte[] replaced = bytes.clone();
                        replaced[at] = (byte) b;
                        assertAllAgree(replaced, null);
                    }
                    byte[] inserted = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, inserted, 0, at);
                    inserted[at] = (byte) b;
                    System.arraycopy(bytes, at, inserted, at + 1, bytes.length - at);
                    assertAllAgree(inserted, null);
                }
            }
        }
    }

    @Test
    void readsOnlyTheGivenRangeOfASegment() {
        try (Arena arena = Arena.ofConfined()) {
            byte[] framed = "--R0001.yamlyy".getBytes(StandardCharsets.US_ASCII);
            MemorySegment seg = arena.allocate(framed.length);
            MemorySegment.copy(framed, 0, seg, ValueLayout.JAVA_BYTE, 0, framed.length);
            assertTrue(RuleFileNames.matches(seg, 2, 10));
            assertFalse(RuleFileNames.matches(seg, 2, 11));
            assertFalse(RuleFileNames.matches(seg, 1, 11));
            assertTrue(RuleFileNames.matches(framed, 2, 10));
            assertFalse(RuleFileNames.matches(framed, 2, 12));
        }
    }

    private static void assertAllAgree(byte[] name, Boolean expected) {
        String latin1 = new String(name, StandardCharsets.ISO_8859_1);
        boolean regex = RULE_FILE.matcher(latin1).matches();
        if (expected != null) {
            assertEquals(expected, regex, "the regex itself on " + latin1);
        }
        byte[] framed = new byte[name.length + 2];
        framed[0] = 'x';
        System.arraycopy(name, 0, framed, 1, name.length);
        framed[framed.length - 1] = 'l';
        assertEquals(regex, RuleFileNames.matches(framed, 1, name.length), () -> "byte[] " + latin1);
        assertEquals(regex, RuleFileNames.matches(MemorySegment.ofArray(framed), 1, name.length), () -> "segment " + latin1);
        assertEquals(regex, RuleFileNames.matches(latin1), () -> "String " + latin1);
    }
}
