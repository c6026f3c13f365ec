package org.ttp4j.store.jdbc;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A database server the tests are given through the environment ({@code eval "$(scripts/NAME start)"}): absent, its
 * tests are skipped locally and fail when {@code CI} is set; given but unreachable, they fail. Remembers what the
 * tests created on it (schemas, databases) so the class can drop them at the end.
 */
final class TestServer {
    final String url;
    final String user;
    final String password;
    private final String name;
    private final String absent;
    private final List<String> created = new ArrayList<>();

    /** The server of {@code PREFIX_URL}, {@code PREFIX_USER}, {@code PREFIX_PASSWORD}, started by {@code scripts/SCRIPT}. */
    TestServer(String name, String prefix, String script) {
        this.name = name;
        this.url = System.getenv(prefix + "_URL");
        this.user = System.getenv(prefix + "_USER");
        this.password = System.getenv(prefix + "_PASSWORD");
        this.absent = name + " settings are absent (" + prefix + "_URL is not set; run eval \"$(scripts/" + script
                + " start)\")";
    }

    private boolean given() {
        return url != null && !url.isBlank();
    }

    /** For {@code @BeforeAll}: fails in CI without settings, and whenever the server given cannot be reached. */
    void require() {
        if (!given()) {
            if (System.getenv("CI") != null) {
                fail(absent + ", and CI is set: the " + name + " tests must run in CI");
            }
            return; // each test is skipped, with the reason, by assumeGiven
        }
        try (Connection c = connect()) {
            c.isValid(5);
        } catch (SQLException e) {
            fail(name + " at " + url + " is unreachable: " + e.getMessage());
        }
    }

    /** Skips the calling test when no server is given. */
    void assumeGiven() {
        Assumptions.assumeTrue(given(), absent);
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    /** Remembers a schema or database a test created, for {@link #dropCreated}. */
    void created(String what) {
        created.add(what);
    }

    /** For {@code @AfterAll}: runs {@code dropFormat} (e.g. {@code "DROP SCHEMA IF EXISTS %s CASCADE"}) on each. */
    void dropCreated(String dropFormat) throws SQLException {
        if (!given() || created.isEmpty()) {
            return;
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String what : created) {
                s.execute(String.format(dropFormat, what));
            }
        }
    }
}
