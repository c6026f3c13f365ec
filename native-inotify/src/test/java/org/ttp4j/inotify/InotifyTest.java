package org.ttp4j.inotify;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InotifyTest {
    @Test
    void availableOnLinuxWithNativeAccess() {
        assertNull(Inotify.unavailabilityCause());
        assertTrue(Inotify.isAvailable());
        assertDoesNotThrow(Inotify::ensureAvailability);
    }
}
