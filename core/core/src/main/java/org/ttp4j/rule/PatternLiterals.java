package org.ttp4j.rule;

/**
 * The {@link RequiredLiterals} of one Python pattern, learned by its full translation when first read: the literal
 * analysis is most of a translation's cost, and only the index's prefilter reads it, so a compile that is never
 * indexed ({@code validate}, a store's write) does not pay for it (docs/rules.md §6). Thread-safe: two first
 * readers may both compute it, with equal results.
 */
final class PatternLiterals {
    private final String python;
    private volatile RequiredLiterals value;

    /** Literals to learn from {@code python}, which translated without error. */
    PatternLiterals(String python) {
        this.python = python;
    }

    /** Literals known already. */
    PatternLiterals(RequiredLiterals known) {
        this.python = null;
        this.value = known;
    }

    RequiredLiterals get() {
        RequiredLiterals v = value;
        if (v == null) {
            try {
                v = PythonRegex.translate(python).literals();
            } catch (RuntimeException | StackOverflowError e) {
                // the compiler's parse of the same text succeeded, so this is a fault of the analysis alone (or
                // its deeper frames on a pattern nested to the limit of the stack): the rule then runs on every
                // event of its kind (slower, the same answers) instead of failing the index
                v = RequiredLiterals.NONE;
            }
            value = v;
        }
        return v;
    }

    /** True once the literals are known (a test's view: whether a compile analysed). */
    boolean known() {
        return value != null;
    }
}
