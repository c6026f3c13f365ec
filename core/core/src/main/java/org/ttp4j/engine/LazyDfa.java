package org.ttp4j.engine;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Whether an {@link AsciiNfa} matches anywhere in an ASCII value, by a DFA built as the values need its states
 * (docs/engine.md §9). A state is the set of NFA states reached after a char, plus what kind of char that was
 * (none yet, a newline, a word char, another), which is all that {@code ^ $ \b \B \A \Z} need to know of the past;
 * what they need of the future is the next symbol, so the assertions are resolved when a transition is built.
 * Every position may start a match: the NFA's start joins every state's closure. The search stops at the first
 * transition whose closure reaches the match. A value is read once, char by char, one table read each.
 *
 * <p>One per thread and rule (not thread-safe). Past {@link #MAX_STATES} states, or {@link #MAX_KERNEL_STATES} NFA
 * states in their sets together (1 MiB: a long counted repeat's states hold a state per count), the table is dropped
 * and the search answers {@link #UNKNOWN}, so that the caller runs the regex instead.
 */
final class LazyDfa {

    static final int NO = 0;
    static final int YES = 1;
    static final int UNKNOWN = -1;

    static final int MAX_STATES = 2_000;
    static final int MAX_KERNEL_STATES = 1 << 18;

    // the kind of the previous char
    private static final byte START = 0;
    private static final byte NEWLINE = 1;
    private static final byte WORD = 2;
    private static final byte OTHER = 3;
    // the kind of the next symbol
    private static final int NEXT_END = 0;
    private static final int NEXT_NEWLINE = 1;
    private static final int NEXT_FINAL_NEWLINE = 2;
    private static final int NEXT_WORD = 3;
    private static final int NEXT_OTHER = 4;

    /** A transition to this value: the closure reached the match. 0: not built yet; else the next row's offset. */
    private static final int MATCHED = -1;
    /** A transition to this value: no match can follow (an anchored pattern past its start). */
    private static final int DEAD = -2;

    private final AsciiNfa nfa;
    private final int width;
    private int[] table;
    private int rows;
    private int kernelStates;
    private int[][] kernels;
    private byte[] previous;
    private byte[] acceptsAtEnd; // 0 unknown, 1 no, 2 yes
    private final Map<Key, Integer> byKernel = new HashMap<>();
    private final boolean anchored;
    private static final int[] NO_STATES = {};
    // closure scratch
    private int[] marks;
    private int generation;
    private int[] stack;
    private int[] found;

    LazyDfa(AsciiNfa nfa) {
        this.nfa = nfa;
        this.width = nfa.classes;
        int n = nfa.op.length;
        this.marks = new int[n];
        this.stack = new int[3 * n + 2]; // a state is expanded once and pushes two; plus the kernel and the start
        this.found = new int[n];
        this.anchored = anchored();
        reset();
    }

    private void reset() {
        table = new int[width * 16];
        kernels = new int[16][];
        previous = new byte[16];
        acceptsAtEnd = new byte[16];
        byKernel.clear();
        kernelStates = 0;
        rows = 1; // row 0 is never used: a 0 in the table means "not built"
        row(NO_STATES, START);
    }

    /** {@link #YES} when {@code value} (all chars below 128) holds a match, {@link #NO}, or {@link #UNKNOWN}. */
    int search(String value) {
        int[] t = table;
        int[] classOf = nfa.classOf;
        int s = width; // row 1, the start
        int last = value.length() - 1;
        for (int i = 0; i <= last; i++) {
            char c = value.charAt(i);
            int sym = c == '\n' && i == last ? AsciiNfa.FINAL_NEWLINE : c;
            int next = t[s + classOf[sym]];
            if (next <= 0) {
                if (next == 0) {
                    next = step(s / width, sym);
                    if (next == 0) {
                        return UNKNOWN;
                    }
                }
                if (next == MATCHED) {
                    return YES;
                }
                if (next == DEAD) {
                    return NO;
                }
                t = table;
            }
            s = next;
        }
        return atEnd(s / width) ? YES : NO;
    }

    private boolean atEnd(int row) {
        if (acceptsAtEnd[row] == 0) {
            acceptsAtEnd[row] = (byte) (closure(row, NEXT_END) < 0 ? 2 : 1);
        }
        return acceptsAtEnd[row] == 2;
    }

    /** Builds the transition of {@code row} on {@code sym}: the next row's offset, {@link #MATCHED}, or 0 (full). */
    private int step(int row, int sym) {
        int c = sym == AsciiNfa.FINAL_NEWLINE ? '\n' : sym;
        int next = sym == AsciiNfa.FINAL_NEWLINE ? NEXT_FINAL_NEWLINE
                : c == '\n' ? NEXT_NEWLINE : AsciiNfa.isWord(c) ? NEXT_WORD : NEXT_OTHER;
        int n = closure(row, next);
        int offset;
        if (n < 0) {
            offset = MATCHED;
        } else {
            int k = 0;
            for (int j = 0; j < n; j++) {
                int q = found[j];
                if (AsciiNfa.in(nfa.lo[q], nfa.hi[q], c)) {
                    found[k++] = nfa.out1[q];
                }
            }
            int[] kernel = Arrays.copyOf(found, k);
            Arrays.sort(kernel);
            kernel = distinct(kernel);
            byte kind = c == '\n' ? NEWLINE : AsciiNfa.isWord(c) ? WORD : OTHER;
            Integer r = byKernel.get(new Key(kernel, kind));
            if (r == null) {
                if (rows == MAX_STATES || kernelStates + kernel.length > MAX_KERNEL_STATES) {
                    reset();
                    return 0;
                }
                r = row(kernel, kind);
            }
            offset = anchored && kernel.length == 0 ? DEAD : r * width;
        }
        table[row * width + nfa.classOf[sym]] = offset;
        return offset;
    }

    /**
     * Whether the start reaches neither a char to read nor the match at any position but the first, whatever the
     * chars around it ({@code ^} or {@code \A} first): then a row with no NFA state left is dead.
     */
    private boolean anchored() {
        for (byte prev = NEWLINE; prev <= OTHER; prev++) {
            for (int next = NEXT_END; next <= NEXT_OTHER; next++) {
                if (closure(NO_STATES, prev, next) != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private int row(int[] kernel, byte kind) {
        if (rows == kernels.length) {
            int m = rows * 2;
            kernels = Arrays.copyOf(kernels, m);
            previous = Arrays.copyOf(previous, m);
            acceptsAtEnd = Arrays.copyOf(acceptsAtEnd, m);
            table = Arrays.copyOf(table, m * width);
        }
        int r = rows++;
        kernels[r] = kernel;
        kernelStates += kernel.length;
        previous[r] = kind;
        byKernel.put(new Key(kernel, kind), r);
        return r;
    }

    private static int[] distinct(int[] sorted) {
        int k = 0;
        for (int j = 0; j < sorted.length; j++) {
            if (j == 0 || sorted[j] != sorted[j - 1]) {
                sorted[k++] = sorted[j];
            }
        }
        return k == sorted.length ? sorted : Arrays.copyOf(sorted, k);
    }

    /**
     * The CHAR states reachable without reading from {@code row}'s kernel and the start, the assertions judged
     * between the row's previous char and {@code next}: their count, left in {@code found}, or -1 when the match
     * is reachable.
     */
    private int closure(int row, int next) {
        return closure(kernels[row], previous[row], next);
    }

    private int closure(int[] kernel, byte prev, int next) {
        if (++generation == 0) {
            Arrays.fill(marks, 0);
            generation = 1;
        }
        int sp = 0;
        int n = 0;
        for (int j = kernel.length - 1; j >= 0; j--) {
            stack[sp++] = kernel[j];
        }
        stack[sp++] = nfa.start;
        while (sp > 0) {
            int q = stack[--sp];
            if (marks[q] == generation) {
                continue;
            }
            marks[q] = generation;
            switch (nfa.op[q]) {
                case AsciiNfa.CHAR -> found[n++] = q;
                case AsciiNfa.MATCH -> {
                    return -1;
                }
                case AsciiNfa.SPLIT -> {
                    stack[sp++] = nfa.out2[q];
                    stack[sp++] = nfa.out1[q];
                }
                case AsciiNfa.ASSERT -> {
                    if (holds(nfa.out2[q], prev, next)) {
                        stack[sp++] = nfa.out1[q];
                    }
                }
                default -> stack[sp++] = nfa.out1[q];
            }
        }
        return n;
    }

    private static boolean holds(int assertion, byte prev, int next) {
        return switch (assertion) {
            case AsciiNfa.BOT -> prev == START;
            case AsciiNfa.MBOL -> prev == START || prev == NEWLINE;
            case AsciiNfa.EOL -> next == NEXT_END || next == NEXT_FINAL_NEWLINE;
            case AsciiNfa.MEOL -> next == NEXT_END || next == NEXT_NEWLINE || next == NEXT_FINAL_NEWLINE;
            case AsciiNfa.EOT -> next == NEXT_END;
            case AsciiNfa.WORD_BOUNDARY -> (prev == WORD) != (next == NEXT_WORD);
            // Python's \B never matches in an empty string
            case AsciiNfa.NOT_WORD_BOUNDARY -> (prev == WORD) == (next == NEXT_WORD)
                    && !(prev == START && next == NEXT_END);
            default -> throw new IllegalStateException("assertion " + assertion);
        };
    }

    private record Key(int[] kernel, byte kind) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && kind == k.kind && Arrays.equals(kernel, k.kernel);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(kernel) * 31 + kind;
        }
    }
}
