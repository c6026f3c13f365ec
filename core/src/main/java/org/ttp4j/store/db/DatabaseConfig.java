package org.ttp4j.store.db;

import java.util.Map;
import java.util.Objects;

/**
 * Where the database store's tables live.
 *
 * @param url      a JDBC URL: {@code jdbc:sqlite:FILE} (embedded, the default) or {@code jdbc:postgresql://HOST/DB}
 * @param user     the database user, or null (SQLite needs none)
 * @param password the user's password, or null
 */
public record DatabaseConfig(String url, String user, String password) {
    public static final String URL_ENV = "TTP4J_DB_URL";
    public static final String USER_ENV = "TTP4J_DB_USER";
    public static final String PASSWORD_ENV = "TTP4J_DB_PASSWORD";
    /** The embedded default: a SQLite file in the working directory. */
    public static final String DEFAULT_URL = "jdbc:sqlite:ttp4j.db";

    public DatabaseConfig {
        Objects.requireNonNull(url, "url");
        Dialect.of(url); // fails early, naming the URL forms supported
    }

    /** A configuration with no credentials (a SQLite file, or a server trusting the local user). */
    public static DatabaseConfig of(String url) {
        return new DatabaseConfig(url, null, null);
    }

    /** From {@code TTP4J_DB_URL} (default {@link #DEFAULT_URL}), {@code TTP4J_DB_USER}, {@code TTP4J_DB_PASSWORD}. */
    public static DatabaseConfig fromEnvironment(Map<String, String> env) {
        String url = env.get(URL_ENV);
        return new DatabaseConfig(url == null || url.isBlank() ? DEFAULT_URL : url.trim(), env.get(USER_ENV),
                env.get(PASSWORD_ENV));
    }

    @Override
    public String toString() {
        return "DatabaseConfig[url=" + url + ", user=" + user + ", password=" + (password == null ? null : "***") + "]";
    }
}
