package org.ttp4j.index.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ttp4j.rule.RequiredLiterals;

/** Which chars a value's start holds, as the required-char check reads them: every ASCII char, and any other. */
class CharPresenceTest {

    private static final char[] EDGES = {0, 1, 31, 32, 63, 64, 65, 95, 126, 127, 128, 255, 256, 0x212a, 0xd83d, 0xffff};

    @Test
    void everyAsciiCharAndAnyOtherIsSeenExactlyInTheStartRead() {
        Random r = new Random(14);
        CharPresence presence = new CharPresence();
        for (int round = 0; round < 2_000; round++) {
            char[] text = new char[r.nextInt(40)];
            for (int k = 0; k < text.length; k++) {
                text[k] = r.nextInt(4) == 0 ? EDGES[r.nextInt(EDGES.length)] : (char) r.nextInt(r.nextBoolean() ? 128 : 400);
            }
            String value = new String(text);
            int length = text.length == 0 ? 0 : r.nextInt(text.length + 1);
            String start = value.substring(0, length);
            boolean other = start.chars().anyMatch(c -> c >= 128);
            for (int ch = 0; ch < 128; ch++) {
                int c = ch;
                RequiredLiterals.Chars one = new RequiredLiterals.Chars(c < 64 ? 1L << c : 0, c < 64 ? 0 : 1L << (c - 64), false);
                assertEquals(start.indexOf(c) >= 0, presence.meets(one, value, length),
                        () -> "char " + c + " in " + start.chars().boxed().toList());
            }
            assertEquals(other, presence.meets(new RequiredLiterals.Chars(0, 0, true), value, length), value);
            assertEquals(!other, presence.ascii(value, length), value);
            presence.clear();
        }
    }
}
