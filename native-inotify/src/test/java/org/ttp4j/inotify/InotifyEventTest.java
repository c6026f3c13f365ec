package org.ttp4j.inotify;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class InotifyEventTest {
    private final InotifyEvent e = new InotifyEvent();

    @Test
    void readsEveryFieldInPlace() {
        byte[] name = "T1078.yaml".getBytes(UTF_8);
        MemorySegment buf = new EventBuffer().add(3, Inotify.IN_CLOSE_WRITE, 0, name).add(3, Inotify.IN_DELETE_SELF, 0, new byte[0]).segment();
        e.wrap(buf, 0, buf.byteSize());
        assertEquals(3, e.wd());
        assertEquals(Inotify.IN_CLOSE_WRITE, e.mask());
        assertTrue(e.has(Inotify.IN_CLOSE_WRITE | Inotify.IN_MOVED_TO));
        assertFalse(e.isDirectory());
        assertEquals(10, e.nameLength());
        assertEquals(16, e.nameFieldLength());
        assertEquals(16, e.nameOffset());
        assertTrue(e.hasName());
        assertEquals("T1078.yaml", e.name());
        assertTrue(e.nameEquals(name));
        assertFalse(e.nameEquals("T1078.yml".getBytes(UTF_8)));
        byte[] dst = new byte[255];
        assertEquals(10, e.copyName(dst));
        assertEquals("T1078.yaml", new String(dst, 0, 10, UTF_8));
        assertEquals(InotifyEvent.nameHash(name, 0, name.length), e.nameHash());
        assertThrows(IndexOutOfBoundsException.class, () -> e.copyName(new byte[9]));

        e.wrap(buf, e.nextOffset(), buf.byteSize());
        assertEquals(Inotify.IN_DELETE_SELF, e.mask());
        assertFalse(e.hasName());
        assertEquals("", e.name());
        assertEquals(buf.byteSize(), e.nextOffset());
    }

    @Test
    void nameStopsAtTheFirstNulOrAtLen() {
        // 16-byte name with no NUL at all: the whole field is the name.
        byte[] sixteen = "abcdefghijklmnop".getBytes(UTF_8);
        MemorySegment buf = new EventBuffer().addRaw(1, Inotify.IN_CREATE, 0, 16, sixteen).segment();
        assertEquals(16, e.wrap(buf, 0, buf.byteSize()).nameLength());
        // NUL at every position of a 24-byte field (crosses the 8-byte SWAR step).
        for (int at = 0; at < 24; at++) {
            byte[] field = new byte[24];
            java.util.Arrays.fill(field, (byte) 'x');
            field[at] = 0;
            if (at + 3 < field.length) {
                field[at + 3] = (byte) 0x80; // bytes after the NUL do not matter
            }
            MemorySegment b = new EventBuffer().addRaw(1, Inotify.IN_CREATE, 0, 24, field).segment();
            assertEquals(at, e.wrap(b, 0, b.byteSize()).nameLength(), "NUL at " + at);
        }
    }

    @Test
    void malformedRecordsNameTheirOffset() {
        byte[] good = new EventBuffer().add(1, Inotify.IN_CREATE, 0, "a.yaml".getBytes(UTF_8)).bytes();
        MemorySegment buf = MemorySegment.ofArray(good);
        var truncatedHeader = assertThrows(IllegalArgumentException.class, () -> e.wrap(buf, 0, 15));
        assertEquals("malformed inotify event at offset 0: header needs 16 bytes, 15 left of 15 read", truncatedHeader.getMessage());
        var nameTooLong = assertThrows(IllegalArgumentException.class, () -> e.wrap(buf, 0, 20));
        assertEquals("malformed inotify event at offset 0: name length 16 runs past the 20 bytes read", nameTooLong.getMessage());
        MemorySegment huge = new EventBuffer().add(1, Inotify.IN_CREATE, 0, "a".getBytes(UTF_8)).addRaw(1, 1, 0, -16, new byte[0]).segment();
        var negative = assertThrows(IllegalArgumentException.class, () -> e.wrap(huge, 32, huge.byteSize()));
        assertEquals("malformed inotify event at offset 32: name length 4294967280 runs past the 48 bytes read", negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> e.wrap(buf, 0, good.length + 1), "limit past the segment");
    }

    @Test
    void pairsMovesByCookieWithinTheBatch() {
        MemorySegment buf = new EventBuffer()
                .add(1, Inotify.IN_MOVED_FROM, 7, "lonely.yaml".getBytes(UTF_8))
                .add(1, Inotify.IN_MOVED_FROM, 9, ".x.tmp".getBytes(UTF_8))
                .add(1, Inotify.IN_CREATE, 0, "other".getBytes(UTF_8))
                .add(1, Inotify.IN_MOVED_TO, 9, "x.yaml".getBytes(UTF_8))
                .add(1, Inotify.IN_MOVED_TO, 11, "in.yaml".getBytes(UTF_8))
                .segment();
        long limit = buf.byteSize();
        long[] offsets = new long[5];
        long at = 0;
        for (int i = 0; i < 5; i++) {
            offsets[i] = at;
            at = e.wrap(buf, at, limit, 0).nextOffset();
        }
        assertEquals(-1, e.wrap(buf, offsets[0], limit, 0).pairedMoveOffset());
        assertEquals(offsets[3], e.wrap(buf, offsets[1], limit, 0).pairedMoveOffset());
        assertEquals(-1, e.wrap(buf, offsets[2], limit, 0).pairedMoveOffset());
        assertEquals(offsets[1], e.wrap(buf, offsets[3], limit, 0).pairedMoveOffset());
        assertEquals(-1, e.wrap(buf, offsets[3], limit).pairedMoveOffset(), "without the batch start it cannot look back");
        assertEquals(-1, e.wrap(buf, offsets[4], limit, 0).pairedMoveOffset());
        var other = new InotifyEvent().wrap(buf, e.wrap(buf, offsets[1], limit, 0).pairedMoveOffset(), limit);
        assertEquals("x.yaml", other.name());
    }
}
