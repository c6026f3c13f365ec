package org.ttp4j.inotify;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A flyweight over one {@code struct inotify_event} record in a buffer the kernel filled: fields are
 * read in place, the name is compared, hashed or copied in place, and decoded to a String only on
 * demand. {@link #wrap} moves it to a record and checks that record against the number of bytes
 * read; nothing is ever read past that limit. Not thread-safe; reuse one instance per thread.
 *
 * <pre>{@code
 * InotifyEvent e = new InotifyEvent();
 * for (long at = 0; at < bytesRead; at = e.nextOffset()) {
 *     e.wrap(buffer, at, bytesRead);
 *     if (e.has(Inotify.IN_CLOSE_WRITE) && RuleFileNames.matches(e.segment(), e.nameOffset(), e.nameLength())) ...
 * }
 * }</pre>
 */
public final class InotifyEvent {
    /** Size of the fixed header ({@code sizeof(struct inotify_event)}): wd, mask, cookie, len. */
    public static final int HEADER_LENGTH = 16;

    // Field offsets of the generated inotify_event layout, as constants so that parsing needs no
    // native access (InotifyConstantsTest and AbiTest check them against the binding and the headers).
    static final long WD = 0;
    static final long MASK = 4;
    static final long COOKIE = 8;
    static final long LEN = 12;
    // Records are 4-aligned in a kernel buffer, but a copy in a heap segment (tests, benchmarks) is not.
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final int FNV_OFFSET = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;

    private MemorySegment segment = MemorySegment.NULL;
    private long offset;
    private long limit;
    private long batchStart;
    private int len;
    private int nameLength;

    /**
     * Points this flyweight at the record at {@code offset}, of a buffer whose first {@code limit}
     * bytes are valid (what {@code read()} returned).
     *
     * @throws IllegalArgumentException naming the offset if the record's header or its name runs past
     *     {@code limit}
     */
    public InotifyEvent wrap(MemorySegment segment, long offset, long limit) {
        return wrap(segment, offset, limit, offset);
    }

    /**
     * As {@link #wrap(MemorySegment, long, long)}, for a record of the batch that starts at
     * {@code batchStart}: {@link #pairedMoveOffset()} then also looks back to that start.
     */
    public InotifyEvent wrap(MemorySegment segment, long offset, long limit, long batchStart) {
        if (limit > segment.byteSize() || batchStart < 0 || batchStart > offset) {
            throw new IllegalArgumentException("inotify buffer: limit " + limit + " / batch start " + batchStart
                    + " out of range for offset " + offset + " in a segment of " + segment.byteSize() + " bytes");
        }
        if (offset < 0 || limit - offset < HEADER_LENGTH) {
            throw new IllegalArgumentException("malformed inotify event at offset " + offset + ": header needs "
                    + HEADER_LENGTH + " bytes, " + Math.max(0, limit - offset) + " left of " + limit + " read");
        }
        int len = segment.get(INT, offset + LEN);
        if (len < 0 || len > limit - offset - HEADER_LENGTH) {
            throw new IllegalArgumentException("malformed inotify event at offset " + offset + ": name length "
                    + Integer.toUnsignedString(len) + " runs past the " + limit + " bytes read");
        }
        this.segment = segment;
        this.offset = offset;
        this.limit = limit;
        this.batchStart = batchStart;
        this.len = len;
        this.nameLength = -1;
        return this;
    }

    /** The buffer this flyweight reads. */
    public MemorySegment segment() {
        return segment;
    }

    /** Offset of this record in {@link #segment()}. */
    public long offset() {
        return offset;
    }

    /** Offset of the record after this one (may equal the limit: then this was the last). */
    public long nextOffset() {
        return offset + HEADER_LENGTH + len;
    }

    /** Watch descriptor the event belongs to ({@code -1} for {@code IN_Q_OVERFLOW}). */
    public int wd() {
        return segment.get(INT, offset + WD);
    }

    /** Event bits ({@code Inotify.IN_*}). */
    public int mask() {
        return segment.get(INT, offset + MASK);
    }

    /** Ties an {@code IN_MOVED_FROM} to its {@code IN_MOVED_TO}; 0 for other events. */
    public int cookie() {
        return segment.get(INT, offset + COOKIE);
    }

    /** True if any of {@code bits} is set in {@link #mask()}. */
    public boolean has(int bits) {
        return (mask() & bits) != 0;
    }

    /** The subject is a directory ({@code IN_ISDIR}). */
    public boolean isDirectory() {
        return has(Inotify.IN_ISDIR);
    }

    /** The kernel queue overflowed ({@code IN_Q_OVERFLOW}). */
    public boolean isOverflow() {
        return has(Inotify.IN_Q_OVERFLOW);
    }

    /** The watch is gone ({@code IN_IGNORED}). */
    public boolean isIgnored() {
        return has(Inotify.IN_IGNORED);
    }

    /** The padded length of the name field ({@code len}: includes the NUL and padding). */
    public int nameFieldLength() {
        return len;
    }

    /** Offset of the first name byte in {@link #segment()}. */
    public long nameOffset() {
        return offset + HEADER_LENGTH;
    }

    /** Bytes of the name, up to the first NUL within {@code len}; 0 for events on the watched directory itself. */
    public int nameLength() {
        int n = nameLength;
        if (n < 0) {
            n = nameLength = scanNameLength();
        }
        return n;
    }

    private int scanNameLength() {
        long start = offset + HEADER_LENGTH;
        int i = 0;
        // Eight bytes at a time (SWAR zero-byte test: exact for the lowest zero byte, so little-endian
        // only), then the tail.
        for (; LITTLE_ENDIAN && i + Long.BYTES <= len; i += Long.BYTES) {
            long word = segment.get(LONG, start + i);
            long zero = (word - 0x0101010101010101L) & ~word & 0x8080808080808080L;
            if (zero != 0) {
                return i + (Long.numberOfTrailingZeros(zero) >>> 3);
            }
        }
        for (; i < len; i++) {
            if (segment.get(ValueLayout.JAVA_BYTE, start + i) == 0) {
                return i;
            }
        }
        return len;
    }

    /** True if the event names a file in the watched directory. */
    public boolean hasName() {
        return nameLength() > 0;
    }

    /** The name decoded as UTF-8 (allocates; "" when there is none). */
    public String name() {
        int n = nameLength();
        if (n == 0) {
            return "";
        }
        byte[] bytes = new byte[n];
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, nameOffset(), bytes, 0, n);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** True if the name is exactly {@code name}'s bytes. */
    public boolean nameEquals(byte[] name) {
        int n = nameLength();
        if (n != name.length) {
            return false;
        }
        long start = nameOffset();
        for (int i = 0; i < n; i++) {
            if (segment.get(ValueLayout.JAVA_BYTE, start + i) != name[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Copies the name bytes to the start of {@code dst} and returns their count.
     *
     * @throws IndexOutOfBoundsException if {@code dst} is shorter than {@link #nameLength()}
     */
    public int copyName(byte[] dst) {
        int n = nameLength();
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, nameOffset(), dst, 0, n);
        return n;
    }

    /** 32-bit FNV-1a hash of the name bytes; equals {@link #nameHash(byte[], int, int)} of the same bytes. */
    public int nameHash() {
        int n = nameLength();
        long start = nameOffset();
        int h = FNV_OFFSET;
        for (int i = 0; i < n; i++) {
            h = (h ^ (segment.get(ValueLayout.JAVA_BYTE, start + i) & 0xff)) * FNV_PRIME;
        }
        return h;
    }

    /** The hash {@link #nameHash()} gives a name of these bytes (for keys made outside the buffer). */
    public static int nameHash(byte[] name, int off, int length) {
        int h = FNV_OFFSET;
        for (int i = off; i < off + length; i++) {
            h = (h ^ (name[i] & 0xff)) * FNV_PRIME;
        }
        return h;
    }

    /**
     * For an {@code IN_MOVED_FROM}: the offset of the {@code IN_MOVED_TO} with the same cookie later in
     * this batch; for an {@code IN_MOVED_TO}: the offset of its {@code IN_MOVED_FROM} earlier in the
     * batch; -1 when the other half is not in this batch (moved in from or out to an unwatched place,
     * or split across reads) or this is no move. Wrap a second flyweight there to read it.
     */
    public long pairedMoveOffset() {
        int mask = mask();
        int cookie = cookie();
        if ((mask & Inotify.IN_MOVED_FROM) != 0) {
            return findMove(nextOffset(), limit, Inotify.IN_MOVED_TO, cookie);
        }
        if ((mask & Inotify.IN_MOVED_TO) != 0) {
            return findMove(batchStart, offset, Inotify.IN_MOVED_FROM, cookie);
        }
        return -1;
    }

    private long findMove(long from, long to, int bit, int cookie) {
        long at = from;
        while (to - at >= HEADER_LENGTH) {
            int recordLen = segment.get(INT, at + LEN);
            if (recordLen < 0 || recordLen > limit - at - HEADER_LENGTH) {
                return -1; // malformed: wrap() reports it when the batch gets there
            }
            if ((segment.get(INT, at + MASK) & bit) != 0 && segment.get(INT, at + COOKIE) == cookie) {
                return at;
            }
            at += HEADER_LENGTH + recordLen;
        }
        return -1;
    }

    /** For logs and tests (allocates). */
    @Override
    public String toString() {
        return "InotifyEvent[wd=" + wd() + ", mask=0x" + Integer.toHexString(mask()) + ", cookie=" + cookie()
                + ", name=" + name() + "]";
    }
}
