package org.ttp4j.index.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ttp4j.rule.RequiredLiterals;

/**
 * One automaton per field over the literals of every segment of a bucket, as they were when the bucket was
 * built in bulk: one pass per field gives the candidates of all those segments at once. A segment rebuilt
 * since (by a change) is not covered and keeps its own automaton, so a change still costs one segment; the
 * next bulk build covers it again.
 *
 * <p>The output is sparse, so that the cost of an event does not grow with the number of segments: a hit ORs its
 * bits into its segment's mask and marks the segment in a bit set; the rules without literals are kept in groups
 * of equal required char sets, each group checked once per event (docs/engine.md §3).
 */
final class BucketScan {

    /** Rules without literals on one field sharing their required char sets: their ordinals and bits. */
    private record Always(int field, RequiredLiterals.Chars[] chars, int[] ordinals, long[] bits) {}

    private final int groups;
    private final int[] fields;
    private final LiteralAutomaton[] automata;
    private final Always[] always;

    private BucketScan(int groups, int[] fields, LiteralAutomaton[] automata, Always[] always) {
        this.groups = groups;
        this.fields = fields;
        this.automata = automata;
        this.always = always;
    }

    /** Builds the scan over {@code segments} and numbers them (their merge ordinals). */
    static BucketScan build(String kind, Segment[] segments, FieldTable table) {
        List<Integer> fields = new ArrayList<>();
        List<LiteralAutomaton> automata = new ArrayList<>();
        List<Always> always = new ArrayList<>();
        for (int f = 0; f < table.size(); f++) {
            List<String> lits = new ArrayList<>();
            List<Long> bits = new ArrayList<>();
            List<Integer> groups = new ArrayList<>();
            List<RequiredLiterals.Edges> edges = new ArrayList<>();
            Map<List<RequiredLiterals.Chars>, List<long[]>> withoutLiterals = new LinkedHashMap<>();
            for (int s = 0; s < segments.length; s++) {
                Segment seg = segments[s];
                for (int k = 0; k < seg.size(); k++) {
                    if (seg.fieldOf(k) != f) {
                        continue;
                    }
                    String[] l = seg.rule(k).literals();
                    if (l == null) {
                        withoutLiterals.computeIfAbsent(List.of(seg.rule(k).chars()), c -> new ArrayList<>())
                                .add(new long[] {s, 1L << k});
                        continue;
                    }
                    for (int j = 0; j < l.length; j++) {
                        lits.add(l[j]);
                        bits.add(1L << k);
                        groups.add(s);
                        edges.add(seg.rule(k).edges()[j]);
                    }
                }
            }
            for (Map.Entry<List<RequiredLiterals.Chars>, List<long[]>> e : withoutLiterals.entrySet()) {
                int[] ordinals = e.getValue().stream().mapToInt(x -> (int) x[0]).toArray();
                long[] b = e.getValue().stream().mapToLong(x -> x[1]).toArray();
                always.add(new Always(f, e.getKey().toArray(RequiredLiterals.Chars[]::new), ordinals, b));
            }
            if (lits.isEmpty()) {
                continue;
            }
            long[] b = new long[bits.size()];
            int[] g = new int[groups.size()];
            for (int k = 0; k < b.length; k++) {
                b[k] = bits.get(k);
                g[k] = groups.get(k);
            }
            fields.add(f);
            automata.add(new LiteralAutomaton(lits.toArray(String[]::new), b, g,
                    edges.toArray(RequiredLiterals.Edges[]::new)));
        }
        for (int s = 0; s < segments.length; s++) {
            segments[s].mergeOrdinal(s);
        }
        return new BucketScan(segments.length, fields.stream().mapToInt(Integer::intValue).toArray(),
                automata.toArray(LiteralAutomaton[]::new), always.toArray(Always[]::new));
    }

    /** Number of segments covered (their ordinals are 0 to groups - 1). */
    int groups() {
        return groups;
    }

    /**
     * ORs into {@code masks[position[ordinal]]} the bits of each covered segment's candidates, and sets that
     * position's bit in {@code touched}. An ordinal whose position is -1 (its segment was rebuilt) is skipped.
     */
    void scan(FoldedFields folded, CharPresence presence, int[] position, long[] masks, long[] touched) {
        for (int k = 0; k < fields.length; k++) {
            int n = folded.length(fields[k]);
            if (n >= 0) {
                automata[k].scanGrouped(folded.chars(fields[k]), n, folded.original(fields[k]), position, masks,
                        touched);
            }
        }
        for (Always a : always) {
            int n = folded.length(a.field);
            if (n < 0 || !meets(a.chars, folded.original(a.field), n, presence)) {
                continue;
            }
            for (int k = 0; k < a.ordinals.length; k++) {
                int p = position[a.ordinals[k]];
                if (p >= 0) {
                    masks[p] |= a.bits[k];
                    touched[p >>> 6] |= 1L << p;
                }
            }
        }
    }

    private static boolean meets(RequiredLiterals.Chars[] chars, String value, int length, CharPresence presence) {
        for (RequiredLiterals.Chars c : chars) {
            if (!presence.meets(c, value, length)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "BucketScan[" + groups + " segments, " + automata.length + " automata, " + Arrays.toString(fields)
                + ", " + always.length + " groups without literals]";
    }
}
