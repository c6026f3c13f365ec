package org.ttp4j.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void shortFormsAndIso8601() {
        assertEquals(Duration.ofSeconds(90), Durations.parse("90s"));
        assertEquals(Duration.ofMinutes(30), Durations.parse("30m"));
        assertEquals(Duration.ofHours(2), Durations.parse(" 2h "));
        assertEquals(Duration.ofDays(7), Durations.parse("7d"));
        assertEquals(Duration.ofHours(36), Durations.parse("pt36h"));
        assertEquals(Duration.ofMinutes(-5), Durations.parse("PT-5M")); // the sign is the caller's to judge
    }

    @Test
    void anythingElseIsOneLineNamingTheText() {
        for (String bad : new String[] {"", "7 days", "7w", "h", "99999999999999999999d", "1.5h"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
            assertEquals("'" + bad + "' is not a duration (e.g. 90s, 30m, 2h, 7d, PT2H)", e.getMessage());
        }
    }
}
