package org.ttp4j.inotify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.ttp4j.inotify.linux.LibInotify;
import org.ttp4j.inotify.linux.inotify_event;

/** The hand-written constants, layouts and function descriptors equal what jextract generated. */
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

    @Test
    void everyLinkedCallHasTheGeneratedDescriptorAndAddress() throws Exception {
        Set<String> generated = Arrays.stream(LibInotify.class.getMethods()).map(Method::getName)
                .filter(n -> n.endsWith("$descriptor")).map(n -> n.substring(0, n.length() - "$descriptor".length()))
                .collect(Collectors.toSet());
        assertEquals(generated, Set.copyOf(Syscalls.NAMES), "every generated function is linked, and only those");
        for (int i = 0; i < Syscalls.NAMES.size(); i++) {
            String name = Syscalls.NAMES.get(i);
            FunctionDescriptor descriptor = (FunctionDescriptor) LibInotify.class.getMethod(name + "$descriptor").invoke(null);
            assertEquals(descriptor, Syscalls.DESCRIPTORS.get(i), name);
            MemorySegment address = (MemorySegment) LibInotify.class.getMethod(name + "$address").invoke(null);
            assertEquals(address.address(), Syscalls.symbol(name).address(), name);
        }
    }
}
