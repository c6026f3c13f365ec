package org.ttp4j.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.ttp4j.rule.RuleState;
import org.ttp4j.rule.RuleState.Mode;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.StoreException;

/**
 * The database store on a real PostgreSQL server, each test in a schema of its own. The server comes from
 * {@code TTP4J_PG_URL}, {@code TTP4J_PG_USER}, {@code TTP4J_PG_PASSWORD} ({@code eval "$(scripts/postgres start)"}).
 * Without them the tests are skipped locally; when {@code CI} is set they fail instead, as they do whenever the
 * settings are given but the server cannot be reached.
 */
class PostgresRuleStoreTest extends DatabaseRuleStoreTest {
    private static final TestServer SERVER = new TestServer("PostgreSQL", "TTP4J_PG", "postgres");
    private static final String URL = SERVER.url;
    private static final String USER = SERVER.user;
    private static final String PASSWORD = SERVER.password;

    @BeforeAll
    static void requireServer() {
        SERVER.require();
    }

    @AfterAll
    static void dropSchemas() throws SQLException {
        SERVER.dropCreated("DROP SCHEMA IF EXISTS %s CASCADE");
    }

    @Override
    protected org.ttp4j.store.RuleStore openStore() throws Exception {
        SERVER.assumeGiven();
        return super.openStore();
    }

    @Override
    protected DatabaseConfig freshDatabase() throws SQLException {
        String schema = "ttp4j_test_" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD); var s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        SERVER.created(schema);
        return new DatabaseConfig(URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema, USER, PASSWORD);
    }

    @Override
    protected List<String> refuseStateWrites() {
        return List.of("ALTER TABLE ttp_rule_state ADD CONSTRAINT refused_by_the_test CHECK (false) NOT VALID");
    }

    @Override
    protected List<String> recreateRuleTable() {
        return List.of("CREATE TABLE ttp_rule_new (rule_id TEXT NOT NULL PRIMARY KEY, rule_version INTEGER NOT NULL,"
                        + " source_path TEXT NOT NULL, yaml_content TEXT NOT NULL, updated_at TIMESTAMPTZ NOT NULL, updated_by TEXT)",
                "INSERT INTO ttp_rule_new SELECT rule_id, rule_version, source_path, yaml_content, updated_at, updated_by FROM ttp_rule",
                "DROP TABLE ttp_rule",
                "ALTER TABLE ttp_rule_new RENAME TO ttp_rule");
    }

    @Override
    protected List<String> decnetTables() {
        return List.of("CREATE TABLE ttp_rule (rule_id VARCHAR(64) NOT NULL PRIMARY KEY, rule_version INTEGER NOT NULL,"
                        + " source_path VARCHAR(512) NOT NULL, yaml_content TEXT NOT NULL, updated_at TIMESTAMP NOT NULL,"
                        + " updated_by VARCHAR(128) NOT NULL)",
                "CREATE TABLE ttp_rule_state (rule_id VARCHAR(64) NOT NULL PRIMARY KEY, state VARCHAR(32) NOT NULL,"
                        + " confidence_max DOUBLE PRECISION, expires_at TIMESTAMP, reason TEXT, set_by VARCHAR(128) NOT NULL,"
                        + " set_at TIMESTAMP NOT NULL)");
    }

    @Test
    void aServerRestartInTheMiddleLosesNothingAndRepeatsNothing() throws Exception {
        DatabaseRuleStore b = worker();
        Recorder onB = record(b);
        RuleState before = store.setState("R0001", RuleState.of(Mode.DISABLED), "alice");
        assertEquals(new RuleChange.State("R0001", before), onB.next());

        postgres("stop");
        try {
            assertThrows(StoreException.class, () -> store.setState("R0002", RuleState.of(Mode.DISABLED), "alice"),
                    "a write while the server is down fails");
        } finally {
            postgres("start");
        }
        // Written at once, before worker B has noticed the server is back: B must catch up, not rely on NOTIFY.
        RuleState after = store.setState("R0002", RuleState.of(Mode.CLIPPED), "alice");
        putRules(Map.of("R0003", ruleYaml("R0003", 1, "after-restart")));

        List<RuleChange> changes = onB.next(2);
        assertEquals(new RuleChange.State("R0002", after), changes.get(0));
        assertEquals("R0003", assertInstanceOf(RuleChange.Definition.class, changes.get(1)).ruleId());
        onB.assertQuiet();
        assertEquals(after, b.getState("R0002"));
        assertEquals(before, b.getState("R0001"));
    }

    @Test
    void everyWriteNotifiesTheKindAndTheRuleIdAtCommit() throws Exception {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            c.createStatement().execute("LISTEN " + DatabaseRuleStore.CHANNEL);
            store.setState("R0001", RuleState.of(Mode.DISABLED), "alice");
            putRules(Map.of("R0002", ruleYaml("R0002", 1, "x")));
            sql("DELETE FROM ttp_rule WHERE rule_id = 'R0002'");
            List<String> payloads = new ArrayList<>();
            PGConnection pg = c.unwrap(PGConnection.class);
            long deadline = System.nanoTime() + ARRIVAL.toNanos();
            while (payloads.size() < 3 && System.nanoTime() < deadline) {
                for (PGNotification n : pg.getNotifications(200)) {
                    payloads.add(n.getParameter());
                }
            }
            assertEquals(List.of("state:R0001", "rule:R0002", "rule:R0002"), payloads);
        }
    }

    @Test
    void aWriterWithAnotherSearchPathStillLogsItsWritesForTheWorkers() throws Exception {
        DatabaseRuleStore b = worker();
        Recorder onB = record(b);
        String schema = db.url().substring(db.url().lastIndexOf("currentSchema=") + "currentSchema=".length());
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             Statement s = c.createStatement()) {
            s.execute("SET search_path = pg_catalog"); // a client that qualifies the tables it writes, nothing else
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema + ".ttp_rule (rule_id, rule_version,"
                    + " source_path, yaml_content, updated_at, updated_by) VALUES ('R0008', 1, 'rules/ttp/R0008.yaml', ?,"
                    + " now(), 'psql')")) {
                ps.setString(1, ruleYaml("R0008", 1, "qualified"));
                ps.executeUpdate();
            }
            s.execute("INSERT INTO " + schema + ".ttp_rule_state (rule_id, state, set_by) VALUES ('R0008', 'disabled', 'psql')");
        }
        assertEquals("R0008", assertInstanceOf(RuleChange.Definition.class, onB.next()).ruleId());
        RuleChange.State state = assertInstanceOf(RuleChange.State.class, onB.next());
        assertEquals(Mode.DISABLED, state.state().mode());
        onB.assertQuiet();
        assertEquals(1, b.stateHistory("R0008").size(), "the state write is audited: " + b.stateHistory("R0008"));
    }

    @Test
    void aPruneSkipsItsRoundWhileAnotherStoresPruneHoldsTheMark() throws Exception {
        putRules(Map.of("R0001", ruleYaml("R0001", 1, "x"), "R0002", ruleYaml("R0002", 1, "y")));
        age("1 = 1", Duration.ofDays(30));
        int before = changeIds().size();
        try (Connection other = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                s.executeQuery("SELECT through_id FROM ttp_rule_change_pruned FOR UPDATE").close(); // a prune in flight
            }
            // the feed thread prunes: waiting here would stall the feed behind a stalled process
            assertEquals(0, assertTimeoutPreemptively(Duration.ofSeconds(30), () -> dbStore().pruneChanges()));
            assertEquals(before, changeIds().size());
            other.rollback();
        }
        assertEquals(before - 1, dbStore().pruneChanges(), "the next round prunes all but the newest");
    }

    /** Runs {@code scripts/postgres start|stop} of this repository. */
    private static void postgres(String command) throws Exception {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isExecutable(dir.resolve("scripts/postgres"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            fail("scripts/postgres not found above " + Path.of("").toAbsolutePath());
        }
        Process p = new ProcessBuilder(dir.resolve("scripts/postgres").toString(), command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail("scripts/postgres " + command + " failed");
        }
    }
}
