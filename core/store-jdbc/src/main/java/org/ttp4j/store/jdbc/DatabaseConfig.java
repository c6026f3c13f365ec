package org.ttp4j.store.jdbc;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.ttp4j.store.internal.Durations;

/**
 * Where the database store's tables live, and how long its change log is kept.
 *
 * @param url             a JDBC URL: {@code jdbc:sqlite:FILE} (embedded, the default) or {@code jdbc:postgresql://HOST/DB}
 * @param user            the database user, or null (SQLite needs none)
 * @param password        the user's password, or null
 * @param changeRetention how long an entry of the change log {@code ttp_rule_change} is kept (default
 *                        {@link #DEFAULT_CHANGE_RETENTION}); zero keeps only the newest. A worker away for longer
 *                        reads the rule tables in full when it is back, so this bounds the log, not correctness.
 */
public record DatabaseConfig(String url, String user, String password, Duration changeRetention) {
    public static final String URL_ENV = "TTP4J_DB_URL";
    public static final String USER_ENV = "TTP4J_DB_USER";
    public static final String PASSWORD_ENV = "TTP4J_DB_PASSWORD";
    public static final String CHANGE_RETENTION_ENV = "TTP4J_DB_CHANGE_RETENTION";
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
        return new DatabaseConfig(url, user, password, changeRetention);
    }

    /**
     * From {@code TTP4J_DB_URL} (default {@link #DEFAULT_URL}), {@code TTP4J_DB_USER}, {@code TTP4J_DB_PASSWORD} and
     * {@code TTP4J_DB_CHANGE_RETENTION} (default {@link #DEFAULT_CHANGE_RETENTION}; {@code 7d}, {@code 12h},
     * {@code 30m}, {@code 90s} or ISO-8601 such as {@code PT36H}).
     *
     * @throws IllegalArgumentException naming the variable when the retention is not a duration
     */
    public static DatabaseConfig fromEnvironment(Map<String, String> env) {
        String url = env.get(URL_ENV);
        String retention = env.get(CHANGE_RETENTION_ENV);
        return new DatabaseConfig(url == null || url.isBlank() ? DEFAULT_URL : url.trim(), env.get(USER_ENV),
                env.get(PASSWORD_ENV), retention == null || retention.isBlank() ? DEFAULT_CHANGE_RETENTION
                        : retention(retention));
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
                + ", changeRetention=" + changeRetention + "]";
    }
}
