package org.ttp4j.index.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.ttp4j.rule.RequiredLiterals;

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
        return automaton(literals, true);
    }

    private static LiteralAutomaton automaton(List<String> literals, boolean table) {
        long[] bits = new long[literals.size()];
        for (int k = 0; k < bits.length; k++) {
            bits[k] = 1L << (k % 64);
        }
        return new LiteralAutomaton(literals.toArray(String[]::new), bits, null, null, table);
    }

    @Property(tries = 2000)
    void reportsExactlyTheLiteralsThatOccur(@ForAll("literalSets") List<String> literals,
                                            @ForAll("texts") String text) {
        LiteralAutomaton a = automaton(literals);
        assertEquals(expected(literals, text), a.scan(text, text.length()), () -> literals + " in '" + text + "'");
        assertEquals(expected(literals, text), automaton(literals, false).scan(text, text.length()),
                () -> "without the full table: " + literals + " in '" + text + "'");
        FoldedFields folded = new FoldedFields();
        folded.reset(1);
        folded.set(0, text, text.length());
        assertEquals(expected(literals, text), a.scanFolded(folded.chars(0), folded.length(0), folded.original(0)),
                () -> "pre-folded: " + literals + " in '" + text + "'");
        // grouped: literal k in group k % 3, each group's mask as if it had its own automaton
        long[] bits = new long[literals.size()];
        int[] groups = new int[literals.size()];
        for (int k = 0; k < bits.length; k++) {
            bits[k] = 1L << (k % 64);
            groups[k] = k % 3;
        }
        long[] masks = new long[3];
        new LiteralAutomaton(literals.toArray(String[]::new), bits, groups, null)
                .scanGrouped(folded.chars(0), folded.length(0), folded.original(0), masks);
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

    private static final RequiredLiterals.Anchor[] ANCHORS = {new RequiredLiterals.WordBoundary(),
        new RequiredLiterals.Start(false), new RequiredLiterals.Start(true), new RequiredLiterals.End(true, false),
        new RequiredLiterals.End(false, true), new RequiredLiterals.End(false, false),
        new RequiredLiterals.Next(new RequiredLiterals.Chars(1L << ' ' | 1L << '/', 0, false), true),
        new RequiredLiterals.Next(new RequiredLiterals.Chars(0, 1L << ('b' - 64), true), false)};

    /** Literal k's edges: a few anchors drawn from {@code picks} (0 = none). */
    private static RequiredLiterals.Edges[] edges(int n, List<Integer> picks) {
        RequiredLiterals.Edges[] edges = new RequiredLiterals.Edges[n];
        for (int k = 0; k < n; k++) {
            int pick = picks.get(k % picks.size());
            List<RequiredLiterals.Anchor> before = pick % 3 == 0 ? List.of() : List.of(ANCHORS[pick % ANCHORS.length]);
            List<RequiredLiterals.Anchor> after = pick % 2 == 0 ? List.of()
                    : List.of(ANCHORS[(pick / 3) % ANCHORS.length]);
            edges[k] = new RequiredLiterals.Edges(before, after);
        }
        return edges;
    }

    /** Whether some occurrence of {@code literal} in the folded text meets {@code edges}: a plain search. */
    private static boolean occurs(String literal, RequiredLiterals.Edges edges, String text) {
        String folded = CaseFold.fold(text);
        for (int at = folded.indexOf(literal); at >= 0; at = folded.indexOf(literal, at + 1)) {
            if (edges.holds(text, text.length(), at, at + literal.length())) {
                return true;
            }
        }
        return false;
    }

    @Property(tries = 2000)
    void literalsWithEdgesCountOnlyWhereTheEdgesHold(@ForAll("literalSets") List<String> literals,
                                                      @ForAll("edgeTexts") String text,
                                                      @ForAll("picks") List<Integer> picks) {
        int n = literals.size();
        RequiredLiterals.Edges[] edges = edges(n, picks);
        long[] bits = new long[n];
        int[] groups = new int[n];
        long want = 0;
        long[] wantGroup = new long[3];
        for (int k = 0; k < n; k++) {
            bits[k] = 1L << (k % 64);
            groups[k] = k % 3;
            if (occurs(literals.get(k), edges[k], text)) {
                want |= bits[k];
                wantGroup[k % 3] |= bits[k];
            }
        }
        String[] lits = literals.toArray(String[]::new);
        for (boolean table : new boolean[] {true, false}) { // with and without the full transition table
            LiteralAutomaton a = new LiteralAutomaton(lits, bits, null, edges, table);
            assertEquals(want, a.scan(text, text.length()), () -> literals + " in '" + text + "'");
            FoldedFields folded = new FoldedFields();
            folded.reset(1);
            folded.set(0, text, text.length());
            assertEquals(want, a.scanFolded(folded.chars(0), folded.length(0), folded.original(0)));
            long[] masks = new long[3];
            new LiteralAutomaton(lits, bits, groups, edges, table).scanGrouped(folded.chars(0), folded.length(0),
                    folded.original(0), masks);
            for (int g = 0; g < 3; g++) {
                assertEquals(wantGroup[g], masks[g], "group " + g);
            }
        }
    }

    @Provide
    Arbitrary<String> edgeTexts() {
        return Arbitraries.strings().withChars("abAB_é/ \n").ofMaxLength(30);
    }

    @Provide
    Arbitrary<List<Integer>> picks() {
        return Arbitraries.integers().between(0, 40).list().ofMinSize(1).ofMaxSize(8);
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
