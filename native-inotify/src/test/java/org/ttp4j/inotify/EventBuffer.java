package org.ttp4j.inotify;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds inotify read buffers the way the kernel lays them out: header, name, NUL padding to 16. */
final class EventBuffer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    EventBuffer add(int wd, int mask, int cookie, byte[] name) {
        int len = name.length == 0 ? 0 : (name.length + 1 + 15) / 16 * 16;
        return addRaw(wd, mask, cookie, len, name);
    }

    /** A record whose len field is {@code len}, followed by {@code name} and NUL padding up to len. */
    EventBuffer addRaw(int wd, int mask, int cookie, int len, byte[] name) {
        ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        header.putInt(wd).putInt(mask).putInt(cookie).putInt(len);
        out.writeBytes(header.array());
        out.writeBytes(name);
        for (int i = name.length; i < len; i++) {
            out.write(0);
        }
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    MemorySegment segment() {
        return MemorySegment.ofArray(bytes());
    }
}
