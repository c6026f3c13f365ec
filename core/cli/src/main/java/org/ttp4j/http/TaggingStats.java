package org.ttp4j.http;

import io.prometheus.metrics.core.metrics.Histogram;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ttp4j.engine.Tag;

/**
 * What the tagging loop counts for {@code /metrics} and the catalogue (docs/http.md §4): events read, bad
 * events, fires and tags per rule (and per technique), and the evaluation latency of one event in
 * {@value #SAMPLE_EVERY} (two clock reads per event would cost the quiet path more than the engine does).
 *
 * <p>One thread counts (the tagging loop: {@link #event}, {@link #timed}, {@link #bad}, {@link #tagged}); any
 * thread reads. So a count is a plain field stored with release semantics, not an atomic read-modify-write: an
 * event that matches nothing costs one load, one add, one store and one mask test, and a fire reads no clock (a
 * tag carries its {@code created_at}). Nothing here allocates after a rule's first fire of a technique.
 */
public final class TaggingStats {
    /** One event in this many is timed. */
    public static final int SAMPLE_EVERY = 32;

    private static final VarHandle COUNT;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(Count.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A count that one thread adds to and any thread reads. */
    static final class Count {
        @SuppressWarnings("unused") // through COUNT
        private long value;

        long increment() {
            long v = (long) COUNT.getOpaque(this) + 1;
            COUNT.setRelease(this, v);
            return v;
        }

        long get() {
            return (long) COUNT.getAcquire(this);
        }
    }

    private final Count events = new Count();
    private final Count bad = new Count();
    private final Map<String, RuleFires> fires = new ConcurrentHashMap<>();
    private final Histogram latency;

    public TaggingStats(Histogram latency) {
        this.latency = latency;
    }

    /** Fires and tags of one rule since start. */
    public static final class RuleFires {
        final Count fires = new Count();
        // the techniques this rule tagged and their counts, in first-seen order; replaced whole (rarely) when a
        // technique is new, so that a reader always sees two arrays of one length
        private volatile Techniques techniques = new Techniques(new String[0], new Count[0]);
        volatile long lastFiredMillis;

        private record Techniques(String[] ids, Count[] counts) {
            int indexOf(String techniqueId) {
                for (int i = 0; i < ids.length; i++) {
                    if (ids[i].equals(techniqueId)) {
                        return i;
                    }
                }
                return -1;
            }
        }

        public long fires() {
            return fires.get();
        }

        /** Tags emitted with {@code techniqueId} (the parent technique). */
        public long tags(String techniqueId) {
            Techniques t = techniques;
            int i = t.indexOf(techniqueId);
            return i < 0 ? 0 : t.counts[i].get();
        }

        /** Epoch milliseconds of the last fire, 0 for never. */
        public long lastFiredMillis() {
            return lastFiredMillis;
        }

        private Count technique(String techniqueId) {
            Techniques t = techniques;
            int i = t.indexOf(techniqueId);
            if (i >= 0) {
                return t.counts[i];
            }
            int n = t.ids.length;
            String[] ids = Arrays.copyOf(t.ids, n + 1);
            Count[] counts = Arrays.copyOf(t.counts, n + 1);
            ids[n] = techniqueId;
            counts[n] = new Count();
            techniques = new Techniques(ids, counts);
            return counts[n];
        }
    }

    /** Counts one event; true when this one is to be timed. */
    public boolean event() {
        return (events.increment() & (SAMPLE_EVERY - 1)) == 0;
    }

    public void timed(long nanos) {
        latency.observe(nanos / 1e9);
    }

    public void bad() {
        bad.increment();
    }

    /** Counts the tags of one event (rule by rule, as the engine orders them). */
    public void tagged(List<Tag> tags) {
        String rule = null;
        RuleFires f = null;
        for (int i = 0; i < tags.size(); i++) {
            Tag t = tags.get(i);
            if (!t.ruleId().equals(rule)) {
                rule = t.ruleId();
                f = fires.get(rule);
                if (f == null) {
                    f = fires.computeIfAbsent(rule, id -> new RuleFires());
                }
                f.fires.increment();
                Instant at = t.createdAt();
                long millis = at != null ? at.toEpochMilli() : System.currentTimeMillis();
                if (millis != f.lastFiredMillis) {
                    f.lastFiredMillis = millis; // a fence per rule and millisecond, not per fire
                }
            }
            f.technique(t.techniqueId()).increment();
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
