package org.ttp4j.index.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Extracts, from a compiled Java pattern, a set of literals of which every match must contain at least one
 * (case-folded, see {@link CaseFold}). A text that contains none of them cannot match, so the rule need not
 * run. The extraction is conservative: any construct it does not fully understand contributes nothing, and a
 * pattern with no usable literal (or an unusual flag such as {@code COMMENTS}) gets {@code null}, meaning
 * "always run". Correctness therefore never depends on how clever the extraction is, only on each rule
 * below being sound.
 *
 * <p>The walk keeps, for every sub-expression, the finite set of strings it matches exactly (when small), the
 * sets every match starts and ends with, and the best required set found inside. Concatenation multiplies
 * adjacent exact parts ({@code https?://} gives {@code http://, https://}); alternation unions the branches'
 * required sets; quantifiers with a minimum of zero, classes, dots, anchors, lookarounds and back-references
 * break a run.
 */
final class RequiredLiterals {

    /** Sets larger than this are dropped (they would make the automaton large for little selectivity). */
    private static final int MAX_SET = 32;
    /** Any part of a required literal is still required, so the literals handed out are cut to this length. */
    private static final int MAX_LITERAL = 32;
    /** Literals this long are selective enough: longer ones score the same (and smaller sets win ties). */
    private static final int MAX_SCORE = 8;
    /** Strings longer than this stop being tracked exactly during the walk. */
    private static final int MAX_TRACKED = 256;
    /** Character classes up to this many characters become exact sets ({@code [Cc]}, {@code [/\\]}). */
    private static final int MAX_CLASS = 8;

    private final String p;
    private int i;
    /** Inside {@code \Q..\E}: where the quoted text ends; -1 outside a quote. */
    private int quoteEnd = -1;

    private RequiredLiterals(String pattern) {
        this.p = pattern;
    }

    /**
     * The case-folded literals one of which every match of {@code regex} contains, or null when the rule must
     * always run.
     */
    static String[] of(Pattern regex) {
        int flags = regex.flags();
        if ((flags & (Pattern.COMMENTS | Pattern.CANON_EQ)) != 0) {
            return null;
        }
        if ((flags & Pattern.LITERAL) != 0) {
            String lit = regex.pattern();
            return lit.isEmpty() ? null : new String[] {CaseFold.fold(clip(lit))};
        }
        try {
            RequiredLiterals parser = new RequiredLiterals(regex.pattern());
            Info info = parser.alternation();
            if (parser.i != parser.p.length()) {
                return null;
            }
            Set<String> best = info.best();
            if (best == null) {
                return null;
            }
            Set<String> clipped = new LinkedHashSet<>();
            for (String lit : best) {
                clipped.add(clip(lit));
            }
            // a literal containing another member adds nothing: any text holding it holds the shorter one
            List<String> minimal = new ArrayList<>();
            for (String lit : clipped) {
                boolean redundant = false;
                for (String other : clipped) {
                    if (other != lit && other.length() < lit.length() && lit.contains(other)) {
                        redundant = true;
                        break;
                    }
                }
                if (!redundant) {
                    minimal.add(lit);
                }
            }
            return minimal.toArray(String[]::new);
        } catch (GiveUp e) {
            return null;
        }
    }

    /** Thrown when the pattern uses something the extraction does not model: the rule then always runs. */
    private static final class GiveUp extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GiveUp() {
            super(null, null, false, false);
        }
    }

    /** What is known about one sub-expression; any field may be null (unknown). */
    private record Info(Set<String> exact, Set<String> prefix, Set<String> suffix, Set<String> required) {
        static final Info UNKNOWN = new Info(null, null, null, null);

        static Info exact(Set<String> set) {
            return set == null ? UNKNOWN : new Info(set, set, set, null);
        }

        /** The most selective of the sets known to be required. */
        Set<String> best() {
            Set<String> b = better(null, exact);
            b = better(b, prefix);
            b = better(b, suffix);
            return better(b, required);
        }
    }

    /** Sets are scored by their shortest member (a short literal admits more texts); ties go to smaller sets. */
    private static Set<String> better(Set<String> a, Set<String> b) {
        if (b == null || b.isEmpty() || score(b) == 0) {
            return a;
        }
        if (a == null) {
            return b;
        }
        int sa = score(a);
        int sb = score(b);
        return sb > sa || (sb == sa && b.size() < a.size()) ? b : a;
    }

    private static int score(Set<String> s) {
        int min = Integer.MAX_VALUE;
        for (String x : s) {
            min = Math.min(min, x.length());
        }
        return min == Integer.MAX_VALUE ? 0 : Math.min(min, MAX_SCORE);
    }

    private static String clip(String s) {
        return s.length() <= MAX_LITERAL ? s : s.substring(0, MAX_LITERAL);
    }

    /** How a product treats strings that grow past {@link #MAX_TRACKED}. */
    private enum Cut { EXACT, KEEP_START, KEEP_END }

    /**
     * The cross product {@code a × b}, or null when it would be too large. Past {@link #MAX_TRACKED} chars an
     * exact product is given up, a prefix keeps its start and a suffix its end (both stay sound).
     */
    private static Set<String> product(Set<String> a, Set<String> b, Cut cut) {
        if (a == null || b == null || a.size() * b.size() > MAX_SET) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String x : a) {
            for (String y : b) {
                String s = x + y;
                if (s.length() > MAX_TRACKED) {
                    switch (cut) {
                        case EXACT -> { return null; }
                        case KEEP_START -> s = s.substring(0, MAX_TRACKED);
                        case KEEP_END -> s = s.substring(s.length() - MAX_TRACKED);
                    }
                }
                out.add(s);
            }
        }
        return out;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        if (a == null || b == null || a.size() + b.size() > MAX_SET) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>(a);
        out.addAll(b);
        return out;
    }

    private static Set<String> single(String s) {
        Set<String> out = new LinkedHashSet<>();
        out.add(s);
        return out;
    }

    private boolean more() {
        return i < p.length();
    }

    private char peek() {
        return p.charAt(i);
    }

    // alternation := concat ('|' concat)*
    private Info alternation() {
        Info first = concatenation();
        if (!more() || peek() != '|') {
            return first;
        }
        Set<String> exact = first.exact();
        Set<String> prefix = first.prefix();
        Set<String> suffix = first.suffix();
        Set<String> required = first.best();
        while (more() && peek() == '|') {
            i++;
            Info next = concatenation();
            exact = union(exact, next.exact());
            prefix = union(prefix, next.prefix());
            suffix = union(suffix, next.suffix());
            required = union(required, next.best());
        }
        return new Info(exact, prefix, suffix, required);
    }

    // concat := (atom quantifier?)*
    private Info concatenation() {
        List<Info> parts = new ArrayList<>();
        while (more() && (quoteEnd >= 0 || (peek() != '|' && peek() != ')'))) {
            parts.add(quantified(atom()));
        }
        Set<String> exact = single("");
        Set<String> run = single("");
        Set<String> best = null;
        for (Info part : parts) {
            exact = product(exact, part.exact(), Cut.EXACT);
            if (part.exact() != null && run != null && part.exact().size() > 1 && score(run) >= MAX_SCORE) {
                // the run is already as selective as scoring can tell: branching would only multiply its
                // strings (and the automaton), so keep it and start a new run at the branch
                best = better(best, run);
                run = part.exact();
            } else if (part.exact() != null) {
                Set<String> longer = product(run, part.exact(), Cut.KEEP_END);
                if (longer == null) {
                    best = better(best, run); // the run cannot grow further: keep it, start a new one
                    longer = part.exact();
                }
                run = longer;
            } else {
                best = better(best, product(run, part.prefix(), Cut.KEEP_END));
                best = better(best, run);
                run = part.suffix();
            }
            best = better(best, part.best());
        }
        best = better(best, run);
        Set<String> prefix = single("");
        for (Info part : parts) {
            if (part.exact() != null) {
                prefix = product(prefix, part.exact(), Cut.KEEP_START);
                if (prefix == null) {
                    break;
                }
            } else {
                prefix = product(prefix, part.prefix(), Cut.KEEP_START);
                break;
            }
        }
        Set<String> suffix = single("");
        for (int k = parts.size() - 1; k >= 0; k--) {
            Info part = parts.get(k);
            if (part.exact() != null) {
                suffix = product(part.exact(), suffix, Cut.KEEP_END);
                if (suffix == null) {
                    break;
                }
            } else {
                suffix = product(part.suffix(), suffix, Cut.KEEP_END);
                break;
            }
        }
        return new Info(exact, prefix, suffix, best);
    }

    private Info quantified(Info atom) {
        if (!more() || quoteEnd >= 0) { // a quoted char is never a quantifier
            return atom;
        }
        int min;
        int max;
        char c = peek();
        switch (c) {
            case '*' -> { min = 0; max = -1; i++; }
            case '+' -> { min = 1; max = -1; i++; }
            case '?' -> { min = 0; max = 1; i++; }
            case '{' -> {
                int close = p.indexOf('}', i);
                if (close < 0) {
                    throw new GiveUp();
                }
                String body = p.substring(i + 1, close);
                int comma = body.indexOf(',');
                try {
                    if (comma < 0) {
                        min = Integer.parseInt(body);
                        max = min;
                    } else {
                        min = Integer.parseInt(body.substring(0, comma));
                        String hi = body.substring(comma + 1);
                        max = hi.isEmpty() ? -1 : Integer.parseInt(hi);
                    }
                } catch (NumberFormatException e) {
                    throw new GiveUp();
                }
                i = close + 1;
            }
            default -> { return atom; }
        }
        if (more() && (peek() == '?' || peek() == '+')) {
            i++; // lazy or possessive: the same strings can match (or fewer)
        }
        if (more() && (peek() == '*' || peek() == '+' || peek() == '?' || peek() == '{')) {
            throw new GiveUp(); // stacked quantifiers: not worth modelling
        }
        if (min == 0) {
            if (max == 1 && atom.exact() != null) {
                Set<String> withEmpty = union(single(""), atom.exact());
                return withEmpty == null ? Info.UNKNOWN : Info.exact(withEmpty);
            }
            return Info.UNKNOWN;
        }
        if (min == max && min <= 3 && atom.exact() != null) {
            Set<String> rep = atom.exact();
            for (int k = 1; k < min && rep != null; k++) {
                rep = product(rep, atom.exact(), Cut.EXACT);
            }
            if (rep != null) {
                return Info.exact(rep);
            }
        }
        // at least one occurrence: every match starts and ends with one of the atom's matches
        Set<String> pre = atom.exact() != null ? atom.exact() : atom.prefix();
        Set<String> suf = atom.exact() != null ? atom.exact() : atom.suffix();
        return new Info(null, pre, suf, atom.best());
    }

    private Info atom() {
        if (quoteEnd >= 0) {
            return quotedChar();
        }
        char c = p.charAt(i++);
        switch (c) {
            case '(':
                return group();
            case '[':
                return characterClass();
            case '\\':
                return escape();
            case '.', '^', '$':
                return Info.UNKNOWN;
            case '*', '+', '?', '{':
                throw new GiveUp(); // a quantifier with nothing to repeat
            default:
                return literal(c);
        }
    }

    private static Info literal(char c) {
        if (Character.isSurrogate(c)) {
            return Info.UNKNOWN;
        }
        return Info.exact(single(String.valueOf(CaseFold.fold(c))));
    }

    /**
     * One char of a {@code \Q..\E} quote. Each is an atom of its own, as in Java: a quantifier after the quote
     * repeats only its last char ({@code \Qab\E?} is {@code ab?}).
     */
    private Info quotedChar() {
        char c = p.charAt(i++);
        if (i == quoteEnd) {
            endQuote();
        }
        return literal(c);
    }

    private void endQuote() {
        i = Math.min(p.length(), quoteEnd + 2);
        quoteEnd = -1;
    }

    private Info group() {
        boolean lookaround = false;
        if (more() && peek() == '?') {
            i++;
            if (!more()) {
                throw new GiveUp();
            }
            char k = p.charAt(i);
            if (k == ':' || k == '>') {
                i++;
            } else if (k == '=' || k == '!') {
                i++;
                lookaround = true;
            } else if (k == '<') {
                if (i + 1 < p.length() && (p.charAt(i + 1) == '=' || p.charAt(i + 1) == '!')) {
                    i += 2;
                    lookaround = true;
                } else {
                    int close = p.indexOf('>', i);
                    if (close < 0) {
                        throw new GiveUp();
                    }
                    i = close + 1; // named group
                }
            } else {
                // inline flags: (?idmsuxU-idmsuxU) or (?flags:...)
                boolean on = true;
                while (more() && peek() != ')' && peek() != ':') {
                    char f = p.charAt(i++);
                    if (f == '-') {
                        on = false;
                    } else if (f == 'x' && on) {
                        throw new GiveUp(); // comments mode changes how the rest parses
                    } else if ("idmsuUc".indexOf(f) < 0 && f != 'x') {
                        throw new GiveUp();
                    }
                }
                if (!more()) {
                    throw new GiveUp();
                }
                if (p.charAt(i++) == ')') {
                    return Info.exact(single("")); // flags only: matches the empty string
                }
            }
        }
        Info inner = alternation();
        if (!more() || p.charAt(i++) != ')') {
            throw new GiveUp();
        }
        return lookaround ? Info.UNKNOWN : inner;
    }

    private Info escape() {
        if (!more()) {
            throw new GiveUp();
        }
        char c = p.charAt(i++);
        switch (c) {
            case 'Q': {
                int end = p.indexOf("\\E", i);
                quoteEnd = end < 0 ? p.length() : end;
                if (i == quoteEnd) {
                    endQuote();
                    return Info.exact(single(""));
                }
                return quotedChar();
            }
            case 'k': {
                int close = p.indexOf('>', i);
                if (close < 0) {
                    throw new GiveUp();
                }
                i = close + 1;
                return Info.UNKNOWN;
            }
            case 'b': {
                if (p.startsWith("{g}", i)) {
                    i += 3;
                }
                return Info.UNKNOWN;
            }
            default:
                if (c >= '1' && c <= '9') {
                    while (more() && Character.isDigit(peek())) {
                        i++;
                    }
                    return Info.UNKNOWN; // back-reference
                }
                int cp = escapedChar(c);
                return cp == CLASS_ESCAPE || cp > Character.MAX_VALUE ? Info.UNKNOWN : literal((char) cp);
        }
    }

    private String sub(int n) {
        if (i + n > p.length()) {
            throw new GiveUp();
        }
        return p.substring(i, i + n);
    }

    private static int hex(String s) {
        try {
            return Integer.parseInt(s, 16);
        } catch (NumberFormatException e) {
            throw new GiveUp();
        }
    }

    /** {@link #classAtom()} result for a class escape such as {@code \d} or {@code \p{L}}: not one char. */
    private static final int CLASS_ESCAPE = -1;

    /** A small class of plain characters becomes an exact set; anything richer is unknown (but skipped over). */
    private Info characterClass() {
        boolean simple = true;
        if (more() && peek() == '^') {
            simple = false;
            i++;
        }
        if (more() && peek() == ']') {
            throw new GiveUp(); // a literal ']' first: legal in Java, rare, not modelled
        }
        Set<String> chars = new LinkedHashSet<>();
        int depth = 0;
        int prev = CLASS_ESCAPE;
        while (true) {
            if (!more()) {
                throw new GiveUp();
            }
            char c = peek();
            if (c == ']') {
                i++;
                if (depth == 0) {
                    break;
                }
                depth--;
                prev = CLASS_ESCAPE;
                continue;
            }
            if (c == '[') {
                i++;
                depth++;
                simple = false;
                prev = CLASS_ESCAPE;
                continue;
            }
            if (c == '&' && i + 1 < p.length() && p.charAt(i + 1) == '&') {
                i += 2;
                simple = false;
                prev = CLASS_ESCAPE;
                continue;
            }
            if (c == '-' && prev != CLASS_ESCAPE && i + 1 < p.length() && p.charAt(i + 1) != ']'
                    && p.charAt(i + 1) != '[') {
                i++;
                int hi = classAtom();
                if (hi == CLASS_ESCAPE || hi < prev || hi - prev > MAX_CLASS
                        || Character.isSurrogate((char) hi) || Character.isSurrogate((char) prev)) {
                    simple = false;
                } else {
                    for (int r = prev + 1; r <= hi; r++) {
                        chars.add(String.valueOf(CaseFold.fold((char) r)));
                    }
                }
                prev = CLASS_ESCAPE;
                continue;
            }
            int atom = classAtom();
            if (atom == CLASS_ESCAPE || atom > Character.MAX_VALUE || Character.isSurrogate((char) atom)) {
                simple = false;
                prev = CLASS_ESCAPE;
                continue;
            }
            chars.add(String.valueOf(CaseFold.fold((char) atom)));
            prev = atom;
        }
        if (!simple || chars.isEmpty() || chars.size() > MAX_CLASS) {
            return Info.UNKNOWN;
        }
        return Info.exact(chars);
    }

    /**
     * One member of a character class at {@code i}: its code point, or {@link #CLASS_ESCAPE} for a class
     * escape ({@code \d}, {@code \p{L}}, {@code \Q..\E}, ...). Advances past it.
     */
    private int classAtom() {
        char c = p.charAt(i++);
        if (c != '\\') {
            return c;
        }
        if (!more()) {
            throw new GiveUp();
        }
        char e = p.charAt(i++);
        if (e == 'Q') {
            int end = p.indexOf("\\E", i);
            if (end < 0) {
                throw new GiveUp();
            }
            i = end + 2;
            return CLASS_ESCAPE;
        }
        return escapedChar(e);
    }

    /**
     * The code point of the escape {@code \e} whose letter was just read (advancing past its arguments), or
     * {@link #CLASS_ESCAPE} for a class escape ({@code \d}, {@code \p{L}}, ...) or any other letter escape
     * (zero-width ones such as {@code \A}): not one known char.
     */
    private int escapedChar(char e) {
        switch (e) {
            case 't': return '\t';
            case 'n': return '\n';
            case 'r': return '\r';
            case 'f': return '\f';
            case 'a': return 0x07;
            case 'e': return 0x1b;
            case 'x': {
                if (more() && peek() == '{') {
                    int close = p.indexOf('}', i);
                    if (close < 0) {
                        throw new GiveUp();
                    }
                    int cp = hex(p.substring(i + 1, close));
                    i = close + 1;
                    return cp;
                }
                int cp = hex(sub(2));
                i += 2;
                return cp;
            }
            case 'u': {
                int cp = hex(sub(4));
                i += 4;
                return cp;
            }
            case '0': {
                int v = 0;
                int n = 0;
                while (more() && n < 3 && peek() >= '0' && peek() <= '7' && v * 8 + (peek() - '0') <= 0377) {
                    v = v * 8 + (p.charAt(i++) - '0');
                    n++;
                }
                if (n == 0) {
                    throw new GiveUp();
                }
                return v;
            }
            case 'c': {
                if (!more()) {
                    throw new GiveUp();
                }
                return p.charAt(i++) ^ 64;
            }
            case 'p', 'P', 'N': {
                if (more() && peek() == '{') {
                    int close = p.indexOf('}', i);
                    if (close < 0) {
                        throw new GiveUp();
                    }
                    i = close + 1;
                } else if (e != 'N') {
                    i++;
                }
                return CLASS_ESCAPE;
            }
            default:
                if (Character.isLetterOrDigit(e)) {
                    return CLASS_ESCAPE; // \d \w \s \h \v \A \z ... (or something not modelled)
                }
                return e;
        }
    }
}
