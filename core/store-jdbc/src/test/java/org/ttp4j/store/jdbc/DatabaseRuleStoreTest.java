package org.ttp4j.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Problem;
import org.ttp4j.rule.RuleState;
import org.ttp4j.rule.RuleState.Mode;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.RuleStore;
import org.ttp4j.store.conformance.RuleStoreConformanceTest;
import org.ttp4j.store.StateAuditEntry;
import org.ttp4j.store.StoreException;
import org.ttp4j.store.fs.FilesystemRuleStore;

/**
 * The database store on one engine: the conformance suite, plus what only a shared, persistent store does
 * (restart, malformed rows, audit, several workers on one database). Each engine's test says how to make a fresh
 * database and how to make it refuse state writes.
 */
abstract class DatabaseRuleStoreTest extends RuleStoreConformanceTest {
    /** Poll often in tests: SQLite workers see each other's changes within this. */
    static final Duration POLL = Duration.ofMillis(50);

    protected DatabaseConfig db;
    /** The master host's rules directory, for the sync tests. */
    @TempDir
    protected Path rulesDir;
    protected final List<Problem> problems = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** A new, empty database (a file, or a schema of its own), different at every call. */
    protected abstract DatabaseConfig freshDatabase() throws Exception;

    /** SQL that makes the database refuse inserts and updates of {@code ttp_rule_state}. */
    protected abstract List<String> refuseStateWrites();

    /**
     * SQL that recreates {@code ttp_rule} with its rows as a migration tool does (a new table, the rows copied, the old
     * one dropped, the new one renamed), which drops the triggers on it.
     */
    protected abstract List<String> recreateRuleTable();

    /** SQL that creates DECNET's two tables as DECNET's own migrations do (no CHECK constraints). */
    protected abstract List<String> decnetTables();

    @Override
    protected RuleStore openStore() throws Exception {
        db = freshDatabase();
        return worker();
    }

    @Override
    protected RuleStore openAnotherStore() {
        return worker();
    }

    /** Another store (a worker) on the same database; closed after the test. */
    protected DatabaseRuleStore worker() {
        return track(DatabaseRuleStore.builder(db).pollInterval(POLL).problems(problems::add).open());
    }

    protected <T extends AutoCloseable> T track(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    @AfterEach
    void closeWorkers() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
    }

    protected DatabaseRuleStore dbStore() {
        return (DatabaseRuleStore) store;
    }

    @Override
    protected void putRules(Map<String, String> yamlById) {
        yamlById.forEach((id, yaml) -> dbStore().putRule("rules/ttp/" + id + ".yaml", yaml, "test"));
    }

    @Override
    protected void breakStateWrites() throws Exception {
        sql(refuseStateWrites().toArray(String[]::new));
    }

    /** Runs statements on the database directly, as another writer (DECNET, an operator's shell) would. */
    protected void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static String quoted(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** The first column of every row {@code query} returns, run directly on the database. */
    protected List<Long> longs(String query) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    protected List<Long> changeIds() throws SQLException {
        return longs("SELECT id FROM ttp_rule_change ORDER BY id");
    }

    private long prunedThrough() throws SQLException {
        return longs("SELECT through_id FROM ttp_rule_change_pruned").getFirst();
    }

    /** Dates the change-log entries {@code where} selects {@code age} ago (to the second; any zone reading will do). */
    protected void age(String where, Duration age) throws SQLException {
        String at = Instant.now().minus(age).atOffset(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss"));
        sql("UPDATE ttp_rule_change SET changed_at = '" + at + "' WHERE " + where);
    }

    private static String describe(RuleChange change) {
        return switch (change) {
            case RuleChange.Definition d -> "definition " + d.ruleId() + " v" + d.rule().ruleVersion();
            case RuleChange.Removed r -> "removed " + r.ruleId();
            case RuleChange.State st -> "state " + st.ruleId() + " " + st.state().mode().wireName();
        };
    }

    protected void insertRuleRow(String id, String path, String yaml) throws SQLException {
        sql("INSERT INTO ttp_rule (rule_id, rule_version, source_path, yaml_content, updated_at, updated_by) VALUES ("
                + quoted(id) + ", 1, " + quoted(path) + ", " + quoted(yaml) + ", CURRENT_TIMESTAMP, 'decnet')");
    }

    private static List<Problem> errors(List<Problem> problems) {
        return problems.stream().filter(Problem::isError).toList();
    }

    // ------------------------------------------------------------------------------------------------ persistence

    @Test
    void statesAndRulesSurviveARestart() throws Exception {
        putRules(Map.of("R0001", ruleYaml("R0001", 3, "curl")));
        RuleState set = store.setState("R0001", new RuleState(Mode.CLIPPED, 0.25, Instant.now().plusSeconds(3600),
                "noisy", null, null), "alice");
        store.close();
        try (DatabaseRuleStore again = DatabaseRuleStore.builder(db).pollInterval(POLL).open()) {
            assertEquals(set, again.getState("R0001"));
            CompiledRule rule = again.loadCompiled().getFirst();
            assertEquals("R0001", rule.ruleId());
            assertEquals(3, rule.ruleVersion());
            assertEquals(set, rule.state());
            assertEquals("rules/ttp/R0001.yaml", rule.sourcePath());
        }
    }

    @Test
    void oneMalformedRowIsReportedAndSkippedWithoutBlockingTheOthers() throws Exception {
        store.close();
        problems.clear();
        insertRuleRow("R0001", "rules/ttp/R0001.yaml", ruleYaml("R0001", 1, "a"));
        insertRuleRow("R0002", "rules/ttp/R0002.yaml", "rule_id: R0002\nrule_version: [not, a, number\n");
        insertRuleRow("R0003", "rules/ttp/R0003.yaml", ruleYaml("R0003", 1, "c"));
        store = worker();
        List<Problem> atOpen = errors(problems);
        assertEquals(Set.of("R0001", "R0003"),
                store.loadCompiled().stream().map(CompiledRule::ruleId).collect(Collectors.toSet()));
        assertTrue(!atOpen.isEmpty() && atOpen.stream().allMatch(p -> p.path().equals("rules/ttp/R0002.yaml")),
                "the malformed row is reported by its path: " + atOpen);
    }

    @Test
    void aRowWhoseTextDefinesAnotherRuleIsReportedAndSkipped() throws Exception {
        store.close();
        problems.clear();
        insertRuleRow("R0001", "rules/ttp/R0001.yaml", ruleYaml("R0009", 1, "a"));
        store = worker();
        assertEquals(List.of(), store.loadCompiled());
        assertTrue(errors(problems).stream().anyMatch(p -> p.field().equals("rule_id") && p.message().contains("R0009")),
                "expected a rule_id problem, got " + problems);
    }

    @Test
    void whatDecnetWritesIsStoredAndAStateTtp4jCannotHonourReadsAsTheDefault() throws Exception {
        problems.clear();
        sql("INSERT INTO ttp_rule_state (rule_id, state, set_by, set_at) VALUES ('R0001', 'paused', 'decnet', CURRENT_TIMESTAMP)",
                "INSERT INTO ttp_rule_state (rule_id, state, confidence_max, set_by, set_at)"
                        + " VALUES ('R0002', 'clipped', 1.5, 'decnet', CURRENT_TIMESTAMP)");
        assertEquals(List.of(1L, 1L), longs("SELECT count(*) FROM ttp_rule_state WHERE rule_id IN ('R0001', 'R0002')"
                + " GROUP BY rule_id ORDER BY rule_id"), "both rows are stored, as DECNET's own tables would");
        assertEquals(RuleState.DEFAULT, store.getState("R0001"));
        assertEquals(RuleState.DEFAULT, store.getState("R0002"));
        assertTrue(errors(problems).stream().anyMatch(p -> p.path().equals("ttp_rule_state/R0001")), problems.toString());
        assertTrue(errors(problems).stream().anyMatch(p -> p.path().equals("ttp_rule_state/R0002")), problems.toString());
        // ttp4j's own writes are validated before they reach the database
        assertThrows(IllegalArgumentException.class, () -> new RuleState(Mode.CLIPPED, 1.5, null, null, null, null));
    }

    @Test
    void everyStateWriteIsAuditedWithWhoWhenOldAndNew() {
        RuleState first = store.setState("R0001", RuleState.of(Mode.DISABLED), "alice");
        RuleState second = store.setState("R0001", new RuleState(Mode.CLIPPED, 0.4, null, "tuned", null, null), "bob");
        store.setState("R0002", RuleState.of(Mode.DISABLED), "carol");
        List<StateAuditEntry> history = dbStore().stateHistory("R0001");
        assertEquals(2, history.size());
        assertEquals(RuleState.DEFAULT, history.get(0).before());
        assertEquals(first, history.get(0).after());
        assertEquals(first, history.get(1).before());
        assertEquals(second, history.get(1).after());
        assertEquals("bob", history.get(1).after().setBy());
        assertTrue(history.get(0).id() < history.get(1).id());
        assertEquals(Map.of("R0001", second, "R0002", store.getState("R0002")), dbStore().states());
    }

    @Test
    void aBadEditKeepsTheLastGoodDefinitionOnEveryWorker() throws Exception {
        DatabaseRuleStore b = worker();
        Recorder onB = record(b);
        putRules(Map.of("R0001", ruleYaml("R0001", 1, "good")));
        assertInstanceOf(RuleChange.Definition.class, onB.next());
        problems.clear();
        sql("UPDATE ttp_rule SET yaml_content = 'rule_id: R0001\nname: [' WHERE rule_id = 'R0001'");
        onB.assertQuiet();
        assertTrue(!errors(problems).isEmpty(), "the bad edit is reported");
        CompiledRule live = b.loadCompiled().getFirst();
        assertEquals("R0001", live.ruleId());
        assertTrue(live.yaml().contains("good"), "the last good version stays live");
    }

    @Test
    void aRuleThisStoreWritesIsPublishedAsCompiledNotCompiledAgain() throws Exception {
        Recorder onA = record();
        CompiledRule written = dbStore().putRule("rules/ttp/R0001.yaml", ruleYaml("R0001", 1, "curl"), "test");
        RuleChange.Definition d = assertInstanceOf(RuleChange.Definition.class, onA.next());
        assertSame(written.match(), d.rule().match(), "the catch-up that read the row back reused the written rule");
        assertEquals(written.contentHash(), d.rule().contentHash());
    }

    // ------------------------------------------------------------------------------------------------ workers

    @Test
    void aStateSetOnOneWorkerIsSeenOnTheOtherOnce() throws Exception {
        DatabaseRuleStore b = worker();
        Recorder onB = record(b);
        Recorder onA = record();
        RuleState stored = store.setState("R0001", new RuleState(Mode.CLIPPED, 0.5, null, "why", null, null), "alice");
        assertEquals(new RuleChange.State("R0001", stored), onB.next());
        assertEquals(new RuleChange.State("R0001", stored), onA.next());
        assertEquals(stored, b.getState("R0001"));
        onB.assertQuiet(); // the poll that reads the row back does not publish it again
        onA.assertQuiet();
    }

    @Test
    void definitionsAndRemovalsByAnotherWriterReachEveryWorker() throws Exception {
        DatabaseRuleStore b = worker();
        Recorder onA = record();
        Recorder onB = record(b);
        insertRuleRow("R0007", "rules/ttp/R0007.yaml", ruleYaml("R0007", 1, "x")); // e.g. DECNET's own sync
        for (Recorder r : List.of(onA, onB)) {
            RuleChange.Definition d = assertInstanceOf(RuleChange.Definition.class, r.next());
            assertEquals("R0007", d.rule().ruleId());
        }
        sql("DELETE FROM ttp_rule WHERE rule_id = 'R0007'");
        assertEquals(new RuleChange.Removed("R0007"), onA.next());
        assertEquals(new RuleChange.Removed("R0007"), onB.next());
        sql("INSERT INTO ttp_rule_state (rule_id, state, reason, set_by) VALUES ('R0007', 'disabled', 'by hand', 'psql')");
        for (Recorder r : List.of(onA, onB)) {
            RuleChange.State s = assertInstanceOf(RuleChange.State.class, r.next());
            assertEquals(Mode.DISABLED, s.state().mode());
            assertEquals("psql", s.state().setBy());
        }
        onA.assertQuiet();
        onB.assertQuiet();
    }

    @Test
    void aRuleSyncedFromADirectoryAppearsOnBothWorkersAndADeletedOneDisappears() throws Exception {
        DatabaseRuleStore b = worker();
        Recorder onA = record();
        Recorder onB = record(b);
        Files.writeString(rulesDir.resolve("R0001.yaml"), ruleYaml("R0001", 1, "one"));
        FilesystemRuleStore master = track(FilesystemRuleStore.builder(rulesDir).problems(problems::add).open());
        RuleTableSync sync = track(RuleTableSync.start(master, dbStore(), "master-host"));
        assertTrue(sync.awaitIdle(ARRIVAL));
        Files.writeString(rulesDir.resolve("R0002.yaml"), ruleYaml("R0002", 4, "two"));
        for (Recorder r : List.of(onA, onB)) {
            Set<String> ids = new HashSet<>();
            for (RuleChange c : r.next(2)) {
                ids.add(assertInstanceOf(RuleChange.Definition.class, c).ruleId());
            }
            assertEquals(Set.of("R0001", "R0002"), ids);
        }
        CompiledRule two = b.loadCompiled().stream().filter(x -> x.ruleId().equals("R0002")).findFirst().orElseThrow();
        assertEquals(4, two.ruleVersion());
        assertTrue(Files.isSameFile(rulesDir.resolve("R0002.yaml"), Path.of(two.sourcePath())),
                "source_path is the real file: " + two.sourcePath());
        Files.delete(rulesDir.resolve("R0001.yaml"));
        assertEquals(new RuleChange.Removed("R0001"), onA.next());
        assertEquals(new RuleChange.Removed("R0001"), onB.next());
        assertEquals(Set.of("R0002"), b.ruleIds());
        onA.assertQuiet();
        onB.assertQuiet();
    }

    @Test
    void strictStartupRefusesADatabaseWithAnInvalidRow() throws Exception {
        insertRuleRow("R0002", "rules/ttp/R0002.yaml", "rule_id: R0002\n");
        StoreException e = assertThrows(StoreException.class,
                () -> DatabaseRuleStore.builder(db).problems(problems::add).strict(true).open());
        assertTrue(e.getMessage().contains("rules/ttp/R0002.yaml"), e.getMessage());
    }

    @Test
    void theInitialProjectionDeletesRowsTheMasterDoesNotHave() throws Exception {
        putRules(Map.of("R0001", ruleYaml("R0001", 1, "stale")));
        DatabaseConfig workers = db;
        db = freshDatabase();
        DatabaseRuleStore master = worker();
        db = workers;
        master.putRule("rules/ttp/R0002.yaml", ruleYaml("R0002", 1, "fresh"), "editor");
        Recorder onA = record();
        RuleTableSync sync = track(RuleTableSync.start(master, dbStore(), "master-host"));
        assertTrue(sync.awaitIdle(ARRIVAL));
        assertEquals(Set.of("R0002"), dbStore().ruleIds());
        List<RuleChange> changes = onA.next(2);
        assertTrue(changes.contains(new RuleChange.Removed("R0001")), changes.toString());
    }

    @Test
    void anExpiryIsWrittenOnceAndPublishedOnceOnEveryWorker() throws Exception {
        DatabaseRuleStore b = worker();
        Recorder onA = record();
        Recorder onB = record(b);
        RuleState set = store.setState("R0001",
                new RuleState(Mode.DISABLED, null, Instant.now().plusMillis(700), "a moment", null, null), "alice");
        for (Recorder r : List.of(onA, onB)) {
            assertEquals(new RuleChange.State("R0001", set), r.next());
            // as DECNET does: the row is deleted, so the state reads back as the default with every field null
            assertEquals(new RuleChange.State("R0001", RuleState.DEFAULT), r.next());
        }
        onA.assertQuiet();
        onB.assertQuiet();
        assertEquals(List.of(0L), longs("SELECT count(*) FROM ttp_rule_state WHERE rule_id <> '" + BARRIER + "'"));
        List<StateAuditEntry> history = dbStore().stateHistory("R0001");
        assertEquals(2, history.size(), "one set, one revert: " + history);
        assertEquals(set, history.get(1).before());
        assertTrue(history.get(1).after().isDefault());
        assertEquals(DatabaseRuleStore.EXPIRY_SETTER, history.get(1).after().setBy(), "the audit keeps the expiry");
        assertEquals("expired", history.get(1).after().reason());
    }

    @Test
    void aStateThatExpiredWhileNoWorkerRanIsRevertedByTheNextOneToOpen() throws Exception {
        store.setState("R0001", new RuleState(Mode.DISABLED, null, Instant.now().plus(Duration.ofHours(1)), null, null, null), "alice");
        store.close();
        // The next worker's clock reads two hours on: the state expired while no worker ran, no waiting for it.
        DatabaseRuleStore next = track(DatabaseRuleStore.builder(db).pollInterval(POLL).problems(problems::add)
                .clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(2))).open());
        long deadline = System.nanoTime() + ARRIVAL.toNanos();
        while (next.stateHistory("R0001").size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        List<StateAuditEntry> history = next.stateHistory("R0001");
        assertEquals(2, history.size(), history.toString());
        assertEquals(DatabaseRuleStore.EXPIRY_SETTER, history.get(1).after().setBy());
        assertTrue(history.get(1).after().isDefault());
        assertEquals(RuleState.DEFAULT, next.getState("R0001"));
        assertEquals(List.of(0L), longs("SELECT count(*) FROM ttp_rule_state"), "the row is deleted");
    }

    // ------------------------------------------------------------------------------------------------ DECNET's schema

    @Test
    void aTableRecreatedByAMigrationGetsItsTriggersBackAndNoWriteIsMissed() throws Exception {
        putRules(Map.of("R0001", ruleYaml("R0001", 1, "one")));
        DatabaseRuleStore b = track(DatabaseRuleStore.builder(db).pollInterval(POLL).problems(problems::add)
                .triggerCheckInterval(Duration.ofMillis(200)).open());
        Recorder onB = record(b);
        List<String> logged = logLines();
        List<String> recreate = new ArrayList<>(recreateRuleTable());
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            c.setAutoCommit(false); // one transaction where DDL is transactional: the insert lands while no trigger is there
            try (Statement s = c.createStatement()) {
                for (String statement : recreate) {
                    s.execute(statement);
                }
                s.execute("INSERT INTO ttp_rule (rule_id, rule_version, source_path, yaml_content, updated_at, updated_by)"
                        + " VALUES ('R0002', 1, 'rules/ttp/R0002.yaml', " + quoted(ruleYaml("R0002", 1, "two"))
                        + ", CURRENT_TIMESTAMP, 'decnet')");
            }
            c.commit();
        }
        assertEquals("R0002", assertInstanceOf(RuleChange.Definition.class, onB.next()).ruleId(),
                "the write made while the triggers were missing reaches the worker");
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            assertEquals(Set.of(), new ChangeTriggers(Dialect.of(db.url())).missing(c), "the triggers are back");
        }
        assertTrue(logged.stream().anyMatch(l -> l.contains("were missing") && l.contains("restored")), logged.toString());
        insertRuleRow("R0003", "rules/ttp/R0003.yaml", ruleYaml("R0003", 1, "three"));
        assertEquals("R0003", assertInstanceOf(RuleChange.Definition.class, onB.next()).ruleId(), "and the log is fed again");
        onB.assertQuiet();
    }

    @Test
    void inADatabaseMarkedAsDecnetsTtp4jNeverCreatesDecnetsTablesAndSaysWhatToStartFirst() throws Exception {
        DatabaseConfig decnet = freshDatabase().withDecnetOwned(true);
        StoreException e = assertThrows(StoreException.class, () -> DatabaseRuleStore.open(decnet));
        assertTrue(e.getMessage().contains("TTP4J_DB_DECNET is set and DECNET's ttp_rule and ttp_rule_state are not"
                + " there yet: start DECNET first"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        DatabaseConfig before = db;
        db = decnet;
        try {
            assertThrows(SQLException.class, () -> longs("SELECT count(*) FROM ttp_rule"), "no table was created");
            sql(decnetTables().toArray(String[]::new));
            DatabaseRuleStore onDecnets = worker();
            Recorder changes = record(onDecnets);
            insertRuleRow("R0001", "rules/ttp/R0001.yaml", ruleYaml("R0001", 1, "one"));
            assertEquals("R0001", assertInstanceOf(RuleChange.Definition.class, changes.next()).ruleId());
            RuleState set = onDecnets.setState("R0001", RuleState.of(Mode.DISABLED), "alice");
            assertEquals(new RuleChange.State("R0001", set), changes.next());
            assertEquals(1, onDecnets.stateHistory("R0001").size());
        } finally {
            db = before;
        }
    }

    /** What the store logs (its System.Logger goes to java.util.logging here) from now until the test ends. */
    private List<String> logLines() {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(DatabaseRuleStore.class.getName());
        List<String> lines = new CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(handler);
        opened.add(() -> logger.removeHandler(handler));
        return lines;
    }

    // ------------------------------------------------------------------------------------------------ retention

    @Test
    void pruningDeletesOnlyEntriesOlderThanTheRetentionAndNeverTheNewest() throws Exception {
        DatabaseRuleStore b = worker();
        Recorder onB = record(b);
        for (int i = 1; i <= 5; i++) {
            store.setState("R000" + i, RuleState.of(Mode.DISABLED), "alice");
        }
        assertEquals(5, onB.next(5).size());
        List<Long> ids = changeIds();
        assertEquals(5, ids.size());
        age("id <= " + ids.get(2), Duration.ofDays(30));

        DatabaseRuleStore keepsAYear = track(DatabaseRuleStore.builder(db.withChangeRetention(Duration.ofDays(365)))
                .pollInterval(POLL).problems(problems::add).open()); // it pruned at open, too
        assertEquals(0, keepsAYear.pruneChanges());
        assertEquals(ids, changeIds());
        assertEquals(0, prunedThrough());

        assertEquals(3, dbStore().pruneChanges(), "seven days (the default) prunes the three dated a month ago");
        assertEquals(ids.subList(3, 5), changeIds());
        assertEquals(ids.get(2), prunedThrough());
        assertEquals(0, dbStore().pruneChanges(), "the rest is new");

        age("1 = 1", Duration.ofDays(30));
        assertEquals(1, dbStore().pruneChanges(), "all old now, and the newest stays");
        assertEquals(List.of(ids.get(4)), changeIds());
        assertEquals(ids.get(3), prunedThrough());

        // Both stores keep propagating: each publishes the next write once.
        Recorder onA = record();
        RuleState next = store.setState("R0006", RuleState.of(Mode.CLIPPED), "alice");
        assertEquals(new RuleChange.State("R0006", next), onA.next());
        assertEquals(new RuleChange.State("R0006", next), onB.next());
        onA.assertQuiet();
        onB.assertQuiet();
        assertTrue(changeIds().getLast() > ids.get(4));
    }

    @Test
    void aStoreThatOpensPrunesTheLogAndEveryStoreKeepsFollowing() throws Exception {
        DatabaseRuleStore b = worker();
        Recorder onA = record();
        Recorder onB = record(b);
        putRules(Map.of("R0001", ruleYaml("R0001", 1, "x")));
        RuleState set = store.setState("R0001", RuleState.of(Mode.DISABLED), "alice");
        assertEquals(2, onB.next(2).size());
        assertEquals(2, onA.next(2).size());
        age("1 = 1", Duration.ofDays(8));

        DatabaseRuleStore c = worker();
        assertEquals(1, changeIds().size(), "opening pruned all but the newest entry");
        Recorder onC = record(c);
        putRules(Map.of("R0002", ruleYaml("R0002", 1, "y")));
        sql("DELETE FROM ttp_rule WHERE rule_id = 'R0001'");
        for (Recorder r : List.of(onA, onB, onC)) {
            assertEquals(List.of("definition R0002 v1", "removed R0001"), r.next(2).stream().map(DatabaseRuleStoreTest::describe).toList());
            r.assertQuiet();
        }
        assertEquals(set, c.getState("R0001"));
    }

    @Test
    void aWorkerAwayLongerThanTheRetentionPublishesExactlyTheDifferencesOnce() throws Exception {
        putRules(Map.of("R0001", ruleYaml("R0001", 1, "to be removed"), "R0002", ruleYaml("R0002", 1, "to be edited"),
                "R0004", ruleYaml("R0004", 1, "edited and back")));
        store.setState("R0005", RuleState.of(Mode.DISABLED), "alice");
        store.setState("R0006", RuleState.of(Mode.DISABLED), "alice");
        DatabaseRuleStore b = worker();
        Recorder onB = record(b);
        RuleState clipped;
        AutoCloseable away = b.holdCatchUps();
        try {
            dbStore().removeRule("R0001");
            putRules(Map.of("R0002", ruleYaml("R0002", 2, "edited"), "R0003", ruleYaml("R0003", 1, "added")));
            putRules(Map.of("R0004", ruleYaml("R0004", 2, "edited and back")));
            putRules(Map.of("R0004", ruleYaml("R0004", 1, "edited and back")));
            clipped = store.setState("R0002", new RuleState(Mode.CLIPPED, 0.3, null, "noisy", null, null), "alice");
            sql("UPDATE ttp_rule_state SET reason = 'for a moment' WHERE rule_id = 'R0005'",
                    "UPDATE ttp_rule_state SET reason = NULL WHERE rule_id = 'R0005'");
            RuleState own = b.setState("R0007", RuleState.of(Mode.DISABLED), "bob"); // published by the call
            assertEquals(new RuleChange.State("R0007", own), onB.next());
            sql("DELETE FROM ttp_rule_state WHERE rule_id = 'R0006'");
            // no barrier can reach B while its catch-ups are held: nothing has arrived since its own write
            assertTrue(onB.queue.isEmpty(), () -> "B published while away: " + onB.queue);
            age("1 = 1", Duration.ofDays(30));
            assertTrue(dbStore().pruneChanges() > 0);
            assertEquals(1, changeIds().size(), "the log past B's watermark is gone but for its newest entry");
        } finally {
            away.close(); // B is back
        }
        List<RuleChange> changes = onB.next(5);
        assertEquals(List.of("definition R0002 v2", "definition R0003 v1", "removed R0001", "state R0002 clipped",
                "state R0006 enabled"), changes.stream().map(DatabaseRuleStoreTest::describe).sorted().toList());
        assertTrue(changes.contains(new RuleChange.State("R0002", clipped)), changes.toString());
        assertTrue(changes.contains(new RuleChange.State("R0006", RuleState.DEFAULT)), changes.toString());
        RuleChange.Definition two = (RuleChange.Definition) changes.stream()
                .filter(c -> c instanceof RuleChange.Definition d && d.ruleId().equals("R0002")).findFirst().orElseThrow();
        assertEquals(clipped, two.rule().state(), "the definition carries the state as of the same snapshot");
        onB.assertQuiet();

        RuleState later = store.setState("R0005", RuleState.of(Mode.CLIPPED), "alice");
        putRules(Map.of("R0004", ruleYaml("R0004", 3, "later")));
        assertEquals(List.of("definition R0004 v3", "state R0005 clipped"),
                onB.next(2).stream().map(DatabaseRuleStoreTest::describe).sorted().toList());
        assertEquals(later, b.getState("R0005"));
        onB.assertQuiet();
    }

    @Test
    void aDefinitionCompiledWhileTheStoreWritesItsOwnStateCarriesTheNewerState() throws Exception {
        definitionRacingOwnStateWrite(false);
    }

    @Test
    void aResyncDefinitionCompiledWhileTheStoreWritesItsOwnStateCarriesTheNewerState() throws Exception {
        definitionRacingOwnStateWrite(true);
    }

    /**
     * B's feed reads version 2 of a rule with its state (disabled) in one snapshot and compiles it; meanwhile B
     * itself clips the rule. The definition published after the compile must carry the clipped state, not the
     * snapshot's: the index takes a rule's state from its definition.
     */
    private void definitionRacingOwnStateWrite(boolean pruned) throws Exception {
        putRules(Map.of("R0001", ruleYaml("R0001", 1, "x")));
        store.setState("R0001", RuleState.of(Mode.DISABLED), "alice");
        CountDownLatch compiling = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        DatabaseRuleStore b = track(DatabaseRuleStore.builder(db).pollInterval(POLL).problems(p -> {
            // version 2 has an unknown key: its compile warning is the moment to hold the feed thread
            if (Thread.currentThread().getName().equals("ttp4j-db-changes") && p.toString().contains("unknown_key")) {
                compiling.countDown();
                try {
                    proceed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }).open());
        Recorder onB = record(b);
        try (AutoCloseable away = b.holdCatchUps()) {
            putRules(Map.of("R0001", ruleYaml("R0001", 2, "x") + "unknown_key: 1\n"));
            if (pruned) {
                age("1 = 1", Duration.ofDays(30));
                assertTrue(dbStore().pruneChanges() > 0);
            }
        }
        assertTrue(compiling.await(10, TimeUnit.SECONDS), "B's feed compiles version 2");
        RuleState clipped = b.setState("R0001", new RuleState(Mode.CLIPPED, 0.3, null, "own write", null, null), "bob");
        proceed.countDown();
        List<RuleChange> changes = onB.next(2);
        assertEquals(new RuleChange.State("R0001", clipped), changes.get(0));
        RuleChange.Definition two = assertInstanceOf(RuleChange.Definition.class, changes.get(1));
        assertEquals(2, two.rule().ruleVersion());
        assertEquals(clipped, two.rule().state());
        onB.assertQuiet();
    }

    @Test
    void manyWritesFromTwoWorkersInTheSameInstantAreAllDeliveredOnce() throws Exception {
        DatabaseRuleStore b = worker();
        DatabaseRuleStore c = worker();
        Recorder onC = record(c);
        int perWriter = 150;
        Thread other = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < perWriter; i++) {
                b.setState("B" + i, RuleState.of(Mode.DISABLED), "bob");
            }
        });
        for (int i = 0; i < perWriter; i++) {
            store.setState("A" + i, RuleState.of(Mode.CLIPPED), "alice");
        }
        other.join();
        Map<String, Integer> seen = new HashMap<>();
        for (RuleChange change : onC.next(2 * perWriter)) {
            seen.merge(assertInstanceOf(RuleChange.State.class, change).ruleId(), 1, Integer::sum);
        }
        assertEquals(2 * perWriter, seen.size());
        onC.assertQuiet();
    }
}
