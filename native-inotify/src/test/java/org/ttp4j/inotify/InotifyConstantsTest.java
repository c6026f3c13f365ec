package org.ttp4j.inotify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;
import org.ttp4j.inotify.linux.LibInotify;
import org.ttp4j.inotify.linux.inotify_event;

/** The hand-written constants equal what jextract generated. */
class InotifyConstantsTest {
    @Test
    void everyInConstantEqualsTheGeneratedOne() throws Exception {
        int checked = 0;
        for (Field f : Inotify.class.getFields()) {
            if (f.getName().startsWith("IN_")) {
                int generated = (int) LibInotify.class.getMethod(f.getName()).invoke(null);
                assertEquals(generated, f.getInt(null), f.getName());
                checked++;
            }
        }
        assertEquals(27, checked);
    }

    @Test
    void eventLayoutEqualsTheGeneratedOne() {
        assertEquals(inotify_event.layout().byteSize(), InotifyEvent.HEADER_LENGTH);
        assertEquals(inotify_event.wd$offset(), InotifyEvent.WD);
        assertEquals(inotify_event.mask$offset(), InotifyEvent.MASK);
        assertEquals(inotify_event.cookie$offset(), InotifyEvent.COOKIE);
        assertEquals(inotify_event.len$offset(), InotifyEvent.LEN);
    }
}
