package org.ttp4j.index.internal;

import java.util.Arrays;
import org.ttp4j.rule.RequiredLiterals;

/**
 * An Aho-Corasick automaton over case-folded literals, each labelled with one bit (a rule's position in its
 * segment, at most 64 of them). {@link #scan} folds the text on the fly and returns the OR of the bits whose
 * literals occur in it: one pass, no allocation.
 *
 * <p>Layout: states are numbered breadth-first with the root at 0. The root's ASCII transitions are a dense
 * table (most characters of a typical text are read at the root); other transitions sit in sorted
 * per-state ranges of two parallel arrays. {@code out[s]} is already the OR over the state and its whole
 * failure chain, so reporting is one OR per character.
 *
 * <p>A small automaton (at most {@link #MAX_TABLE} transitions in all) also gets a full transition table over
 * the classes of chars its literals use (every other char leads to the root): one array read per char, no
 * failure chain to walk at scan time.
 *
 * <p>A literal may carry {@link RequiredLiterals.Edges} (a word boundary before it, a char class after it, ...):
 * then an occurrence sets its bit only where the edges hold in the unfolded text (docs/engine.md §3). Such
 * literals stay out of {@code out[]}; each state links to the nearest state on its failure chain that ends one.
 */
final class LiteralAutomaton {

    private final int[] rootAscii;      // 128 entries; 0 = stay at the root
    private final char[] rootOtherChar;  // sorted non-ASCII root transitions
    private final int[] rootOtherTarget;
    private final int[] edgeStart;       // per state: its transitions are [edgeStart[s], edgeStart[s + 1])
    private final char[] edgeChar;
    private final int[] edgeTarget;
    private final int[] fail;
    private final long[] out;
    private final long all;
    /** Table entries (states x char classes) up to which the automaton gets a full transition table. */
    static final int MAX_TABLE = 1 << 18;
    // the full table, or null: rows[row + class(c)] is the next state's row (its number times classes), negative
    // when that state reports (an output, a literal with edges, a group's literal): one array read per char and no
    // output read at a silent state. ASCII classes in asciiClass (of the folded char: foldedClass), others by
    // binary search
    private final int[] rows;
    private final byte[] foldedClass;
    private final int classes;
    private final byte[] asciiClass;
    private final char[] otherChars;
    private final int[] otherClass;
    // grouped mode: each state's own outputs [ownStart[s], ownStart[s + 1]) and the next state with outputs on
    // its failure chain
    private final int[] ownStart;
    private final int[] ownGroup;
    private final long[] ownBits;
    private final int[] dict;
    // literals with edges: per state its own [edgedStart[s], edgedStart[s + 1]), and the nearest state (itself or
    // on its failure chain) with such literals, 0 for none; null when no literal has edges
    private final int[] edgedStart;
    private final int[] edgedFirst;
    private final long[] edgedBits;
    private final int[] edgedLength;
    private final RequiredLiterals.Edges[] edgedEdges;
    // grouped mode: each own output's edges (null: none) and length
    private final RequiredLiterals.Edges[] ownEdges;
    private final int[] ownLength;

    /**
     * @param literals case-folded, non-empty literals
     * @param bits     the bit each literal sets (parallel to {@code literals})
     */
    LiteralAutomaton(String[] literals, long[] bits) {
        this(literals, bits, null, null);
    }

    /** @param edges parallel to {@code literals}, each null or {@link RequiredLiterals.Edges#NONE} when none */
    LiteralAutomaton(String[] literals, long[] bits, RequiredLiterals.Edges[] edges) {
        this(literals, bits, null, edges);
    }

    /**
     * @param groups when not null, the group (a segment's ordinal) of each literal: the automaton then reports
     *               through {@link #scanGrouped} into one mask per group instead of one {@code long}
     */
    LiteralAutomaton(String[] literals, long[] bits, int[] groups, RequiredLiterals.Edges[] edges) {
        this(literals, bits, groups, edges, true);
    }

    /** @param table false: no full transition table whatever the size (for tests of the other path) */
    LiteralAutomaton(String[] literals, long[] bits, int[] groups, RequiredLiterals.Edges[] edges, boolean table) {
        if (edges != null) {
            edges = edges.clone();
            boolean any = false;
            for (int k = 0; k < edges.length; k++) {
                edges[k] = edges[k] == null || edges[k].none() ? null : edges[k];
                any |= edges[k] != null;
            }
            edges = any ? edges : null;
        }
        int capacity = 1;
        for (String l : literals) {
            capacity += l.length();
        }
        // 1. the trie, children as sibling lists
        int[] firstChild = new int[capacity];
        int[] nextSibling = new int[capacity];
        char[] label = new char[capacity];
        long[] marks = new long[capacity];
        Arrays.fill(firstChild, -1);
        Arrays.fill(nextSibling, -1);
        int states = 1;
        long allBits = 0;
        int[] endNode = new int[literals.length];
        for (int k = 0; k < literals.length; k++) {
            String lit = literals[k];
            int s = 0;
            for (int j = 0; j < lit.length(); j++) {
                char c = lit.charAt(j);
                int child = firstChild[s];
                while (child >= 0 && label[child] != c) {
                    child = nextSibling[child];
                }
                if (child < 0) {
                    child = states++;
                    label[child] = c;
                    nextSibling[child] = firstChild[s];
                    firstChild[s] = child;
                }
                s = child;
            }
            if (edges == null || edges[k] == null) {
                marks[s] |= bits[k];
            }
            allBits |= bits[k];
            endNode[k] = s;
        }
        this.all = allBits;

        // 2. breadth-first renumbering, with each state's children sorted by label
        int[] order = new int[states];   // new number -> trie node
        int[] number = new int[states];  // trie node -> new number
        int[] parentOf = new int[states];
        int head = 0;
        int tail = 1;
        order[0] = 0;
        int[] scratch = new int[Math.max(1, states)];
        while (head < tail) {
            int node = order[head++];
            int n = 0;
            for (int c = firstChild[node]; c >= 0; c = nextSibling[c]) {
                scratch[n++] = c;
            }
            sortByLabel(scratch, n, label);
            for (int k = 0; k < n; k++) {
                parentOf[scratch[k]] = node;
                order[tail++] = scratch[k];
            }
        }
        for (int k = 0; k < states; k++) {
            number[order[k]] = k;
        }
        this.edgeStart = new int[states + 1];
        this.edgeChar = new char[Math.max(0, states - 1)];
        this.edgeTarget = new int[Math.max(0, states - 1)];
        // children of a node are contiguous in BFS order, in label order
        int e = 0;
        int next = 1;
        for (int k = 0; k < states; k++) {
            edgeStart[k] = e;
            int node = order[k];
            while (next < states && parentOf[order[next]] == node) {
                edgeChar[e] = label[order[next]];
                edgeTarget[e] = next;
                e++;
                next++;
            }
        }
        edgeStart[states] = e;

        this.rootAscii = new int[128];
        int other = 0;
        for (int k = edgeStart[0]; k < edgeStart[1]; k++) {
            if (edgeChar[k] < 128) {
                rootAscii[edgeChar[k]] = edgeTarget[k];
            } else {
                other++;
            }
        }
        this.rootOtherChar = new char[other];
        this.rootOtherTarget = new int[other];
        other = 0;
        for (int k = edgeStart[0]; k < edgeStart[1]; k++) {
            if (edgeChar[k] >= 128) {
                rootOtherChar[other] = edgeChar[k];
                rootOtherTarget[other++] = edgeTarget[k];
            }
        }

        // 3. failure links and outputs, breadth-first so a state's failure target is final before it
        this.fail = new int[states];
        this.out = new long[states];
        out[0] = marks[0];
        for (int s = 1; s < states; s++) {
            out[s] = marks[order[s]];
        }
        for (int s = 0; s < states; s++) {
            for (int k = edgeStart[s]; k < edgeStart[s + 1]; k++) {
                int child = edgeTarget[k];
                char c = edgeChar[k];
                int f = s == 0 ? 0 : step(fail[s], c);
                fail[child] = f;
                out[child] |= out[f];
            }
        }
        // the full table: the classes of the chars the literals use (0: all others), then each state's row
        char[] used = distinct(edgeChar); // class of used[k] is k + 1
        int nUsed = used.length;
        int nClasses = nUsed + 1;
        char[] matrix = null;
        if (table && (long) states * nClasses <= MAX_TABLE && states <= Character.MAX_VALUE && nClasses <= 127) {
            classes = nClasses;
            asciiClass = new byte[128];
            int firstOther = 0;
            while (firstOther < nUsed && used[firstOther] < 128) {
                asciiClass[used[firstOther]] = (byte) (firstOther + 1);
                firstOther++;
            }
            otherChars = Arrays.copyOfRange(used, firstOther, nUsed);
            otherClass = new int[otherChars.length];
            for (int k = 0; k < otherClass.length; k++) {
                otherClass[k] = firstOther + k + 1;
            }
            matrix = new char[states * nClasses];
            for (int st = 0; st < states; st++) { // breadth-first: the row of fail[st] is final before st's
                int base = st * nClasses;
                if (st > 0) {
                    System.arraycopy(matrix, fail[st] * nClasses, matrix, base, nClasses);
                } // the root's row stays 0 (the root) but for its own transitions
                for (int k = edgeStart[st]; k < edgeStart[st + 1]; k++) {
                    matrix[base + classOf(edgeChar[k])] = (char) edgeTarget[k];
                }
            }
        } else {
            classes = 0;
            asciiClass = null;
            otherChars = null;
            otherClass = null;
        }
        if (edges == null || groups != null) {
            edgedStart = null;
            edgedFirst = null;
            edgedBits = null;
            edgedLength = null;
            edgedEdges = null;
        } else {
            edgedStart = new int[states + 1];
            int n = 0;
            for (int k = 0; k < literals.length; k++) {
                if (edges[k] != null) {
                    edgedStart[number[endNode[k]] + 1]++;
                    n++;
                }
            }
            for (int st = 0; st < states; st++) {
                edgedStart[st + 1] += edgedStart[st];
            }
            edgedBits = new long[n];
            edgedLength = new int[n];
            edgedEdges = new RequiredLiterals.Edges[n];
            int[] fill = Arrays.copyOf(edgedStart, states);
            for (int k = 0; k < literals.length; k++) {
                if (edges[k] != null) {
                    int at = fill[number[endNode[k]]]++;
                    edgedBits[at] = bits[k];
                    edgedLength[at] = literals[k].length();
                    edgedEdges[at] = edges[k];
                }
            }
            edgedFirst = new int[states];
            for (int st = 1; st < states; st++) { // breadth-first: fail[st] is final before st
                edgedFirst[st] = edgedStart[st] < edgedStart[st + 1] ? st : edgedFirst[fail[st]];
            }
        }
        if (matrix != null) {
            foldedClass = new byte[128];
            for (char c = 0; c < 128; c++) {
                foldedClass[c] = (byte) classOf(CaseFold.fold(c));
            }
        } else {
            foldedClass = null;
        }
        if (groups == null) {
            rows = matrix == null ? null : rows(matrix, classes,
                    st -> out[st] != 0 || (edgedFirst != null && edgedFirst[st] != 0));
            ownStart = null;
            ownGroup = null;
            ownBits = null;
            ownEdges = null;
            ownLength = null;
            dict = null;
            return;
        }
        // grouped outputs, by state in breadth-first order
        ownStart = new int[states + 1];
        for (int k = 0; k < literals.length; k++) {
            ownStart[number[endNode[k]] + 1]++;
        }
        for (int st = 0; st < states; st++) {
            ownStart[st + 1] += ownStart[st];
        }
        ownGroup = new int[literals.length];
        ownBits = new long[literals.length];
        ownEdges = new RequiredLiterals.Edges[literals.length];
        ownLength = new int[literals.length];
        int[] fill = Arrays.copyOf(ownStart, states);
        for (int k = 0; k < literals.length; k++) {
            int at = fill[number[endNode[k]]]++;
            ownGroup[at] = groups[k];
            ownBits[at] = bits[k];
            ownEdges[at] = edges == null ? null : edges[k];
            ownLength[at] = literals[k].length();
        }
        dict = new int[states];
        for (int st = 1; st < states; st++) { // breadth-first: fail[st] is final before st
            int f = fail[st];
            dict[st] = ownStart[f] < ownStart[f + 1] ? f : dict[f];
        }
        rows = matrix == null ? null : rows(matrix, classes, st -> ownStart[st] < ownStart[st + 1] || dict[st] != 0);
    }

    /** The full table {@code matrix} (next state numbers) as rows, flagged where {@code reports} holds. */
    private static int[] rows(char[] matrix, int classes, java.util.function.IntPredicate reports) {
        int[] rows = new int[matrix.length];
        for (int k = 0; k < rows.length; k++) {
            int target = matrix[k];
            rows[k] = target * classes | (reports.test(target) ? Integer.MIN_VALUE : 0);
        }
        return rows;
    }

    /** The distinct chars of {@code chars}, ascending: sorted when few, else through a bitmap of every char. */
    private static char[] distinct(char[] chars) {
        if (chars.length <= 256) { // a small automaton (a rule's confirming set): no 8 KiB bitmap
            char[] sorted = Arrays.copyOf(chars, chars.length);
            Arrays.sort(sorted);
            int n = 0;
            for (int k = 0; k < sorted.length; k++) {
                if (k == 0 || sorted[k] != sorted[k - 1]) {
                    sorted[n++] = sorted[k];
                }
            }
            return Arrays.copyOf(sorted, n);
        }
        long[] seen = new long[1024];
        int n = 0;
        for (char c : chars) {
            long bit = 1L << c;
            if ((seen[c >>> 6] & bit) == 0) {
                seen[c >>> 6] |= bit;
                n++;
            }
        }
        char[] out = new char[n];
        int k = 0;
        for (int w = 0; w < seen.length && k < n; w++) {
            for (long bits = seen[w]; bits != 0; bits &= bits - 1) {
                out[k++] = (char) (w << 6 | Long.numberOfTrailingZeros(bits));
            }
        }
        return out;
    }

    private static void sortByLabel(int[] nodes, int n, char[] label) {
        for (int a = 1; a < n; a++) {
            int v = nodes[a];
            int b = a - 1;
            while (b >= 0 && label[nodes[b]] > label[v]) {
                nodes[b + 1] = nodes[b];
                b--;
            }
            nodes[b + 1] = v;
        }
    }

    /** The state reached from {@code s} on {@code c}, or 0 when {@code s} has no such transition. */
    private int child(int s, char c) {
        if (s == 0) {
            if (c < 128) {
                return rootAscii[c];
            }
            int k = Arrays.binarySearch(rootOtherChar, c);
            return k >= 0 ? rootOtherTarget[k] : 0;
        }
        int end = edgeStart[s + 1];
        for (int k = edgeStart[s]; k < end; k++) {
            char l = edgeChar[k];
            if (l == c) {
                return edgeTarget[k];
            }
            if (l > c) {
                break;
            }
        }
        return 0;
    }

    /** The full table's class of {@code c}: 0 for a char no literal uses. */
    private int classOf(char c) {
        if (c < 128) {
            return asciiClass[c];
        }
        int k = Arrays.binarySearch(otherChars, c);
        return k >= 0 ? otherClass[k] : 0;
    }

    /** The state after reading {@code c} in state {@code s}: its transition, else its failure chain's. */
    private int step(int s, char c) {
        while (true) {
            int t = child(s, c);
            if (t > 0 || s == 0) {
                return t;
            }
            s = fail[s];
        }
    }

    /** The bits of every literal occurring in {@code text[0, length)}, case-folded (with its edges holding). */
    long scan(String text, int length) {
        if (rows != null) {
            long hits = 0;
            int row = 0;
            for (int k = 0; k < length; k++) {
                char c = text.charAt(k);
                int d = rows[row + (c < 128 ? foldedClass[c] : classOf(CaseFold.fold(c)))];
                row = d & Integer.MAX_VALUE;
                if (d < 0) {
                    hits |= report(row / classes, text, length, k + 1, hits);
                    if (hits == all) {
                        return hits;
                    }
                }
            }
            return hits;
        }
        long hits = 0;
        int s = 0;
        for (int k = 0; k < length; k++) {
            s = step(s, CaseFold.fold(text.charAt(k)));
            long o = report(s, text, length, k + 1, hits);
            if (o != 0) {
                hits |= o;
                if (hits == all) {
                    return hits;
                }
            }
        }
        return hits;
    }

    /** {@link #scan} over text already case-folded; {@code original} is the unfolded text (for edges). */
    long scanFolded(char[] text, int length, String original) {
        if (rows != null) {
            long hits = 0;
            int row = 0;
            for (int k = 0; k < length; k++) {
                char c = text[k];
                int d = rows[row + (c < 128 ? asciiClass[c] : classOf(c))];
                row = d & Integer.MAX_VALUE;
                if (d < 0) {
                    hits |= report(row / classes, original, length, k + 1, hits);
                    if (hits == all) {
                        return hits;
                    }
                }
            }
            return hits;
        }
        long hits = 0;
        int s = 0;
        for (int k = 0; k < length; k++) {
            s = step(s, text[k]);
            long o = report(s, original, length, k + 1, hits);
            if (o != 0) {
                hits |= o;
                if (hits == all) {
                    return hits;
                }
            }
        }
        return hits;
    }

    /** What state {@code s} reports at {@code end}: its outputs, and its literals with edges that hold there. */
    private long report(int s, String text, int length, int end, long known) {
        long o = out[s];
        if (edgedFirst != null && edgedFirst[s] != 0) {
            o |= edged(s, text, length, end, known);
        }
        return o;
    }

    /**
     * The bits of the literals with edges that end at {@code end} in state {@code s} and whose edges hold; a
     * literal whose bits are all in {@code known} (found earlier) is not checked again.
     */
    private long edged(int s, String text, int length, int end, long known) {
        long hits = 0;
        for (int st = edgedFirst[s]; st != 0; st = edgedFirst[fail[st]]) {
            for (int e = edgedStart[st], stop = edgedStart[st + 1]; e < stop; e++) {
                if ((edgedBits[e] & ~(known | hits)) != 0
                        && edgedEdges[e].holds(text, length, end - edgedLength[e], end)) {
                    hits |= edgedBits[e];
                }
            }
        }
        return hits;
    }

    /**
     * Grouped mode: ORs each occurring literal's bits into {@code masks[its group]}, over folded text;
     * {@code original} is the unfolded text (for edges).
     */
    void scanGrouped(char[] text, int length, String original, long[] masks) {
        scanGrouped(text, length, original, null, masks, null);
    }

    /**
     * {@link #scanGrouped(char[], int, String, long[])} into {@code masks[position[group]]} (skipping a group at
     * position -1), marking each position reached in the bit set {@code touched}; position null: the identity.
     */
    void scanGrouped(char[] text, int length, String original, int[] position, long[] masks, long[] touched) {
        int s = 0;
        int row = 0;
        for (int k = 0; k < length; k++) {
            if (rows != null) {
                char c = text[k];
                int d = rows[row + (c < 128 ? asciiClass[c] : classOf(c))];
                row = d & Integer.MAX_VALUE;
                if (d >= 0) {
                    continue; // a state without outputs, nor any on its failure chain
                }
                s = row / classes;
            } else {
                s = step(s, text[k]);
            }
            for (int o = ownStart[s] < ownStart[s + 1] ? s : dict[s]; o != 0; o = dict[o]) {
                for (int e = ownStart[o], end = ownStart[o + 1]; e < end; e++) {
                    int p = position == null ? ownGroup[e] : position[ownGroup[e]];
                    if (p < 0 || (masks[p] & ownBits[e]) == ownBits[e]) {
                        continue; // its rules are candidates already (and their segment marked): no edge check
                    }
                    RequiredLiterals.Edges edges = ownEdges[e];
                    if (edges == null || edges.holds(original, length, k + 1 - ownLength[e], k + 1)) {
                        masks[p] |= ownBits[e];
                        if (touched != null) {
                            touched[p >>> 6] |= 1L << p;
                        }
                    }
                }
            }
        }
    }

    int stateCount() {
        return fail.length;
    }
}
