package org.ttp4j.rule;

import java.util.List;

/**
 * Text that every match of a rule's pattern contains, learned while translating it ({@link PythonRegex}): for
 * each set in {@link #allOf()}, at least one of its strings occurs in the searched text, compared after
 * {@link #fold(char)} on both sides. A text missing a whole set cannot match, so the rule need not run
 * (docs/engine.md §3). The sets are ordered most selective first. Likewise the text holds a character of each of
 * {@link #chars()} (not folded), which is what a pattern without literals may still require ({@code \d{6}}).
 * Both lists empty: nothing is known and the rule always runs.
 *
 * @param allOf sets of case-folded, non-empty strings; deep-immutable
 * @param chars character sets of which the text holds a member each
 */
public record RequiredLiterals(List<List<String>> allOf, List<Chars> chars) {

    /** Nothing known: the rule always runs. */
    public static final RequiredLiterals NONE = new RequiredLiterals(List.of(), List.of());

    /**
     * A set of characters: the ASCII ones as bits ({@code low} for U+0000..U+003F, {@code high} for
     * U+0040..U+007F), and whether any character above U+007F is in it.
     */
    public record Chars(long low, long high, boolean nonAscii) {

        /** True when {@code c} is in the set. */
        public boolean contains(char c) {
            return c < 64 ? (low >>> c & 1) != 0 : c < 128 ? (high >>> (c - 64) & 1) != 0 : nonAscii;
        }

        /** True when the set holds one of the characters of a text whose characters are {@code present}. */
        public boolean meets(long presentLow, long presentHigh, boolean presentNonAscii) {
            return (low & presentLow) != 0 || (high & presentHigh) != 0 || (nonAscii && presentNonAscii);
        }

        /** Number of ASCII members, plus 32 when non-ASCII ones may match: smaller is more selective. */
        public int weight() {
            return Long.bitCount(low) + Long.bitCount(high) + (nonAscii ? 32 : 0);
        }
    }

    public RequiredLiterals {
        chars = List.copyOf(chars);
        allOf = allOf.stream().map(List::copyOf).toList();
        for (List<String> set : allOf) {
            if (set.isEmpty() || set.stream().anyMatch(String::isEmpty)) {
                throw new IllegalArgumentException("a required set must hold non-empty strings: " + set);
            }
        }
    }

    /** True when nothing is known (the rule always runs). */
    public boolean none() {
        return allOf.isEmpty() && chars.isEmpty();
    }

    private static final char[] FOLD = new char[Character.MAX_VALUE + 1];

    static {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            int folded = Character.isSurrogate((char) c) ? c : Character.toLowerCase(Character.toUpperCase(c));
            FOLD[c] = folded <= Character.MAX_VALUE ? (char) folded : (char) c;
        }
    }

    /**
     * The one case fold of literals and text alike: {@code lower(upper(c))}, surrogates unchanged. Folding both
     * sides only ever lets more texts through, so the literals need not know the pattern's flags.
     */
    public static char fold(char c) {
        return FOLD[c];
    }
}
