package org.ttp4j.index.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.ttp4j.rule.CompiledRule;

/**
 * The rules that apply to one source kind, in rule-id order, split into {@link Segment}s of at most 64 rules
 * each carrying its prefilter, plus the table of payload fields those rules search. Immutable: a change
 * produces a new bucket that shares every untouched segment.
 */
public final class KindBucket {

    /** Segments built in bulk are filled to this size, leaving room for inserts before a split. */
    private static final int BULK_FILL = 32;

    private final String kind;
    private final FieldTable fields;
    private final Segment[] segments;
    private final int size;
    private final BucketScan scan; // null for a single segment
    private final int[] position;  // scan ordinal -> position of that segment here, -1 once rebuilt
    private final int[] uncovered; // positions of the segments the scan does not cover

    private KindBucket(String kind, FieldTable fields, Segment[] segments, int size, BucketScan scan) {
        this.kind = kind;
        this.fields = fields;
        this.segments = segments;
        this.size = size;
        this.scan = scan;
        this.position = new int[scan == null ? 0 : scan.groups()];
        java.util.Arrays.fill(position, -1);
        int[] open = new int[segments.length];
        int n = 0;
        for (int s = 0; s < segments.length; s++) {
            int ordinal = segments[s].mergeOrdinal();
            if (ordinal >= 0 && ordinal < position.length) {
                position[ordinal] = s;
            } else {
                open[n++] = s;
            }
        }
        this.uncovered = Arrays.copyOf(open, n);
    }

    /** {@code like} with other segments at the same positions, each with the same merge ordinal (shared maps). */
    private KindBucket(KindBucket like, FieldTable fields, Segment[] segments) {
        this.kind = like.kind;
        this.fields = fields;
        this.segments = segments;
        this.size = like.size;
        this.scan = like.scan;
        this.position = like.position;
        this.uncovered = like.uncovered;
    }

    /** A bucket over {@code rules}, sorted by rule id, all applying to {@code kind}. */
    public static KindBucket build(String kind, List<IndexedRule> sorted) {
        FieldTable fields = FieldTable.EMPTY;
        for (IndexedRule r : sorted) {
            fields = fields.with(r.fieldFor(kind));
        }
        int n = (sorted.size() + BULK_FILL - 1) / BULK_FILL;
        Segment[] segments = new Segment[n];
        for (int s = 0; s < n; s++) {
            List<IndexedRule> part = sorted.subList(s * BULK_FILL, Math.min(sorted.size(), (s + 1) * BULK_FILL));
            segments[s] = Segment.build(kind, part.toArray(IndexedRule[]::new), fields);
        }
        BucketScan scan = segments.length > 1 ? BucketScan.build(kind, segments, fields) : null;
        return new KindBucket(kind, fields, segments, sorted.size(), scan);
    }

    /** This bucket with {@code rule} added, or replacing the rule with its id. */
    public KindBucket with(IndexedRule rule, boolean stateOnly) {
        FieldTable f = fields.with(rule.fieldFor(kind));
        if (segments.length == 0) {
            return new KindBucket(kind, f, new Segment[] {Segment.build(kind, new IndexedRule[] {rule}, f)}, 1, null);
        }
        int s = segmentFor(rule.ruleId());
        Segment seg = segments[s];
        int at = seg.indexOf(rule.ruleId());
        Segment[] copy;
        int newSize = size;
        if (at >= 0) {
            copy = segments.clone();
            IndexedRule was = seg.rule(at);
            if (stateOnly || (was.literals() == rule.literals()
                    && java.util.Objects.equals(was.fieldFor(kind), rule.fieldFor(kind)))) {
                // same prefilter input (a state change, or a new version with the same pattern): share it
                copy[s] = seg.restamped(at, rule);
                return new KindBucket(this, f, copy);
            } else {
                IndexedRule[] rules = seg.rules().clone();
                rules[at] = rule;
                copy[s] = Segment.build(kind, rules, f);
            }
        } else {
            int ins = -at - 1;
            IndexedRule[] rules = new IndexedRule[seg.size() + 1];
            System.arraycopy(seg.rules(), 0, rules, 0, ins);
            rules[ins] = rule;
            System.arraycopy(seg.rules(), ins, rules, ins + 1, seg.size() - ins);
            newSize++;
            if (rules.length <= Segment.CAPACITY) {
                copy = segments.clone();
                copy[s] = Segment.build(kind, rules, f);
            } else {
                int half = rules.length / 2;
                copy = new Segment[segments.length + 1];
                System.arraycopy(segments, 0, copy, 0, s);
                copy[s] = Segment.build(kind, Arrays.copyOfRange(rules, 0, half), f);
                copy[s + 1] = Segment.build(kind, Arrays.copyOfRange(rules, half, rules.length), f);
                System.arraycopy(segments, s + 1, copy, s + 2, segments.length - s - 1);
            }
        }
        return new KindBucket(kind, f, copy, newSize, scan);
    }

    /** This bucket without the rule {@code ruleId}; null when that leaves it empty. */
    public KindBucket without(String ruleId) {
        if (segments.length == 0) {
            return this;
        }
        int s = segmentFor(ruleId);
        Segment seg = segments[s];
        int at = seg.indexOf(ruleId);
        if (at < 0) {
            return this;
        }
        if (size == 1) {
            return null;
        }
        Segment[] copy;
        if (seg.size() == 1) {
            copy = new Segment[segments.length - 1];
            System.arraycopy(segments, 0, copy, 0, s);
            System.arraycopy(segments, s + 1, copy, s, segments.length - s - 1);
        } else {
            IndexedRule[] rules = new IndexedRule[seg.size() - 1];
            System.arraycopy(seg.rules(), 0, rules, 0, at);
            System.arraycopy(seg.rules(), at + 1, rules, at, rules.length - at);
            copy = segments.clone();
            copy[s] = Segment.build(kind, rules, fields);
        }
        return new KindBucket(kind, fields, copy, size - 1, scan);
    }

    /** The segment whose id range holds {@code ruleId}: the last one starting at or before it (else the first). */
    private int segmentFor(String ruleId) {
        int lo = 0;
        int hi = segments.length - 1;
        int found = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (segments[mid].firstId().compareTo(ruleId) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /**
     * The candidate rules of every segment for one event's folded fields: ORs into {@code masks[s]} the bits of
     * segment s (same contract as {@link Segment#candidates(String[], int)}) and sets bit s of {@code touched}
     * for each segment with a candidate; the others are left alone, so the cost does not grow with the number of
     * segments. Segments covered by the bucket-wide scan take their bits from one pass per field; the others scan
     * their own automaton. {@code presence} caches the values' characters (docs/engine.md §3).
     *
     * @param masks   at least {@link #segmentCount()} longs, all 0 on entry
     * @param touched at least {@code (segmentCount() + 63) / 64} longs, all 0 on entry
     */
    public void candidates(FoldedFields folded, CharPresence presence, long[] masks, long[] touched) {
        if (scan != null) {
            scan.scan(folded, presence, position, masks, touched);
        }
        for (int s : uncovered) {
            long bits = segments[s].candidates(folded);
            if (bits != 0) {
                masks[s] |= bits;
                touched[s >>> 6] |= 1L << s;
            }
        }
    }

    public String kind() {
        return kind;
    }

    /** Number of rules. */
    public int size() {
        return size;
    }

    public int segmentCount() {
        return segments.length;
    }

    public Segment segment(int s) {
        return segments[s];
    }

    /** Number of payload fields the rules of this kind search ({@link Segment#fieldOf} indexes these). */
    public int fieldCount() {
        return fields.size();
    }

    public String field(int f) {
        return fields.name(f);
    }

    /** The rules, in rule-id order. */
    public List<CompiledRule> rules() {
        List<CompiledRule> out = new ArrayList<>(size);
        for (Segment seg : segments) {
            for (int k = 0; k < seg.size(); k++) {
                out.add(seg.rule(k).rule());
            }
        }
        return Collections.unmodifiableList(out);
    }
}
