package org.ttp4j.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ttp4j.rule.RuleState;
import org.ttp4j.rule.RuleState.Mode;

/** The database store on SQLite files in a temporary directory. */
class SqliteRuleStoreTest extends DatabaseRuleStoreTest {
    @TempDir
    Path dir;
    private int databases;

    @Override
    protected DatabaseConfig freshDatabase() {
        return DatabaseConfig.of("jdbc:sqlite:" + dir.resolve("rules-" + (++databases) + ".db"));
    }

    @Override
    protected List<String> refuseStateWrites() {
        return List.of(
                "CREATE TRIGGER refuse_insert BEFORE INSERT ON ttp_rule_state BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
                "CREATE TRIGGER refuse_update BEFORE UPDATE ON ttp_rule_state BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
    }

    @Override
    protected List<String> recreateRuleTable() { // what an Alembic batch migration does on SQLite
        return List.of("CREATE TABLE _alembic_tmp_ttp_rule (rule_id TEXT NOT NULL PRIMARY KEY, rule_version INTEGER NOT NULL,"
                        + " source_path TEXT NOT NULL, yaml_content TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT)",
                "INSERT INTO _alembic_tmp_ttp_rule SELECT rule_id, rule_version, source_path, yaml_content, updated_at,"
                        + " updated_by FROM ttp_rule",
                "DROP TABLE ttp_rule",
                "ALTER TABLE _alembic_tmp_ttp_rule RENAME TO ttp_rule");
    }

    @Override
    protected List<String> decnetTables() {
        return List.of("CREATE TABLE ttp_rule (rule_id VARCHAR NOT NULL PRIMARY KEY, rule_version INTEGER NOT NULL,"
                        + " source_path VARCHAR NOT NULL, yaml_content TEXT NOT NULL, updated_at DATETIME NOT NULL,"
                        + " updated_by VARCHAR NOT NULL)",
                "CREATE TABLE ttp_rule_state (rule_id VARCHAR NOT NULL PRIMARY KEY, state VARCHAR NOT NULL, confidence_max FLOAT,"
                        + " expires_at DATETIME, reason VARCHAR, set_by VARCHAR NOT NULL, set_at DATETIME NOT NULL)");
    }

    @Test
    void aVersion2TableWithCheckConstraintsIsRebuiltWithoutThemAndKeepsItsRowsAndTriggers() throws Exception {
        store.close();
        Path file = dir.resolve("v2.db");
        org.sqlite.SQLiteDataSource ds = new org.sqlite.SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + file);
        // the schema as ttp4j's version 2 left it (with CHECK constraints), holding a state that version 3 must keep
        SchemaMigrations.migrate(ds, Dialect.SQLITE, false, "2");
        db = DatabaseConfig.of("jdbc:sqlite:" + file);
        assertThrows(java.sql.SQLException.class, () -> sql("INSERT INTO ttp_rule_state (rule_id, state, confidence_max)"
                + " VALUES ('R0009', 'clipped', 1.5)"), "version 2 had the CHECK constraints");
        sql("INSERT INTO ttp_rule_state (rule_id, state, reason, set_by) VALUES ('R0001', 'disabled', 'kept', 'alice')");
        SchemaMigrations.migrate(ds, Dialect.SQLITE);
        assertEquals(List.of(0L), longs("SELECT count(*) FROM sqlite_master WHERE name = 'ttp_rule_state' AND sql LIKE '%CHECK%'"));
        sql("INSERT INTO ttp_rule_state (rule_id, state, confidence_max, set_by) VALUES ('R0002', 'clipped', 1.5, 'decnet')",
                "UPDATE ttp_rule_state SET reason = 'still kept' WHERE rule_id = 'R0001'");
        assertEquals(List.of(1L, 2L), longs("SELECT count(*) FROM ttp_rule_state_audit GROUP BY rule_id ORDER BY rule_id DESC"),
                "the rebuilt table's triggers audit: R0002 once, R0001 twice");
        try (DatabaseRuleStore reopened = worker()) {
            assertEquals("still kept", reopened.getState("R0001").reason(), "the row survived the rebuild");
        }
    }

    @Test
    void theSchemaIsCreatedInANewFileWithItsVersionRecorded() throws Exception {
        Path file = Path.of(db.url().substring("jdbc:sqlite:".length()));
        assertTrue(Files.size(file) > 0);
        try (var c = java.sql.DriverManager.getConnection(db.url());
             var rs = c.createStatement().executeQuery("SELECT version FROM " + SchemaMigrations.HISTORY_TABLE
                     + " WHERE success = 1 ORDER BY installed_rank DESC")) {
            assertTrue(rs.next());
            assertEquals("3", rs.getString(1));
        }
    }

    @Test
    void aSecondOpenOfTheSameFileDoesNotMigrateAgain() {
        store.setState("R0001", RuleState.of(Mode.DISABLED), "alice");
        try (DatabaseRuleStore again = worker()) {
            assertEquals(Mode.DISABLED, again.getState("R0001").mode());
        }
    }

    @Test
    void aFileThatCannotBeOpenedIsOneLineNamingTheUrlAndTheCauseOnce() {
        String url = "jdbc:sqlite:" + dir.resolve("no/such/dir/rules.db");
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.ttp4j.store.StoreException.class,
                () -> DatabaseRuleStore.open(DatabaseConfig.of(url)));
        assertTrue(e.getMessage().startsWith("cannot connect to the rule database " + url + ": "), e.getMessage());
        assertEquals(1, e.getMessage().split("SQLITE_CANTOPEN", -1).length - 1, e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
    }
}
