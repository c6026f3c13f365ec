package org.ttp4j.index.internal;

import org.ttp4j.rule.RequiredLiterals;

/**
 * Which characters occur in the start of one field value: the ASCII ones as bits, and whether any other does.
 * Read once per value and event, then checked against each candidate rule's required char sets in O(1).
 * Mutable, reused: one per thread; {@link #clear()} it when the event is done.
 */
public final class CharPresence {

    private String value;
    private int length = -1;
    private long low;
    private long high;
    private boolean nonAscii;

    /** True when {@code value[0, length)} holds a member of {@code chars}; reads the value once per event. */
    boolean meets(RequiredLiterals.Chars chars, String value, int length) {
        if (value != this.value || length != this.length) {
            read(value, length);
        }
        return chars.meets(low, high, nonAscii);
    }

    /** True when {@code value[0, length)} holds only ASCII characters; reads the value once per event. */
    public boolean ascii(String value, int length) {
        if (value != this.value || length != this.length) {
            read(value, length);
        }
        return !nonAscii;
    }

    private void read(String v, int n) {
        long lo = 0;
        long hi = 0;
        boolean other = false;
        for (int k = 0; k < n; k++) {
            char c = v.charAt(k);
            if (c < 64) {
                lo |= 1L << c;
            } else if (c < 128) {
                hi |= 1L << (c - 64);
            } else {
                other = true;
            }
        }
        value = v;
        length = n;
        low = lo;
        high = hi;
        nonAscii = other;
    }

    /** Forgets the last value (so that it is not kept alive, and a new String is read afresh). */
    public void clear() {
        value = null;
        length = -1;
    }
}
