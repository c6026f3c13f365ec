package org.ttp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /** What EventLines says of {@code input}, read in chunks of random sizes (at most {@code chunk} bytes). */
    private static List<String> pumped(byte[] input, Random r, int chunk) throws IOException {
        List<String> said = new ArrayList<>();
        new EventLines(chunked(input, r, chunk)).pump(new EventLines.Handler() {
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
        return said;
    }

    /** What the library's reader says of {@code input}, read as {@link #pumped} reads it. */
    private static List<String> read(byte[] input, Random r, int chunk) throws IOException {
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

    /** The same input framed first: split at each newline, one trailing CR dropped, blank lines skipped. */
    private static List<String> framed(byte[] input) {
        List<String> said = new ArrayList<>();
        EventParser parser = new EventParser();
        long number = 0;
        for (int from = 0; from < input.length; ) {
            int nl = EventReader.newline(input, from, input.length);
            int to = nl < 0 ? input.length : nl;
            byte[] line = Arrays.copyOfRange(input, from, to > from && input[to - 1] == '\r' ? to - 1 : to);
            number++;
            from = to + 1;
            if (EventReader.blank(line, 0, line.length)) {
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
    }
}
