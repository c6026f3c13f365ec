package org.ttp4j.jsonl;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.ttp4j.engine.Event;

/**
 * Reads events from JSON Lines (one object per line, docs/events.md §1 and §6, docs/cli.md §4): lines are framed in
 * one reusable buffer and each is parsed by one reused {@link EventParser}, the same strict parser {@code ttp4j tag}
 * uses. Blank lines are skipped and a trailing {@code \r} dropped. A line that starts with its object's brace, before
 * the last newline read, is parsed without being framed first: the parse stops at its newline
 * ({@link EventParser#parseLine}), and only a bad line is searched for its end.
 *
 * <p>{@link #next()} returns null at the end. A line that is not an event (malformed JSON, ill-formed UTF-8, no
 * anchors, a non-string id, longer than {@link #MAX_LINE}) throws {@link EventFormatException} naming its line,
 * and the reader goes on with the next line.
 */
public final class EventReader implements AutoCloseable {

    /** The longest line read (16 MiB); a longer one is a bad line, skipped without being held. */
    public static final int MAX_LINE = 16 << 20;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final InputStream in;
    private final EventParser parser = new EventParser();
    private byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private int whole; // the last newline in buf known (a line that starts before it ends by it), 0 when none is
    long inPlace; // lines parsed without a search for their end first (what the tests see of the fast path)
    private int searched; // no newline in buf[pos, searched): a long line's search goes on from there after a read
    private boolean eof;
    private long lineNumber;

    public EventReader(InputStream in) {
        this.in = in;
    }

    /** Parses one event from a JSON object text (newlines in it are white space). */
    public static Event parse(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return new EventParser().parse(bytes, 0, bytes.length, 1);
    }

    /**
     * Why {@code bytes[from, to)} is not well-formed UTF-8, or null when it is (docs/cli.md §4): the first
     * ill-formed sequence (an overlong form such as {@code C0 AF}, an encoded surrogate {@code ED A0 80}, a code
     * point above U+10FFFF, a stray continuation byte or a truncated sequence), named as Python's strict UTF-8
     * decoder names it. Nothing is allocated for well-formed input.
     */
    public static String utf8Problem(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            if (i + 8 <= to && ((long) LONGS.get(bytes, i) & 0x8080808080808080L) == 0) {
                i += 8; // eight ASCII bytes at once: the common case
                continue;
            }
            int c = bytes[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xff;
            int more;
            int lo = 0x80;
            int hi = 0xBF;
            if (c < 0xC2) {
                return utf8Problem(c, i - from, "invalid start byte");
            } else if (c < 0xE0) {
                more = 1;
            } else if (c < 0xF0) {
                more = 2;
                lo = c == 0xE0 ? 0xA0 : 0x80; // E0 80..9F would be overlong
                hi = c == 0xED ? 0x9F : 0xBF; // ED A0..BF would be a surrogate
            } else if (c < 0xF5) {
                more = 3;
                lo = c == 0xF0 ? 0x90 : 0x80; // F0 80..8F would be overlong
                hi = c == 0xF4 ? 0x8F : 0xBF; // F4 90.. would be above U+10FFFF
            } else {
                return utf8Problem(c, i - from, "invalid start byte");
            }
            for (int k = 1; k <= more; k++) {
                if (i + k >= to) {
                    return utf8Problem(c, i - from, "unexpected end of data");
                }
                int d = bytes[i + k] & 0xff;
                if (d < (k == 1 ? lo : 0x80) || d > (k == 1 ? hi : 0xBF)) {
                    return utf8Problem(c, i - from, "invalid continuation byte");
                }
            }
            i += more + 1;
        }
        return null;
    }

    private static String utf8Problem(int lead, int offset, String why) {
        return String.format("ill-formed UTF-8: byte 0x%02x at offset %d: %s", lead, offset, why);
    }

    /** The next event, or null at the end of the input. */
    public Event next() throws IOException {
        while (true) {
            if (pos < whole && buf[pos] == '{') { // the common line: parsed at once, its end found by the parse
                long number = ++lineNumber;
                inPlace++;
                try {
                    Event event = parser.parseLine(buf, pos, whole, number);
                    pos = parser.lineEnd() + 1;
                    return event;
                } catch (EventFormatException e) {
                    int nl = indexOf(pos, whole);
                    pos = (nl < 0 ? whole : nl) + 1;
                    throw e;
                }
            }
            int nl = indexOf(Math.max(pos, searched), limit);
            if (nl < 0 && !eof) {
                searched = limit;
                if (limit - pos >= MAX_LINE) {
                    long number = ++lineNumber;
                    skipPastNewline();
                    throw new EventFormatException(number, "the line is longer than " + MAX_LINE + " bytes; skipped", null);
                }
                fill();
                continue;
            }
            if (nl < 0 && pos == limit) {
                return null;
            }
            if (nl >= whole) {
                whole = lastNewline(buf, nl, limit);
            }
            int from = pos;
            int to = nl < 0 ? limit : nl;
            pos = nl < 0 ? limit : nl + 1;
            long number = ++lineNumber;
            if (to > from && buf[to - 1] == '\r') {
                to--;
            }
            if (!blank(buf, from, to)) {
                return parser.parse(buf, from, to, number);
            }
        }
    }

    /** True when {@code bytes[from, to)} is only spaces, tabs and carriage returns (a line to skip). */
    public static boolean blank(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = bytes[i];
            if (c != ' ' && c != '\t' && c != '\r') {
                return false;
            }
        }
        return true;
    }

    private int indexOf(int from, int to) {
        return newline(buf, from, to);
    }

    /** The index of the first {@code \\n} in {@code bytes[from, to)}, or -1; eight bytes at a time. */
    public static int newline(byte[] bytes, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = (long) LONGS.get(bytes, i) ^ 0x0A0A0A0A0A0A0A0AL;
            long zero = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
            if (zero != 0) {
                return i + (Long.numberOfTrailingZeros(zero) >>> 3); // the lowest flagged byte is exact
            }
        }
        for (; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The index of the last {@code \n} in {@code bytes(from, to)}, after {@code from}; {@code from} when there is none. */
    public static int lastNewline(byte[] bytes, int from, int to) {
        for (int i = to - 1; i > from; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return from;
    }

    private void fill() throws IOException {
        whole = 0; // the bytes move
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            searched = Math.max(0, searched - pos);
            pos = 0;
        }
        if (limit == buf.length) {
            buf = Arrays.copyOf(buf, Math.min(buf.length * 2, MAX_LINE + 1));
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
        } else {
            limit += n;
        }
    }

    private void skipPastNewline() throws IOException {
        whole = 0;
        searched = 0;
        while (true) {
            int nl = indexOf(pos, limit);
            if (nl >= 0) {
                pos = nl + 1;
                return;
            }
            pos = limit = 0;
            int n = in.read(buf, 0, buf.length);
            if (n < 0) {
                eof = true;
                return;
            }
            limit = n;
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
