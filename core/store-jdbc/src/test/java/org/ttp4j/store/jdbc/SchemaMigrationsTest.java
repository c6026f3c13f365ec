package org.ttp4j.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

class SchemaMigrationsTest {
    @TempDir
    Path dir;

    @Test
    void migratingCreatesTheTablesOnceAndKeepsExistingDecnetTables() throws Exception {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + dir.resolve("decnet.db"));
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            // A database DECNET made first: its two tables, one row, no Flyway history.
            s.execute("CREATE TABLE ttp_rule (rule_id TEXT PRIMARY KEY, rule_version INTEGER NOT NULL, source_path TEXT NOT NULL,"
                    + " yaml_content TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT)");
            s.execute("CREATE TABLE ttp_rule_state (rule_id TEXT PRIMARY KEY, state TEXT NOT NULL, confidence_max REAL,"
                    + " expires_at TEXT, reason TEXT, set_by TEXT, set_at TEXT)");
            s.execute("INSERT INTO ttp_rule VALUES ('R0001', 1, 'rules/ttp/R0001.yaml', 'x', '2026-01-01 00:00:00', 'decnet')");
        }
        SchemaMigrations.migrate(ds, Dialect.SQLITE);
        SchemaMigrations.migrate(ds, Dialect.SQLITE); // a second open changes nothing
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            Set<String> tables = new TreeSet<>();
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertEquals(Set.of("ttp_rule", "ttp_rule_state", "ttp_rule_state_audit", "ttp_rule_change",
                    "ttp_rule_change_pruned", SchemaMigrations.HISTORY_TABLE), tables);
            try (ResultSet rs = s.executeQuery("SELECT count(*), max(through_id) FROM ttp_rule_change_pruned")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "one row");
                assertEquals(0, rs.getLong(2), "nothing pruned yet");
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM ttp_rule")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "DECNET's rows are kept");
            }
            s.execute("UPDATE ttp_rule SET rule_version = 2 WHERE rule_id = 'R0001'");
            try (ResultSet rs = s.executeQuery("SELECT rule_id, kind FROM ttp_rule_change")) {
                rs.next();
                assertEquals("R0001", rs.getString(1), "writes are logged for the workers");
                assertEquals("rule", rs.getString(2));
            }
        }
    }

    @Test
    void storedTimestampsReadBackInEveryWriterSpelling() {
        Instant t = Instant.parse("2026-11-25T19:42:48.123456Z");
        assertEquals(t, Dialect.parseText("2026-11-25 19:42:48.123456"));
        assertEquals(t, Dialect.parseText("2026-11-25T19:42:48.123456Z"));
        assertEquals(t, Dialect.parseText("2026-11-25T21:42:48.123456+02:00"));
        assertEquals(Instant.parse("2026-11-25T19:42:48Z"), Dialect.parseText("2026-11-25 19:42:48"));
    }

    @Test
    void anUnsupportedUrlIsRefusedNamingTheSupportedForms() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatabaseConfig.of("jdbc:oracle:thin:@h"));
        assertEquals("unsupported database URL 'jdbc:oracle:thin:@h' (expected jdbc:sqlite:FILE, jdbc:postgresql://HOST/DB"
                + " or jdbc:mariadb://HOST/DB)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DatabaseConfig.of("jdbc:mysql://h/db"));
        assertEquals("unsupported database URL 'jdbc:mysql://h/db': for a MariaDB server write jdbc:mariadb://HOST/DB;"
                + " a MySQL server is not supported yet (docs/stores.md §13)", e.getMessage());
        assertEquals(Dialect.MARIADB, Dialect.of("jdbc:mariadb://127.0.0.1:3306/ttp4j"));
    }
}
