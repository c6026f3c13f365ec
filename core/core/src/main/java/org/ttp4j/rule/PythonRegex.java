package org.ttp4j.rule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Python {@code re} patterns (str patterns, Python 3.11 syntax) translated to {@link Pattern}s that
 * find the same matches (docs/rules.md §6).
 *
 * <p>What the translation takes care of:
 * <ul>
 *   <li>{@code \d \w \s \b \B} and their negations use Python's Unicode definitions
 *       (decimal digits {@code Nd}; letters, numbers and {@code _}; Python's whitespace set, which
 *       includes U+001C..U+001F); under {@code (?a)} they are ASCII-only, as in Python.</li>
 *   <li>{@code (?i)} folds Unicode case as Python does (simple lowercase mappings plus the extra pairs of
 *       {@code re._casefix}) unless {@code (?a)} is in effect: each cased literal and each class is spelled
 *       out with its case partners, since Java's own Unicode case folding differs (it misses e.g. the
 *       Kelvin sign and U+0130 in {@code [A-Z]}, U+00DF vs U+1E9E, U+FB05 vs U+FB06).</li>
 *   <li>Only {@code \n} ends a line for {@code . ^ $} (Java would also stop at {@code \r}, U+0085,
 *       U+2028/9); {@code (?m)^} also matches after a final newline, as in Python.</li>
 *   <li>A {@code {} that does not start a valid {@code {n}}, {@code {n,}}, {@code {,n}} or
 *       {@code {n,m}} quantifier is a literal; {@code {,n}} means {@code {0,n}}.</li>
 *   <li>{@code (?P<name>...)}, {@code (?P=name)}, {@code \Z}, {@code \v}, octal and {@code \N{...}}
 *       escapes, verbose mode {@code (?x)} and scoped flags {@code (?i-s:...)}.</li>
 *   <li>Everything Python rejects is rejected ({@code \p}, {@code \z}, {@code (?<n>...)}, bad escapes,
 *       {@code a**}, ...), and the one Python construct Java lacks, the conditional group
 *       {@code (?(1)a|b)}, is rejected with a message saying so.</li>
 * </ul>
 * Named groups become plain numbered groups in Java (group numbers are the same in both dialects).
 * Python's "look-behind requires fixed-width pattern" is checked here too, since Java would accept
 * bounded widths. Not checked: Python's refusal of a back-reference, inside a look-behind, to a group
 * of that same look-behind.
 *
 * <p>Stateless and thread-safe.
 */
public final class PythonRegex {
    private PythonRegex() {}

    /**
     * A translated pattern: Java regex source and {@link Pattern} flags, and the literals every match contains.
     *
     * @param javaRegex the Java spelling of the pattern
     * @param flags     the flags to compile it with (always including {@link Pattern#UNIX_LINES})
     * @param literals  what the prefilter may require of a text before running the pattern
     */
    public record Translation(String javaRegex, int flags, RequiredLiterals literals) {
        public Pattern compile() {
            return Pattern.compile(javaRegex, flags);
        }
    }

    /**
     * Compiles a Python {@code re} pattern.
     *
     * @throws PatternSyntaxException when Python would reject the pattern or Java cannot express it;
     *                                {@link PatternSyntaxException#getIndex()} is the offset in the Python pattern
     */
    public static Pattern compile(String pythonPattern) {
        return compile(translateRegex(pythonPattern), pythonPattern);
    }

    /** Compiles {@code t}, the translation of {@code pythonPattern}; errors as {@link #compile(String)}. */
    public static Pattern compile(Translation t, String pythonPattern) {
        try {
            return t.compile();
        } catch (PatternSyntaxException e) {
            throw new PatternSyntaxException("Java cannot compile the translation /" + t.javaRegex() + "/: "
                    + e.getDescription(), pythonPattern, -1);
        }
    }

    /** Translates a Python {@code re} pattern without compiling it, with the literals every match holds. */
    public static Translation translate(String pythonPattern) {
        return new Translator(pythonPattern, true).run();
    }

    /**
     * The Java regex and flags of {@code pythonPattern} without the literal analysis, which is most of a
     * translation's cost: its {@link Translation#literals()} is {@link RequiredLiterals#NONE}. The compiler uses
     * it and leaves the analysis to the index ({@link PatternLiterals}); errors as {@link #compile(String)}.
     */
    static Translation translateRegex(String pythonPattern) {
        return new Translator(pythonPattern, false).run();
    }

    // Python's Unicode classes, spelled for use inside a Java character class.
    private static final String WORD = "\\p{L}\\p{N}_";
    // str.isspace(): Unicode White_Space plus U+001C..U+001F, the same set as the list
    // \t-\r \x1C-\x20 \x85 \xA0 \u1680 \u2000-\u200A \u2028 \u2029 \u202F \u205F \u3000, but two predicates for
    // java.util.regex instead of a chain of ten (docs/engine.md §8)
    private static final String SPACE = "\\p{IsWhite_Space}\\x{1C}-\\x{1F}";
    private static final String DIGIT = "\\p{Nd}";
    private static final String ASCII_WORD = "a-zA-Z0-9_";
    private static final String ASCII_SPACE = "\\t-\\r ";
    private static final String ASCII_DIGIT = "0-9";

    private static final int MAX_REPEAT = Integer.MAX_VALUE - 1;
    /**
     * Groups nested deeper than this are rejected: CPython 3.11's parser fails past 495 (RecursionError, at its
     * default recursion limit), and deeper recursion here and in {@code java.util.regex} could overflow a stack.
     */
    static final int MAX_NESTING = 495;

    // \b and \B as look-arounds on Python's word class (Java's own \b has another idea of a word).
    // Python's \B never matches in an empty string.
    private static final String BOUNDARY = boundary("[" + WORD + "]");
    private static final String ASCII_BOUNDARY = boundary("[" + ASCII_WORD + "]");
    private static final String NON_BOUNDARY = nonBoundary("[" + WORD + "]");
    private static final String ASCII_NON_BOUNDARY = nonBoundary("[" + ASCII_WORD + "]");

    private static String boundary(String w) {
        return "(?:(?<=" + w + ")(?!" + w + ")|(?<!" + w + ")(?=" + w + "))";
    }

    private static String nonBoundary(String w) {
        return "(?:(?<=" + w + ")(?=" + w + ")|(?<!" + w + ")(?!" + w + ")(?!\\A\\z))";
    }

    /** One translation: a recursive-descent parser that writes Java regex text as it goes. */
    private static final class Translator {
        private final String p;
        /**
         * Whether to learn the literals (the facts, char sets and first chars below): without, only the Java text
         * is written and the facts stay unknown.
         */
        private final boolean analyse;
        private int i;
        private final StringBuilder out = new StringBuilder();
        /** Groups opened so far (Python numbering starts at 1). */
        private int groups;
        private final BitSet openGroups = new BitSet();
        private final Map<String, Integer> names = new HashMap<>();

        // Flags in effect at the current position.
        private boolean ignoreCase, dotAll, multiline, verbose, ascii;
        // Global flags (set by (?...) at the very start).
        private int globalJavaFlags;

        /** The literals of the item just parsed, of the last sequence and of the last alternation. */
        private Facts itemFacts = Facts.UNKNOWN, sequenceFacts = Facts.EMPTY, alternationFacts = Facts.EMPTY;
        /** Likewise the character sets every match holds a member of (a class repeated at least once). */
        private List<RequiredLiterals.Chars> itemChars = List.of(), sequenceChars = List.of(),
                alternationChars = List.of();

        /**
         * Zero-width conditions the literals may carry (docs/engine.md §3): each is spelled in the strings of the
         * facts as one token char ({@link #TOKENS}), which products and unions carry along like any other char.
         */
        private final List<RequiredLiterals.Anchor> anchors = new ArrayList<>();
        /** The token of the zero-width item just parsed, or null (no condition known). */
        private String atToken;
        /** What the first char of a match of the item, sequence, alternation just parsed is, or null. */
        private First itemFirst, sequenceFirst, alternationFirst;
        /**
         * What the first char consumed by any match of the sequence or alternation just parsed is (zero-width items
         * before it skipped), or null: unknown, or a match may be empty (docs/engine.md §8).
         */
        private First sequenceStart, alternationStart;

        /** What the last item of the current sequence was, for quantifier checks. */
        private enum Last { NONE, AT, REPEAT, ITEM }

        Translator(String p, boolean analyse) {
            this.p = p;
            this.analyse = analyse;
        }

        Translation run() {
            parseAlternation(0, true);
            if (i < p.length()) {
                // only a stray ')' stops the top-level alternation early
                throw error("unbalanced parenthesis", i);
            }
            int flags = Pattern.UNIX_LINES | globalJavaFlags;
            if (!analyse) {
                return new Translation(out.toString(), flags, RequiredLiterals.NONE);
            }
            return new Translation(out.toString(), flags, alternationFacts.literals(alternationChars, anchors,
                    alternationStart == null ? null : alternationStart.chars()));
        }

        /** The token standing for {@code a} in the facts' strings, or null once all tokens are taken. */
        private String token(RequiredLiterals.Anchor a) {
            if (!analyse) {
                return null;
            }
            int k = anchors.indexOf(a);
            if (k < 0) {
                if (anchors.size() == TOKEN_COUNT) {
                    return null;
                }
                k = anchors.size();
                anchors.add(a);
            }
            return TOKEN_STRINGS[k];
        }

        /**
         * The facts of one char of {@code chars} (a class too long to list): a match starts where the next char is
         * one of them and ends where the last one was, which the literals next to it take as edges.
         */
        private Facts oneOf(RequiredLiterals.Chars chars) {
            String next = token(new RequiredLiterals.Next(chars, false));
            String prev = token(new RequiredLiterals.Prev(chars));
            return next == null || prev == null ? Facts.UNKNOWN
                    : new Facts(null, Set.of(next), Set.of(prev), List.of());
        }

        private PatternSyntaxException error(String message, int at) {
            return new PatternSyntaxException(message, p, at);
        }

        private boolean more() {
            return i < p.length();
        }

        private char peek() {
            return p.charAt(i);
        }

        private boolean peekIs(char c) {
            return i < p.length() && p.charAt(i) == c;
        }

        private boolean peekIs(int offset, char c) {
            return i + offset < p.length() && p.charAt(i + offset) == c;
        }

        /** Alternatives; returns the {min, max} width in code points ({@link #INFINITE} for unbounded). */
        private long[] parseAlternation(int depth, boolean topLevel) {
            long[] width = parseSequence(depth, topLevel);
            Facts facts = sequenceFacts;
            List<RequiredLiterals.Chars> chars = sequenceChars;
            First first = sequenceFirst;
            First lead = sequenceStart;
            Set<String> strings = null; // while every branch is exact: their union, grown in place (what or() builds)
            while (peekIs('|')) {
                i++;
                out.append('|');
                long[] branch = parseSequence(depth, false);
                if (analyse) {
                    first = First.either(first, sequenceFirst);
                    lead = First.either(lead, sequenceStart);
                    Set<String> next = sequenceFacts.exact();
                    if (facts.exact() != null && next != null && facts.exact().size() + next.size() <= MAX_SET) {
                        if (strings == null) {
                            strings = new LinkedHashSet<>(facts.exact());
                        }
                        strings.addAll(next);
                        facts = Facts.exact(strings);
                    } else {
                        facts = facts.or(sequenceFacts);
                        strings = null;
                    }
                    chars = eitherChars(chars, sequenceChars);
                }
                width[0] = Math.min(width[0], branch[0]);
                width[1] = Math.max(width[1], branch[1]);
            }
            alternationFacts = facts;
            alternationChars = chars;
            alternationFirst = first;
            alternationStart = lead;
            return width;
        }

        /** One branch: items up to '|', ')' or the end; returns its {min, max} width. */
        private long[] parseSequence(int depth, boolean atPatternStart) {
            Last last = Last.NONE;
            afterWordLiteral = false;
            long min = 0, max = 0, lastMin = 0, lastMax = 0;
            Concatenation facts = analyse ? new Concatenation() : null;
            Facts pending = null; // the last item's facts, merged once no quantifier can follow
            List<RequiredLiterals.Chars> chars = new ArrayList<>();
            List<RequiredLiterals.Chars> pendingChars = List.of();
            First first = null; // of the sequence's first item, kept unless a quantifier makes it optional
            First lead = null; // of its first item that consumes: known once led, null when unknown
            boolean led = false;
            boolean ledHere = false; // the last item is the one that led (a quantifier may make it optional)
            int items = 0;
            while (more()) {
                int start = i;
                char c = peek();
                if (c == '|' || c == ')') {
                    if (c == ')' && depth == 0) {
                        throw error("unbalanced parenthesis", i);
                    }
                    break;
                }
                if (verbose && isVerboseSpace(c)) {
                    i++;
                    continue;
                }
                if (verbose && c == '#') {
                    while (more() && peek() != '\n') {
                        i++;
                    }
                    continue;
                }
                i++;
                itemMin = 1;
                itemMax = 1;
                itemFacts = Facts.UNKNOWN;
                itemChars = List.of();
                itemFirst = null;
                atToken = null;
                boolean wordLiteral = false;
                First groupStart = null;
                switch (c) {
                    case '(' -> {
                        alternationStart = null; // stays null for a group without content (a back-reference)
                        GroupKind kind = parseGroup(start, depth, items == 0 && atPatternStart);
                        if (kind == GroupKind.NOTHING) {
                            continue; // comment or global flags: the previous item stays the last one
                        }
                        groupStart = alternationStart;
                        itemFirst = null;
                        last = Last.ITEM;
                    }
                    case '[' -> {
                        parseClass(start);
                        last = Last.ITEM;
                    }
                    case '.' -> {
                        out.append('.');
                        last = Last.ITEM;
                    }
                    case '^' -> {
                        out.append(multiline ? "(?<![^\\n])" : "^");
                        atToken = token(new RequiredLiterals.Start(multiline));
                        last = Last.AT;
                    }
                    case '$' -> {
                        out.append(multiline ? "(?=\\n|\\z)" : "$");
                        atToken = token(new RequiredLiterals.End(!multiline, multiline));
                        if (items == 0) {
                            first = new First(NO_CHARS, true);
                        }
                        last = Last.AT;
                    }
                    case '*', '+', '?' -> {
                        checkRepeatable(last, start);
                        repeatMin = c == '+' ? 1 : 0;
                        repeatMax = c == '?' ? 1 : INFINITE;
                        out.append(c);
                        quantifierSuffix();
                        last = Last.REPEAT;
                    }
                    case '{' -> {
                        String quantifier = braceQuantifier(start);
                        if (quantifier == null) {
                            appendLiteral('{');
                            last = Last.ITEM;
                        } else {
                            checkRepeatable(last, start);
                            out.append(quantifier);
                            quantifierSuffix();
                            last = Last.REPEAT;
                        }
                    }
                    case '\\' -> last = parseEscape(start);
                    default -> {
                        i = start;
                        int cp = p.codePointAt(i);
                        i += Character.charCount(cp);
                        appendLiteral(cp);
                        wordLiteral = isAsciiWord(cp);
                        last = Last.ITEM;
                    }
                }
                // a quantifier keeps the item's last character there only if it repeats it at least once
                afterWordLiteral = last == Last.REPEAT ? afterWordLiteral && repeatMin >= 1 : wordLiteral;
                if (last == Last.AT) {
                    itemMin = 0;
                    itemMax = 0;
                    // zero width: the items around it stay adjacent, with its condition between them as a token
                    itemFacts = atToken == null ? Facts.EMPTY : Facts.ofToken(atToken);
                }
                if (last == Last.REPEAT) {
                    if (ledHere && repeatMin == 0) {
                        lead = null; // the item that starts every match may be absent
                    }
                } else {
                    ledHere = false;
                    if (!led && itemMax > 0) { // zero-width items consume nothing: the next item leads
                        led = true;
                        ledHere = true;
                        lead = itemMin == 0 || last != Last.ITEM ? null : c == '(' ? groupStart : itemFirst;
                    }
                }
                if (items == 0 && last == Last.ITEM) {
                    first = itemFirst;
                } else if (items == 1 && last == Last.REPEAT && repeatMin == 0) {
                    first = null; // the first item may be absent
                }
                if (last != Last.REPEAT) {
                    items++;
                }
                if (!analyse) {
                    // the facts stay unknown
                } else if (last == Last.REPEAT) {
                    pending = pending == null ? Facts.UNKNOWN : pending.repeated(repeatMin, repeatMax);
                    pendingChars = repeatMin >= 1 ? pendingChars : List.of();
                } else {
                    if (pending != null) {
                        facts.add(pending);
                    }
                    chars.addAll(pendingChars);
                    pending = itemFacts;
                    pendingChars = last == Last.AT ? List.of() : itemChars;
                }
                if (last == Last.REPEAT) {
                    // the quantifier replaces the last item's width by its repetition
                    min = plus(min - lastMin, times(lastMin, repeatMin));
                    max = plus(max - lastMax, times(lastMax, repeatMax));
                    lastMin = times(lastMin, repeatMin);
                    lastMax = times(lastMax, repeatMax);
                } else {
                    min = plus(min, itemMin);
                    max = plus(max, itemMax);
                    lastMin = itemMin;
                    lastMax = itemMax;
                }
            }
            if (pending != null) {
                facts.add(pending);
            }
            chars.addAll(pendingChars);
            sequenceFacts = analyse ? facts.result() : Facts.UNKNOWN;
            sequenceChars = chars;
            sequenceFirst = items == 0 ? null : first;
            sequenceStart = led && min > 0 ? lead : null;
            return new long[] {min, max};
        }

        /** Widths are capped here: more than any input, and safe to add and multiply. */
        private static final long INFINITE = 1L << 40;

        private static long saturate(long v) {
            return Math.min(v, INFINITE);
        }

        private static long plus(long a, long b) {
            return saturate(a + b);
        }

        private static long times(long a, long b) {
            if (a == 0 || b == 0) {
                return 0;
            }
            return a >= INFINITE || b >= INFINITE || a > INFINITE / b ? INFINITE : a * b;
        }

        /**
         * Whether the text matched so far surely ends with a word character: the last item was a literal ASCII word
         * character, repeated at least once if quantified. Lets {@code \b} be one look-around (see {@link #boundary}).
         */
        private boolean afterWordLiteral;

        private static boolean isAsciiWord(int cp) {
            return cp < 128 && (Character.isLetterOrDigit(cp) || cp == '_');
        }

        /**
         * Python's {@code \b} here. Next to a character known to be a word character (in either mode, and so are all
         * its case partners) the boundary is one look-around, not two alternatives of two each, which Java would try
         * at every start position: after one, "no word character follows"; before one, "none precedes".
         */
        private String boundary() {
            String word = ascii ? "[" + ASCII_WORD + "]" : "[" + WORD + "]";
            if (afterWordLiteral) {
                return "(?!" + word + ")";
            }
            boolean beforeWordLiteral = !verbose && more() && isAsciiWord(peek())
                    && !(i + 1 < p.length() && "?*{".indexOf(p.charAt(i + 1)) >= 0);
            if (beforeWordLiteral) {
                return "(?<!" + word + ")";
            }
            return ascii ? ASCII_BOUNDARY : BOUNDARY;
        }

        /** The width of the item just parsed (code points), and the repetition of the quantifier just parsed. */
        private long itemMin, itemMax, repeatMin, repeatMax;
        /** Widths of closed capturing groups, for back-references. */
        private final Map<Integer, long[]> groupWidths = new HashMap<>();

        private static boolean isVerboseSpace(char c) {
            return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u000B' || c == '\f';
        }

        private void checkRepeatable(Last last, int at) {
            if (last == Last.NONE || last == Last.AT) {
                throw error("nothing to repeat", at);
            }
            if (last == Last.REPEAT) {
                throw error("multiple repeat", at);
            }
        }

        /** Lazy '?' or possessive '+' after a quantifier. */
        private void quantifierSuffix() {
            if (peekIs('?') || peekIs('+')) {
                out.append(p.charAt(i++));
            }
        }

        /**
         * Parses {@code {n}}, {@code {n,}}, {@code {,m}}, {@code {n,m}} (i just past '{'), returning the Java
         * spelling, or null (i unchanged) when the brace is a literal as Python reads it.
         */
        private String braceQuantifier(int braceAt) {
            int save = i;
            if (peekIs('}')) {
                return null;
            }
            int loStart = i;
            while (more() && isAsciiDigit(peek())) {
                i++;
            }
            String lo = p.substring(loStart, i);
            String hi;
            boolean comma = false;
            if (peekIs(',')) {
                comma = true;
                i++;
                int hiStart = i;
                while (more() && isAsciiDigit(peek())) {
                    i++;
                }
                hi = p.substring(hiStart, i);
            } else {
                hi = lo;
            }
            if (!peekIs('}')) {
                i = save;
                return null;
            }
            i++;
            long min = lo.isEmpty() ? 0 : repeatNumber(lo, loStart);
            long max = hi.isEmpty() ? -1 : repeatNumber(hi, braceAt);
            if (max >= 0 && max < min) {
                throw error("min repeat greater than max repeat", braceAt);
            }
            repeatMin = min;
            repeatMax = !comma ? min : max < 0 ? INFINITE : max;
            if (!comma) {
                return "{" + min + "}";
            }
            return max < 0 ? "{" + min + ",}" : "{" + min + "," + max + "}";
        }

        private long repeatNumber(String digits, int at) {
            if (digits.length() > 10 || Long.parseLong(digits) > MAX_REPEAT) {
                throw error("the repetition number is too large", at);
            }
            return Long.parseLong(digits);
        }

        private static boolean isAsciiDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private static boolean isOctalDigit(char c) {
            return c >= '0' && c <= '7';
        }

        private enum GroupKind { NOTHING, GROUP }

        /** Parses a group; i is just past '('. */
        private GroupKind parseGroup(int open, int depth, boolean atPatternStart) {
            if (!peekIs('?')) {
                int number = ++groups;
                openGroups.set(number);
                out.append('(');
                groupWidths.put(number, closeGroup(open, depth));
                openGroups.clear(number);
                return GroupKind.GROUP;
            }
            i++;
            if (!more()) {
                throw error("unexpected end of pattern", i);
            }
            char c = p.charAt(i++);
            switch (c) {
                case ':' -> {
                    out.append("(?:");
                    closeGroup(open, depth);
                }
                case 'P' -> {
                    if (peekIs('<')) {
                        i++;
                        String name = groupName('>');
                        if (names.containsKey(name)) {
                            throw error("redefinition of group name '" + name + "' as group " + (groups + 1)
                                    + "; was group " + names.get(name), open);
                        }
                        int number = ++groups;
                        names.put(name, number);
                        openGroups.set(number);
                        out.append('(');
                        groupWidths.put(number, closeGroup(open, depth));
                        openGroups.clear(number);
                    } else if (peekIs('=')) {
                        i++;
                        String name = groupName(')');
                        Integer number = names.get(name);
                        if (number == null) {
                            throw error("unknown group name '" + name + "'", open);
                        }
                        if (openGroups.get(number)) {
                            throw error("cannot refer to an open group", open);
                        }
                        appendBackReference(number);
                        itemMin = groupWidths.get(number)[0];
                        itemMax = groupWidths.get(number)[1];
                    } else {
                        throw error(more() ? "unknown extension ?P" + peek() : "unexpected end of pattern", i);
                    }
                }
                case '=', '!' -> {
                    out.append("(?").append(c);
                    closeGroup(open, depth);
                    itemMin = 0;
                    itemMax = 0;
                    // what it looks at is not required, but a positive one whose branches all start with a known
                    // char (or are $) says what may follow: the prefilter checks it on the whole value
                    String next = c == '=' && alternationFirst != null
                            ? token(new RequiredLiterals.Next(alternationFirst.chars(), alternationFirst.end())) : null;
                    itemFacts = next == null ? Facts.EMPTY : Facts.ofToken(next);
                    itemChars = List.of();
                }
                case '<' -> {
                    if (!more() || (peek() != '=' && peek() != '!')) {
                        throw error(more() ? "unknown extension ?<" + peek() : "unexpected end of pattern", i);
                    }
                    out.append("(?<").append(p.charAt(i++));
                    long[] width = closeGroup(open, depth);
                    if (width[0] != width[1]) {
                        throw error("look-behind requires fixed-width pattern", open);
                    }
                    itemMin = 0;
                    itemMax = 0;
                    itemFacts = Facts.EMPTY;
                    itemChars = List.of();
                }
                case '>' -> {
                    out.append("(?>");
                    closeGroup(open, depth);
                }
                case '#' -> {
                    // Python reads the comment as the pattern's tokens: an escaped char, ")" too, does not end it
                    while (more() && peek() != ')') {
                        if (peek() == '\\' && ++i == p.length()) {
                            throw error("bad escape (end of pattern)", i - 1);
                        }
                        i++;
                    }
                    if (!more()) {
                        throw error("missing ), unterminated comment", open);
                    }
                    i++;
                    return GroupKind.NOTHING;
                }
                case '(' -> throw error("conditional groups (?(id)yes|no) are not supported", open);
                default -> {
                    if ("aiLmsux-".indexOf(c) < 0) {
                        throw error("unknown extension ?" + c, i - 1);
                    }
                    i--;
                    return parseFlags(open, depth, atPatternStart);
                }
            }
            return GroupKind.GROUP;
        }

        /**
         * Parses the rest of a group and its ')' (i is at the group's content); returns the content's width,
         * which also becomes the width of the group as an item.
         */
        private long[] closeGroup(int open, int depth) {
            if (depth >= MAX_NESTING) {
                throw error("groups nested more than " + MAX_NESTING + " deep (Python's re stops there with a"
                        + " RecursionError)", open);
            }
            long[] width = parseAlternation(depth + 1, false);
            if (!peekIs(')')) {
                throw error("missing ), unterminated subpattern", open);
            }
            i++;
            out.append(')');
            itemMin = width[0];
            itemMax = width[1];
            itemFacts = alternationFacts;
            itemChars = alternationChars;
            return width;
        }

        private String groupName(char terminator) {
            int start = i;
            int end = p.indexOf(terminator, i);
            if (end < 0) {
                throw error("missing " + terminator + ", unterminated name", start);
            }
            String name = p.substring(start, end);
            if (name.isEmpty()) {
                throw error("missing group name", start);
            }
            if (!isIdentifier(name)) {
                throw error("bad character in group name '" + name + "'", start);
            }
            i = end + 1;
            return name;
        }

        private static boolean isIdentifier(String s) {
            int cp0 = s.codePointAt(0);
            if (cp0 != '_' && !Character.isUnicodeIdentifierStart(cp0)) {
                return false;
            }
            return s.codePoints().skip(1).allMatch(Character::isUnicodeIdentifierPart);
        }

        /** Inline flags {@code (?aimsux)} (global, only at the start) or {@code (?aimsux-imsx:...)} (scoped). */
        private GroupKind parseFlags(int open, int depth, boolean atPatternStart) {
            boolean addI = false, addM = false, addS = false, addX = false, addA = false, addU = false;
            boolean delI = false, delM = false, delS = false, delX = false;
            while (more() && "aiLmsux".indexOf(peek()) >= 0) {
                char f = p.charAt(i++);
                switch (f) {
                    case 'i' -> addI = true;
                    case 'm' -> addM = true;
                    case 's' -> addS = true;
                    case 'x' -> addX = true;
                    case 'a' -> addA = true;
                    case 'u' -> addU = true;
                    default -> throw error("bad inline flags: cannot use 'L' flag with a str pattern", i - 1);
                }
            }
            if (addA && addU) {
                throw error("bad inline flags: flags 'a', 'u' and 'L' are incompatible", i);
            }
            boolean scoped = false;
            if (peekIs('-')) {
                i++;
                if (!more() || "imsx".indexOf(peek()) < 0) {
                    throw error(more() && "aLu".indexOf(peek()) >= 0
                            ? "bad inline flags: cannot turn off flags 'a', 'u' and 'L'"
                            : "missing flag", i);
                }
                while (more() && "imsx".indexOf(peek()) >= 0) {
                    char f = p.charAt(i++);
                    switch (f) {
                        case 'i' -> delI = true;
                        case 'm' -> delM = true;
                        case 's' -> delS = true;
                        default -> delX = true;
                    }
                }
                if ((addI && delI) || (addM && delM) || (addS && delS) || (addX && delX)) {
                    throw error("bad inline flags: flag turned on and off", i);
                }
                if (!peekIs(':')) {
                    throw error(more() ? "missing :" : "missing :, unterminated flags", i);
                }
                scoped = true;
            } else if (peekIs(':')) {
                scoped = true;
            } else if (!peekIs(')')) {
                throw error(more() ? "unknown flag" : "missing -, : or )", i);
            }
            if (!(addI || addM || addS || addX || addA || addU || delI || delM || delS || delX)) {
                throw error("missing -, : or )", i);
            }
            i++;
            if (!scoped) {
                if (!atPatternStart) {
                    throw error("global flags not at the start of the expression", open);
                }
                ignoreCase |= addI;
                multiline |= addM;
                dotAll |= addS;
                verbose |= addX;
                ascii |= addA;
                globalJavaFlags = javaFlags();
                return GroupKind.NOTHING;
            }
            boolean savedI = ignoreCase, savedM = multiline, savedS = dotAll, savedX = verbose, savedA = ascii;
            ignoreCase = (ignoreCase || addI) && !delI;
            multiline = (multiline || addM) && !delM;
            dotAll = (dotAll || addS) && !delS;
            verbose = (verbose || addX) && !delX;
            ascii = (ascii || addA) && !addU;
            out.append("(?");
            if (javaIgnoresCase()) {
                out.append('i');
            }
            if (dotAll) {
                out.append('s');
            }
            StringBuilder off = new StringBuilder();
            if (!javaIgnoresCase()) {
                off.append('i');
            }
            if (!dotAll) {
                off.append('s');
            }
            if (!off.isEmpty()) {
                out.append('-').append(off);
            }
            out.append(':');
            closeGroup(open, depth);
            ignoreCase = savedI;
            multiline = savedM;
            dotAll = savedS;
            verbose = savedX;
            ascii = savedA;
            return GroupKind.GROUP;
        }

        /**
         * Java's (ASCII) CASE_INSENSITIVE is used only under (?ai); Unicode (?i) is spelled out by
         * {@link #appendLiteral} and {@link #parseClass}.
         */
        private boolean javaIgnoresCase() {
            return ignoreCase && ascii;
        }

        private boolean foldsUnicodeCase() {
            return ignoreCase && !ascii;
        }

        private int javaFlags() {
            int f = 0;
            if (javaIgnoresCase()) {
                f |= Pattern.CASE_INSENSITIVE;
            }
            if (dotAll) {
                f |= Pattern.DOTALL;
            }
            return f;
        }

        /** An escape outside a class; i is just past the backslash. */
        private Last parseEscape(int start) {
            if (!more()) {
                throw error("bad escape (end of pattern)", start);
            }
            char c = p.charAt(i++);
            switch (c) {
                case 'A' -> {
                    out.append("\\A");
                    atToken = token(new RequiredLiterals.Start(false));
                    return Last.AT;
                }
                case 'Z' -> {
                    out.append("\\z");
                    atToken = token(new RequiredLiterals.End(false, false));
                    return Last.AT;
                }
                case 'b' -> {
                    out.append(boundary());
                    atToken = token(new RequiredLiterals.WordBoundary());
                    return Last.AT;
                }
                case 'B' -> {
                    out.append(ascii ? ASCII_NON_BOUNDARY : NON_BOUNDARY);
                    return Last.AT;
                }
                case 'd', 'D', 'w', 'W', 's', 'S' -> {
                    String members = categoryMembers(Character.toLowerCase(c));
                    out.append(Character.isUpperCase(c) ? "[^" : "[").append(members).append(']');
                    if (analyse && Character.isLowerCase(c)) {
                        CharsBuilder b = new CharsBuilder();
                        b.category(c, ascii);
                        itemChars = List.of(b.build());
                        itemFirst = new First(b.build(), false);
                        itemFacts = oneOf(b.build());
                    }
                    return Last.ITEM;
                }
                default -> {
                    if (c >= '1' && c <= '9') {
                        return groupReferenceOrOctal(start, c);
                    }
                    i = start;
                    appendLiteral(literalEscape(start, false));
                    return Last.ITEM;
                }
            }
        }

        private Last groupReferenceOrOctal(int start, char d1) {
            String digits = String.valueOf(d1);
            if (more() && isAsciiDigit(peek())) {
                char d2 = p.charAt(i++);
                digits += d2;
                if (isOctalDigit(d1) && isOctalDigit(d2) && more() && isOctalDigit(peek())) {
                    digits += p.charAt(i++);
                    int value = Integer.parseInt(digits, 8);
                    if (value > 0377) {
                        throw error("octal escape value \\" + digits + " outside of range 0-0o377", start);
                    }
                    appendLiteral(value);
                    return Last.ITEM;
                }
            }
            int group = Integer.parseInt(digits);
            if (group > groups) {
                throw error("invalid group reference " + group, start + 1);
            }
            if (openGroups.get(group)) {
                throw error("cannot refer to an open group", start);
            }
            appendBackReference(group);
            itemMin = groupWidths.get(group)[0];
            itemMax = groupWidths.get(group)[1];
            return Last.ITEM;
        }

        /** Java compares a back-reference's text by its own Unicode case folding (close to Python's). */
        private void appendBackReference(int group) {
            itemFacts = Facts.UNKNOWN;
            out.append(foldsUnicodeCase() ? "(?iu:\\" : "(?:\\").append(group).append(')');
        }

        /**
         * The code point of a literal escape ({@code \n \x41 \u00e9 \N{name} \0 \.} ...); i is at the
         * backslash. Categories and group references are handled by the callers.
         */
        private int literalEscape(int start, boolean inClass) {
            i = start + 1;
            if (!more()) {
                throw error("bad escape (end of pattern)", start);
            }
            char c = p.charAt(i++);
            switch (c) {
                case 'a': return 0x07;
                case 'f': return 0x0C;
                case 'n': return 0x0A;
                case 'r': return 0x0D;
                case 't': return 0x09;
                case 'v': return 0x0B;
                case '\\': return '\\';
                case 'x': return hexEscape(start, 2);
                case 'u': return hexEscape(start, 4);
                case 'U': {
                    int v = hexEscape(start, 8);
                    if (v > Character.MAX_CODE_POINT) {
                        throw error("bad escape " + p.substring(start, i), start);
                    }
                    return v;
                }
                case 'N': return namedEscape(start);
                default: break;
            }
            if (inClass && c == 'b') {
                return 0x08;
            }
            if (isOctalDigit(c)) {
                // outside a class only \0 gets here: \0, \0o, \0oo; inside, any octal digit starts up to three
                String digits = String.valueOf(c);
                while (digits.length() < 3 && more() && isOctalDigit(peek())) {
                    digits += p.charAt(i++);
                }
                int value = Integer.parseInt(digits, 8);
                if (value > 0377) {
                    throw error("octal escape value \\" + digits + " outside of range 0-0o377", start);
                }
                return value;
            }
            if (isAsciiDigit(c) || (c < 128 && Character.isLetter(c))) {
                throw error("bad escape \\" + c, start);
            }
            i = start + 1;
            int cp = p.codePointAt(i);
            i += Character.charCount(cp);
            return cp;
        }

        private int hexEscape(int start, int digits) {
            int from = i;
            while (i < p.length() && i - from < digits && Character.digit(p.charAt(i), 16) >= 0
                    && p.charAt(i) < 128) {
                i++;
            }
            if (i - from != digits) {
                throw error("incomplete escape " + p.substring(start, i), start);
            }
            return (int) Long.parseLong(p.substring(from, i), 16);
        }

        private int namedEscape(int start) {
            if (!peekIs('{')) {
                throw error("missing {", i);
            }
            int close = p.indexOf('}', i);
            if (close < 0) {
                throw error("missing }, unterminated name", i);
            }
            String name = p.substring(i + 1, close);
            if (name.isEmpty()) {
                throw error("missing character name", i);
            }
            try {
                int cp = Character.codePointOf(name);
                i = close + 1;
                return cp;
            } catch (IllegalArgumentException e) {
                throw error("undefined character name '" + name + "'", start);
            }
        }

        /** The members of {@code \d \w \s} for use inside a Java class, honouring (?a). */
        private String categoryMembers(char lower) {
            return switch (lower) {
                case 'd' -> ascii ? ASCII_DIGIT : DIGIT;
                case 'w' -> ascii ? ASCII_WORD : WORD;
                default -> ascii ? ASCII_SPACE : SPACE;
            };
        }

        /** A character class; i is just past '['. */
        private void parseClass(int open) {
            StringBuilder cls = new StringBuilder("[");
            if (peekIs('^')) {
                i++;
                cls.append('^');
            }
            List<String> items = new ArrayList<>();
            Set<String> members = new LinkedHashSet<>(); // folded, while the class is a short list of characters
            boolean listed = analyse && cls.length() == 1;
            CharsBuilder mask = listed ? new CharsBuilder() : null; // what a positive class may match
            while (true) {
                if (!more()) {
                    throw error("unterminated character set", open);
                }
                int itemStart = i;
                char c = p.charAt(i);
                if (c == ']' && !items.isEmpty()) {
                    i++;
                    break;
                }
                ClassAtom a = classAtom();
                if (peekIs('-')) {
                    i++;
                    if (!more()) {
                        throw error("unterminated character set", open);
                    }
                    if (peekIs(']')) { // "a-]": the atom and a literal '-'
                        i++;
                        items.add(a.java);
                        items.add("\\-");
                        listed &= a.codePoint >= 0;
                        if (listed) {
                            addMember(members, a.codePoint);
                            addMember(members, '-');
                        }
                        mask = maskAtom(mask, a);
                        if (mask != null) {
                            mask.add('-');
                        }
                        if (a.codePoint >= 0) {
                            partners(a.codePoint, a.codePoint, items, members, mask);
                        }
                        break;
                    }
                    int hiStart = i;
                    ClassAtom b = classAtom();
                    if (a.codePoint < 0 || b.codePoint < 0 || b.codePoint < a.codePoint) {
                        throw error("bad character range " + p.substring(itemStart, hiStart - 1) + "-"
                                + p.substring(hiStart, i), itemStart);
                    }
                    items.add(a.java + "-" + b.java);
                    if (mask != null) {
                        mask.range(a.codePoint, b.codePoint, javaIgnoresCase());
                    }
                    listed &= b.codePoint - a.codePoint < MAX_CLASS;
                    for (int cp = a.codePoint; listed && cp <= b.codePoint; cp++) {
                        addMember(members, cp);
                    }
                    partners(a.codePoint, b.codePoint, items, members, mask);
                } else {
                    items.add(a.java);
                    listed &= a.codePoint >= 0;
                    if (listed) {
                        addMember(members, a.codePoint);
                    }
                    mask = maskAtom(mask, a);
                    if (a.codePoint >= 0) {
                        partners(a.codePoint, a.codePoint, items, members, mask);
                    }
                }
            }
            for (String item : items) {
                cls.append(item);
            }
            out.append(cls).append(']');
            if (!analyse) {
                return;
            }
            itemFacts = listed && members.size() <= MAX_CLASS ? Facts.exact(members)
                    : mask == null ? Facts.UNKNOWN : oneOf(mask.build());
            itemChars = mask == null ? List.of() : List.of(mask.build());
            itemFirst = mask == null ? null : new First(mask.build(), false);
        }

        /** Under Unicode case folding, the case partners of {@code [lo-hi]} outside it, as literals of the class. */
        private void partners(int lo, int hi, List<String> items, Set<String> members, CharsBuilder mask) {
            if (foldsUnicodeCase()) {
                CaseGroups.partnersOutside(lo, hi, cp -> {
                    items.add(classLiteral(cp));
                    addMember(members, cp);
                    if (mask != null) {
                        mask.add(cp);
                    }
                });
            }
        }

        /** {@code mask} with one class atom added, or null once the atom is a negated category (no mask). */
        private CharsBuilder maskAtom(CharsBuilder mask, ClassAtom a) {
            if (mask == null || Character.isUpperCase(a.category)) {
                return null;
            }
            if (a.category != 0) {
                mask.category(a.category, ascii);
            } else {
                mask.range(a.codePoint, a.codePoint, javaIgnoresCase());
            }
            return mask;
        }

        /** One member of a class: a literal (codePoint >= 0) or a category (codePoint -1). */
        private record ClassAtom(String java, int codePoint, char category) {
            ClassAtom(String java, int codePoint) {
                this(java, codePoint, (char) 0);
            }
        }

        private ClassAtom classAtom() {
            int start = i;
            if (p.charAt(i) != '\\') {
                int cp = p.codePointAt(i);
                i += Character.charCount(cp);
                return new ClassAtom(classLiteral(cp), cp);
            }
            if (i + 1 >= p.length()) {
                throw error("bad escape (end of pattern)", start);
            }
            char c = p.charAt(i + 1);
            switch (c) {
                case 'd', 'w', 's' -> {
                    i += 2;
                    return new ClassAtom(categoryMembers(c), -1, c);
                }
                case 'D', 'W', 'S' -> {
                    i += 2;
                    return new ClassAtom("[^" + categoryMembers(Character.toLowerCase(c)) + "]", -1, c);
                }
                default -> {
                    if (c >= '8' && c <= '9') {
                        throw error("bad escape \\" + c, start);
                    }
                    int cp = literalEscape(start, true);
                    return new ClassAtom(classLiteral(cp), cp);
                }
            }
        }

        private static String classLiteral(int cp) {
            if ("\\^-[]&".indexOf(cp) >= 0) {
                return "\\" + (char) cp;
            }
            return printable(cp) ? Character.toString(cp) : hex(cp);
        }

        private void appendLiteral(int cp) {
            int[] group = foldsUnicodeCase() ? CaseGroups.of(cp) : null;
            boolean asciiCase = group == null && javaIgnoresCase() && cp < 128 && Character.isLetter(cp);
            if (!analyse) {
                // the facts stay unknown
            } else if (group == null && !asciiCase || group != null && CaseGroups.foldsToOne(cp)) {
                itemFacts = Facts.ofChar(cp); // the common case: one folded spelling
            } else {
                Set<String> matched = new LinkedHashSet<>(4);
                if (group != null) {
                    for (int member : group) {
                        addMember(matched, member);
                    }
                } else {
                    addMember(matched, Character.toUpperCase(cp)); // Java's ASCII case folding under (?ai)
                }
                addMember(matched, cp);
                itemFacts = Facts.exact(matched);
            }
            // a case group can join non-letters and non-ASCII chars to ASCII ones (KELVIN SIGN and k): all members
            if (analyse) {
                itemFirst = group != null ? First.ofGroup(cp, group)
                        : First.ofChar(cp, ignoreCase && Character.isLetter(cp));
            }
            if (group != null) {
                out.append('[');
                for (int member : group) {
                    out.append(classLiteral(member));
                }
                out.append(']');
            } else if (cp < 128 && "\\.[]{}()*+?^$|".indexOf(cp) >= 0) {
                out.append('\\').append((char) cp);
            } else if (printable(cp)) {
                out.appendCodePoint(cp);
            } else {
                out.append(hex(cp));
            }
        }

        private static boolean printable(int cp) {
            if (cp < 128) {
                return cp > 0x20 && cp < 0x7F;
            }
            int type = Character.getType(cp);
            return Character.isLetterOrDigit(cp) && type != Character.SURROGATE;
        }

        private static String hex(int cp) {
            return "\\x{" + Integer.toHexString(cp) + "}";
        }
    }

    // Bounds of the literal extraction: beyond them a part is "unknown", which only makes a rule run more often.
    /** Strings tracked per set. */
    private static final int MAX_SET = 32;
    /** Characters a class may list and still count as a set of one-character strings ({@code [Cc]}, {@code [/\\]}). */
    private static final int MAX_CLASS = 8;
    /** Length of a string tracked exactly. */
    private static final int MAX_TRACKED = 256;
    /** Length of a literal handed out (any part of a required string is required too). */
    private static final int MAX_LITERAL = 32;
    /** Literals this long are selective enough: longer ones score the same (and smaller sets win ties). */
    private static final int MAX_SCORE = 8;
    /** Size from which a set costs rank, and a single string multiplied into a run that large is a set of its own. */
    private static final int MIN_PRODUCT = 4;
    /** Sets handed out per pattern. */
    private static final int MAX_SETS = 4;
    /** Char sets handed out per pattern. */
    private static final int MAX_CHAR_SETS = 4;
    /**
     * The token chars of the facts' zero-width conditions: U+24B6..U+24CF (circled capital letters), which are the
     * {@link RequiredLiterals#fold(char)} of no char, so no folded literal holds one.
     */
    private static final char TOKENS = '\u24B6';
    private static final int TOKEN_COUNT = 26;
    private static final RequiredLiterals.Chars NO_CHARS = new RequiredLiterals.Chars(0, 0, false);

    private static final String[] TOKEN_STRINGS = new String[TOKEN_COUNT];

    static {
        for (int k = 0; k < TOKEN_COUNT; k++) {
            TOKEN_STRINGS[k] = String.valueOf((char) (TOKENS + k));
        }
    }

    private static boolean isToken(char c) {
        return c >= TOKENS && c < TOKENS + TOKEN_COUNT;
    }

    /** Chars not counting tokens. */
    private static int realLength(String s) {
        int n = 0;
        for (int k = 0; k < s.length(); k++) {
            n += isToken(s.charAt(k)) ? 0 : 1;
        }
        return n;
    }

    /** The first char of a match: a member of {@code chars}, or with {@code end} none (the match is empty at $). */
    private record First(RequiredLiterals.Chars chars, boolean end) {
        private static final First[] ASCII = new First[256]; // [cp] as is, [128 + cp] with its case partners

        static {
            for (int cp = 0; cp < 128; cp++) {
                ASCII[cp] = build(cp, false);
                ASCII[128 + cp] = build(cp, true);
            }
        }

        /** A literal {@code cp}; {@code cased}: under (?i), with its case partners (shared for ASCII). */
        static First ofChar(int cp, boolean cased) {
            return cp < 128 ? ASCII[(cased ? 128 : 0) + cp] : build(cp, cased);
        }

        // by ASCII char (its case group is fixed), filled on first use: immutable values, a race only builds twice
        private static final First[] ASCII_GROUPS = new First[128];

        /** A literal {@code cp} matched case-insensitively: any member of its case group {@code group}. */
        static First ofGroup(int cp, int[] group) {
            if (cp < ASCII_GROUPS.length) {
                First f = ASCII_GROUPS[cp];
                if (f == null) {
                    ASCII_GROUPS[cp] = f = buildGroup(cp, group);
                }
                return f;
            }
            return buildGroup(cp, group);
        }

        private static First buildGroup(int cp, int[] group) {
            CharsBuilder members = new CharsBuilder();
            members.add(cp);
            for (int member : group) {
                members.add(member);
            }
            return new First(members.build(), false);
        }

        private static First build(int cp, boolean cased) {
            CharsBuilder self = new CharsBuilder();
            self.add(cp);
            if (cased) {
                self.range(cp, cp, true); // the other ASCII case; any non-ASCII partner counts as "above"
                self.add(Character.MAX_VALUE);
            }
            return new First(self.build(), false);
        }

        /** Of {@code a|b}: null (unknown) unless both are known. */
        static First either(First a, First b) {
            if (a == null || b == null) {
                return null;
            }
            return new First(new RequiredLiterals.Chars(a.chars.low() | b.chars.low(), a.chars.high() | b.chars.high(),
                    a.chars.nonAscii() || b.chars.nonAscii()), a.end || b.end);
        }
    }

    /** The character sets a match of {@code a|b} holds a member of: the union of the best set of each side. */
    private static List<RequiredLiterals.Chars> eitherChars(List<RequiredLiterals.Chars> a,
                                                           List<RequiredLiterals.Chars> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return List.of();
        }
        RequiredLiterals.Chars x = bestChars(a);
        RequiredLiterals.Chars y = bestChars(b);
        return List.of(new RequiredLiterals.Chars(x.low() | y.low(), x.high() | y.high(), x.nonAscii() || y.nonAscii()));
    }

    private static RequiredLiterals.Chars bestChars(List<RequiredLiterals.Chars> sets) {
        RequiredLiterals.Chars best = sets.get(0);
        for (RequiredLiterals.Chars c : sets) {
            if (c.weight() < best.weight()) {
                best = c;
            }
        }
        return best;
    }

    /** The members of a positive class as {@link RequiredLiterals.Chars}: ASCII bits, and "anything above". */
    private static final class CharsBuilder {
        private long low;
        private long high;
        private boolean nonAscii;

        void add(int cp) {
            if (cp < 64) {
                low |= 1L << cp;
            } else if (cp < 128) {
                high |= 1L << (cp - 64);
            } else {
                nonAscii = true;
            }
        }

        /** [a, b], and under Java's ASCII case folding (?ai) the other case of each ASCII letter. */
        void range(int a, int b, boolean asciiCase) {
            for (int cp = a; cp <= Math.min(b, 127); cp++) {
                add(cp);
                if (asciiCase && Character.isLetter(cp)) {
                    add(Character.isUpperCase(cp) ? Character.toLowerCase(cp) : Character.toUpperCase(cp));
                }
            }
            if (b >= 128) {
                nonAscii = true;
            }
        }

        /** Python's {@code \d}, {@code \w} or {@code \s}, ASCII-only under (?a). */
        void category(char c, boolean ascii) {
            switch (c) {
                case 'd' -> range('0', '9', false);
                case 'w' -> {
                    range('0', '9', false);
                    range('a', 'z', false);
                    range('A', 'Z', false);
                    add('_');
                }
                default -> {
                    range('\t', '\r', false);
                    add(' ');
                    if (!ascii) {
                        range(0x1C, 0x1F, false);
                    }
                }
            }
            nonAscii |= !ascii;
        }

        RequiredLiterals.Chars build() {
            return new RequiredLiterals.Chars(low, high, nonAscii);
        }
    }

    /** Adds the folded spelling of {@code cp} to {@code set} (see {@link RequiredLiterals#fold(char)}). */
    private static void addMember(Set<String> set, int cp) {
        set.add(member(cp));
    }

    private static String member(int cp) {
        return cp < Character.MIN_SUPPLEMENTARY_CODE_POINT
                ? String.valueOf(RequiredLiterals.fold((char) cp)) : Character.toString(cp);
    }

    /**
     * What every match of a sub-expression contains, folded: {@code exact} is every string it can match (when few,
     * else null); every match starts with a member of {@code prefix} and ends with one of {@code suffix} (when
     * known, else null), and holds a member of each set of {@code required}.
     */
    private record Facts(Set<String> exact, Set<String> prefix, Set<String> suffix, List<Set<String>> required,
                         List<Set<String>> pieces) {
        static final Facts UNKNOWN = new Facts(null, null, null, List.of());

        Facts(Set<String> exact, Set<String> prefix, Set<String> suffix, List<Set<String>> required) {
            this(exact, prefix, suffix, required, List.of());
        }
        static final Facts EMPTY = exact(Set.of(""));

        static Facts exact(Set<String> strings) {
            return new Facts(strings, strings, strings, List.of());
        }

        /** The facts of one character literal spelled {@code member(cp)}, shared for Latin-1 (most pattern text). */
        static Facts ofChar(int cp) {
            return cp < LATIN1.length ? LATIN1[cp] : exact(Set.of(member(cp)));
        }

        private static final Facts[] LATIN1 = new Facts[256];
        private static final Facts[] TOKEN_FACTS = new Facts[TOKEN_COUNT];

        static {
            for (int cp = 0; cp < LATIN1.length; cp++) {
                LATIN1[cp] = exact(Set.of(member(cp)));
            }
            for (int k = 0; k < TOKEN_COUNT; k++) {
                TOKEN_FACTS[k] = exact(Set.of(TOKEN_STRINGS[k]));
            }
        }

        /** The facts of a zero-width condition spelled by {@code token}, shared. */
        static Facts ofToken(String token) {
            return TOKEN_FACTS[token.charAt(0) - TOKENS];
        }

        /** The facts of {@code this|other}: a match of either holds a member of the union of their best sets. */
        Facts or(Facts other) {
            Set<String> both = union(exact, other.exact);
            if (both != null) {
                return exact(both);
            }
            Set<String> a = best();
            Set<String> b = other.best();
            Set<String> either = a == null || b == null ? null : union(a, b);
            if (either == null) {
                return new Facts(null, union(prefix, other.prefix), union(suffix, other.suffix), List.of());
            }
            // and the union of each side's next best set (or its best again, when it has one only): a second test
            // for a candidate found by a word both sides share ("echo" of \becho\s+-e, then -e or what the others need)
            Set<String> next = union(nextBest(a), other.nextBest(b));
            boolean second = next != null && !next.equals(either) && score(next) >= 2; // single chars pass most text
            return new Facts(null, union(prefix, other.prefix), union(suffix, other.suffix),
                    second ? List.of(either, next) : List.of(either));
        }

        /** The most selective usable set known other than {@code best}, or {@code best} when there is none. */
        private Set<String> nextBest(Set<String> best) {
            Set<String> n = null;
            for (Set<String> r : required) {
                n = r.equals(best) ? n : bestOf(r, n);
            }
            for (Set<String> r : java.util.Arrays.asList(exact, prefix, suffix)) {
                n = r == null || r.equals(best) ? n : bestOf(r, n);
            }
            return n == null ? best : n;
        }

        private static Set<String> union(Set<String> a, Set<String> b) {
            if (a == null || b == null || a.size() + b.size() > MAX_SET) {
                return null;
            }
            Set<String> u = new LinkedHashSet<>(a);
            u.addAll(b);
            return u;
        }

        /** The facts of this item repeated {@code min} to {@code max} times. */
        Facts repeated(long min, long max) {
            if (min == 0) {
                if (exact != null && max == 1 && exact.size() < MAX_SET) {
                    Set<String> optional = new LinkedHashSet<>(exact);
                    optional.add("");
                    return exact(optional);
                }
                return UNKNOWN;
            }
            if (exact != null) {
                if (min == max && min <= MAX_SCORE) {
                    Set<String> power = Set.of("");
                    for (long k = 0; k < min && power != null; k++) {
                        power = product(power, exact);
                    }
                    if (power != null) {
                        return exact(power);
                    }
                }
                return new Facts(null, exact, exact, List.of(exact));
            }
            return new Facts(null, prefix, suffix, required, pieces); // the first copy starts it, the last ends it
        }

        /** The most selective usable set known, or null. */
        Set<String> best() {
            Set<String> b = null;
            for (Set<String> r : required) {
                b = bestOf(r, b);
            }
            return bestOf(suffix, bestOf(prefix, bestOf(exact, b)));
        }

        /** {@code r} when usable and better than {@code b} (the first of equals wins), else {@code b}. */
        private static Set<String> bestOf(Set<String> r, Set<String> b) {
            return r != null && useful(r) && (b == null || better(r, b)) ? r : b;
        }

        /** The literals handed to the prefilter: the best sets, each clipped and minimal, and the best char sets. */
        RequiredLiterals literals(List<RequiredLiterals.Chars> chars, List<RequiredLiterals.Anchor> anchors,
                                  RequiredLiterals.Chars start) {
            List<Set<String>> sets = new ArrayList<>();
            if (exact != null) {
                sets.add(exact);
            } else {
                java.util.Collections.addAll(sets, prefix, suffix);
            }
            sets.addAll(required);
            sets.addAll(pieces);
            List<Ranked> candidates = new ArrayList<>();
            for (int at = 0; at < sets.size(); at++) {
                Set<String> set = sets.get(at);
                if (set == null || !useful(set) || seenBefore(sets, at)) {
                    continue; // a set seen before (a sequence's prefix is also required) would only be implied
                }
                if (set.size() == 1) {
                    String s = set.iterator().next();
                    List<String> one = List.of(s.length() > MAX_LITERAL ? s.substring(0, MAX_LITERAL) : s);
                    candidates.add(new Ranked(one, new long[] {charMask(one.get(0))}, rank(one)));
                    continue;
                }
                // distinct, in order (the set's members are: only a clipped one can repeat one)
                List<String> clipped = new ArrayList<>(set.size());
                boolean clippedAny = false;
                for (String s : set) {
                    String c = s;
                    if (s.length() > MAX_LITERAL) {
                        c = s.substring(0, MAX_LITERAL);
                        clippedAny = true;
                    }
                    if (!clippedAny || !clipped.contains(c)) {
                        clipped.add(c);
                    }
                }
                // a member containing another adds nothing: any text holding it holds the shorter one
                long[] masks = new long[clipped.size()];
                int shortest = Integer.MAX_VALUE;
                for (int k = 0; k < masks.length; k++) {
                    masks[k] = charMask(clipped.get(k));
                    shortest = Math.min(shortest, clipped.get(k).length());
                }
                List<String> minimal = new ArrayList<>(clipped.size());
                long[] minimalMasks = new long[masks.length];
                for (int k = 0; k < masks.length; k++) {
                    String s = clipped.get(k);
                    if (s.length() == shortest || !containsShorter(s, masks[k], clipped, masks)) {
                        minimalMasks[minimal.size()] = masks[k];
                        minimal.add(s);
                    }
                }
                candidates.add(new Ranked(minimal, Arrays.copyOf(minimalMasks, minimal.size()), rank(minimal)));
            }
            candidates.sort((x, y) -> x.rank != y.rank ? Integer.compare(y.rank, x.rank)
                    : Integer.compare(x.set.size(), y.set.size()));
            // of two sets where one implies the other (any text holding the first holds the second), only the
            // higher-ranked one stays, on a tie the implying one: usually the implied one goes, but a large
            // product holding one long piece costs the automaton many states for little more selectivity
            List<Ranked> kept = new ArrayList<>();
            for (Ranked r : candidates) {
                if (kept.size() >= MAX_SETS && r.rank < kept.get(MAX_SETS - 1).rank) {
                    break; // kept is in rank order: r and the rest could only go after the sets handed out
                }
                if (!outranked(r, kept)) {
                    kept.removeIf(k -> implied(k, r)); // an implied set of the same rank
                    kept.add(r);
                }
            }
            List<List<String>> out = new ArrayList<>(Math.min(MAX_SETS, kept.size()));
            for (int k = 0; k < Math.min(MAX_SETS, kept.size()); k++) {
                out.add(kept.get(k).set);
            }
            // each string as the prefilter reads it: tokens at its ends become its edges, inner ones go
            List<List<String>> strings = new ArrayList<>();
            List<List<RequiredLiterals.Edges>> edges = new ArrayList<>();
            for (List<String> set : out) {
                List<String> core = new ArrayList<>();
                List<RequiredLiterals.Edges> edge = new ArrayList<>();
                boolean stripped = false; // a string with tokens went into core
                for (String s : set) {
                    if (realLength(s) == s.length()) { // no token, no edges: the common case
                        boolean seen = false; // the set's strings are distinct: only a stripped one can equal s
                        for (int k = 0; k < core.size() && !seen && stripped; k++) {
                            seen = edge.get(k) == RequiredLiterals.Edges.NONE && core.get(k).equals(s);
                        }
                        if (!seen) {
                            core.add(s);
                            edge.add(RequiredLiterals.Edges.NONE);
                        }
                        continue;
                    }
                    stripped = true;
                    int from = 0;
                    int to = s.length();
                    List<RequiredLiterals.Anchor> before = new ArrayList<>();
                    List<RequiredLiterals.Anchor> after = new ArrayList<>();
                    while (isToken(s.charAt(from))) {
                        before.add(anchors.get(s.charAt(from++) - TOKENS));
                    }
                    while (isToken(s.charAt(to - 1))) {
                        after.add(0, anchors.get(s.charAt(--to) - TOKENS));
                    }
                    String c = s.substring(from, to);
                    if (realLength(c) < c.length()) {
                        StringBuilder plain = new StringBuilder(to - from);
                        for (int k = from; k < to; k++) {
                            if (!isToken(s.charAt(k))) {
                                plain.append(s.charAt(k));
                            }
                        }
                        c = plain.toString();
                    }
                    RequiredLiterals.Edges e = before.isEmpty() && after.isEmpty() ? RequiredLiterals.Edges.NONE
                            : new RequiredLiterals.Edges(distinct(before), distinct(after));
                    boolean seen = false;
                    for (int k = 0; k < core.size() && !seen; k++) {
                        seen = core.get(k).equals(c) && edge.get(k).equals(e);
                    }
                    if (!seen) {
                        core.add(c);
                        edge.add(e);
                    }
                }
                if (!core.contains("")) {
                    strings.add(core);
                    edges.add(edge);
                }
            }
            // a char set that holds most of ASCII and anything beyond rules out almost nothing
            List<RequiredLiterals.Chars> selective = new ArrayList<>(0);
            for (RequiredLiterals.Chars c : chars) {
                if (c.weight() < 100 && !selective.contains(c)) {
                    // by weight, stable: after every set of the same weight
                    int at = selective.size();
                    while (at > 0 && selective.get(at - 1).weight() > c.weight()) {
                        at--;
                    }
                    selective.add(at, c);
                }
            }
            while (selective.size() > MAX_CHAR_SETS) {
                selective.remove(selective.size() - 1);
            }
            return new RequiredLiterals(strings, selective, edges, start);
        }

        /** True when {@code sets[at]} is also an earlier one (the same set). */
        private static boolean seenBefore(List<Set<String>> sets, int at) {
            for (int k = 0; k < at; k++) {
                if (sets.get(k) == sets.get(at)) {
                    return true;
                }
            }
            return false;
        }

        /** The chars of {@code s} mod 64: a string holds another only if its mask covers the other's. */
        private static long charMask(String s) {
            long m = 0;
            for (int k = 0; k < s.length(); k++) {
                m |= 1L << s.charAt(k);
            }
            return m;
        }

        private static boolean containsShorter(String s, long mask, List<String> set, long[] masks) {
            for (int k = 0; k < masks.length; k++) {
                String o = set.get(k);
                if ((masks[k] & ~mask) == 0 && o.length() < s.length() && s.contains(o)) {
                    return true;
                }
            }
            return false;
        }

        private static <T> List<T> distinct(List<T> items) {
            List<T> out = new ArrayList<>(items.size());
            for (T t : items) {
                if (!out.contains(t)) {
                    out.add(t);
                }
            }
            return out;
        }

        /** A candidate set and its {@link #rank}. */
        private record Ranked(List<String> set, long[] masks, int rank) {}

        /**
         * True when a set of {@code kept} (each ranked at least as high as {@code r}) makes {@code r} useless:
         * {@code r} is implied by that set, or implies it and ranks lower.
         */
        private static boolean outranked(Ranked r, List<Ranked> kept) {
            for (Ranked k : kept) {
                if (implied(r, k) || k.rank > r.rank && implied(k, r)) {
                    return true;
                }
            }
            return false;
        }

        /** True when every member of {@code strong} contains a member of {@code weak}: weak then adds nothing. */
        private static boolean implied(Ranked weak, Ranked strong) {
            for (int i = 0; i < strong.masks.length; i++) {
                String s = strong.set.get(i);
                boolean holds = false;
                for (int j = 0; j < weak.masks.length && !holds; j++) {
                    holds = (weak.masks[j] & ~strong.masks[i]) == 0 && s.contains(weak.set.get(j));
                }
                if (!holds) {
                    return false;
                }
            }
            return true;
        }

        /** Not empty, and each member holds a char (not only conditions). */
        private static boolean useful(Set<String> set) {
            if (set.isEmpty()) {
                return false;
            }
            for (String s : set) {
                if (realLength(s) == 0) {
                    return false;
                }
            }
            return true;
        }

        /** A set is as selective as its shortest member (capped); ties go to the smaller set. */
        private static boolean better(Set<String> a, Set<String> b) {
            int sa = score(a);
            int sb = score(b);
            return sa != sb ? sa > sb : a.size() < b.size();
        }

        /**
         * The order of the sets handed out, in eighths of a char: the score, less half the base-2 log of a large
         * set's size, as a set of n strings lets about n times as much text through and costs the automaton n
         * strings' states.
         */
        private static int rank(java.util.Collection<String> set) {
            int size = set.size();
            return 8 * score(set) - (size < MIN_PRODUCT ? 0 : size < HALF_LOG2.length ? HALF_LOG2[size]
                    : (int) Math.round(4 * Math.log(size) / Math.log(2)));
        }

        /** {@code round(4 * log2(n))}, for the sizes a set can have. */
        private static final int[] HALF_LOG2 = new int[MAX_SET + 1];

        static {
            for (int n = 1; n < HALF_LOG2.length; n++) {
                HALF_LOG2[n] = (int) Math.round(4 * Math.log(n) / Math.log(2));
            }
        }

        private static int score(java.util.Collection<String> set) {
            int min = MAX_SCORE;
            for (String s : set) {
                min = Math.min(min, realLength(s));
            }
            return min;
        }
    }

    /** Every concatenation of a member of {@code a} and one of {@code b}, or null when there would be too many. */
    private static Set<String> product(Set<String> a, Set<String> b) {
        if ((long) a.size() * b.size() > MAX_SET) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String x : a) {
            for (String y : b) {
                if (x.length() + y.length() > MAX_TRACKED) {
                    return null;
                }
                out.add(x + y);
            }
        }
        return out;
    }

    /**
     * The facts of a sequence, item by item: {@code run} is what the items since the last inexact one match
     * (adjacent exact items multiply), started by that item's suffix; an inexact item ends a run, joined to its
     * prefix, and the run becomes a required set.
     */
    private static final class Concatenation {
        private Set<String> run = Set.of("");
        /** Single strings appended to every member of {@code run} but not yet multiplied in: a literal costs O(1). */
        private final StringBuilder tail = new StringBuilder();
        private int runLongest;
        private boolean exact = true;
        private Set<String> prefix; // the sequence's, fixed at the first break
        private final List<Set<String>> required = new ArrayList<>();
        /** Single strings multiplied into a larger run: required on their own, whatever the run's fate. */
        private final List<Set<String>> pieces = new ArrayList<>(0);

        void add(Facts item) {
            Set<String> e = item.exact();
            if (e != null && e.size() == 1 && run.size() <= MAX_SET) {
                String y = e.iterator().next();
                if (runLongest + tail.length() + y.length() <= MAX_TRACKED) {
                    tail.append(y); // what product(run, {y}) would give, deferred
                    return;
                }
            }
            settle();
            if (e != null) {
                Set<String> joined = product(run, e);
                if (joined != null) {
                    setRun(joined);
                    return;
                }
                end(run);
                setRun(e);
                return;
            }
            Set<String> head = item.prefix() == null ? null : product(run, item.prefix());
            end(head != null ? head : run);
            required.addAll(item.required());
            pieces.addAll(item.pieces());
            setRun(item.suffix() != null ? item.suffix() : Set.of(""));
        }

        /** Multiplies the pending tail into {@code run}. */
        private void settle() {
            if (!tail.isEmpty()) {
                String t = tail.toString();
                tail.setLength(0);
                if (run.size() >= MIN_PRODUCT && Facts.useful(Set.of(t))) {
                    pieces.add(Set.of(t)); // every match holds it: one string where the product has many
                }
                Set<String> joined = new LinkedHashSet<>();
                for (String x : run) {
                    joined.add(x + t);
                }
                setRun(joined);
            }
        }

        private void setRun(Set<String> strings) {
            run = strings;
            runLongest = 0;
            for (String x : strings) {
                runLongest = Math.max(runLongest, x.length());
            }
        }

        private void end(Set<String> strings) {
            if (exact) {
                exact = false;
                prefix = strings;
            }
            if (Facts.useful(strings)) {
                required.add(strings);
            }
        }

        Facts result() {
            settle();
            if (exact) {
                return pieces.isEmpty() ? Facts.exact(run) : new Facts(run, run, run, List.of(), List.copyOf(pieces));
            }
            Set<String> suffix = run;
            if (Facts.useful(run)) {
                required.add(run);
            }
            return new Facts(null, prefix, suffix, List.copyOf(required), List.copyOf(pieces));
        }
    }

    /**
     * Python's Unicode case-insensitive equivalence: two code points match under {@code (?i)} iff their
     * simple lowercase mappings are equal or are linked by {@code re._casefix._EXTRA_CASES} (e.g. 's' and
     * U+017F, 'i' and U+0131), as groups of two or more. The ASCII letters' groups are written out here, so that
     * a pattern of ASCII text (every rule of our pack and DECNET's) never needs {@link Full}, whose scan of every
     * cased code point costs a cold JVM about a tenth of a second; {@code PythonRegexTest} checks them against it.
     */
    static final class CaseGroups {
        private CaseGroups() {}

        /** Per ASCII code point its group, or null: the case pair, and for 'i', 'k' and 's' the code points
         * U+0130 and U+0131, U+212A and U+017F, which the simple lowercase mapping or an extra case links to them. */
        private static final int[][] ASCII = new int[128][];
        private static final boolean[] ASCII_FOLDS_TO_ONE = new boolean[128];

        static {
            for (int c = 'a'; c <= 'z'; c++) {
                int[] group = switch (c) {
                    case 'i' -> new int[] {'I', 'i', 0x130, 0x131};
                    case 'k' -> new int[] {'K', 'k', 0x212a};
                    case 's' -> new int[] {'S', 's', 0x17f};
                    default -> new int[] {c - ('a' - 'A'), c};
                };
                boolean one = true; // (the table of RequiredLiterals.fold beyond Latin-1 is not built for this)
                for (int member : group) {
                    one &= RequiredLiterals.computeFold((char) member) == RequiredLiterals.computeFold((char) c);
                }
                ASCII[c] = ASCII[c - ('a' - 'A')] = group;
                ASCII_FOLDS_TO_ONE[c] = ASCII_FOLDS_TO_ONE[c - ('a' - 'A')] = one;
            }
        }

        /** The group of {@code cp}, or null when it matches only itself. */
        static int[] of(int cp) {
            return cp < ASCII.length ? ASCII[cp] : Full.of(cp);
        }

        /** True when {@code cp} has a group whose members all fold to one prefilter spelling ('a' and 'A'). */
        static boolean foldsToOne(int cp) {
            return cp < ASCII.length ? ASCII_FOLDS_TO_ONE[cp] : Full.foldsToOne(cp);
        }

        /** Feeds every code point outside [lo, hi] that is case-equivalent to one inside it, group by group in the
         * order of their least member in the range, each group's members ascending. */
        static void partnersOutside(int lo, int hi, java.util.function.IntConsumer sink) {
            if (hi >= ASCII.length) {
                Full.partnersOutside(lo, hi, sink);
                return;
            }
            for (int cp = lo; cp <= hi; cp++) {
                int[] group = ASCII[cp];
                // a group whose other ASCII letter is in the range below cp was fed already
                if (group != null && (group[0] == cp || group[0] < lo)) {
                    for (int member : group) {
                        if (member < lo || member > hi) {
                            sink.accept(member);
                        }
                    }
                }
            }
        }
    }

    /** Every case group, from a scan of the JDK's case tables over every code point that can have a mapping. */
    static final class Full {
        private Full() {}

        /** {@code re._casefix._EXTRA_CASES} (Python 3.11) as groups of lowercase code points, the least first. */
        private static final int[][] EXTRA = {
                {0x69, 0x131}, {0x73, 0x17f}, {0xb5, 0x3bc}, {0x345, 0x3b9, 0x1fbe}, {0x390, 0x1fd3},
                {0x3b0, 0x1fe3}, {0x3b2, 0x3d0}, {0x3b5, 0x3f5}, {0x3b8, 0x3d1}, {0x3ba, 0x3f0}, {0x3c0, 0x3d6},
                {0x3c1, 0x3f1}, {0x3c2, 0x3c3}, {0x3c6, 0x3d5}, {0x432, 0x1c80}, {0x434, 0x1c81},
                {0x43e, 0x1c82}, {0x441, 0x1c83}, {0x442, 0x1c84, 0x1c85}, {0x44a, 0x1c86}, {0x463, 0x1c87},
                {0x1c88, 0xa64b}, {0x1e61, 0x1e9b}, {0xfb05, 0xfb06}};
        /** No code point at or above this one has a case mapping (Unicode 16: the last is U+1E943). */
        private static final int CASED_LIMIT = 0x20000;
        /** Every group, members ascending. */
        private static final int[][] ALL;
        /** Every code point that has a group, ascending, and the index of its group in {@link #ALL}. */
        private static final int[] MEMBERS;
        private static final int[] GROUP_OF;
        /** The groups whose members all have the same {@link PythonRegex#member} spelling. */
        private static final BitSet FOLDS_TO_ONE = new BitSet();

        /** Every member of an {@link #EXTRA} group, ascending, and the first member of its group. */
        private static final int[] EXTRA_MEMBERS;
        private static final int[] EXTRA_KEYS;

        static {
            long[] extra = java.util.Arrays.stream(EXTRA)
                    .flatMapToLong(g -> java.util.Arrays.stream(g).mapToLong(m -> ((long) m << 32) | g[0]))
                    .sorted().toArray();
            EXTRA_MEMBERS = new int[extra.length];
            EXTRA_KEYS = new int[extra.length];
            for (int i = 0; i < extra.length; i++) {
                EXTRA_MEMBERS[i] = (int) (extra[i] >>> 32);
                EXTRA_KEYS[i] = (int) extra[i];
            }
            Map<Integer, List<Integer>> byKey = new java.util.TreeMap<>();
            for (int cp = 0; cp < CASED_LIMIT; cp++) {
                int key = key(cp);
                if (key != cp) {
                    byKey.computeIfAbsent(key, k -> new ArrayList<>(List.of(k))).add(cp);
                }
            }
            ALL = byKey.values().stream()
                    .map(g -> g.stream().mapToInt(Integer::intValue).sorted().toArray())
                    .toArray(int[][]::new);
            long[] pairs = new long[java.util.Arrays.stream(ALL).mapToInt(g -> g.length).sum()];
            int n = 0;
            for (int g = 0; g < ALL.length; g++) {
                for (int cp : ALL[g]) {
                    pairs[n++] = ((long) cp << 32) | g;
                }
            }
            java.util.Arrays.sort(pairs);
            MEMBERS = new int[n];
            GROUP_OF = new int[n];
            for (int k = 0; k < n; k++) {
                MEMBERS[k] = (int) (pairs[k] >>> 32);
                GROUP_OF[k] = (int) pairs[k];
            }
            for (int g = 0; g < ALL.length; g++) {
                String first = member(ALL[g][0]);
                if (java.util.Arrays.stream(ALL[g]).allMatch(cp -> member(cp).equals(first))) {
                    FOLDS_TO_ONE.set(g);
                }
            }
        }

        /** The simple lowercase mapping, then the first of its {@link #EXTRA} group. */
        private static int key(int cp) {
            int lower = Character.toLowerCase(cp);
            // a binary search, not a scan of EXTRA: this runs for every code point below CASED_LIMIT at startup
            int k = lower >= 0x69 && lower < 0x10000 ? java.util.Arrays.binarySearch(EXTRA_MEMBERS, lower) : -1;
            return k < 0 ? lower : EXTRA_KEYS[k];
        }

        /** The group of {@code cp}, or null when it matches only itself. */
        static int[] of(int cp) {
            int k = java.util.Arrays.binarySearch(MEMBERS, cp);
            return k < 0 ? null : ALL[GROUP_OF[k]];
        }

        /** True when {@code cp} has a group whose members all fold to one prefilter spelling ('a' and 'A'). */
        static boolean foldsToOne(int cp) {
            int k = java.util.Arrays.binarySearch(MEMBERS, cp);
            return k >= 0 && FOLDS_TO_ONE.get(GROUP_OF[k]);
        }

        /** Feeds every code point outside [lo, hi] that is case-equivalent to one inside it. */
        static void partnersOutside(int lo, int hi, java.util.function.IntConsumer sink) {
            int k = java.util.Arrays.binarySearch(MEMBERS, lo);
            BitSet done = new BitSet();
            for (k = k < 0 ? -k - 1 : k; k < MEMBERS.length && MEMBERS[k] <= hi; k++) {
                int g = GROUP_OF[k];
                if (!done.get(g)) {
                    done.set(g);
                    for (int cp : ALL[g]) {
                        if (cp < lo || cp > hi) {
                            sink.accept(cp);
                        }
                    }
                }
            }
        }
    }
}
