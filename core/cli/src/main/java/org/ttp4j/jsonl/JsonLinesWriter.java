package org.ttp4j.jsonl;

import java.io.ByteArrayOutputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * JSON Lines output (one object per line) formatted straight into one byte buffer: what {@link EventWriter} and
 * {@link TagWriter} share (docs/events.md §7). The buffer is handed to the stream only at a line boundary, so the
 * stream never sees part of a line: a line longer than the buffer grows it instead of spilling. Buffered: call
 * {@link #flush()} when a reader downstream must see the lines.
 */
abstract sealed class JsonLinesWriter<T> implements AutoCloseable, Flushable permits EventWriter, TagWriter {

    /**
     * Whole lines are handed to the stream once this many bytes are buffered: half of a pipe's 64 KiB, so that a reader
     * downstream drains one write while the next is formatted. A write that fills the pipe makes each side wait for
     * the other (3M all-attack events into {@code wc -l}: 0.82x the wall time of 64 KiB writes, 4 rounds alternated).
     */
    static final int SPILL = 1 << 15;

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = ascii("null");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    /** Per ASCII char: 0 written as is, 'u' as a \\u00XX escape, else the letter after the backslash. */
    private static final byte[] ESCAPE = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPE[c] = 'u';
        }
        ESCAPE['"'] = '"';
        ESCAPE['\\'] = '\\';
        ESCAPE['\b'] = 'b';
        ESCAPE['\t'] = 't';
        ESCAPE['\f'] = 'f';
        ESCAPE['\n'] = 'n';
        ESCAPE['\r'] = 'r';
    }

    private final OutputStream out;
    private byte[] buf = new byte[SPILL + 4096];
    private int len;
    private static final int TEXT_SLOT_BITS = 8;
    private static final int CACHED_TEXT = 96; // the longest text (in bytes written, quotes included) cached
    private final String[] texts = new String[1 << TEXT_SLOT_BITS];
    private final byte[][] textBytes = new byte[1 << TEXT_SLOT_BITS][];
    private final int[] textSeen = new int[1 << TEXT_SLOT_BITS];   // the hash of the last string that missed
    // tags repeat their rules' confidences: each is formatted once, kept in a slot by its bits
    private static final int DOUBLE_SLOT_BITS = 4;
    private final long[] doubleBits = new long[1 << DOUBLE_SLOT_BITS];
    private final byte[][] doubleTexts = new byte[1 << DOUBLE_SLOT_BITS][];

    // the walk of the object being written (object, member)
    private final BiConsumer<Object, Object> member = this::member;
    private boolean firstMember;
    private boolean onlyScalars;

    JsonLinesWriter(OutputStream out) {
        this.out = out;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Appends {@code value} as one JSON object (no newline). */
    abstract void writeObject(T value);

    /**
     * Writes {@code value} as one JSON object and a newline. When formatting it throws (a value whose
     * {@code toString} fails, a map that holds itself), nothing of it stays in the buffer, so the stream gets whole
     * lines only, and the writer forgets what it keeps of earlier lines ({@link #forget}), which the failure may
     * have left half updated.
     */
    public void write(T value) throws IOException {
        int start = len;
        try {
            writeObject(value);
            raw((byte) '\n');
        } catch (RuntimeException | Error e) {
            len = start;
            forget();
            throw e;
        }
        if (len >= SPILL) {
            drain();
        }
    }

    /** {@code value} as one JSON object text (no newline), written by a writer {@code open} makes. */
    static <T> String toJson(Function<OutputStream, ? extends JsonLinesWriter<T>> open, T value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonLinesWriter<T> w = open.apply(bytes)) {
            w.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }

    final void raw(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    /** Where the next byte goes, for {@link #written} (within one object: the buffer drains only between objects). */
    final int mark() {
        return len;
    }

    /** Drops every kept copy of earlier lines' bytes; a writer that extends this one drops its own too. */
    void forget() {
        Arrays.fill(texts, null);
        Arrays.fill(textBytes, null);
        Arrays.fill(textSeen, 0);
    }

    /** A copy of the bytes written between two marks of the object being written. */
    final byte[] written(int from, int to) {
        return Arrays.copyOfRange(buf, from, to);
    }

    final void raw(byte[] bytes) {
        raw(bytes, bytes.length);
    }

    /** The first {@code n} bytes of {@code bytes}. */
    final void raw(byte[] bytes, int n) {
        ensure(n);
        System.arraycopy(bytes, 0, buf, len, n);
        len += n;
    }

    /** Copies the {@code n} bytes written from mark {@code from} into {@code to}. */
    final void copy(int from, byte[] to, int n) {
        System.arraycopy(buf, from, to, 0, n);
    }

    /** A JSON string, or null: escapes as the Jackson generator did, so the bytes on the wire stay the same. */
    final void string(String s) {
        if (s == null) {
            raw(NULL);
            return;
        }
        raw((byte) '"');
        int n = s.length();
        for (int from = 0; from < n; from += 1024) { // at most 6 bytes per char: room for one chunk at a time
            int to = Math.min(n, from + 1024);
            ensure((to - from) * 6);
            byte[] b = buf;
            int at = len;
            for (int i = from; i < to; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    byte e = ESCAPE[c];
                    if (e == 0) {
                        b[at++] = (byte) c;
                    } else if (e == 'u') {
                        at = unicodeEscape(b, at, c);
                    } else {
                        b[at++] = '\\';
                        b[at++] = e;
                    }
                } else if (c < 0x800) {
                    b[at++] = (byte) (0xC0 | c >> 6);
                    b[at++] = (byte) (0x80 | c & 0x3F);
                } else if (Character.isSurrogate(c)) {
                    at = unicodeEscape(b, at, c); // each half escaped on its own, as Jackson writes them
                } else {
                    b[at++] = (byte) (0xE0 | c >> 12);
                    b[at++] = (byte) (0x80 | c >> 6 & 0x3F);
                    b[at++] = (byte) (0x80 | c & 0x3F);
                }
            }
            len = at;
        }
        raw((byte) '"');
    }

    /**
     * As {@link #string}, from a small cache of the bytes of strings seen twice: a tag's fields (its rule's ids, the
     * event's attacker and decky, the evidence's keys) repeat tag after tag, and copying their bytes is cheaper than
     * encoding them again. A unique string (a source id) is encoded and only noted.
     */
    final void text(String s) {
        if (s == null) {
            raw(NULL);
            return;
        }
        int h = s.hashCode();
        int slot = h * 0x9E3779B9 >>> 32 - TEXT_SLOT_BITS;
        String cached = texts[slot];
        if (cached == s || cached != null && cached.hashCode() == h && cached.equals(s)) {
            raw(textBytes[slot]);
            return;
        }
        int start = len;
        string(s);
        if (len - start > CACHED_TEXT) {
            return;
        }
        if (textSeen[slot] == h) {
            byte[] bytes = Arrays.copyOfRange(buf, start, len);
            textBytes[slot] = bytes;
            texts[slot] = s;
        } else {
            textSeen[slot] = h;
        }
    }

    private static int unicodeEscape(byte[] b, int at, char c) {
        b[at++] = '\\';
        b[at++] = 'u';
        b[at++] = HEX[c >> 12 & 0xF];
        b[at++] = HEX[c >> 8 & 0xF];
        b[at++] = HEX[c >> 4 & 0xF];
        b[at++] = HEX[c & 0xF];
        return at;
    }

    final void number(long v) {
        if (v == Long.MIN_VALUE) {
            raw(ascii(Long.toString(v)));
            return;
        }
        ensure(20);
        byte[] b = buf;
        if (v < 0) {
            b[len++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long x = v; x >= 10; x /= 10) {
            digits++;
        }
        int at = len + digits;
        len = at;
        do {
            b[--at] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
    }

    /** As Java prints a double ({@code 1.0E20}); NaN and the infinities as the strings Jackson wrote. */
    final void number(double d) {
        long bits = Double.doubleToRawLongBits(d);
        int slot = (int) (bits * 0x9E3779B97F4A7C15L >>> 64 - DOUBLE_SLOT_BITS);
        byte[] text = doubleTexts[slot];
        if (text == null || doubleBits[slot] != bits) {
            text = ascii(Double.isFinite(d) ? Double.toString(d) : "\"" + d + "\"");
            doubleBits[slot] = bits;
            doubleTexts[slot] = text;
        }
        raw(text);
    }

    /** A JSON value as the event reader gives it (String, Number, Boolean, null, Map, List). */
    final void value(Object v) {
        switch (v) {
            case null -> raw(NULL);
            case String s -> text(s);
            case Integer i -> number(i.longValue());
            case Long l -> number(l.longValue());
            case Double d -> number(d.doubleValue());
            case Float f -> raw(ascii(Float.isFinite(f) ? Float.toString(f) : "\"" + f + "\""));
            case BigInteger b -> raw(ascii(b.toString()));
            case BigDecimal b -> raw(ascii(b.toString()));
            case Number n -> number(n.doubleValue());
            case Boolean b -> raw(b ? TRUE : FALSE);
            case Map<?, ?> m -> object(m);
            case List<?> l -> {
                raw((byte) '[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        raw((byte) ',');
                    }
                    value(l.get(i));
                }
                raw((byte) ']');
            }
            default -> string(v.toString());
        }
    }

    /**
     * {@code m} as a JSON object; true when its values were all of immutable kinds (String, Integer, Long, Double,
     * BigInteger, BigDecimal, Boolean, null), none of them a map or a list. Walks the map with
     * {@link Map#forEach} and one consumer made once: no iterator nor entry per member.
     */
    final boolean object(Map<?, ?> m) {
        boolean outerFirst = firstMember; // an object inside a member's value: the outer object's walk goes on after
        boolean outerScalars = onlyScalars;
        firstMember = true;
        onlyScalars = true;
        try {
            raw((byte) '{');
            m.forEach(member);
            raw((byte) '}');
            return onlyScalars;
        } finally {
            firstMember = outerFirst;
            onlyScalars = outerScalars;
        }
    }

    /** One member of the object {@link #object} is writing. */
    private void member(Object key, Object v) {
        if (!firstMember) {
            raw((byte) ',');
        }
        firstMember = false;
        text(String.valueOf(key));
        raw((byte) ':');
        value(v);
        if (onlyScalars) {
            onlyScalars = v == null || v instanceof String || v instanceof Integer || v instanceof Long
                    || v instanceof Double || v instanceof Boolean || v instanceof BigInteger || v instanceof BigDecimal;
        }
    }

    /** Hands the buffered whole lines to the stream; a buffer a long line grew is let go. */
    private void drain() throws IOException {
        if (len > 0) {
            out.write(buf, 0, len);
            len = 0;
        }
        if (buf.length > 4 * SPILL) {
            buf = new byte[SPILL + 4096];
        }
    }

    @Override
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            out.close();
        }
    }
}
