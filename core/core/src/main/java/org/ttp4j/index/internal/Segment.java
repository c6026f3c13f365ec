package org.ttp4j.index.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Up to 64 rules of one source kind, a contiguous range in rule-id order, with the prefilter for each payload
 * field they search. A change to one rule rebuilds only its segment, which bounds the cost of a change no
 * matter how large the kind's bucket grows; evaluation runs one automaton pass per segment and field.
 */
public final class Segment {

    /** Rules per segment: one bit each in a {@code long} candidate mask. */
    public static final int CAPACITY = 64;

    private final IndexedRule[] rules;
    private final int[] fieldOf;
    private final FieldScan[] scans;
    /**
     * This segment's group in its bucket's {@link BucketScan}, or -1 when it was built after that scan (its
     * literals are not in it). Set once, before the bucket holding it is published.
     */
    private int mergeOrdinal = -1;

    /** The prefilter of one payload field within a segment. */
    private record FieldScan(int field, LiteralAutomaton automaton, long always) {}

    private Segment(IndexedRule[] rules, int[] fieldOf, FieldScan[] scans) {
        this.rules = rules;
        this.fieldOf = fieldOf;
        this.scans = scans;
    }

    /** Builds a segment over {@code rules} (sorted by id, at most {@link #CAPACITY}) of kind {@code kind}. */
    static Segment build(String kind, IndexedRule[] rules, FieldTable fields) {
        int[] fieldOf = new int[rules.length];
        List<Integer> used = new ArrayList<>(2);
        for (int k = 0; k < rules.length; k++) {
            String f = rules[k].fieldFor(kind);
            fieldOf[k] = f == null ? -1 : fields.indexOf(f);
            if (fieldOf[k] >= 0 && !used.contains(fieldOf[k])) {
                used.add(fieldOf[k]);
            }
        }
        FieldScan[] scans = new FieldScan[used.size()];
        for (int u = 0; u < scans.length; u++) {
            int field = used.get(u);
            long always = 0;
            List<String> lits = new ArrayList<>();
            List<Long> bits = new ArrayList<>();
            List<org.ttp4j.rule.RequiredLiterals.Edges> edges = new ArrayList<>();
            for (int k = 0; k < rules.length; k++) {
                if (fieldOf[k] != field) {
                    continue;
                }
                String[] l = rules[k].literals();
                if (l == null) {
                    always |= 1L << k;
                } else {
                    for (int j = 0; j < l.length; j++) {
                        lits.add(l[j]);
                        bits.add(1L << k);
                        edges.add(rules[k].edges()[j]);
                    }
                }
            }
            LiteralAutomaton automaton = null;
            if (!lits.isEmpty()) {
                long[] b = new long[bits.size()];
                for (int k = 0; k < b.length; k++) {
                    b[k] = bits.get(k);
                }
                automaton = new LiteralAutomaton(lits.toArray(String[]::new), b,
                        edges.toArray(org.ttp4j.rule.RequiredLiterals.Edges[]::new));
            }
            scans[u] = new FieldScan(field, automaton, always);
        }
        return new Segment(rules, fieldOf, scans);
    }

    /** This segment with rule {@code k} restamped (same definition, other state): prefilter shared. */
    Segment restamped(int k, IndexedRule rule) {
        IndexedRule[] copy = rules.clone();
        copy[k] = rule;
        Segment restamped = new Segment(copy, fieldOf, scans);
        restamped.mergeOrdinal = mergeOrdinal; // same literals at the same positions
        return restamped;
    }

    int mergeOrdinal() {
        return mergeOrdinal;
    }

    void mergeOrdinal(int ordinal) {
        mergeOrdinal = ordinal;
    }

    /**
     * The rules (as bits, bit k = {@link #rule(int) rule k}) that may match, given the kind's field values
     * ({@code values[f]} is the string value of field f, or null when absent or not a string), each searched
     * up to {@code limit} characters. A rule whose bit is clear cannot match.
     */
    public long candidates(String[] values, int limit) {
        long hits = 0;
        for (FieldScan scan : scans) {
            String v = values[scan.field];
            if (v == null) {
                continue;
            }
            hits |= scan.always;
            if (scan.automaton != null) {
                hits |= scan.automaton.scan(v, Math.min(limit, v.length()));
            }
        }
        return hits;
    }

    /** {@link #candidates(String[], int)} over field values folded once per event (for many segments). */
    public long candidates(FoldedFields folded) {
        long hits = 0;
        for (FieldScan scan : scans) {
            int n = folded.length(scan.field);
            if (n < 0) {
                continue;
            }
            hits |= scan.always;
            if (scan.automaton != null) {
                hits |= scan.automaton.scanFolded(folded.chars(scan.field), n, folded.original(scan.field));
            }
        }
        return hits;
    }

    /** Bits of every rule that searches a field present in {@code values} (the prefilter switched off). */
    public long searchable(String[] values) {
        long bits = 0;
        for (int k = 0; k < rules.length; k++) {
            if (fieldOf[k] >= 0 && values[fieldOf[k]] != null) {
                bits |= 1L << k;
            }
        }
        return bits;
    }

    public int size() {
        return rules.length;
    }

    public IndexedRule rule(int k) {
        return rules[k];
    }

    /** The field-table index rule {@code k} searches, or -1 when the engine never runs it for this kind. */
    public int fieldOf(int k) {
        return fieldOf[k];
    }

    String firstId() {
        return rules[0].ruleId();
    }

    IndexedRule[] rules() {
        return rules;
    }

    int indexOf(String ruleId) {
        int lo = 0;
        int hi = rules.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = rules[mid].ruleId().compareTo(ruleId);
            if (c == 0) {
                return mid;
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -(lo + 1);
    }
}
