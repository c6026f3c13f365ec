package org.ttp4j.store.jdbc;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.ttp4j.store.internal.Durations;

/**
 * Where the database store's tables live, and how long its change log is kept.
 *
 * @param url             a JDBC URL: {@code jdbc:sqlite:FILE} (embedded, the default), {@code jdbc:postgresql://HOST/DB}
 *                        or {@code jdbc:mariadb://HOST/DB}
 * @param user            the database user, or null (SQLite needs none)
 * @param password        the user's password, or null
 * @param changeRetention how long an entry of the change log {@code ttp_rule_change} is kept (default
 *                        {@link #DEFAULT_CHANGE_RETENTION}); zero keeps only the newest. A worker away for longer
 *                        reads the rule tables in full when it is back, so this bounds the log, not correctness.
 * @param decnetOwned     the database belongs to a DECNET deployment ({@code TTP4J_DB_DECNET=true}): DECNET's
 *                        migrations create {@code ttp_rule} and {@code ttp_rule_state} there, so ttp4j never does;
 *                        opening fails, in one line, until they exist (docs/stores.md §8)
 */
public record DatabaseConfig(String url, String user, String password, Duration changeRetention, boolean decnetOwned) {
    public static final String URL_ENV = "TTP4J_DB_URL";
    public static final String USER_ENV = "TTP4J_DB_USER";
    public static final String PASSWORD_ENV = "TTP4J_DB_PASSWORD";
    public static final String CHANGE_RETENTION_ENV = "TTP4J_DB_CHANGE_RETENTION";
    public static final String DECNET_ENV = "TTP4J_DB_DECNET";
    /** The embedded default: a SQLite file in the working directory. */
    public static final String DEFAULT_URL = "jdbc:sqlite:ttp4j.db";
    public static final Duration DEFAULT_CHANGE_RETENTION = Duration.ofDays(7);

    public DatabaseConfig {
        Objects.requireNonNull(url, "url");
        Dialect.of(url); // fails early, naming the URL forms supported
        Objects.requireNonNull(changeRetention, "changeRetention");
        if (changeRetention.isNegative()) {
            throw new IllegalArgumentException("the change retention must not be negative, got " + changeRetention);
        }
    }

    /** A configuration of a database ttp4j may create DECNET's tables in. */
    public DatabaseConfig(String url, String user, String password, Duration changeRetention) {
        this(url, user, password, changeRetention, false);
    }

    /** A configuration with the default change retention. */
    public DatabaseConfig(String url, String user, String password) {
        this(url, user, password, DEFAULT_CHANGE_RETENTION);
    }

    /** A configuration with no credentials (a SQLite file, or a server trusting the local user). */
    public static DatabaseConfig of(String url) {
        return new DatabaseConfig(url, null, null);
    }

    /** This configuration with another change retention. */
    public DatabaseConfig withChangeRetention(Duration changeRetention) {
        return new DatabaseConfig(url, user, password, changeRetention, decnetOwned);
    }

    /** This configuration, marking the database as DECNET's (or not). */
    public DatabaseConfig withDecnetOwned(boolean decnetOwned) {
        return new DatabaseConfig(url, user, password, changeRetention, decnetOwned);
    }

    /**
     * From {@code TTP4J_DB_URL} (default {@link #DEFAULT_URL}), {@code TTP4J_DB_USER}, {@code TTP4J_DB_PASSWORD} and
     * {@code TTP4J_DB_CHANGE_RETENTION} (default {@link #DEFAULT_CHANGE_RETENTION}; {@code 7d}, {@code 12h},
     * {@code 30m}, {@code 90s} or ISO-8601 such as {@code PT36H}) and {@code TTP4J_DB_DECNET} ({@code true} or
     * {@code false}, the default).
     *
     * @throws IllegalArgumentException naming the variable when the retention is not a duration, or the DECNET
     *                                  mark neither true nor false
     */
    public static DatabaseConfig fromEnvironment(Map<String, String> env) {
        String url = env.get(URL_ENV);
        String retention = env.get(CHANGE_RETENTION_ENV);
        return new DatabaseConfig(url == null || url.isBlank() ? DEFAULT_URL : url.trim(), env.get(USER_ENV),
                env.get(PASSWORD_ENV), retention == null || retention.isBlank() ? DEFAULT_CHANGE_RETENTION
                        : retention(retention), decnetOwned(env.get(DECNET_ENV)));
    }

    private static boolean decnetOwned(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (t) {
            case "", "false" -> false;
            case "true" -> true;
            default -> throw new IllegalArgumentException(DECNET_ENV + " must be true or false, got '" + text + "'");
        };
    }

    private static Duration retention(String text) {
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(CHANGE_RETENTION_ENV + ": " + e.getMessage());
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException(CHANGE_RETENTION_ENV + " must not be negative, got '" + text + "'");
        }
        return d;
    }

    /** The URL with any password in it masked: what messages show. */
    public String redactedUrl() {
        return Credentials.redact(url);
    }

    @Override
    public String toString() {
        return "DatabaseConfig[url=" + redactedUrl() + ", user=" + user + ", password=" + (password == null ? null : "***")
                + ", changeRetention=" + changeRetention + ", decnetOwned=" + decnetOwned + "]";
    }
}
