package org.ttp4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.prometheus.metrics.core.metrics.Histogram;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.ttp4j.engine.Tag;

/** The tagging loop's counts (docs/http.md §4), counted on one thread and read on another. */
class TaggingStatsTest {

    private static Tag tag(String rule, String technique, Instant at) {
        return new Tag(null, "command", "c1", "a1", null, null, null, "TA0007", technique, null, 0.5, rule, 1,
                Map.of(), "v15.1", "https://attack.mitre.org/techniques/" + technique, at);
    }

    @Test
    void countsEventsFiresAndTagsByTechniqueAndTimesOneEventIn32() throws Exception {
        Histogram latency = Histogram.builder().name("t").classicOnly().build();
        TaggingStats stats = new TaggingStats(latency);
        Instant first = Instant.parse("2026-12-02T10:00:00.123456Z");
        Instant later = Instant.parse("2026-12-02T10:00:05.999Z");
        AtomicLong timed = new AtomicLong();
        Thread loop = Thread.ofPlatform().start(() -> {
            for (int i = 1; i <= 100; i++) {
                if (stats.event()) {
                    timed.incrementAndGet();
                }
            }
            // one event: two tags of R1 (two techniques), then one of R2; then R1 again on a later event
            stats.tagged(List.of(tag("R1", "T1033", first), tag("R1", "T1082", first), tag("R2", "T1033", first)));
            stats.tagged(List.of(tag("R1", "T1033", later)));
            stats.bad();
        });
        loop.join();
        assertEquals(100, stats.events());
        assertEquals(3, timed.get(), "events 32, 64 and 96 are timed");
        assertEquals(1, stats.badEvents());
        TaggingStats.RuleFires r1 = stats.of("R1");
        assertEquals(2, r1.fires(), "two events, not three tags");
        assertEquals(2, r1.tags("T1033"));
        assertEquals(1, r1.tags("T1082"));
        assertEquals(0, r1.tags("T1003"));
        assertEquals(later.toEpochMilli(), r1.lastFiredMillis(), "the latest tag's created_at");
        assertEquals(1, stats.of("R2").fires());
        assertEquals(first.toEpochMilli(), stats.of("R2").lastFiredMillis());
        assertNull(stats.of("R3"));
    }
}
