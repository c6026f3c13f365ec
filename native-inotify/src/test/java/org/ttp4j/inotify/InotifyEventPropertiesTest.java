package org.ttp4j.inotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The flyweight over random, well-formed and mutated buffers: exact on good input, an offset-naming error on bad. */
class InotifyEventPropertiesTest {
    record Rec(int wd, int mask, int cookie, byte[] name) {}

    @Provide
    Arbitrary<List<Rec>> batches() {
        Arbitrary<byte[]> names = Arbitraries.bytes().filter(b -> b != 0).array(byte[].class).ofMaxSize(255);
        Arbitrary<Rec> rec = Combinators.combine(Arbitraries.integers(), Arbitraries.integers(), Arbitraries.integers(), names).as(Rec::new);
        return rec.list().ofMaxSize(60);
    }

    @Property(tries = 300)
    void wellFormedBatchesReadBackExactly(@ForAll("batches") List<Rec> recs) {
        EventBuffer b = new EventBuffer();
        recs.forEach(r -> b.add(r.wd(), r.mask(), r.cookie(), r.name()));
        MemorySegment buf = b.segment();
        InotifyEvent e = new InotifyEvent();
        long at = 0;
        for (Rec r : recs) {
            e.wrap(buf, at, buf.byteSize(), 0);
            assertEquals(r.wd(), e.wd());
            assertEquals(r.mask(), e.mask());
            assertEquals(r.cookie(), e.cookie());
            assertEquals(r.name().length, e.nameLength());
            byte[] copy = new byte[255];
            assertTrue(Arrays.equals(r.name(), Arrays.copyOf(copy, e.copyName(copy))));
            assertTrue(e.nameEquals(r.name()));
            assertEquals(InotifyEvent.nameHash(r.name(), 0, r.name().length), e.nameHash());
            at = e.nextOffset();
        }
        assertEquals(buf.byteSize(), at);
    }

    @Property(tries = 1000)
    void randomBytesParseOrFailNamingTheOffset(@ForAll @Size(max = 600) byte[] bytes, @ForAll @IntRange(max = 600) int limitCut) {
        int limit = Math.min(bytes.length, limitCut);
        walk(MemorySegment.ofArray(bytes), limit);
    }

    @Property(tries = 1000)
    void mutatedBuffersParseOrFailNamingTheOffset(@ForAll("batches") List<Rec> recs,
            @ForAll @Size(max = 8) List<@IntRange(max = 100_000) Integer> positions, @ForAll byte value,
            @ForAll @IntRange(max = 64) int truncate) {
        EventBuffer b = new EventBuffer();
        recs.forEach(r -> b.add(r.wd(), r.mask(), r.cookie(), r.name()));
        byte[] bytes = b.bytes();
        if (bytes.length == 0) {
            return;
        }
        for (int p : positions) {
            bytes[p % bytes.length] ^= (byte) (value | 1);
        }
        walk(MemorySegment.ofArray(bytes), Math.max(0, bytes.length - truncate));
    }

    /** Iterates like the watcher; every record read must lie within the limit, every failure name its offset. */
    private static void walk(MemorySegment whole, long limit) {
        MemorySegment buf = whole.asSlice(0, limit); // any read past the limit would throw IndexOutOfBounds
        InotifyEvent e = new InotifyEvent();
        List<Long> offsets = new ArrayList<>();
        long at = 0;
        while (at < limit) {
            try {
                e.wrap(buf, at, limit, 0);
            } catch (IllegalArgumentException malformed) {
                assertTrue(malformed.getMessage().startsWith("malformed inotify event at offset " + at + ":"), malformed.getMessage());
                return;
            }
            offsets.add(at);
            long next = e.nextOffset();
            assertTrue(next > at && next <= limit, "next offset " + next + " within " + limit);
            assertTrue(e.nameLength() <= e.nameFieldLength());
            e.nameHash();
            e.pairedMoveOffset();
            at = next;
        }
        assertEquals(limit, at);
    }
}
