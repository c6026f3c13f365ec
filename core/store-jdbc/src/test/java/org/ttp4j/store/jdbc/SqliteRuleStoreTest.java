package org.ttp4j.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void theSchemaIsCreatedInANewFileWithItsVersionRecorded() throws Exception {
        Path file = Path.of(db.url().substring("jdbc:sqlite:".length()));
        assertTrue(Files.size(file) > 0);
        try (var c = java.sql.DriverManager.getConnection(db.url());
             var rs = c.createStatement().executeQuery("SELECT version FROM " + SchemaMigrations.HISTORY_TABLE
                     + " WHERE success = 1 ORDER BY installed_rank DESC")) {
            assertTrue(rs.next());
            assertEquals("2", rs.getString(1));
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
