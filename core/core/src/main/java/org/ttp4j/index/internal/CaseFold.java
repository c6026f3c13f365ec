package org.ttp4j.index.internal;

/**
 * The one case fold the prefilter uses for literals and text alike: {@code lower(upper(c))}, which is how
 * {@code java.util.regex} compares characters under {@code CASE_INSENSITIVE|UNICODE_CASE}. Folding both
 * sides makes every case-sensitive and case-insensitive literal occurrence visible to one automaton, so the
 * prefilter never needs to know a pattern's flags (it may only pass more candidates, never fewer).
 */
final class CaseFold {
    private CaseFold() {}

    private static final char[] TABLE = new char[Character.MAX_VALUE + 1];

    static {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            int folded = Character.isSurrogate((char) c) ? c : Character.toLowerCase(Character.toUpperCase(c));
            TABLE[c] = folded <= Character.MAX_VALUE ? (char) folded : (char) c;
        }
    }

    static char fold(char c) {
        return TABLE[c];
    }

    static String fold(String s) {
        char[] out = new char[s.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = TABLE[s.charAt(i)];
        }
        return new String(out);
    }
}
