package org.ttp4j.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.ttp4j.rule.Match;
import org.ttp4j.rule.PythonRegex;

/**
 * A Python pattern as a Thompson NFA over ASCII text, for {@link LazyDfa} (docs/engine.md §9). It answers one
 * question, whether {@code find()} would find a match in a value whose chars are all below 128, so groups, laziness
 * and which match is found do not matter. Which chars an atom matches comes from the compiler's own translation
 * (each class, escape and case-folded literal is compiled alone and asked about the 128 ASCII chars), so the
 * automaton cannot disagree with the regex about a class. {@link #of} returns null for what it does not take:
 * back-references, look-behinds, a look-ahead anywhere but at the end of a top-level branch, atomic groups and
 * possessive quantifiers, scoped flags, verbose and locale mode, {@code \N{...}}, and NFAs above
 * {@link #MAX_STATES} states (a large counted repeat).
 *
 * <p>Immutable and thread-safe.
 */
final class AsciiNfa {

    static final byte CHAR = 0;
    static final byte SPLIT = 1;
    static final byte EMPTY = 2;
    static final byte ASSERT = 3;
    static final byte MATCH = 4;

    // assertions: \A and ^, (?m)^, $, (?m)$, \Z, \b, \B
    static final int BOT = 0;
    static final int MBOL = 1;
    static final int EOL = 2;
    static final int MEOL = 3;
    static final int EOT = 4;
    static final int WORD_BOUNDARY = 5;
    static final int NOT_WORD_BOUNDARY = 6;

    /** The symbol of a {@code \n} that is a value's last char ({@code $} matches before it); others are the chars. */
    static final int FINAL_NEWLINE = 128;
    static final int SYMBOLS = 129;

    static final int MAX_STATES = 20_000;

    final byte[] op;
    final int[] out1;
    final int[] out2;
    final long[] lo;
    final long[] hi;
    final int start;
    /** Symbol to its equivalence class: symbols no mask, assertion or line rule tells apart share a class. */
    final int[] classOf;
    final int classes;

    private AsciiNfa(Builder b, int start) {
        int n = b.size;
        this.op = Arrays.copyOf(b.op, n);
        this.out1 = Arrays.copyOf(b.out1, n);
        this.out2 = Arrays.copyOf(b.out2, n);
        this.lo = Arrays.copyOf(b.lo, n);
        this.hi = Arrays.copyOf(b.hi, n);
        this.start = start;
        // classes: symbols of one kind (word, newline, final newline, other), split by each distinct mask in turn
        int[] cls = new int[SYMBOLS];
        for (int sym = 0; sym < SYMBOLS; sym++) {
            int c = sym == FINAL_NEWLINE ? '\n' : sym;
            cls[sym] = sym == FINAL_NEWLINE ? 2 : c == '\n' ? 1 : isWord(c) ? 3 : 0;
        }
        int count = 4;
        // distinct masks only: a counted repeat has one CHAR state per copy, all with the same mask
        long[] seenLo = new long[16];
        long[] seenHi = new long[16];
        int distinct = 0;
        for (int s = 0; s < n; s++) {
            if (op[s] != CHAR || seen(seenLo, seenHi, distinct, lo[s], hi[s])) {
                continue;
            }
            if (distinct == seenLo.length) {
                seenLo = Arrays.copyOf(seenLo, distinct * 2);
                seenHi = Arrays.copyOf(seenHi, distinct * 2);
            }
            seenLo[distinct] = lo[s];
            seenHi[distinct++] = hi[s];
            int[] split = new int[count * 2];
            Arrays.fill(split, -1);
            int next = 0;
            for (int sym = 0; sym < SYMBOLS; sym++) {
                int key = cls[sym] * 2 + (in(lo[s], hi[s], sym == FINAL_NEWLINE ? '\n' : sym) ? 1 : 0);
                if (split[key] < 0) {
                    split[key] = next++;
                }
                cls[sym] = split[key];
            }
            count = next;
        }
        this.classOf = cls;
        this.classes = count;
    }

    /** Whether the mask is among the first {@code n}, the latest first (the copies of a repeat come in a row). */
    private static boolean seen(long[] los, long[] his, int n, long lo, long hi) {
        for (int k = n - 1; k >= 0; k--) {
            if (los[k] == lo && his[k] == hi) {
                return true;
            }
        }
        return false;
    }

    static boolean isWord(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    static boolean in(long lo, long hi, int c) {
        return c < 64 ? (lo >>> c & 1) != 0 : (hi >>> (c - 64) & 1) != 0;
    }

    /**
     * The automaton of {@code match}'s pattern, or null when it is not one this class takes or the match's regex is
     * not the compiler's translation of it (a rule built around a {@code Pattern} compiled elsewhere).
     */
    static AsciiNfa of(Match.Regex match) {
        return of(match.pattern(), match.translated() ? null : match.regex());
    }

    /** {@link #of(Match.Regex)}; {@code regex} null: known to be the translation, else checked against it. */
    static AsciiNfa of(String pattern, Pattern regex) {
        try {
            if (regex != null) {
                Pattern own = PythonRegex.compile(pattern);
                if (!own.pattern().equals(regex.pattern()) || own.flags() != regex.flags()) {
                    return null;
                }
            }
            Parser p = new Parser(pattern);
            Node root = p.parse();
            Builder b = new Builder();
            int match = b.add(MATCH, 0, 0, 0, 0);
            return new AsciiNfa(b, b.compile(root, match));
        } catch (Unsupported | RuntimeException e) {
            return null;
        }
    }

    /** A construct the automaton does not take; the rule keeps its regex. */
    private static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;

        Unsupported() {
            super(null, null, false, false);
        }
    }

    private static final Unsupported UNSUPPORTED = new Unsupported();

    private sealed interface Node {}

    private record Chars(long lo, long hi) implements Node {}

    private record Assert(int kind) implements Node {}

    private record Cat(List<Node> items) implements Node {}

    private record Alt(List<Node> branches) implements Node {}

    /** {@code max} -1: unbounded. */
    private record Repeat(Node body, int min, int max) implements Node {}

    private static final class Builder {
        byte[] op = new byte[64];
        int[] out1 = new int[64];
        int[] out2 = new int[64];
        long[] lo = new long[64];
        long[] hi = new long[64];
        int size;

        int add(byte o, int a, int b, long l, long h) throws Unsupported {
            if (size == MAX_STATES) {
                throw UNSUPPORTED;
            }
            if (size == op.length) {
                int m = size * 2;
                op = Arrays.copyOf(op, m);
                out1 = Arrays.copyOf(out1, m);
                out2 = Arrays.copyOf(out2, m);
                lo = Arrays.copyOf(lo, m);
                hi = Arrays.copyOf(hi, m);
            }
            op[size] = o;
            out1[size] = a;
            out2[size] = b;
            lo[size] = l;
            hi[size] = h;
            return size++;
        }

        /** The start state of {@code n} followed by the state {@code next}. */
        int compile(Node n, int next) throws Unsupported {
            switch (n) {
                case Chars c -> {
                    return add(CHAR, next, 0, c.lo(), c.hi());
                }
                case Assert a -> {
                    return add(ASSERT, next, a.kind(), 0, 0);
                }
                case Cat c -> {
                    int s = next;
                    for (int k = c.items().size() - 1; k >= 0; k--) {
                        s = compile(c.items().get(k), s);
                    }
                    return s;
                }
                case Alt a -> {
                    List<Node> bs = a.branches();
                    int s = compile(bs.get(bs.size() - 1), next);
                    for (int k = bs.size() - 2; k >= 0; k--) {
                        s = add(SPLIT, compile(bs.get(k), next), s, 0, 0);
                    }
                    return s;
                }
                case Repeat r -> {
                    int s;
                    if (r.max() < 0) {
                        int loop = add(SPLIT, 0, next, 0, 0);
                        int body = compile(r.body(), loop); // first: compiling may grow (replace) the arrays
                        out1[loop] = body;
                        s = loop;
                    } else {
                        s = next;
                        for (int k = r.min(); k < r.max(); k++) {
                            s = add(SPLIT, compile(r.body(), s), next, 0, 0);
                        }
                    }
                    for (int k = 0; k < r.min(); k++) {
                        s = compile(r.body(), s);
                    }
                    return s;
                }
            }
        }
    }

    // the masks of classes and escapes by (flags, source), from the translation; bounded, shared by all rules
    private static final Map<String, long[]> MASKS = new ConcurrentHashMap<>();
    private static final int MAX_CACHED_MASKS = 4096;

    /** The recursive-descent parser of the pattern's structure (Python 3.11 syntax, the subset above). */
    private static final class Parser {
        private final String p;
        private int i;
        private boolean ignoreCase;
        private boolean multiline;
        private boolean dotAll;
        private boolean ascii;
        private int depth;

        Parser(String p) {
            this.p = p;
        }

        Node parse() throws Unsupported {
            // global flags, only at the start in Python 3.11
            while (p.startsWith("(?", i) && i + 2 < p.length() && "aimsu".indexOf(p.charAt(i + 2)) >= 0) {
                int j = i + 2;
                while (j < p.length() && "aimsu".indexOf(p.charAt(j)) >= 0) {
                    switch (p.charAt(j)) {
                        case 'i' -> ignoreCase = true;
                        case 'm' -> multiline = true;
                        case 's' -> dotAll = true;
                        case 'a' -> ascii = true;
                        default -> { }
                    }
                    j++;
                }
                if (j >= p.length() || p.charAt(j) != ')') {
                    throw UNSUPPORTED; // (?L), (?x), or scoped flags (?i:...)
                }
                i = j + 1;
            }
            Node n = alternation(true);
            if (i != p.length()) {
                throw UNSUPPORTED;
            }
            return n;
        }

        private Node alternation(boolean top) throws Unsupported {
            List<Node> branches = new ArrayList<>();
            branches.add(sequence(top));
            while (i < p.length() && p.charAt(i) == '|') {
                i++;
                branches.add(sequence(top));
            }
            return branches.size() == 1 ? branches.get(0) : new Alt(branches);
        }

        private Node sequence(boolean top) throws Unsupported {
            List<Node> items = new ArrayList<>();
            while (i < p.length() && p.charAt(i) != '|' && p.charAt(i) != ')') {
                if (comment()) {
                    continue;
                }
                if (p.startsWith("(?=", i) || p.startsWith("(?!", i)) {
                    items.add(lookahead(top));
                    continue;
                }
                Node atom = atom();
                items.add(quantified(atom));
            }
            return items.size() == 1 ? items.get(0) : new Cat(items);
        }

        /**
         * A look-ahead that ends a top-level branch: for whether a match exists, {@code R(?=X)} is {@code RX}, and
         * {@code R(?!C0...Cn)} over single-char atoms is R followed by the end or a first char that breaks the run.
         */
        private Node lookahead(boolean top) throws Unsupported {
            boolean negative = p.charAt(i + 2) == '!';
            i += 3;
            if (!top) {
                throw UNSUPPORTED;
            }
            depth++;
            Node body = alternation(false);
            depth--;
            if (i >= p.length() || p.charAt(i) != ')') {
                throw UNSUPPORTED;
            }
            i++;
            if (i < p.length() && p.charAt(i) != '|') {
                throw UNSUPPORTED; // not the end of the branch (or quantified)
            }
            if (!negative) {
                return body;
            }
            List<Chars> run = new ArrayList<>();
            if (body instanceof Chars c) {
                run.add(c);
            } else if (body instanceof Cat cat && !cat.items().isEmpty()) {
                for (Node item : cat.items()) {
                    if (!(item instanceof Chars c)) {
                        throw UNSUPPORTED;
                    }
                    run.add(c);
                }
            } else {
                throw UNSUPPORTED;
            }
            Node tail = null;
            for (int k = run.size() - 1; k >= 0; k--) {
                Chars c = run.get(k);
                Chars not = new Chars(~c.lo(), ~c.hi());
                List<Node> options = new ArrayList<>(List.of(new Assert(EOT), not));
                if (tail != null) {
                    options.add(new Cat(List.of(c, tail)));
                }
                tail = new Alt(options);
            }
            return tail;
        }

        /** Skips a {@code (?#...)} comment, which Python's parser does not see: {@code a(?#c)*} is {@code a*}. */
        private boolean comment() throws Unsupported {
            if (!p.startsWith("(?#", i)) {
                return false;
            }
            int close = p.indexOf(')', i);
            if (close < 0) {
                throw UNSUPPORTED;
            }
            i = close + 1;
            return true;
        }

        private Node quantified(Node atom) throws Unsupported {
            while (comment()) {
                // the quantifier, if any, follows the comments
            }
            if (i >= p.length()) {
                return atom;
            }
            char c = p.charAt(i);
            int min;
            int max;
            if (c == '*' || c == '+' || c == '?') {
                i++;
                min = c == '+' ? 1 : 0;
                max = c == '?' ? 1 : -1;
            } else if (c == '{') {
                int[] range = braces();
                if (range == null) {
                    return atom; // a literal '{', read as the next atom
                }
                min = range[0];
                max = range[1];
            } else {
                return atom;
            }
            if (i < p.length() && p.charAt(i) == '+') {
                throw UNSUPPORTED; // possessive
            }
            if (i < p.length() && p.charAt(i) == '?') {
                i++; // lazy: the same answer to "is there a match"
            }
            if (atom instanceof Assert || (i < p.length() && "*+?".indexOf(p.charAt(i)) >= 0)) {
                throw UNSUPPORTED;
            }
            return new Repeat(atom, min, max);
        }

        /** {@code {n}}, {@code {n,}}, {@code {,n}}, {@code {n,m}}, {@code {,}} as Python reads them; null: a literal. */
        private int[] braces() throws Unsupported {
            int j = i + 1;
            int loStart = j;
            while (j < p.length() && Character.isDigit(p.charAt(j)) && p.charAt(j) < 128) {
                j++;
            }
            String loText = p.substring(loStart, j);
            String hiText;
            if (j < p.length() && p.charAt(j) == ',') {
                j++;
                int hiStart = j;
                while (j < p.length() && Character.isDigit(p.charAt(j)) && p.charAt(j) < 128) {
                    j++;
                }
                hiText = p.substring(hiStart, j);
            } else {
                hiText = loText;
                if (loText.isEmpty()) {
                    return null; // "{}" or "{x"
                }
            }
            if (j >= p.length() || p.charAt(j) != '}') {
                return null;
            }
            i = j + 1;
            int lo = loText.isEmpty() ? 0 : parse(loText);
            int hi = hiText.isEmpty() ? -1 : parse(hiText);
            if (hi >= 0 && hi < lo) {
                throw UNSUPPORTED;
            }
            return new int[] {lo, hi};
        }

        private static int parse(String digits) throws Unsupported {
            if (digits.length() > 6) {
                throw UNSUPPORTED;
            }
            return Integer.parseInt(digits);
        }

        private Node atom() throws Unsupported {
            char c = p.charAt(i);
            switch (c) {
                case '(' -> {
                    return group();
                }
                case '[' -> {
                    int end = classEnd(i);
                    String text = p.substring(i, end);
                    i = end;
                    return mask(text);
                }
                case '.' -> {
                    i++;
                    return dotAll ? new Chars(-1L, -1L) : new Chars(~(1L << '\n'), -1L);
                }
                case '^' -> {
                    i++;
                    return new Assert(multiline ? MBOL : BOT);
                }
                case '$' -> {
                    i++;
                    return new Assert(multiline ? MEOL : EOL);
                }
                case '\\' -> {
                    return escape();
                }
                case '*', '+', '?' -> throw UNSUPPORTED; // nothing to repeat: the compiler rejects it
                default -> {
                    int cp = p.codePointAt(i);
                    i += Character.charCount(cp);
                    return literal(cp);
                }
            }
        }

        private Node group() throws Unsupported {
            i++;
            if (p.startsWith("?:", i)) {
                i += 2;
            } else if (p.startsWith("?P<", i)) {
                int close = p.indexOf('>', i);
                if (close < 0) {
                    throw UNSUPPORTED;
                }
                i = close + 1;
            } else if (i < p.length() && p.charAt(i) == '?') {
                throw UNSUPPORTED; // look-behind, (?P=name), (?>...), (?(1)...), scoped flags
            }
            depth++;
            if (depth > 200) {
                throw UNSUPPORTED;
            }
            Node body = alternation(false);
            depth--;
            if (i >= p.length() || p.charAt(i) != ')') {
                throw UNSUPPORTED;
            }
            i++;
            return body;
        }

        /** The index just past the class starting at {@code at}, as Python's parser finds it. */
        private int classEnd(int at) throws Unsupported {
            int j = at + 1;
            if (j < p.length() && p.charAt(j) == '^') {
                j++;
            }
            if (j < p.length() && p.charAt(j) == ']') {
                j++; // a ']' first is a member
            }
            while (j < p.length()) {
                char c = p.charAt(j);
                if (c == '\\') {
                    j += 2;
                } else if (c == ']') {
                    return j + 1;
                } else {
                    j++;
                }
            }
            throw UNSUPPORTED;
        }

        private Node escape() throws Unsupported {
            if (i + 1 >= p.length()) {
                throw UNSUPPORTED;
            }
            char e = p.charAt(i + 1);
            switch (e) {
                case 'x' -> {
                    return literal(hex(2));
                }
                case 'u' -> {
                    return literal(hex(4));
                }
                case 'U' -> {
                    return literal(hex(8));
                }
                case '0' -> {
                    int j = i + 2;
                    int v = 0;
                    while (j < p.length() && j < i + 4 && p.charAt(j) >= '0' && p.charAt(j) <= '7') {
                        v = v * 8 + (p.charAt(j) - '0');
                        j++;
                    }
                    i = j;
                    return literal(v);
                }
                default -> { }
            }
            Node two = switch (e) { // the escapes of two chars
                case 'A' -> new Assert(BOT);
                case 'Z' -> new Assert(EOT);
                case 'b' -> new Assert(WORD_BOUNDARY);
                case 'B' -> new Assert(NOT_WORD_BOUNDARY);
                case 'd', 'D', 's', 'S', 'w', 'W' -> mask("\\" + e);
                case 'n' -> literal('\n');
                case 't' -> literal('\t');
                case 'r' -> literal('\r');
                case 'f' -> literal('\f');
                case 'v' -> literal(0x0B);
                case 'a' -> literal(0x07);
                default -> null;
            };
            if (two != null) {
                i += 2;
                return two;
            }
            if (e < 128 && Character.isLetterOrDigit(e)) {
                throw UNSUPPORTED; // back-references, octal escapes, \N{...}; others Python rejects
            }
            int cp = p.codePointAt(i + 1);
            i += 1 + Character.charCount(cp);
            return literal(cp);
        }

        private int hex(int digits) throws Unsupported {
            int from = i + 2;
            if (from + digits > p.length()) {
                throw UNSUPPORTED;
            }
            int v;
            try {
                v = Integer.parseInt(p.substring(from, from + digits), 16);
            } catch (NumberFormatException e) {
                throw UNSUPPORTED;
            }
            i = from + digits;
            return v;
        }

        /** A literal code point: itself, or under {@code (?i)} its case partners, as ASCII chars. */
        private Node literal(int cp) {
            if (cp < 128 && !(ignoreCase && Character.isLetter(cp))) {
                return cp < 64 ? new Chars(1L << cp, 0) : new Chars(0, 1L << (cp - 64));
            }
            if (!ignoreCase) {
                return new Chars(0, 0); // no ASCII char is a non-ASCII one
            }
            return mask(quote(cp));
        }

        private static String quote(int cp) {
            String hex = Integer.toHexString(cp);
            return "\\U" + "0".repeat(8 - hex.length()) + hex;
        }

        /** The ASCII chars the atom {@code source} matches under the pattern's flags, by the compiler's translation. */
        private Chars mask(String source) {
            String flags = (ignoreCase ? "i" : "") + (ascii ? "a" : "");
            String key = flags + "\u0000" + source;
            long[] m = MASKS.get(key);
            if (m == null) {
                Pattern atom = PythonRegex.compile((flags.isEmpty() ? "" : "(?" + flags + ")") + source);
                m = new long[2];
                for (int c = 0; c < 128; c++) {
                    if (atom.matcher(String.valueOf((char) c)).matches()) {
                        m[c >> 6] |= 1L << (c & 63);
                    }
                }
                if (MASKS.size() < MAX_CACHED_MASKS) {
                    MASKS.put(key, m);
                }
            }
            return new Chars(m[0], m[1]);
        }
    }
}
