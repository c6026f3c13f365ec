package org.ttp4j.engine;

/**
 * The text a regex searches (a field value), counting every character read.
 * Past the budget a read throws {@link #EXHAUSTED} (preallocated, no stack trace), which unwinds the matcher;
 * this bounds backtracking without a thread or a timer. One instance per thread, re-aimed per rule.
 */
final class BoundedText implements CharSequence {

    /** Thrown by {@link #charAt} once the budget is spent. */
    static final class Exhausted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private Exhausted() {
            super("regex step budget exhausted", null, false, false);
        }
    }

    static final Exhausted EXHAUSTED = new Exhausted();

    private String text;
    private int length;
    private long reads;
    private long budget;

    void aim(String text, long budget) {
        this.text = text;
        this.length = text.length();
        this.reads = 0;
        this.budget = budget;
    }

    /** Releases the text so the thread does not keep the last event alive. */
    void clear() {
        this.text = null;
        this.length = 0;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        if (++reads > budget) {
            throw EXHAUSTED;
        }
        if (index >= length) {
            throw new StringIndexOutOfBoundsException(index);
        }
        return text.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        if (end > length) {
            throw new StringIndexOutOfBoundsException(end);
        }
        return text.subSequence(start, end);
    }

    @Override
    public String toString() {
        return text.substring(0, length);
    }
}
