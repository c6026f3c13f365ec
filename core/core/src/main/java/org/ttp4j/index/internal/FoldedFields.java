package org.ttp4j.index.internal;

/**
 * The case-folded start of each field value of one event, folded once and then scanned by every segment of a
 * large bucket (instead of each segment folding the text again). Mutable, reused: one per thread.
 */
public final class FoldedFields {

    private char[][] chars = new char[4][];
    private int[] lengths = new int[4];
    private String[] originals = new String[4]; // the unfolded values, for the literals' edges

    /** Sizes this for a bucket of {@code fields} fields, all absent. */
    public void reset(int fields) {
        if (chars.length < fields) {
            chars = new char[Math.max(fields, chars.length * 2)][];
            lengths = new int[chars.length];
            originals = new String[chars.length];
        }
        java.util.Arrays.fill(lengths, 0, fields, -1);
        java.util.Arrays.fill(originals, 0, fields, null);
    }

    /** Folds the first {@code limit} chars of {@code value} as field {@code field}; null marks it absent. */
    public void set(int field, String value, int limit) {
        originals[field] = value;
        if (value == null) {
            lengths[field] = -1;
            return;
        }
        int n = Math.min(limit, value.length());
        char[] buf = chars[field];
        if (buf == null || buf.length < n) {
            buf = new char[Math.max(n, 64)];
            chars[field] = buf;
        }
        for (int k = 0; k < n; k++) {
            buf[k] = CaseFold.fold(value.charAt(k));
        }
        lengths[field] = n;
    }

    /** Longest folded buffer kept for the next event; a longer one (a huge value) is let go, so memory stays flat. */
    static final int KEPT = 1 << 16;

    /** Forgets the values (so that the thread does not keep the last event alive), and any buffer over {@link #KEPT}. */
    public void clear() {
        java.util.Arrays.fill(originals, null);
        for (int f = 0; f < chars.length; f++) {
            if (chars[f] != null && chars[f].length > KEPT) {
                chars[f] = null;
            }
        }
    }

    String original(int field) {
        return originals[field];
    }

    char[] chars(int field) {
        return chars[field];
    }

    int length(int field) {
        return lengths[field];
    }
}
