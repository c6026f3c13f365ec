package org.ttp4j.index.internal;

import org.ttp4j.rule.RequiredLiterals;

/** The prefilter's case fold of text, the one the translation applied to the literals it hands out. */
final class CaseFold {
    private CaseFold() {}

    static char fold(char c) {
        return RequiredLiterals.fold(c);
    }

    static String fold(String s) {
        char[] out = new char[s.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = RequiredLiterals.fold(s.charAt(i));
        }
        return new String(out);
    }
}
