package org.ttp4j.index.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class LiteralAutomatonTest {

    /** The bits of the literals a plain indexOf finds: what the automaton must report. */
    private static long expected(List<String> literals, String text) {
        String folded = CaseFold.fold(text);
        long bits = 0;
        for (int k = 0; k < literals.size(); k++) {
            if (folded.contains(literals.get(k))) {
                bits |= 1L << (k % 64);
            }
        }
        return bits;
    }

    private static LiteralAutomaton automaton(List<String> literals) {
        long[] bits = new long[literals.size()];
        for (int k = 0; k < bits.length; k++) {
            bits[k] = 1L << (k % 64);
        }
        return new LiteralAutomaton(literals.toArray(String[]::new), bits);
    }

    @Property(tries = 2000)
    void reportsExactlyTheLiteralsThatOccur(@ForAll("literalSets") List<String> literals,
                                            @ForAll("texts") String text) {
        LiteralAutomaton a = automaton(literals);
        assertEquals(expected(literals, text), a.scan(text, text.length()), () -> literals + " in '" + text + "'");
        FoldedFields folded = new FoldedFields();
        folded.reset(1);
        folded.set(0, text, text.length());
        assertEquals(expected(literals, text), a.scanFolded(folded.chars(0), folded.length(0)),
                () -> "pre-folded: " + literals + " in '" + text + "'");
        // grouped: literal k in group k % 3, each group's mask as if it had its own automaton
        long[] bits = new long[literals.size()];
        int[] groups = new int[literals.size()];
        for (int k = 0; k < bits.length; k++) {
            bits[k] = 1L << (k % 64);
            groups[k] = k % 3;
        }
        long[] masks = new long[3];
        new LiteralAutomaton(literals.toArray(String[]::new), bits, groups)
                .scanGrouped(folded.chars(0), folded.length(0), masks);
        String f = CaseFold.fold(text);
        for (int g = 0; g < 3; g++) {
            long want = 0;
            for (int k = g; k < literals.size(); k += 3) {
                if (f.contains(literals.get(k))) {
                    want |= 1L << (k % 64);
                }
            }
            assertEquals(want, masks[g], "group " + g);
        }
    }

    @Provide
    Arbitrary<List<String>> literalSets() {
        return Arbitraries.strings().withChars("abcé/\u4e2d").ofMinLength(1).ofMaxLength(5)
                .list().ofMinSize(1).ofMaxSize(80);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withChars("abcABCÉé/\u4e2d ").ofMaxLength(40);
    }

    @Test
    void overlappingAndNestedLiterals() {
        LiteralAutomaton a = automaton(List.of("he", "she", "his", "hers", "/etc/passwd", "etc"));
        assertEquals(0b000011, a.scan("ushers", 6) & 0b000011);
        assertEquals(0b001011, a.scan("ushers", 6));
        assertEquals(0b110000, a.scan("cat /ETC/PASSWD", 15));
        assertEquals(0b100000, a.scan("cat /ETC/PASSWD", 8), "only the first 8 chars are searched");
        assertEquals(0, a.scan("nothing to see", 14));
    }
}
