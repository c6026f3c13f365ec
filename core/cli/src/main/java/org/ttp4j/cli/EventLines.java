package org.ttp4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.ttp4j.engine.Event;
import org.ttp4j.jsonl.EventFormatException;
import org.ttp4j.jsonl.EventParser;
import org.ttp4j.jsonl.EventReader;

/**
 * Events from JSON Lines (docs/events.md §1, docs/cli.md §4), one line at a time, so that a malformed line is reported with its
 * own number and skipped while every other line is read: a truncated line never takes the next one with it.
 *
 * <p>Lines are framed in one reusable buffer (a line longer than {@link #MAX_LINE} is reported and skipped
 * without being held), a trailing {@code \r} is dropped, blank lines are skipped, a line that is not well-formed
 * UTF-8 is a bad line ({@link EventReader#utf8Problem}), and each line is parsed in place by one reused
 * {@link EventParser} (docs/events.md §6). A line that starts with its object's brace, before the last newline read,
 * is parsed without being framed first: the parse stops at its newline ({@link EventParser#parseLine}), and only a bad
 * line is searched for its end. Memory stays flat whatever the length of the input. Before a read that
 * would block, {@link Handler#idle()} runs, so a consumer downstream sees every answer to the input so far.
 * Lines are handled holding the {@link StopSignal}'s lock, which is let go only around reads; once the signal is
 * raised no further line is handled.
 */
final class EventLines {

    /** The longest line read (16 MiB); a longer one is a bad line. */
    static final int MAX_LINE = EventReader.MAX_LINE;

    /** What {@link #pump} hands each line to. */
    interface Handler {
        void event(Event event) throws IOException;

        /** A line that is not an event: {@code message} says why (without the line number). */
        void bad(long line, String message) throws IOException;

        /** The input has nothing more to read right now. */
        void idle() throws IOException;
    }

    private final InputStream in;
    private final int maxLine;
    private byte[] buf = new byte[1 << 16];
    private int pos;   // next unread byte
    private int limit; // end of the bytes read
    private int whole; // the last newline in buf known (a line that starts before it ends by it), 0 when none is
    long inPlace; // lines parsed without a search for their end first (what the tests see of the fast path)
    private int searched; // no newline in buf[pos, searched): a long line's search goes on from there after a read
    private long lineNumber;
    private final StopSignal stop;
    private final EventParser parser = new EventParser();

    EventLines(InputStream in) {
        this(in, MAX_LINE, StopSignal.none());
    }

    EventLines(InputStream in, StopSignal stop) {
        this(in, MAX_LINE, stop);
    }

    EventLines(InputStream in, int maxLine, StopSignal stop) {
        this.in = in;
        this.maxLine = maxLine;
        this.stop = stop;
    }

    /** Reads every line to the end of the input, or until the stop signal; returns how many lines were bad. */
    long pump(Handler handler) throws IOException {
        stop.lock();
        try {
            return pumpLocked(handler);
        } finally {
            stop.unlock();
        }
    }

    private long pumpLocked(Handler handler) throws IOException {
        long bad = 0;
        boolean eof = false;
        while (true) {
            if (stop.requested()) {
                return bad;
            }
            if (pos < whole && buf[pos] == '{') { // the common line: parsed at once, its end found by the parse
                bad += parseLine(handler) ? 0 : 1;
                continue;
            }
            int nl = newline(Math.max(pos, searched), limit);
            if (nl < 0) {
                searched = limit;
                if (eof) {
                    if (pos < limit) {
                        bad += handle(pos, limit, handler) ? 0 : 1;
                        pos = limit;
                    }
                    return bad;
                }
                if (limit - pos >= maxLine) {
                    bad++;
                    handler.bad(lineNumber + 1, "the line is longer than " + maxLine + " bytes; skipped");
                    eof = skipPastNewline(handler);
                    lineNumber++;
                    continue;
                }
                eof = fill(handler);
                continue;
            }
            if (whole <= nl) {
                whole = EventReader.lastNewline(buf, nl, limit);
            }
            bad += handle(pos, nl, handler) ? 0 : 1;
            pos = nl + 1;
        }
    }

    /** The line at {@code pos}, which ends by {@link #whole}; then {@code pos} is past it. False when it was bad. */
    private boolean parseLine(Handler handler) throws IOException {
        long number = ++lineNumber;
        inPlace++;
        Event event;
        try {
            event = parser.parseLine(buf, pos, whole, number);
        } catch (EventFormatException e) {
            int nl = newline(pos, whole);
            pos = (nl < 0 ? whole : nl) + 1;
            handler.bad(number, detail(e));
            return false;
        }
        pos = parser.lineEnd() + 1;
        handler.event(event);
        return true;
    }

    /** Parses the line {@code buf[from, to)}; false when it was bad. */
    private boolean handle(int from, int to, Handler handler) throws IOException {
        long number = ++lineNumber;
        if (to > from && buf[to - 1] == '\r') {
            to--;
        }
        if (EventReader.blank(buf, from, to)) {
            return true;
        }
        Event event;
        try {
            event = parser.parse(buf, from, to, number); // strict UTF-8 (its problem first), then the JSON
        } catch (EventFormatException e) {
            handler.bad(number, detail(e));
            return false;
        }
        handler.event(event);
        return true;
    }

    /** The message of {@code e} without its {@code line N: } prefix (the line is ours to number). */
    static String detail(EventFormatException e) {
        String m = e.getMessage();
        String prefix = "line " + e.line() + ": ";
        return m != null && m.startsWith(prefix) ? m.substring(prefix.length()) : String.valueOf(m);
    }

    /** Reads more input after the unread bytes, compacting or growing the buffer; true at the end. */
    private boolean fill(Handler handler) throws IOException {
        whole = 0; // the bytes move
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            searched = Math.max(0, searched - pos);
            pos = 0;
        }
        if (limit == buf.length) {
            buf = Arrays.copyOf(buf, Math.min(buf.length * 2, maxLine + 1));
        }
        if (in.available() <= 0) {
            handler.idle();
        }
        int n = read(limit);
        if (n < 0) {
            return true;
        }
        limit += n;
        return false;
    }

    /** Drops input up to and including the next newline; true when the input ended first. */
    private boolean skipPastNewline(Handler handler) throws IOException {
        whole = 0;
        searched = 0;
        while (true) {
            int nl = newline(pos, limit);
            if (nl >= 0) {
                pos = nl + 1;
                return false;
            }
            pos = limit = 0;
            if (in.available() <= 0) {
                handler.idle();
            }
            int n = read(0);
            if (n < 0) {
                return true;
            }
            limit = n;
        }
    }

    /** Reads into {@code buf} from {@code at}, letting go of the stop lock while the read may block. */
    private int read(int at) throws IOException {
        stop.unlock();
        try {
            return in.read(buf, at, buf.length - at);
        } finally {
            stop.lock();
        }
    }

    private int newline(int from, int to) {
        return EventReader.newline(buf, from, to);
    }
}
