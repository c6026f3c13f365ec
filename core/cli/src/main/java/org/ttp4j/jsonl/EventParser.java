package org.ttp4j.jsonl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ttp4j.engine.Event;

/**
 * Parses one event line straight from its bytes (docs/events.md §6), as Python's {@code json.loads} reads it:
 * strict UTF-8, last duplicate key wins, {@code NaN} and {@code Infinity} accepted, integers of any size, at most
 * {@value #MAX_DEPTH} levels of nesting and {@value #MAX_NUMBER_LENGTH} characters of number. One parser is reused
 * line after line (not thread-safe); ASCII names and values up to 128 bytes come from a small cache instead of a new
 * String.
 */
public final class EventParser {

    public static final int MAX_DEPTH = 1000;
    public static final int MAX_NUMBER_LENGTH = 1000;
    private static final int CACHED = 24; // longest string kept in the cache of short strings
    private static final int SLOT_BITS = 10;
    private static final int LONG_CACHED = 128; // longest string kept in the cache of long strings
    private static final int LONG_SLOT_BITS = 8;
    private static final boolean[] PLAIN = new boolean[256]; // ASCII that a string holds as it is

    static {
        for (int c = 0x20; c < 0x80; c++) {
            PLAIN[c] = c != '"' && c != '\\';
        }
    }

    private static final long HIGH = 0x8080808080808080L;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    // the string cache: per slot a text's length and its three words, and its String
    private final int[] lengths = new int[1 << SLOT_BITS];
    private final long[] words = new long[3 << SLOT_BITS];
    private final String[] strings = new String[1 << SLOT_BITS];
    private final int[] seen = new int[1 << SLOT_BITS]; // a mark of the last value that missed, per slot
    // the cache of long strings (a uuid, a command a bot repeats): per slot the text's bytes and its String
    private final byte[][] longTexts = new byte[1 << LONG_SLOT_BITS][];
    private final String[] longStrings = new String[1 << LONG_SLOT_BITS];
    private final int[] longSeen = new int[1 << LONG_SLOT_BITS];
    // the key each place (the first members of the event and of its payload) had in the last line: its String, and
    // its text with quotes and colon ("key":) as the length and three little-endian words of the string cache
    private static final int PREDICTED_DEPTH = 2;
    private static final int PREDICTED_MEMBERS = 16;
    private final String[] expectedKeys = new String[PREDICTED_DEPTH * PREDICTED_MEMBERS];
    private final int[] expectedLengths = new int[PREDICTED_DEPTH * PREDICTED_MEMBERS];
    private final long[] expectedWords = new long[3 * PREDICTED_DEPTH * PREDICTED_MEMBERS];
    private final int[] expectedRoles = new int[PREDICTED_DEPTH * PREDICTED_MEMBERS]; // of the top-level keys
    // payload keys that come back (predicted at their place, or from the cache) are interned, as a rule's field names
    // are, so that the engine's look-ups in the payload find them by identity; a key seen once is not, so that a
    // stream of unique keys interns nothing
    private final boolean[] expectedInterned = new boolean[PREDICTED_DEPTH * PREDICTED_MEMBERS];
    private final boolean[] internedSlot = new boolean[1 << SLOT_BITS];
    private boolean payloadKey; // whether the key being read is one of the payload's
    /** The {@link #role} of the key {@link #name} just gave, when it was the predicted one; -1 otherwise. */
    private int nameRole;
    private char[] chars = new char[256];
    private byte[] b;
    private int p;
    private int start;
    private int end;
    private long line;
    /** The problems of a well-formed line that is not a valid event, by field (a repeated key's last value decides). */
    private java.util.LinkedHashMap<String, String> bad;
    /** Whether the line's bytes are known to be well-formed UTF-8 (checked at its first non-ASCII byte in a string). */
    private boolean utf8Checked;
    /** Whether a newline ends the line ({@link #parseLine}) rather than being white space in it ({@link #parse}). */
    private boolean newlineEnds;

    /** The event of the line {@code bytes[from, to)}; throws {@link EventFormatException} naming {@code line}. */
    public Event parse(byte[] bytes, int from, int to, long line) {
        newlineEnds = false;
        return parseChecked(bytes, from, to, line);
    }

    /**
     * The event of the line that starts at {@code from} and ends at the first {@code \n} before {@code to}, or at
     * {@code to} (a {@code \r} before its end is dropped): as {@link #parse} of that line, without a search for its
     * end first. Every byte of a well-formed line is read by a part of the grammar that no newline gets past, so the
     * line's end is where the parse stops: {@link #lineEnd()}. The bytes up to {@code to} may hold more lines.
     */
    public Event parseLine(byte[] bytes, int from, int to, long line) {
        newlineEnds = true;
        return parseChecked(bytes, from, to, line);
    }

    /** Where the line {@link #parseLine} last read without a problem ends: its newline, or the {@code to} it was given. */
    public int lineEnd() {
        return p < end && b[p] == '\r' ? p + 1 : p;
    }

    private Event parseChecked(byte[] bytes, int from, int to, long line) {
        try {
            return parseWellFormed(bytes, from, to, line);
        } catch (EventFormatException e) {
            if (!utf8Checked) {
                requireUtf8(); // a line that is not UTF-8 says so, whatever else is wrong with it
            }
            throw e;
        }
    }

    /**
     * {@link #parse} of a line whose bytes are checked as UTF-8 only once a non-ASCII byte is met in a string, before
     * anything is decoded from it: elsewhere such a byte is malformed JSON, which {@link #parse} turns into the
     * encoding problem. An ASCII line is read once.
     */
    private Event parseWellFormed(byte[] bytes, int from, int to, long line) {
        if (chars.length > 1 << 16) {
            chars = new char[256]; // the last line's huge string does not keep its buffer: memory stays flat
        }
        this.b = bytes;
        this.p = from;
        this.start = from;
        this.end = to;
        this.line = line;
        this.utf8Checked = false;
        this.bad = null; // allocated only for a line with a wrong-typed field
        skipSpace();
        if (peek() < 0) {
            throw new EventFormatException(line, "no event: the line is empty", null);
        }
        if (b[p] != '{') {
            int at = p;
            Object v = value(0);
            throw new EventFormatException(line, "expected a JSON object, found " + describe(v, at), null);
        }
        return event();
    }

    private Event event() {
        String sourceKind = null;
        String sourceId = null;
        String attacker = null;
        String identity = null;
        String session = null;
        String decky = null;
        Map<String, Object> payload = null;
        p++;
        skipSpace();
        if (peek() == '}') {
            p++;
        } else {
            for (int member = 0; ; member++) {
                String name = name(1, member);
                int role = nameRole >= 0 ? nameRole : role(name); // a predicted key comes with its role
                if (role < PAYLOAD) { // one call for the ids: the JIT then compiles one copy of the value's parse
                    String v = id(name);
                    switch (role) {
                        case KIND -> sourceKind = v;
                        case ID -> sourceId = v;
                        case ATTACKER -> attacker = v;
                        case IDENTITY -> identity = v;
                        case SESSION -> session = v;
                        default -> decky = v;
                    }
                } else if (role == PAYLOAD) {
                    int at = p;
                    Object v = peek() == '{' ? object(2, new FieldMap()) : value(1);
                    if (v instanceof Map<?, ?> || v == null) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> m = (Map<String, Object>) v;
                        payload = m;
                        good(name);
                    } else {
                        payload = null;
                        bad(name, "payload must be an object, found " + describe(v, at));
                    }
                } else {
                    value(1);
                }
                if (more('}')) {
                    break;
                }
            }
        }
        skipSpace();
        if (peek() >= 0) { // malformed JSON after the object is reported before what the object lacks
            value(0);
            throw new EventFormatException(line, "more than one JSON value on the line", null);
        }
        if (bad != null && !bad.isEmpty()) {
            throw new EventFormatException(line, bad.values().iterator().next(), null);
        }
        try {
            return new Event(sourceKind, sourceId, attacker, identity, session, decky, payload);
        } catch (IllegalArgumentException e) {
            throw new EventFormatException(line, e.getMessage(), e);
        }
    }

    private static final int KIND = 0, ID = 1, ATTACKER = 2, IDENTITY = 3, SESSION = 4, DECKY = 5, PAYLOAD = 6, OTHER = 7;

    /** What a top-level key is to the event: which id, the payload, or another key (read and let go). */
    private static int role(String name) {
        return switch (name) {
            case "source_kind" -> KIND;
            case "source_id" -> ID;
            case "attacker_uuid" -> ATTACKER;
            case "identity_uuid" -> IDENTITY;
            case "session_id" -> SESSION;
            case "decky_id" -> DECKY;
            case "payload" -> PAYLOAD;
            default -> OTHER;
        };
    }

    /** A top-level id: a string or null; anything else makes the event bad (the line is still read to its end). */
    private String id(String name) {
        int at = p;
        Object v = value(1);
        if (v == null || v instanceof String) {
            good(name);
            return (String) v;
        }
        bad(name, name + " must be a string or null, found " + describe(v, at));
        return null;
    }

    /** {@code field}'s value (so far its last one, as json.loads keeps) is wrong: the first such field is reported. */
    private void bad(String field, String message) {
        if (bad == null) {
            bad = new java.util.LinkedHashMap<>();
        }
        bad.put(field, message);
    }

    /** {@code field}'s last value is right after all. */
    private void good(String field) {
        if (bad != null) {
            bad.remove(field);
        }
    }

    /**
     * A quoted key and its colon, then the space before the value: the {@code member}th of an object at
     * {@code depth}. Lines from one producer repeat their keys in the same order, so the key the last line had at
     * this place is tried first: its quoted text and colon, compared as words, before the key is scanned.
     */
    private String name(int depth, int member) {
        skipSpace();
        int place = depth <= PREDICTED_DEPTH && member < PREDICTED_MEMBERS ? (depth - 1) * PREDICTED_MEMBERS + member : -1;
        if (place >= 0) {
            String predicted = predicted(place);
            if (predicted != null) {
                nameRole = expectedRoles[place];
                skipSpace();
                return predicted;
            }
        }
        nameRole = -1;
        if (peek() != '"') {
            throw malformed(peek() < 0 ? "the line ends where a key was expected" : "expected a double-quoted key");
        }
        int at = p;
        payloadKey = depth == 2;
        String name = string(true);
        int colon = p;
        skipSpace();
        if (peek() != ':') {
            throw malformed("expected ':' after a key");
        }
        p++;
        int n = colon + 1 - at; // "key": when the colon follows the key at once, in plain ASCII without an escape
        if (place >= 0 && colon == p - 1 && n - 3 == name.length() && n <= 24 && at + 24 <= b.length) {
            expectedKeys[place] = name;
            expectedInterned[place] = false;
            expectedLengths[place] = n;
            expectedRoles[place] = depth == 1 ? role(name) : OTHER;
            expectedWords[3 * place] = word(at, n);
            expectedWords[3 * place + 1] = word(at + 8, n - 8);
            expectedWords[3 * place + 2] = word(at + 16, n - 16);
        }
        skipSpace();
        return name;
    }

    /** The key expected at {@code place} when the text at {@code p} is exactly its {@code "key":} (then past it), or null. */
    private String predicted(int place) {
        int n = expectedLengths[place];
        if (n == 0 || p + n > end || p + 24 > b.length) {
            return null;
        }
        int k = 3 * place;
        if (word(p, n) != expectedWords[k] || word(p + 8, n - 8) != expectedWords[k + 1]
                || word(p + 16, n - 16) != expectedWords[k + 2]) {
            return null;
        }
        p += n;
        if (place >= PREDICTED_MEMBERS && !expectedInterned[place]) { // a payload key met again at its place: interned
            expectedKeys[place] = expectedKeys[place].intern();
            expectedInterned[place] = true;
        }
        return expectedKeys[place];
    }

    /** After a member or element: true at {@code close}, false after a comma. */
    private boolean more(char close) {
        if (p < end) { // compact JSON: the comma or the close right after the value
            byte c = b[p];
            if (c == ',' || c == close) {
                p++;
                return c == close;
            }
        }
        skipSpace();
        int c = peek();
        p++;
        if (c == close) {
            return true;
        }
        if (c == ',') {
            return false;
        }
        p--;
        throw malformed(c < 0 ? "the line ends inside " + (close == '}' ? "an object" : "an array")
                : "expected ',' or '" + close + "'");
    }

    private Object value(int depth) {
        int c = peek();
        switch (c) {
            case '"':
                return string();
            case '{':
                return object(depth + 1, new LinkedHashMap<>());
            case '[':
                return array(depth + 1);
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            case 'N':
                return literal("NaN", Double.NaN);
            case 'I':
                return literal("Infinity", Double.POSITIVE_INFINITY);
            case '-':
                if (p + 1 < end && b[p + 1] == 'I') {
                    return literal("-Infinity", Double.NEGATIVE_INFINITY);
                }
                return number();
            case -1:
                throw malformed("the line ends where a value was expected");
            default:
                if (c >= '0' && c <= '9') {
                    return number();
                }
                throw malformed("expected a value, found " + found(c));
        }
    }

    private Map<String, Object> object(int depth, Map<String, Object> into) {
        nest(depth);
        p++;
        skipSpace();
        if (peek() == '}') {
            p++;
            return into;
        }
        int member = 0;
        do {
            String name = name(depth, member++);
            into.put(name, value(depth));
        } while (!more('}'));
        return into;
    }

    private List<Object> array(int depth) {
        nest(depth);
        p++;
        List<Object> list = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            p++;
            return list;
        }
        do {
            skipSpace();
            list.add(value(depth));
        } while (!more(']'));
        return list;
    }

    private void nest(int depth) {
        if (depth > MAX_DEPTH) {
            throw malformed("nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private Object literal(String word, Object v) {
        int n = word.length();
        for (int i = 0; i < n; i++) {
            if (p + i >= end || b[p + i] != word.charAt(i)) {
                throw malformed("expected a value, found " + token());
            }
        }
        p += n;
        return v;
    }

    /** A JSON number: Integer, Long or BigInteger for an integer (as it fits), Double otherwise. */
    private Object number() {
        int s = p;
        boolean negative = b[p] == '-';
        if (negative) {
            p++;
        }
        int c = peek();
        if (c == '0') {
            p++;
            if (digit(peek())) {
                throw malformed("a number with a leading zero");
            }
        } else if (digit(c)) {
            while (digit(peek())) {
                p++;
            }
        } else {
            throw malformed("expected a digit after '-'");
        }
        int integerEnd = p;
        boolean fraction = false;
        if (peek() == '.') {
            p++;
            if (!digit(peek())) {
                throw malformed("expected a digit after the decimal point");
            }
            while (digit(peek())) {
                p++;
            }
            fraction = true;
        }
        if (peek() == 'e' || peek() == 'E') {
            p++;
            if (peek() == '+' || peek() == '-') {
                p++;
            }
            if (!digit(peek())) {
                throw malformed("expected a digit in the exponent");
            }
            while (digit(peek())) {
                p++;
            }
            fraction = true;
        }
        if (p - s > MAX_NUMBER_LENGTH) {
            throw malformed("a number longer than " + MAX_NUMBER_LENGTH + " characters");
        }
        if (fraction) {
            return Double.parseDouble(new String(b, s, p - s, StandardCharsets.ISO_8859_1));
        }
        int digits = integerEnd - s - (negative ? 1 : 0);
        if (digits <= 18) {
            long v = 0;
            for (int i = integerEnd - digits; i < integerEnd; i++) {
                v = v * 10 + (b[i] - '0');
            }
            v = negative ? -v : v;
            return v == (int) v ? (Object) Integer.valueOf((int) v) : (Object) Long.valueOf(v);
        }
        BigInteger big = new BigInteger(new String(b, s, p - s, StandardCharsets.ISO_8859_1));
        return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }

    private static boolean digit(int c) {
        return c >= '0' && c <= '9';
    }

    /** A string at {@code p} (its opening quote); the line is checked as UTF-8 before a non-ASCII byte is read. */
    private String string() {
        return string(false);
    }

    private String string(boolean key) {
        int s = ++p;
        long high = HIGH; // flags a byte >= 0x80 until the first one is seen
        byte[] a = b;
        int i = s;
        while (true) {
            for (; i + 8 <= end; i += 8) { // eight bytes at a time up to the first that is not plain ASCII
                long special = special((long) LONGS.get(a, i), high);
                if (special != 0) {
                    i += Long.numberOfTrailingZeros(special) >>> 3;
                    break;
                }
            }
            while (i < end && PLAIN[a[i] & 0xff]) {
                i++;
            }
            if (i >= end) {
                p = end;
                throw malformed("the line ends inside a string");
            }
            byte c = a[i];
            if (c == '"') {
                p = i + 1;
                return high != 0 ? ascii(s, i, key) : new String(a, s, i - s, StandardCharsets.UTF_8);
            }
            if (c == '\\') {
                p = i;
                return escaped(s);
            }
            if (c >= 0 && c < 0x20) {
                p = i;
                throw control(c);
            }
            if (!utf8Checked) {
                requireUtf8(); // a byte >= 0x80: before it is decoded
            }
            high = 0; // the string is not ASCII, and its other such bytes are plain
            i++;
        }
    }

    /**
     * The bytes of {@code x} (eight, little-endian) that end a run of plain string text, each flagged by its high bit:
     * a quote, a backslash, a control char, and with {@code high} set a byte >= 0x80. The lowest flag is exact (a
     * borrow only runs upwards from a byte that is itself flagged), which is all the caller reads.
     */
    private static long special(long x, long high) {
        long quote = x ^ 0x2222222222222222L;
        long backslash = x ^ 0x5C5C5C5C5C5C5C5CL;
        long zeroQuote = quote - 0x0101010101010101L & ~quote;
        long zeroBackslash = backslash - 0x0101010101010101L & ~backslash;
        long control = x - 0x2020202020202020L & ~x;
        return (zeroQuote | zeroBackslash | control) & HIGH | x & high;
    }

    /**
     * {@code b[s, e)} (ASCII) as a String, from a cache when at most {@value #LONG_CACHED} bytes: keys and common
     * values repeat line after line, and a value that comes back is the same String (its hash already known).
     * A key is cached at once; a value only when it is seen the second time, so that unique ids do not evict it. A
     * payload key that comes back from the cache is interned, once while it stays there.
     * The text up to {@value #CACHED} bytes is read as three little-endian words (zero past its end), which are both
     * the hash and the whole comparison.
     */
    private String ascii(int s, int e, boolean key) {
        int n = e - s;
        if (n > CACHED && n <= LONG_CACHED) {
            return longAscii(s, e, key);
        }
        if (n == 0 || n > CACHED || s + CACHED > b.length) {
            return new String(b, s, n, StandardCharsets.ISO_8859_1);
        }
        long w0 = word(s, n);
        long w1 = word(s + 8, n - 8);
        long w2 = word(s + 16, n - 16);
        // one multiply, not a chain of them: the slot is on the path of every string, its top bits mix all the words
        long h = (w0 + Long.rotateLeft(w1, 21) + Long.rotateLeft(w2, 42) + n) * 0x9E3779B97F4A7C15L;
        int slot = (int) (h >>> 64 - SLOT_BITS);
        int k = 3 * slot;
        if (lengths[slot] == n && words[k] == w0 && words[k + 1] == w1 && words[k + 2] == w2) {
            if (key && payloadKey && !internedSlot[slot]) { // a payload key seen again: interned once while it stays
                strings[slot] = strings[slot].intern();
                internedSlot[slot] = true;
            }
            return strings[slot];
        }
        String fresh = new String(b, s, n, StandardCharsets.ISO_8859_1);
        int mark = (int) (h >>> 32) | 1; // never 0, the mark of an empty slot
        if (key || seen[slot] == mark) {
            lengths[slot] = n;
            words[k] = w0;
            words[k + 1] = w1;
            words[k + 2] = w2;
            strings[slot] = fresh;
            internedSlot[slot] = false;
        } else {
            seen[slot] = mark;
        }
        return fresh;
    }

    /**
     * {@link #ascii} of a text longer than {@value #CACHED} bytes and at most {@value #LONG_CACHED}: hashed by its
     * first sixteen bytes, its last eight and its length, then compared whole with the slot's bytes.
     */
    private String longAscii(int s, int e, boolean key) {
        int n = e - s;
        long h = (((long) LONGS.get(b, s) * 0x9E3779B97F4A7C15L + (long) LONGS.get(b, s + 8)) * 0xC2B2AE3D27D4EB4FL
                + (long) LONGS.get(b, e - 8) + n) * 0x9E3779B97F4A7C15L;
        int slot = (int) (h >>> 64 - LONG_SLOT_BITS);
        byte[] text = longTexts[slot];
        if (text != null && Arrays.equals(text, 0, text.length, b, s, e)) {
            return longStrings[slot];
        }
        String fresh = new String(b, s, n, StandardCharsets.ISO_8859_1);
        int mark = (int) (h >>> 32) | 1;
        if (key || longSeen[slot] == mark) {
            longTexts[slot] = Arrays.copyOfRange(b, s, e);
            longStrings[slot] = fresh;
        } else {
            longSeen[slot] = mark;
        }
        return fresh;
    }

    /** The {@code min(8, n)} bytes of {@code b} at {@code at} as a little-endian word, zero above them; 0 if n <= 0. */
    private long word(int at, int n) {
        if (n <= 0) {
            return 0;
        }
        long w = (long) LONGS.get(b, at);
        return n >= 8 ? w : w & (1L << (n << 3)) - 1;
    }

    /** The rest of a string that has an escape at {@code p}, decoded from its start {@code s}. */
    private String escaped(int s) {
        int n = 0;
        int i = s;
        while (true) {
            if (n + 2 > chars.length) {
                chars = Arrays.copyOf(chars, chars.length * 2);
            }
            if (i >= end) {
                p = end;
                throw malformed("the line ends inside a string");
            }
            int c = b[i];
            if (c == '"') {
                p = i + 1;
                return new String(chars, 0, n);
            }
            if (c == '\\') {
                if (i + 1 >= end) {
                    p = end;
                    throw malformed("the line ends inside a string");
                }
                int e = b[i + 1];
                if (newlineEnds && ends(i + 1)) {
                    p = i + 1;
                    throw malformed("the line ends inside a string");
                }
                i += 2;
                switch (e) {
                    case '"', '\\', '/' -> chars[n++] = (char) e;
                    case 'b' -> chars[n++] = '\b';
                    case 'f' -> chars[n++] = '\f';
                    case 'n' -> chars[n++] = '\n';
                    case 'r' -> chars[n++] = '\r';
                    case 't' -> chars[n++] = '\t';
                    case 'u' -> { // a lone surrogate is kept, as Python keeps it
                        int v = 0;
                        for (int k = 0; k < 4; k++) {
                            int h = i + k < end ? Character.digit(b[i + k], 16) : -1;
                            if (h < 0) {
                                p = i - 2;
                                throw malformed("a \\u escape needs four hex digits");
                            }
                            v = v << 4 | h;
                        }
                        i += 4;
                        chars[n++] = (char) v;
                    }
                    default -> {
                        p = i - 2;
                        throw malformed("an invalid escape \\" + found(e & 0xff));
                    }
                }
                continue;
            }
            if (c >= 0 && c < 0x20) {
                p = i;
                throw control(c);
            }
            if (c >= 0) {
                chars[n++] = (char) c;
                i++;
                continue;
            }
            if (!utf8Checked) {
                requireUtf8();
            }
            if ((c & 0xE0) == 0xC0) {
                chars[n++] = (char) ((c & 0x1F) << 6 | b[i + 1] & 0x3F);
                i += 2;
            } else if ((c & 0xF0) == 0xE0) {
                chars[n++] = (char) ((c & 0x0F) << 12 | (b[i + 1] & 0x3F) << 6 | b[i + 2] & 0x3F);
                i += 3;
            } else {
                int cp = (c & 0x07) << 18 | (b[i + 1] & 0x3F) << 12 | (b[i + 2] & 0x3F) << 6 | b[i + 3] & 0x3F;
                chars[n++] = Character.highSurrogate(cp);
                chars[n++] = Character.lowSurrogate(cp);
                i += 4;
            }
        }
    }

    /** Throws the line's encoding problem, if it has one (docs/events.md §6); then the line is known to be UTF-8. */
    private void requireUtf8() {
        utf8Checked = true;
        int to = end;
        if (newlineEnds) {
            int nl = EventReader.newline(b, start, end);
            to = nl < 0 ? end : nl;
            if (to > start && b[to - 1] == '\r') { // the line is read without it
                to--;
            }
        }
        String encoding = EventReader.utf8Problem(b, start, to);
        if (encoding != null) {
            throw new EventFormatException(line, encoding, null);
        }
    }

    private void skipSpace() {
        while (p < end) {
            byte c = b[p];
            if (c > ' ' || c != ' ' && c != '\t' && c != '\r' && c != '\n') { // most often the first test decides
                return;
            }
            if (newlineEnds && c <= '\r' && ends(p)) {
                return;
            }
            p++;
        }
    }

    /** The byte at {@code p}, or -1 at the end of the line. */
    private int peek() {
        if (p < end) {
            int c = b[p] & 0xff;
            if (c > '\r' || !newlineEnds || !ends(p)) { // most often the first test decides
                return c;
            }
        }
        return -1;
    }

    /**
     * In {@link #parseLine}, whether the line ends at {@code i} (before {@code end}): its newline, or the {@code \r}
     * right before it or before {@code end}, which the line is read without.
     */
    private boolean ends(int i) {
        byte c = b[i];
        return c == '\n' || c == '\r' && (i + 1 == end || b[i + 1] == '\n');
    }

    /** A control character {@code c} at {@code p} in a string; when it is where the line ends, that is the problem. */
    private EventFormatException control(int c) {
        if (newlineEnds && ends(p)) {
            return malformed("the line ends inside a string");
        }
        return malformed(String.format("a control character (0x%02x) in a string: it must be escaped", c));
    }

    /** The word at {@code p} (at most 20 letters or digits) quoted, or the char there. */
    private String token() {
        int e = p;
        while (e < end && e - p < 20 && (Character.isLetterOrDigit(b[e]) || b[e] == '_')) {
            e++;
        }
        return e > p ? "'" + new String(b, p, e - p, StandardCharsets.US_ASCII) + "'" : found(peek());
    }

    private static String found(int c) {
        return c < 0 ? "the end of the line" : c > 0x20 && c < 0x7f ? "'" + (char) c + "'" : String.format("byte 0x%02x", c);
    }

    /** How a value that is not what was expected is named: {@code an object}, {@code a string}, or its text. */
    private String describe(Object v, int at) {
        return switch (v) {
            case Map<?, ?> m -> "an object";
            case List<?> l -> "an array";
            case String s -> "a string";
            case null, default -> new String(b, at, p - at, StandardCharsets.UTF_8).strip();
        };
    }

    private EventFormatException malformed(String what) {
        return new EventFormatException(line, "malformed JSON at column " + (p - start + 1) + ": " + what, null);
    }
}
