package org.ttp4j.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.RuleState;
import org.ttp4j.rule.RuleState.Mode;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.fs.FilesystemRuleStore;

/**
 * The database store on a real MariaDB server, each test in a database of its own ({@code ttp4j_test_...}). The
 * server comes from {@code TTP4J_MARIADB_URL}, {@code TTP4J_MARIADB_USER}, {@code TTP4J_MARIADB_PASSWORD}
 * ({@code eval "$(scripts/mariadb start)"}). Without them the tests are skipped locally; when {@code CI} is set they
 * fail instead, as they do whenever the settings are given but the server cannot be reached.
 */
class MariadbRuleStoreTest extends DatabaseRuleStoreTest {
    private static final TestServer SERVER = new TestServer("MariaDB", "TTP4J_MARIADB", "mariadb");
    private static final String URL = SERVER.url;
    private static final String USER = SERVER.user;
    private static final String PASSWORD = SERVER.password;

    @BeforeAll
    static void requireServer() {
        SERVER.require();
    }

    @AfterAll
    static void dropDatabases() throws SQLException {
        SERVER.dropCreated("DROP DATABASE IF EXISTS %s");
    }

    @Override
    protected org.ttp4j.store.RuleStore openStore() throws Exception {
        SERVER.assumeGiven();
        return super.openStore();
    }

    @Override
    protected DatabaseConfig freshDatabase() throws SQLException {
        String database = "ttp4j_test_" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        SERVER.created(database);
        return new DatabaseConfig(withDatabase(URL, database), USER, PASSWORD);
    }

    /** {@code jdbc:mariadb://HOST:PORT/DB?OPTIONS} with another DB. */
    static String withDatabase(String url, String database) {
        int hostStart = url.indexOf("//") + 2;
        int slash = url.indexOf('/', hostStart);
        int query = url.indexOf('?', hostStart);
        String head = url.substring(0, slash < 0 ? (query < 0 ? url.length() : query) : slash);
        return head + "/" + database + (query < 0 ? "" : url.substring(query));
    }

    @Override
    protected List<String> refuseStateWrites() {
        return List.of(
                "CREATE TRIGGER refuse_insert BEFORE INSERT ON ttp_rule_state FOR EACH ROW"
                        + " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'",
                "CREATE TRIGGER refuse_update BEFORE UPDATE ON ttp_rule_state FOR EACH ROW"
                        + " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'");
    }

    @Override
    protected List<String> recreateRuleTable() {
        return List.of("CREATE TABLE ttp_rule_new LIKE ttp_rule", // LIKE copies columns and keys, never triggers
                "INSERT INTO ttp_rule_new SELECT * FROM ttp_rule",
                "DROP TABLE ttp_rule",
                "RENAME TABLE ttp_rule_new TO ttp_rule");
    }

    @Override
    protected List<String> decnetTables() { // as SQLAlchemy creates them on MySQL: the server's default collation
        return List.of("CREATE TABLE ttp_rule (rule_id VARCHAR(64) NOT NULL PRIMARY KEY, rule_version INTEGER NOT NULL,"
                        + " source_path VARCHAR(512) NOT NULL, yaml_content TEXT NOT NULL, updated_at DATETIME NOT NULL,"
                        + " updated_by VARCHAR(128) NOT NULL)",
                "CREATE TABLE ttp_rule_state (rule_id VARCHAR(64) NOT NULL PRIMARY KEY, state VARCHAR(32) NOT NULL,"
                        + " confidence_max FLOAT, expires_at DATETIME, reason TEXT, set_by VARCHAR(128) NOT NULL,"
                        + " set_at DATETIME NOT NULL)");
    }

    @Test
    void ruleIdsThatDifferOnlyInCaseOrTrailingSpaceAreDistinctRows() throws Exception {
        insertRuleRow("R0001", "rules/ttp/R0001.yaml", ruleYaml("R0001", 1, "one"));
        insertRuleRow("r0001", "rules/ttp/r0001.yaml", ruleYaml("r0001", 1, "two"));
        insertRuleRow("R0001 ", "rules/ttp/R0001_.yaml", ruleYaml("R0001", 1, "three"));
        assertEquals(Set.of("R0001", "r0001", "R0001 "), dbStore().ruleIds());
        store.setState("R0001", RuleState.of(Mode.DISABLED), "alice");
        assertEquals(RuleState.DEFAULT, store.getState("r0001"));
    }

    @Test
    void writingIdenticalContentChangesNothing() throws Exception {
        putRules(Map.of("R0001", ruleYaml("R0001", 1, "one")));
        int entries = changeIds().size();
        putRules(Map.of("R0001", ruleYaml("R0001", 1, "one")));
        assertEquals(entries, changeIds().size(), "an upsert of the same row logs no change");
        putRules(Map.of("R0001", ruleYaml("R0001", 2, "one")));
        assertEquals(entries + 1, changeIds().size());
    }

    /**
     * The server drops every connection of the store and of the workers (as a restart does to its clients; the
     * server itself is shared with other users of this machine, so the test does not stop it), between writes of the
     * master's sync and of a worker: both workers then see every change exactly once.
     */
    @Test
    void twoWorkersAndTheMasterSyncLoseNothingAndRepeatNothingWhenTheServerDropsTheirConnections() throws Exception {
        DatabaseRuleStore b = worker();
        Recorder onA = record();
        Recorder onB = record(b);
        Files.writeString(rulesDir.resolve("R0001.yaml"), ruleYaml("R0001", 1, "one"));
        Files.writeString(rulesDir.resolve("R0002.yaml"), ruleYaml("R0002", 1, "two"));
        FilesystemRuleStore master = track(FilesystemRuleStore.builder(rulesDir).problems(problems::add).open());
        DatabaseRuleStore masterDb = worker();
        RuleTableSync sync = track(RuleTableSync.start(master, masterDb, "master-host"));
        assertTrue(sync.awaitIdle(ARRIVAL));
        for (Recorder r : List.of(onA, onB)) {
            assertEquals(Set.of("R0001", "R0002"), Set.of(definitionId(r.next()), definitionId(r.next())));
        }

        assertTrue(killConnections() > 0);
        RuleState disabled = afterReconnect(() -> store.setState("R0001", RuleState.of(Mode.DISABLED), "alice"));
        killConnections();
        Files.writeString(rulesDir.resolve("R0003.yaml"), ruleYaml("R0003", 1, "three"));
        Files.delete(rulesDir.resolve("R0002.yaml"));
        killConnections();

        assertEquals(new RuleChange.State("R0001", disabled), onA.next(), "the writer publishes its own write");
        for (Recorder r : List.of(onA, onB)) {
            List<RuleChange> rest = r == onA ? r.next(2) : r.next(3);
            if (r == onB) {
                assertEquals(new RuleChange.State("R0001", disabled), rest.getFirst());
                rest = rest.subList(1, 3);
            }
            assertTrue(rest.contains(new RuleChange.Removed("R0002")), rest.toString());
            assertTrue(rest.stream().anyMatch(c -> c instanceof RuleChange.Definition d && d.ruleId().equals("R0003")),
                    rest.toString());
        }
        onA.assertQuiet();
        onB.assertQuiet();
        assertEquals(disabled, b.getState("R0001"));
        assertEquals(Set.of("R0001", "R0003"), Set.copyOf(b.loadCompiled().stream().map(CompiledRule::ruleId).toList()));
    }

    /**
     * Runs a write that may meet a connection the server has just dropped (the pool hands out a connection it has
     * used within the last 500 ms without checking it): such an attempt fails with a StoreException and writes
     * nothing, as any write does while the server is away; the pool then discards that connection.
     */
    private static <T> T afterReconnect(java.util.function.Supplier<T> write) {
        for (int attempt = 1; ; attempt++) {
            try {
                return write.get();
            } catch (org.ttp4j.store.StoreException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private static String definitionId(RuleChange change) {
        return assertInstanceOf(RuleChange.Definition.class, change).ruleId();
    }

    /** Kills every other connection to this test's database (the server's KILL, as its shutdown does); returns how many. */
    private int killConnections() throws SQLException {
        String database = db.url().substring(db.url().lastIndexOf('/') + 1).replaceFirst("\\?.*", "");
        int killed = 0;
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD); Statement s = c.createStatement()) {
            List<Long> ids = new ArrayList<>();
            try (var rs = s.executeQuery("SELECT id FROM information_schema.processlist WHERE db = '" + database
                    + "' AND id <> CONNECTION_ID()")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            for (long id : ids) {
                try {
                    s.execute("KILL CONNECTION " + id);
                    killed++;
                } catch (SQLException gone) {
                    // it closed meanwhile
                }
            }
        }
        return killed;
    }
}
