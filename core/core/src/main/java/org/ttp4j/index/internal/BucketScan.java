package org.ttp4j.index.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * One automaton per field over the literals of every segment of a bucket, as they were when the bucket was
 * built in bulk: one pass per field gives the candidates of all those segments at once. A segment rebuilt
 * since (by a change) is not covered and keeps its own automaton, so a change still costs one segment; the
 * next bulk build covers it again.
 */
final class BucketScan {

    private final int groups;
    private final int[] fields;
    private final LiteralAutomaton[] automata;

    private BucketScan(int groups, int[] fields, LiteralAutomaton[] automata) {
        this.groups = groups;
        this.fields = fields;
        this.automata = automata;
    }

    /** Builds the scan over {@code segments} and numbers them (their merge ordinals). */
    static BucketScan build(String kind, Segment[] segments, FieldTable table) {
        List<Integer> fields = new ArrayList<>();
        List<LiteralAutomaton> automata = new ArrayList<>();
        for (int f = 0; f < table.size(); f++) {
            List<String> lits = new ArrayList<>();
            List<Long> bits = new ArrayList<>();
            List<Integer> groups = new ArrayList<>();
            List<org.ttp4j.rule.RequiredLiterals.Edges> edges = new ArrayList<>();
            for (int s = 0; s < segments.length; s++) {
                Segment seg = segments[s];
                for (int k = 0; k < seg.size(); k++) {
                    String[] l = seg.rule(k).literals();
                    if (seg.fieldOf(k) != f || l == null) {
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
                    edges.toArray(org.ttp4j.rule.RequiredLiterals.Edges[]::new)));
        }
        for (int s = 0; s < segments.length; s++) {
            segments[s].mergeOrdinal(s);
        }
        return new BucketScan(segments.length, fields.stream().mapToInt(Integer::intValue).toArray(),
                automata.toArray(LiteralAutomaton[]::new));
    }

    /** Number of masks {@link #scan} fills (the segments covered). */
    int groups() {
        return groups;
    }

    /** ORs into {@code masks[ordinal]} the literal bits found in each covered segment. */
    void scan(FoldedFields folded, long[] masks) {
        for (int k = 0; k < fields.length; k++) {
            int n = folded.length(fields[k]);
            if (n >= 0) {
                automata[k].scanGrouped(folded.chars(fields[k]), n, folded.original(fields[k]), masks);
            }
        }
    }
}
