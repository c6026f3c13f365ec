package org.ttp4j.store.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * SQLite, version 3: {@code ttp_rule_state} accepts whatever DECNET writes (any state string, any confidence_max).
 * SQLite cannot drop a CHECK constraint, so a table that has them (one ttp4j version 1 created) is rebuilt without
 * them, as SQLite's documentation prescribes: a new table, the rows copied, the old one dropped, the new one renamed,
 * then its triggers created again (dropping a table drops its triggers). A table DECNET created has no CHECK and is
 * left untouched.
 */
final class SqliteStateTableRebuild implements JavaMigration {
    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("3");
    }

    @Override
    public String getDescription() {
        return "no check constraints";
    }

    @Override
    public Integer getChecksum() {
        return 3; // fixed: this migration never changes once released
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        String sql;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'ttp_rule_state'")) {
            sql = rs.next() ? rs.getString(1) : null;
        }
        if (sql == null || !sql.toUpperCase(Locale.ROOT).contains("CHECK")) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ttp_rule_state_v3 (rule_id TEXT NOT NULL PRIMARY KEY, state TEXT NOT NULL,"
                    + " confidence_max REAL, expires_at TEXT, reason TEXT, set_by TEXT, set_at TEXT)");
            s.execute("INSERT INTO ttp_rule_state_v3 (rule_id, state, confidence_max, expires_at, reason, set_by, set_at)"
                    + " SELECT rule_id, state, confidence_max, expires_at, reason, set_by, set_at FROM ttp_rule_state");
            s.execute("DROP TABLE ttp_rule_state");
            s.execute("ALTER TABLE ttp_rule_state_v3 RENAME TO ttp_rule_state");
        }
        ChangeTriggers triggers = new ChangeTriggers(Dialect.SQLITE);
        try (Statement s = c.createStatement()) {
            for (String name : triggers.missing(c)) {
                s.execute(triggers.definition(name));
            }
        }
    }
}
