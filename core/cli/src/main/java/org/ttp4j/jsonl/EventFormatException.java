package org.ttp4j.jsonl;

/** An event line that is not a valid event; the message names the line and what is wrong. */
public class EventFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long line;

    public EventFormatException(long line, String message, Throwable cause) {
        super("line " + line + ": " + message, cause);
        this.line = line;
    }

    /** The 1-based input line of the offending event. */
    public long line() {
        return line;
    }
}
