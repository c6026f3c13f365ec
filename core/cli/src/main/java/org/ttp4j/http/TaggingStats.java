package org.ttp4j.http;

import io.prometheus.metrics.core.metrics.Histogram;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.ttp4j.engine.Tag;

/**
 * What the tagging loop counts for {@code /metrics} and the catalogue (docs/http.md §4): events read, bad
 * events, fires and tags per rule (and per technique), and the evaluation latency of one event in
 * {@value #SAMPLE_EVERY} (two clock reads per event would cost the quiet path more than the engine does). An
 * event that matches nothing costs one increment and one mask test; nothing here allocates after a rule's
 * first fire.
 */
public final class TaggingStats {
    /** One event in this many is timed. */
    public static final int SAMPLE_EVERY = 32;

    private final AtomicLong events = new AtomicLong();
    private final AtomicLong bad = new AtomicLong();
    private final Map<String, RuleFires> fires = new ConcurrentHashMap<>();
    private final Histogram latency;

    public TaggingStats(Histogram latency) {
        this.latency = latency;
    }

    /** Fires and tags of one rule since start. */
    public static final class RuleFires {
        final LongAdder fires = new LongAdder();
        final Map<String, LongAdder> tagsByTechnique = new ConcurrentHashMap<>();
        volatile long lastFiredMillis;

        public long fires() {
            return fires.sum();
        }

        /** Tags emitted with {@code techniqueId} (the parent technique). */
        public long tags(String techniqueId) {
            LongAdder a = tagsByTechnique.get(techniqueId);
            return a == null ? 0 : a.sum();
        }

        /** Epoch milliseconds of the last fire, 0 for never. */
        public long lastFiredMillis() {
            return lastFiredMillis;
        }
    }

    /** Counts one event; true when this one is to be timed. */
    public boolean event() {
        return (events.incrementAndGet() & (SAMPLE_EVERY - 1)) == 0;
    }

    public void timed(long nanos) {
        latency.observe(nanos / 1e9);
    }

    public void bad() {
        bad.incrementAndGet();
    }

    /** Counts the tags of one event (rule by rule, as the engine orders them). */
    public void tagged(List<Tag> tags) {
        String rule = null;
        RuleFires f = null;
        long now = 0;
        for (int i = 0; i < tags.size(); i++) {
            Tag t = tags.get(i);
            if (!t.ruleId().equals(rule)) {
                rule = t.ruleId();
                f = fires.computeIfAbsent(rule, id -> new RuleFires());
                f.fires.increment();
                f.lastFiredMillis = now == 0 ? (now = System.currentTimeMillis()) : now;
            }
            f.tagsByTechnique.computeIfAbsent(t.techniqueId(), id -> new LongAdder()).increment();
        }
    }

    public long events() {
        return events.get();
    }

    public long badEvents() {
        return bad.get();
    }

    /** The counts of {@code ruleId}, or null before its first fire. */
    public RuleFires of(String ruleId) {
        return fires.get(ruleId);
    }
}
