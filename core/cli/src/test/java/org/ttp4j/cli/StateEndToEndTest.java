package org.ttp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ttp4j state} and {@code ttp4j sync} as real commands on a real SQLite file: state written by one
 * process is read by the next, the audit keeps every write, and {@code run} on the database store honours it.
 */
class StateEndToEndTest {

    @TempDir
    Path work;
    Map<String, String> database;

    @BeforeEach
    void setUp() throws Exception {
        database = Map.of("DECNET_TTP_RULE_STORE_TYPE", "database", "TTP4J_DB_URL", "jdbc:sqlite:" + work.resolve("rules.db"));
        Path rules = Files.createDirectories(work.resolve("rules"));
        Files.writeString(rules.resolve("R0001.yaml"), RuleTexts.commandRule("R0001", 1, "whoami", "T1033", "TA0007", 0.6));
        Files.writeString(rules.resolve("R0002.yaml"), RuleTexts.commandRule("R0002", 1, "shadow", "T1003", "TA0006", 0.9));
    }

    private Ttp4jProcess.Result ttp4j(String... args) throws Exception {
        return Ttp4jProcess.run(work, database, "", args);
    }

    /** The state line with its set_at blanked (the store stamps it). */
    private static String stamped(String line) {
        assertTrue(line.matches(".*\"set_at\":\"\\d{4}-[^\"]+Z\"}\n?"), line);
        return line.replaceAll("\"set_at\":\"[^\"]+\"", "\"set_at\":\"*\"");
    }

    @Test
    void setThenListGetAndHistoryAcrossProcesses() throws Exception {
        assertEquals(0, ttp4j("sync", "--once", "--rules", "rules").exit());
        Ttp4jProcess.Result set = ttp4j("state", "set", "R0001", "--state", "clipped", "--confidence-max", "0.25",
                "--until", "2999-01-01T00:00", "--reason", "noisy on decky-07", "--by", "alice");
        assertEquals(0, set.exit(), set.err());
        assertEquals("", set.err());
        String r0001 = "{\"kind\":\"state\",\"rule_id\":\"R0001\",\"state\":\"clipped\",\"confidence_max\":0.25,"
                + "\"expires_at\":\"2999-01-01T00:00:00Z\",\"reason\":\"noisy on decky-07\",\"set_by\":\"alice\",\"set_at\":\"*\"}\n";
        assertEquals(r0001, stamped(set.out()));

        Ttp4jProcess.Result disable = ttp4j("state", "set", "R0002", "--state", "disabled", "--ttl", "2h", "--by", "bob");
        assertEquals(0, disable.exit(), disable.err());
        String expires = disable.out().replaceAll(".*\"expires_at\":\"([^\"]+)\".*\n", "$1");
        Duration ttl = Duration.between(Instant.now(), Instant.parse(expires));
        assertTrue(ttl.compareTo(Duration.ofMinutes(110)) > 0 && ttl.compareTo(Duration.ofHours(2)) <= 0, expires);
        // The TTL counts from the write: exactly from the instant stamped as set_at.
        String setAt = disable.out().replaceAll(".*\"set_at\":\"([^\"]+)\".*\n", "$1");
        assertEquals(Instant.parse(setAt).plus(Duration.ofHours(2)), Instant.parse(expires), disable.out());

        Ttp4jProcess.Result list = ttp4j("state", "list");
        assertEquals(0, list.exit(), list.err());
        List<String> lines = list.out().lines().toList();
        assertEquals(2, lines.size(), list.out());
        assertEquals(r0001, stamped(lines.get(0) + "\n"));
        assertTrue(lines.get(1).startsWith("{\"kind\":\"state\",\"rule_id\":\"R0002\",\"state\":\"disabled\","), lines.get(1));

        assertEquals(r0001, stamped(ttp4j("state", "get", "R0001").out()));
        assertEquals("{\"kind\":\"state\",\"rule_id\":\"R0404\",\"state\":\"enabled\",\"confidence_max\":null,"
                + "\"expires_at\":null,\"reason\":null,\"set_by\":null,\"set_at\":null}\n", ttp4j("state", "get", "R0404").out());

        assertEquals(0, ttp4j("state", "set", "R0001", "--state", "enabled", "--by", "carol").exit());
        assertEquals(List.of("R0002"), ttp4j("state", "list").out().lines()
                .map(l -> l.replaceAll(".*\"rule_id\":\"([^\"]+)\".*", "$1")).toList(),
                "a rule back in the default state is not listed");
        List<String> history = ttp4j("state", "history", "R0001").out().lines().toList();
        assertEquals(2, history.size(), history.toString());
        assertEquals(r0001, stamped(history.get(0) + "\n"));
        assertEquals("{\"kind\":\"state\",\"rule_id\":\"R0001\",\"state\":\"enabled\",\"confidence_max\":null,"
                + "\"expires_at\":null,\"reason\":null,\"set_by\":\"carol\",\"set_at\":\"*\"}\n", stamped(history.get(1) + "\n"));
    }

    @Test
    void syncedRulesRunWithTheirDatabaseState() throws Exception {
        Ttp4jProcess.Result sync = ttp4j("sync", "--once", "--rules", "rules");
        assertEquals(0, sync.exit(), sync.err());
        assertEquals("{\"kind\":\"ready\",\"rules\":2}\n", sync.out());
        assertEquals("", sync.err());
        Ttp4jProcess.Result typo = ttp4j("sync", "--once", "--rules", "rulez");
        assertEquals(2, typo.exit(), typo.err());
        assertEquals("ttp4j sync: no such rules directory: rulez (see 'ttp4j sync --help')\n", typo.err());

        assertEquals(0, ttp4j("state", "set", "R0002", "--state", "disabled").exit());
        assertEquals(0, ttp4j("state", "set", "R0001", "--state", "clipped", "--confidence-max", "0.1").exit());

        String events = "{\"source_kind\":\"command\",\"source_id\":\"c1\",\"attacker_uuid\":\"a\","
                + "\"payload\":{\"command_text\":\"whoami; cat /etc/shadow\"}}\n";
        Ttp4jProcess.Result run = Ttp4jProcess.run(work, database, events, "run");
        assertEquals(0, run.exit(), run.err());
        assertEquals("{\"kind\":\"ready\",\"rules\":2}\n", run.err());
        List<String> tags = run.out().lines().toList();
        assertEquals(1, tags.size(), run.out());
        assertTrue(tags.get(0).contains("\"confidence\":0.1,\"rule_id\":\"R0001\""), tags.get(0));
    }

    @Test
    void watchOnTheDatabaseStoreSeesStateWrittenByAnotherProcess() throws Exception {
        assertEquals(0, ttp4j("sync", "--once", "--rules", "rules").exit());
        try (Ttp4jProcess watch = Ttp4jProcess.start(work, database, "watch")) {
            assertEquals("{\"kind\":\"ready\",\"rules\":2}", watch.nextOut(Duration.ofSeconds(30)));
            assertEquals(0, ttp4j("state", "set", "R0002", "--state", "disabled", "--reason", "false positives", "--by", "dave").exit());
            String line = watch.nextOut(Duration.ofSeconds(30));
            assertEquals("{\"kind\":\"state\",\"rule_id\":\"R0002\",\"state\":\"disabled\",\"confidence_max\":null,"
                    + "\"expires_at\":null,\"reason\":\"false positives\",\"set_by\":\"dave\",\"set_at\":\"*\"}\n",
                    stamped(line + "\n"));
            watch.terminate();
        }
    }

    @Test
    void badArgumentsAreUsageErrors() throws Exception {
        Ttp4jProcess.Result mode = ttp4j("state", "set", "R0001", "--state", "paused");
        assertEquals(2, mode.exit());
        assertEquals("ttp4j state set: --state: unknown state 'paused' (known: enabled, disabled, clipped)"
                + " (see 'ttp4j state set --help')\n", mode.err());
        assertEquals(2, ttp4j("state", "set", "R0001", "--state", "disabled", "--confidence-max", "0.5").exit());
        assertEquals(2, ttp4j("state", "set", "R0001", "--state", "disabled", "--ttl", "1h", "--until", "2030-01-01T00:00Z").exit());
        Ttp4jProcess.Result badId = ttp4j("state", "get", "R-1");
        assertEquals(2, badId.exit());
        assertEquals("ttp4j state get: Invalid value for positional parameter at index 0 (RULE_ID): 'R-1' is not a rule id"
                + " ([A-Za-z0-9_]+) (see 'ttp4j state get --help')\n", badId.err());
        assertEquals(2, ttp4j("state", "history", "R.1").exit());
        assertEquals(2, ttp4j("state", "set", "R/1", "--state", "disabled").exit());

        // the filesystem store's state file (rules/ttp.state.json here) works too, empty until written
        Ttp4jProcess.Result fs = Ttp4jProcess.run(work, Map.of(), "", "state", "list");
        assertEquals(0, fs.exit(), fs.err());
        assertEquals("", fs.out());
    }

    @Test
    void aRuleIdNoStoreKnowsIsRefusedWithoutForceAndAnExpiryInThePastIsRefused() throws Exception {
        assertEquals(0, ttp4j("sync", "--once", "--rules", "rules").exit());
        Ttp4jProcess.Result typo = ttp4j("state", "set", "R0010", "--state", "disabled");
        assertEquals(1, typo.exit());
        assertEquals("", typo.out());
        assertEquals("ttp4j state set: no rule R0010 in the store, so this state would change nothing now (a typo?);"
                + " --force sets it anyway, for a rule that arrives later\n", typo.err());
        assertEquals("", ttp4j("state", "list").out(), "nothing was written");
        Ttp4jProcess.Result forced = ttp4j("state", "set", "R0010", "--state", "disabled", "--force");
        assertEquals(0, forced.exit(), forced.err());
        assertTrue(forced.out().startsWith("{\"kind\":\"state\",\"rule_id\":\"R0010\",\"state\":\"disabled\""), forced.out());

        Ttp4jProcess.Result past = ttp4j("state", "set", "R0001", "--state", "disabled", "--until", "2020-01-01T00:00Z");
        assertEquals(2, past.exit());
        assertEquals("ttp4j state set: --until 2020-01-01T00:00Z is not in the future: the state would revert at once"
                + " (see 'ttp4j state set --help')\n", past.err());
        assertEquals(List.of("R0010"), ttp4j("state", "list").out().lines()
                .map(l -> l.replaceAll(".*\"rule_id\":\"([^\"]+)\".*", "$1")).toList());
    }

    @Test
    void getListAndHistoryOnADatabaseReadTheStateTablesOnly() throws Exception {
        assertEquals(0, ttp4j("sync", "--once", "--rules", "rules").exit());
        assertEquals(0, ttp4j("state", "set", "R0001", "--state", "disabled", "--by", "alice").exit());
        // a rule row no compiler accepts: opening a store reports it; reading states compiles no rule
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + work.resolve("rules.db"));
             Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE ttp_rule SET yaml_content = 'rule_id: [' WHERE rule_id = 'R0002'");
        }
        for (List<String> args : List.of(List.of("state", "get", "R0001"), List.of("state", "list"),
                List.of("state", "history", "R0001"))) {
            Ttp4jProcess.Result r = ttp4j(args.toArray(String[]::new));
            assertEquals(0, r.exit(), r.err());
            assertEquals("", r.err(), String.join(" ", args));
            assertTrue(r.out().contains("\"rule_id\":\"R0001\",\"state\":\"disabled\""), r.out());
        }
        // a database without the tables holds no state, and reading it creates none
        String empty = "jdbc:sqlite:" + work.resolve("empty.db");
        Ttp4jProcess.Result r = Ttp4jProcess.run(work, Map.of("DECNET_TTP_RULE_STORE_TYPE", "database", "TTP4J_DB_URL", empty),
                "", "state", "get", "R0001");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\"state\":\"enabled\""), r.out());
        try (Connection c = DriverManager.getConnection(empty);
             ResultSet tables = c.getMetaData().getTables(null, null, "ttp_%", null)) {
            assertTrue(!tables.next(), "no table was created");
        }
    }

    @Test
    void syncOnceAgainstAFullDatabaseEndsWithOneLineAndExitStatus1() throws Exception {
        assertEquals(0, ttp4j("sync", "--once", "--rules", "rules").exit());
        Files.writeString(work.resolve("rules/R0003.yaml"), RuleTexts.commandRule("R0003", 1, "id", "T1033", "TA0007", 0.5)
                + "description: " + "x".repeat(20_000) + "\n"); // more than the pages left
        // SQLite's max_page_count at the file's size: a full disk, for this database only
        long pages = Files.size(work.resolve("rules.db")) / 4096;
        Map<String, String> full = Map.of("DECNET_TTP_RULE_STORE_TYPE", "database",
                "TTP4J_DB_URL", "jdbc:sqlite:" + work.resolve("rules.db") + "?max_page_count=" + pages);
        Ttp4jProcess.Result r = Ttp4jProcess.run(work, full, "", "sync", "--once", "--rules", "rules");
        assertEquals(1, r.exit(), r.err());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), "one line, no retry log: " + r.err());
        assertTrue(r.err().startsWith("ttp4j sync: the rule tables at jdbc:sqlite:") && r.err().contains(" cannot be written: ")
                && r.err().contains("SQLITE_FULL"), r.err());
    }

    @Test
    void aPasswordInTheDatabaseUrlIsNeverPrinted() throws Exception {
        for (String url : List.of("jdbc:postgresql://127.0.0.1:1/ttp4j?user=ttp4j&password=hunter2&ssl=false",
                "jdbc:postgresql://ttp4j:hunter2@127.0.0.1:1/ttp4j", "jdbc:sqlserver://db;user=ttp4j;password=hunter2")) {
            Ttp4jProcess.Result r = Ttp4jProcess.run(work, Map.of("DECNET_TTP_RULE_STORE_TYPE", "database",
                    "TTP4J_DB_URL", url), "", "--verbose", "state", "list");
            assertEquals(1, r.exit(), r.err());
            assertTrue(r.err().lines().anyMatch(l -> l.startsWith("ttp4j state list: ")), r.err());
            assertTrue(!r.err().contains("hunter2") && !r.out().contains("hunter2"), r.err());
            assertTrue(r.err().contains("***"), "the URL is still shown, masked: " + r.err());
        }
    }
}
