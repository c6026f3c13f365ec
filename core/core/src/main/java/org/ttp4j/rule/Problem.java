package org.ttp4j.rule;

import java.util.Comparator;
import java.util.Objects;

/**
 * One thing wrong with a rule file, positioned in it (docs/rules.md §5, docs/cli.md §2).
 * {@link #toString()} is the one-line form {@code path:line:column: field.path: message}, with warnings
 * prefixed {@code warning: }.
 *
 * @param line   1-based; 1 when the problem has no position
 * @param column 1-based; 1 when the problem has no position
 * @param field  dotted field path such as {@code emits[0].tactic}, or {@code -} when no field applies
 */
public record Problem(String path, int line, int column, String field, String message, Severity severity) {

    public enum Severity { ERROR, WARNING }

    /** Errors before warnings, then by position. */
    public static final Comparator<Problem> ORDER = Comparator.comparing(Problem::severity)
            .thenComparingInt(Problem::line).thenComparingInt(Problem::column);

    public Problem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(severity, "severity");
        field = field == null || field.isEmpty() ? "-" : field;
        line = Math.max(1, line);
        column = Math.max(1, column);
    }

    public static Problem error(String path, int line, int column, String field, String message) {
        return new Problem(path, line, column, field, message, Severity.ERROR);
    }

    public static Problem warning(String path, int line, int column, String field, String message) {
        return new Problem(path, line, column, field, message, Severity.WARNING);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        String line1 = path + ':' + line + ':' + column + ": " + field + ": " + message;
        return severity == Severity.WARNING ? "warning: " + line1 : line1;
    }
}
