package org.ttp4j.store.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators type them: a state's {@code --ttl}, the change log's retention. */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d+)([smhd])");

    private Durations() {
    }

    /**
     * Parses {@code 90s}, {@code 30m}, {@code 2h}, {@code 7d}, or ISO-8601 ({@code PT2H}, {@code P7D}), blanks around
     * it ignored.
     *
     * @throws IllegalArgumentException {@code 'TEXT' is not a duration (e.g. ...)}
     */
    public static Duration parse(String text) {
        String t = text.trim();
        Matcher m = SHORT.matcher(t);
        try {
            if (!m.matches()) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 90s, 30m, 2h, 7d, PT2H)");
        }
    }
}
