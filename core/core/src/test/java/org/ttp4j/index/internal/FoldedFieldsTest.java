package org.ttp4j.index.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class FoldedFieldsTest {

    @Test
    void aHugeValuesBufferIsLetGoAfterItsEventAndASmallOneIsKept() {
        FoldedFields f = new FoldedFields();
        f.reset(2);
        f.set(0, "Cat /ETC/Shadow", Integer.MAX_VALUE);
        f.set(1, "A".repeat(FoldedFields.KEPT + 1), Integer.MAX_VALUE);
        assertEquals("cat /etc/shadow", new String(f.chars(0), 0, f.length(0)));
        assertEquals(FoldedFields.KEPT + 1, f.length(1));
        assertEquals('a', f.chars(1)[FoldedFields.KEPT]);
        char[] small = f.chars(0);
        f.clear();
        assertSame(small, f.chars(0));
        assertNull(f.chars(1));
        assertNull(f.original(0));
        f.reset(2);
        f.set(1, "Wget", Integer.MAX_VALUE); // the next event folds into a new, small buffer
        assertEquals("wget", new String(f.chars(1), 0, f.length(1)));
        assertEquals(64, f.chars(1).length);
    }
}
