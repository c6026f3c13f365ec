package org.ttp4j.rule;

import java.util.List;

/**
 * Text that every match of a rule's pattern contains, learned while translating it ({@link PythonRegex}): for
 * each set in {@link #allOf()}, at least one of its strings occurs in the searched text, compared after
 * {@link #fold(char)} on both sides. A text missing a whole set cannot match, so the rule need not run
 * (docs/engine.md §3). The sets are ordered most selective first. Likewise the text holds a character of each of
 * {@link #chars()} (not folded), which is what a pattern without literals may still require ({@code \d{6}}).
 * Both lists empty: nothing is known and the rule always runs. A string may come with {@link Edges}: what holds
 * where it starts and ends in the text ({@code \bw\b} gives {@code w} between word boundaries), so that an
 * occurrence that breaks them does not count (docs/engine.md §3).
 *
 * @param allOf sets of case-folded, non-empty strings; deep-immutable
 * @param chars character sets of which the text holds a member each
 * @param edges parallel to {@code allOf}: the edges of each string ({@link Edges#NONE} when nothing is known)
 * @param start the first char of every match is a member (never empty: the pattern cannot match empty), or null
 *              when unknown; not case-folded
 */
public record RequiredLiterals(List<List<String>> allOf, List<Chars> chars, List<List<Edges>> edges, Chars start) {

    /** Nothing known: the rule always runs. */
    public static final RequiredLiterals NONE = new RequiredLiterals(List.of(), List.of());

    /** Without a known first char. */
    public RequiredLiterals(List<List<String>> allOf, List<Chars> chars, List<List<Edges>> edges) {
        this(allOf, chars, edges, null);
    }

    /** Required strings without known edges. */
    public RequiredLiterals(List<List<String>> allOf, List<Chars> chars) {
        this(allOf, chars, allOf.stream().map(set -> set.stream().map(s -> Edges.NONE).toList()).toList());
    }

    /**
     * A zero-width condition at one position of the searched text, as a pattern's {@code \b}, {@code ^}, {@code $}
     * or a look-ahead of one character states it. Each is true wherever the pattern's own assertion could be, and
     * may be true in more places (a non-ASCII neighbour never rules a word boundary out).
     */
    public sealed interface Anchor {
        /** True when the condition may hold at {@code pos} of {@code text[0, length)}, {@code 0 <= pos <= length}. */
        boolean holds(CharSequence text, int length, int pos);
    }

    /** Python's {@code \b} (in either mode: ASCII neighbours decide, a non-ASCII one lets it pass). */
    public record WordBoundary() implements Anchor {
        @Override
        public boolean holds(CharSequence text, int length, int pos) {
            char before = pos > 0 ? text.charAt(pos - 1) : ' ';
            char after = pos < length ? text.charAt(pos) : ' ';
            return before >= 128 || after >= 128 || asciiWord(before) != asciiWord(after);
        }

        private static boolean asciiWord(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        }
    }

    /** {@code ^} (or {@code \A}); with {@code lines}, {@code (?m)^}: the start, or just after a newline. */
    public record Start(boolean lines) implements Anchor {
        @Override
        public boolean holds(CharSequence text, int length, int pos) {
            return pos == 0 || (lines && text.charAt(pos - 1) == '\n');
        }
    }

    /**
     * {@code \Z} (the very end); with {@code finalNewline}, {@code $} (also before a newline that ends the text);
     * with {@code lines}, {@code (?m)$} (before any newline).
     */
    public record End(boolean finalNewline, boolean lines) implements Anchor {
        @Override
        public boolean holds(CharSequence text, int length, int pos) {
            return pos == length || (text.charAt(pos) == '\n' && (lines || (finalNewline && pos == length - 1)));
        }
    }

    /** The char just before is a member of {@code chars} (a class item ends there). */
    public record Prev(Chars chars) implements Anchor {
        @Override
        public boolean holds(CharSequence text, int length, int pos) {
            return pos > 0 && chars.contains(text.charAt(pos - 1));
        }
    }

    /**
     * The char at the position is a member of {@code chars} (a class item starts there) or, with {@code end}, the
     * text ends there or a newline follows (a look-ahead with a {@code $} branch).
     */
    public record Next(Chars chars, boolean end) implements Anchor {
        @Override
        public boolean holds(CharSequence text, int length, int pos) {
            return pos == length ? end : chars.contains(text.charAt(pos)) || (end && text.charAt(pos) == '\n');
        }
    }

    /**
     * What holds where a required string starts ({@code before}, all at its first position) and ends
     * ({@code after}, all just past its last char).
     */
    public record Edges(List<Anchor> before, List<Anchor> after) {
        public static final Edges NONE = new Edges(List.of(), List.of());

        public Edges {
            before = List.copyOf(before);
            after = List.copyOf(after);
        }

        public boolean none() {
            return before.isEmpty() && after.isEmpty();
        }

        /** True when an occurrence at {@code text[start, end)} (of {@code text[0, length)}) meets every anchor. */
        public boolean holds(CharSequence text, int length, int start, int end) {
            for (int k = 0; k < before.size(); k++) {
                if (!holds(before.get(k), text, length, start)) {
                    return false;
                }
            }
            for (int k = 0; k < after.size(); k++) {
                if (!holds(after.get(k), text, length, end)) {
                    return false;
                }
            }
            return true;
        }

        /** {@code a.holds(...)} through exact types: the prefilter's hot path, no interface call per anchor. */
        private static boolean holds(Anchor a, CharSequence text, int length, int pos) {
            if (a instanceof Next n) {
                return n.holds(text, length, pos);
            }
            if (a instanceof WordBoundary w) {
                return w.holds(text, length, pos);
            }
            if (a instanceof Prev p) {
                return p.holds(text, length, pos);
            }
            if (a instanceof Start s) {
                return s.holds(text, length, pos);
            }
            return ((End) a).holds(text, length, pos);
        }
    }

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

    @SuppressWarnings("unchecked") // arrays of lists, filled and read here only
    public RequiredLiterals {
        chars = List.copyOf(chars);
        if (edges.size() != allOf.size()) {
            throw new IllegalArgumentException("edges must be parallel to the required sets");
        }
        List<String>[] sets = allOf.toArray(List[]::new);
        List<Edges>[] setEdges = edges.toArray(List[]::new);
        for (int k = 0; k < sets.length; k++) {
            List<String> set = sets[k] = List.copyOf(sets[k]);
            setEdges[k] = List.copyOf(setEdges[k]);
            if (set.isEmpty() || set.contains("")) {
                throw new IllegalArgumentException("a required set must hold non-empty strings: " + set);
            }
            if (setEdges[k].size() != set.size()) {
                throw new IllegalArgumentException("edges must be parallel to the required sets: " + set);
            }
        }
        allOf = List.of(sets);
        edges = List.of(setEdges);
    }

    /** True when nothing is known (the rule always runs). */
    public boolean none() {
        return allOf.isEmpty() && chars.isEmpty();
    }

    /**
     * The one case fold of literals and text alike: {@code lower(upper(c))}, surrogates unchanged. Folding both
     * sides only ever lets more texts through, so the literals need not know the pattern's flags. Latin-1 folds
     * from a small table; the table of the other chars is built at the first one folded (a Latin-1 stream and a
     * pack of Latin-1 literals never pay its 65,536 case lookups).
     */
    public static char fold(char c) {
        return c < 256 ? LATIN1_FOLD[c] : Folds.ALL[c];
    }

    private static final char[] LATIN1_FOLD = folds(256);

    private static final class Folds {
        static final char[] ALL = folds(Character.MAX_VALUE + 1);
    }

    private static char[] folds(int n) {
        char[] folds = new char[n];
        for (int c = 0; c < n; c++) {
            folds[c] = computeFold((char) c);
        }
        return folds;
    }

    /** {@link #fold} worked out rather than looked up: for a few chars, without building the table. */
    static char computeFold(char c) {
        int folded = Character.isSurrogate(c) ? c : Character.toLowerCase(Character.toUpperCase((int) c));
        return folded <= Character.MAX_VALUE ? (char) folded : c;
    }
}
