package org.ttp4j.rule;

import java.util.List;

/**
 * Text that every match of a rule's pattern contains, learned while translating it ({@link PythonRegex}): for
 * each set in {@link #allOf()}, at least one of its strings occurs in the searched text, compared after
 * {@link #fold(char)} on both sides. A text missing a whole set cannot match, so the rule need not run
 * (docs/engine.md §2). The sets are ordered most selective first; an empty list means nothing is known and the
 * rule always runs.
 *
 * @param allOf sets of case-folded, non-empty strings; deep-immutable
 */
public record RequiredLiterals(List<List<String>> allOf) {

    /** Nothing known: the rule always runs. */
    public static final RequiredLiterals NONE = new RequiredLiterals(List.of());

    public RequiredLiterals {
        allOf = allOf.stream().map(List::copyOf).toList();
        for (List<String> set : allOf) {
            if (set.isEmpty() || set.stream().anyMatch(String::isEmpty)) {
                throw new IllegalArgumentException("a required set must hold non-empty strings: " + set);
            }
        }
    }

    /** True when nothing is known (the rule always runs). */
    public boolean none() {
        return allOf.isEmpty();
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
