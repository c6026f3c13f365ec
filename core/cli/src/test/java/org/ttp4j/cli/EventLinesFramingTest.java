package org.ttp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ttp4j.engine.Event;
import org.ttp4j.jsonl.EventFormatException;
import org.ttp4j.jsonl.EventParser;
import org.ttp4j.jsonl.EventReader;

/**
 * {@link EventLines} and the library's {@link EventReader} parse most lines without searching for their end first (the
 * parse stops at the newline): whatever the bytes, each must say exactly what framing each line first and parsing it
 * alone says, line by line (the same events, the same bad lines with the same numbers and messages, columns included).
 */
class EventLinesFramingTest {

    private static final String[] LINES = {
        "{\"source_kind\":\"command\",\"source_id\":\"c1\",\"attacker_uuid\":\"a\",\"payload\":{\"command_text\":\"ls -la\",\"uid\":0}}",
        "{\"source_kind\":\"http\",\"source_id\":\"h\",\"identity_uuid\":\"i\",\"payload\":{\"path\":\"/x\\\\y\",\"n\":[1,2.5e3,-0]}}",
        "{\"source_kind\":\"command\",\"source_id\":\"c2\",\"attacker_uuid\":\"a\",\"payload\":{\"command_text\":\"caf\u00e9 \\u00e9\",\"t\":true}}",
        "{\"source_kind\":\"command\",\"source_id\":\"c3\",\"attacker_uuid\":null,\"payload\":{}}",
        "{}", "[1]", "  {\"a\":1}", "",
    };

    /** Bytes a mutation puts in: the ends of lines, white space, the bytes that end or escape a string, and more. */
    private static final byte[] PIECES = {'\n', '\r', ' ', '\t', '"', '\\', '{', '}', ':', ',', '1', 'u', 0x01,
        (byte) 0xc3, (byte) 0xa9, (byte) 0xff, 'n'};

    /** {@code input} in reads of random sizes, at most {@code chunk} bytes each. */
    private static InputStream chunked(byte[] input, Random r, int chunk) {
        return new InputStream() {
            private int at;

            @Override
            public int read() {
                return at < input.length ? input[at++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (at == input.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, input.length - at), 1 + r.nextInt(chunk));
                System.arraycopy(input, at, b, off, n);
                at += n;
                return n;
            }
        };
    }

    private long inPlace; // lines EventLines parsed in place, without framing them first

    /** What EventLines says of {@code input}, read in chunks of random sizes (at most {@code chunk} bytes). */
    private List<String> pumped(byte[] input, Random r, int chunk) throws IOException {
        return pumped(input, r, chunk, EventLines.MAX_LINE);
    }

    private List<String> pumped(byte[] input, Random r, int chunk, int maxLine) throws IOException {
        List<String> said = new ArrayList<>();
        EventLines lines = new EventLines(chunked(input, r, chunk), maxLine, StopSignal.none());
        lines.pump(new EventLines.Handler() {
            @Override
            public void event(Event event) {
                said.add(event.toString());
            }

            @Override
            public void bad(long line, String message) {
                said.add(line + ": " + message);
            }

            @Override
            public void idle() {}
        });
        inPlace += lines.inPlace;
        return said;
    }

    /** What the library's reader says of {@code input}, read as {@link #pumped} reads it. */
    private List<String> read(byte[] input, Random r, int chunk) throws IOException {
        List<String> said = new ArrayList<>();
        try (EventReader reader = new EventReader(chunked(input, r, chunk))) {
            while (true) {
                try {
                    Event e = reader.next();
                    if (e == null) {
                        return said;
                    }
                    said.add(e.toString());
                } catch (EventFormatException e) {
                    said.add(e.line() + ": " + EventLines.detail(e));
                }
            }
        }
    }

    /**
     * The same input framed first, byte by byte: split at each newline, one trailing CR dropped, blank lines (spaces,
     * tabs and CRs only) skipped, each line parsed alone.
     */
    private static List<String> framed(byte[] input) {
        List<String> said = new ArrayList<>();
        EventParser parser = new EventParser();
        long number = 0;
        for (int from = 0; from < input.length; ) {
            int to = from;
            while (to < input.length && input[to] != '\n') {
                to++;
            }
            byte[] line = Arrays.copyOfRange(input, from, to > from && input[to - 1] == '\r' ? to - 1 : to);
            number++;
            from = to + 1;
            boolean blank = true;
            for (byte c : line) {
                blank &= c == ' ' || c == '\t' || c == '\r';
            }
            if (blank) {
                continue;
            }
            try {
                said.add(parser.parse(line, 0, line.length, number).toString());
            } catch (EventFormatException e) {
                said.add(number + ": " + EventLines.detail(e));
            }
        }
        return said;
    }

    /** {@code line} with one or two bytes put in, left out or replaced. */
    private static byte[] mutated(String line, Random r) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        for (int n = 1 + r.nextInt(2); n > 0; n--) {
            int at = r.nextInt(b.length + 1);
            byte piece = PIECES[r.nextInt(PIECES.length)];
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(b, 0, at);
            switch (r.nextInt(3)) {
                case 0 -> out.write(piece);
                case 1 -> at++; // the byte there left out
                default -> {
                    out.write(piece);
                    at++;
                }
            }
            if (at < b.length) {
                out.write(b, at, b.length - at);
            }
            b = out.toByteArray();
        }
        return b;
    }

    @Test
    void everyLineSaysWhatFramingItFirstSays() throws IOException {
        Random r = new Random(14);
        int bad = 0;
        int events = 0;
        for (int round = 0; round < 3_000; round++) {
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            int lines = 1 + r.nextInt(12);
            for (int k = 0; k < lines; k++) {
                String line = LINES[r.nextInt(LINES.length)];
                in.writeBytes(r.nextInt(3) == 0 ? mutated(line, r) : line.getBytes(StandardCharsets.UTF_8));
                if (k < lines - 1 || r.nextBoolean()) { // the last line with or without its newline
                    in.writeBytes(r.nextInt(4) == 0 ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
                }
            }
            byte[] input = in.toByteArray();
            List<String> expected = framed(input);
            String text = new String(input, StandardCharsets.ISO_8859_1);
            assertEquals(expected, pumped(input, r, 1 + r.nextInt(input.length + 1)), text);
            assertEquals(expected, read(input, r, 1 + r.nextInt(input.length + 1)), text);
            for (String s : expected) {
                if (s.startsWith("Event[")) {
                    events++;
                } else {
                    bad++;
                }
            }
        }
        assertTrue(bad > 5_000 && events > 3_000, bad + " bad lines, " + events + " events"); // both kinds were met
        assertTrue(inPlace > 1_000, inPlace + " lines parsed in place"); // (the first line after each read is framed)
    }

    @Test
    void aStreamLongerThanTheBufferIsReadWholeAcrossItsRefills() throws IOException {
        Random r = new Random(15);
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        for (int k = 0; k < 20_000; k++) { // about 2 MB: the 64 KiB buffer is refilled mid-line many times
            String line = LINES[r.nextInt(4)];
            in.writeBytes(k % 97 == 0 ? mutated(line, r) : line.getBytes(StandardCharsets.UTF_8));
            in.writeBytes(k % 5 == 0 ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
        }
        byte[] input = in.toByteArray();
        List<String> expected = framed(input);
        assertEquals(expected, pumped(input, r, 1 << 17));
        assertEquals(expected, read(input, r, 1 << 17));
        assertTrue(inPlace > 19_000, inPlace + " of 20,000 lines parsed in place"); // all but one or two a refill
        // (EventReader's own count is checked beside its tests, in its package)
    }

    /**
     * A line longer than the limit, its newline not read yet when the buffer holds the limit, is one bad line, and the
     * lines after it are read as if it were not there, in place again (here in reads of at most 1,000 bytes).
     */
    @Test
    void aLineOverTheLimitIsSkippedAndTheNextLinesAreReadInPlaceAgain() throws IOException {
        Random r = new Random(16);
        String good = LINES[0];
        String huge = "{\"source_kind\":\"command\",\"payload\":{\"command_text\":\"" + "x".repeat(5_000) + "\"}}";
        StringBuilder in = new StringBuilder();
        List<String> expected = new ArrayList<>();
        String event = framed(good.getBytes(StandardCharsets.UTF_8)).getFirst();
        int number = 0;
        for (int k = 0; k < 40; k++) {
            boolean skipped = k % 10 == 3;
            in.append(skipped ? huge : good).append(k % 4 == 0 ? "\r\n" : "\n");
            number++;
            expected.add(skipped ? number + ": the line is longer than 1000 bytes; skipped" : event);
        }
        in.append(huge); // and at the end, without a newline
        expected.add(++number + ": the line is longer than 1000 bytes; skipped");
        assertEquals(expected, pumped(in.toString().getBytes(StandardCharsets.UTF_8), r, 1000, 1000));
        assertTrue(inPlace > 0, "no line after a skipped one was parsed in place");
    }

    /** parseLine on its own: a line may end at {@code to} as well as at a newline, and a CR before either is dropped. */
    @Test
    void aLineEndsAtItsNewlineOrAtTheEndItIsGiven() {
        EventParser parser = new EventParser();
        for (String end : new String[] {"", "\r", "\n", "\r\n", " \r\n{\"next\":1}"}) {
            byte[] b = (LINES[0] + end).getBytes(StandardCharsets.UTF_8);
            int to = b.length;
            assertEquals(framed(b).getFirst(), parser.parseLine(b, 0, to, 1).toString(), end);
            int nl = new String(b, StandardCharsets.UTF_8).indexOf('\n');
            assertEquals(nl < 0 ? to : nl, parser.lineEnd(), end);
        }
        for (String cut : new String[] {"{\"a\":\"x", "{\"a\":\"x\\", "{\"a\":1", "{\"a\":tr", "{\"a\":\"\\u12"}) {
            for (String end : new String[] {"", "\r", "\n", "\r\n"}) {
                byte[] line = cut.getBytes(StandardCharsets.UTF_8);
                byte[] b = (cut + end).getBytes(StandardCharsets.UTF_8);
                String framedSays = assertThrows(EventFormatException.class, () -> parser.parse(line, 0, line.length, 1))
                        .getMessage();
                assertEquals(framedSays, assertThrows(EventFormatException.class, () -> parser.parseLine(b, 0, b.length, 1))
                        .getMessage(), cut + end);
            }
        }
    }
}
