package org.ttp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ttp4j.engine.Event;
import org.ttp4j.jsonl.EventReader;

/**
 * An input line that is not well-formed UTF-8 is a bad event with its line number (docs/cli.md §4), never
 * decoded into something a rule could match: {@code cat \xc0\xafetc} must not become {@code cat /etc}.
 */
class EventLinesEncodingTest {

    private static final String HEAD = "{\"source_kind\":\"command\",\"attacker_uuid\":\"a\",\"payload\":{\"command_text\":\"cat ";

    /** {bytes inside the command text, Python's verdict: null or "offset reason"} from {@code bytes.decode('utf-8')}. */
    private static final String[][] PYTHON = {
        {"c0af", "76 invalid start byte"}, {"c1bf", "76 invalid start byte"},
        {"e080af", "76 invalid continuation byte"}, {"eda080", "76 invalid continuation byte"},
        {"edbfbf", "76 invalid continuation byte"}, {"f4908080", "76 invalid continuation byte"},
        {"f5808080", "76 invalid start byte"}, {"ff", "76 invalid start byte"}, {"80", "76 invalid start byte"},
        {"bf", "76 invalid start byte"}, {"e282", "76 invalid continuation byte"},
        {"f09f98", "76 invalid continuation byte"}, {"c3", "76 invalid continuation byte"},
        {"eda080edb080", "76 invalid continuation byte"},
        {"e0a080", null}, {"f0908080", null}, {"f48fbfbf", null}, {"c3a9", null}, {"e282ac", null},
        {"f09f9880", null}, {"efbfbf", null}, {"ee8080", null},
    };

    private record Result(List<Event> events, List<String> bad) {}

    private static Result pump(byte[] input) throws IOException {
        List<Event> events = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        new EventLines(new ByteArrayInputStream(input)).pump(new EventLines.Handler() {
            @Override
            public void event(Event event) {
                events.add(event);
            }

            @Override
            public void bad(long line, String message) {
                bad.add(line + ": " + message);
            }

            @Override
            public void idle() {}
        });
        return new Result(events, bad);
    }

    private static byte[] line(byte[] inside) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(HEAD.getBytes(StandardCharsets.UTF_8));
        b.writeBytes(inside);
        b.writeBytes("etc\"},\"source_id\":\"c\"}\n".getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    @Test
    void everyIllFormedSequenceMakesTheLineBadAsPythonSays() throws IOException {
        for (String[] c : PYTHON) {
            byte[] inside = HexFormat.of().parseHex(c[0]);
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            in.writeBytes(line("ok".getBytes(StandardCharsets.UTF_8)));
            in.writeBytes(line(inside));
            in.writeBytes(line("ok".getBytes(StandardCharsets.UTF_8)));
            Result r = pump(in.toByteArray());
            if (c[1] == null) {
                assertEquals(List.of(), r.bad(), c[0]);
                assertEquals(3, r.events().size(), c[0]);
                assertEquals("cat " + new String(inside, StandardCharsets.UTF_8) + "etc",
                        r.events().get(1).payload().get("command_text"), c[0]);
            } else {
                String[] expected = c[1].split(" ", 2);
                String lead = c[0].substring(0, 2);
                assertEquals(List.of("2: ill-formed UTF-8: byte 0x" + lead + " at offset " + expected[0] + ": "
                        + expected[1]), r.bad(), c[0]);
                assertEquals(2, r.events().size(), "the lines around it are read: " + c[0]);
            }
        }
    }

    @Test
    void aSequenceCutByTheEndOfTheLineIsUnexpectedEndOfData() throws IOException {
        byte[] head = HEAD.getBytes(StandardCharsets.UTF_8);
        byte[] in = new byte[head.length + 3];
        System.arraycopy(head, 0, in, 0, head.length);
        in[head.length] = (byte) 0xe2;
        in[head.length + 1] = (byte) 0x82;
        in[head.length + 2] = '\n';
        // Python: 'utf-8' codec can't decode bytes in position 76-77: unexpected end of data
        assertEquals(List.of("1: ill-formed UTF-8: byte 0xe2 at offset 76: unexpected end of data"), pump(in).bad());
    }

    @Test
    void theCheckAgreesWithTheJdksStrictDecoderOnRandomBytes() {
        Random r = new Random(5);
        byte[] interesting = HexFormat.of().parseHex("00417f80bfc0c1c2dfe0e1ecedeef0f1f3f4f5ff8f909fa0");
        for (int n = 0; n < 200_000; n++) {
            byte[] b = new byte[1 + r.nextInt(6)];
            for (int k = 0; k < b.length; k++) {
                b[k] = interesting[r.nextInt(interesting.length)];
            }
            boolean jdk = true;
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            } catch (CharacterCodingException e) {
                jdk = false;
            }
            String ours = EventReader.utf8Problem(b, 0, b.length);
            assertEquals(jdk, ours == null, () -> HexFormat.of().formatHex(b) + ": " + ours);
        }
        assertNull(EventReader.utf8Problem("caf\u00e9 \ud83d\ude00".getBytes(StandardCharsets.UTF_8), 0, 10));
    }
}
