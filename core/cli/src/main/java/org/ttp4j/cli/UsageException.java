package org.ttp4j.cli;

/**
 * A usage error: a bad option or argument, or a setting the command cannot use (a mistyped rules directory). It
 * ends the command with exit status 2 and one line, {@code ttp4j CMD: message (see 'ttp4j CMD --help')}
 * (docs/cli.md §1).
 */
final class UsageException extends RuntimeException {

    private final String command;

    /** A usage error of the command running. */
    UsageException(String message) {
        this(null, message);
    }

    /** A usage error of {@code command} (its name as typed, e.g. {@code ttp4j state set}), found parsing its line. */
    UsageException(String command, String message) {
        super(message);
        this.command = command;
    }

    /** The command it is an error of, or null for the command running. */
    String command() {
        return command;
    }
}
