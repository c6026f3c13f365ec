package org.ttp4j.store.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ttp4j.rule.Problem;
import org.ttp4j.rule.RuleState;
import org.ttp4j.rule.RuleState.Mode;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.StateAuditEntry;
import org.ttp4j.store.StoreException;

/** The filesystem store's state on disk: persisted, watched, audited, expired, and robust to a mangled file. */
class StateFileTest {
    @TempDir
    Path tmp;
    Path dir;
    FilesystemRuleStore store;
    StoreProbe probe;

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    void open() throws Exception {
        dir = Files.createDirectories(tmp.resolve("rules/ttp"));
        Files.writeString(dir.resolve("R0001.yaml"), FilesystemRuleStoreTest.ruleYaml("R0001", 1, "a"));
        openAgain();
    }

    void openAgain() {
        probe = new StoreProbe();
        store = FilesystemRuleStore.builder(dir).reporter(probe).open();
        store.subscribe(probe::record);
    }

    static RuleState clipped(double max, String reason) {
        return new RuleState(Mode.CLIPPED, max, null, reason, null, null);
    }

    @Test
    void theStateFileSitsBesideTheRulesAndIsNeverARuleFile() throws Exception {
        open();
        assertEquals(tmp.resolve("rules/ttp.state.json").toAbsolutePath(), store.stateFile().path());
        assertEquals(tmp.resolve("rules/ttp.state.history.jsonl").toAbsolutePath(), store.stateFile().historyPath());
        assertFalse(org.ttp4j.rule.RuleFileNames.matches(store.stateFile().path().getFileName().toString()));
    }

    @Test
    void aStateWriteIsPersistedAuditedAndSurvivesARestart() throws Exception {
        open();
        RuleState stored = store.setState("R0001", clipped(0.3, "noisy \"on\" decky-07\n"), "alice");
        assertEquals(new RuleChange.State("R0001", stored), probe.next());
        String text = Files.readString(store.stateFile().path());
        assertTrue(text.contains("\"R0001\": {\"state\": \"clipped\", \"confidence_max\": 0.3"), text);
        probe.assertNoChange(dir); // our own rename, read back, is no change
        store.close();

        openAgain();
        assertEquals(stored, store.getState("R0001"));
        assertEquals(stored, store.loadCompiled().get(0).state());
        List<StateAuditEntry> history = store.stateHistory("R0001");
        assertEquals(1, history.size());
        assertEquals(RuleState.DEFAULT, history.get(0).before());
        assertEquals(stored, history.get(0).after());
    }

    @Test
    void aWriteFromAnotherWriterIsLiveInTheServingStore() throws Exception {
        open();
        StateFile other = new StateFile(store.stateFile().path());
        RuleState stored = other.setState("R0001", RuleState.of(Mode.DISABLED), "bob");
        assertEquals(new RuleChange.State("R0001", stored), probe.next());
        assertEquals(stored, store.getState("R0001"));
        RuleState second = other.setState("R0042", clipped(0.1, null), "bob"); // no definition: allowed
        assertEquals(new RuleChange.State("R0042", second), probe.next());
        assertEquals(Map.of("R0001", stored, "R0042", second), store.states());
        // both writers' entries are kept: each write reads the file under the lock
        RuleState third = store.setState("R0001", RuleState.of(Mode.ENABLED), "carol");
        probe.next();
        assertEquals(Map.of("R0001", third, "R0042", second), other.states());
        assertEquals(List.of("bob", "carol"), other.stateHistory("R0001").stream().map(e -> e.after().setBy()).toList());
    }

    @Test
    void aMangledStateFileIsReportedWithItsPositionAndTheLiveStateStays() throws Exception {
        open();
        RuleState stored = store.setState("R0001", RuleState.of(Mode.DISABLED), "alice");
        probe.next();
        Path file = store.stateFile().path();
        Path scratch = file.resolveSibling("scratch");
        Files.writeString(scratch, "{\"version\": 1, \"states\": {\n  \"R0001\": {\"state\": \"muted\"}\n}}\n");
        Files.move(scratch, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Problem p = probe.nextProblem();
        assertEquals(file.toString() + ":2:22: states.R0001.state: unknown state 'muted' (known: enabled, disabled, clipped)",
                p.toString());
        assertEquals(stored, store.getState("R0001"));
        // a write never overwrites a file it cannot read: the operator's work may be in it
        StoreException e = assertThrows(StoreException.class, () -> store.setState("R0001", RuleState.DEFAULT, "x"));
        assertTrue(e.getMessage().contains(":2:22:"), e.getMessage());
        probe.assertNoChange(dir);
        // fixed by hand: the difference is published
        Files.writeString(file, "{\"version\": 1, \"states\": {}}\n");
        assertEquals(new RuleChange.State("R0001", RuleState.DEFAULT), probe.next());
    }

    @Test
    void expiryRevertsTheStateInTheFileAndRecordsIt() throws Exception {
        open();
        RuleState soon = new RuleState(Mode.DISABLED, null, Instant.now().plusMillis(300), "for a moment", null, null);
        RuleState stored = store.setState("R0001", soon, "alice");
        assertEquals(new RuleChange.State("R0001", stored), probe.next());
        assertEquals(new RuleChange.State("R0001", RuleState.DEFAULT), probe.next());
        assertEquals(Map.of(), store.stateFile().states());
        List<StateAuditEntry> history = store.stateHistory("R0001");
        assertEquals(2, history.size());
        assertEquals(stored, history.get(1).before());
        assertEquals(StateFile.EXPIRY_SETTER, history.get(1).after().setBy());
        assertTrue(history.get(1).after().isDefault());
    }

    @Test
    void aStateThatExpiredWhileNothingRanReadsAsTheDefault() throws Exception {
        dir = Files.createDirectories(tmp.resolve("rules/ttp"));
        StateFile file = new StateFile(StateFile.defaultFor(dir));
        file.setState("R0001", new RuleState(Mode.DISABLED, null, Instant.parse("2020-01-01T00:00:00Z"), null, null, null), "a");
        assertEquals(RuleState.DEFAULT, file.getState("R0001"));
        openAgain();
        assertEquals(RuleState.DEFAULT, store.getState("R0001"));
        assertEquals(new RuleChange.State("R0001", RuleState.DEFAULT), probe.next()); // expiry is active at startup too
        assertEquals(Map.of(), file.states());
    }

    @Test
    void theStateIsWatchedWhileTheRulesDirectoryIsMissingAndAfterItComes() throws Exception {
        dir = tmp.resolve("rules/ttp"); // missing: the store watches rules/, which is also the state's directory
        openAgain();
        StateFile other = new StateFile(store.stateFile().path());
        RuleState first = other.setState("R0001", RuleState.of(Mode.DISABLED), "bob");
        assertEquals(new RuleChange.State("R0001", first), probe.next());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("R0001.yaml"), FilesystemRuleStoreTest.ruleYaml("R0001", 1, "a"));
        RuleChange.Definition d = probe.nextDefinition("R0001");
        assertEquals(first, d.rule().state());
        RuleState second = other.setState("R0001", RuleState.of(Mode.ENABLED), "bob");
        assertEquals(new RuleChange.State("R0001", second), probe.next()); // the narrowed watch still sees it
    }

    @Test
    void aStateFileInsideTheRulesDirectoryIsRefused() throws Exception {
        dir = Files.createDirectories(tmp.resolve("rules/ttp"));
        StoreException e = assertThrows(StoreException.class,
                () -> FilesystemRuleStore.builder(dir).stateFile(dir.resolve("state.json")).open());
        assertTrue(e.getMessage().contains("must not be inside the rules directory"), e.getMessage());
    }

    @Test
    void strictStartupFailsOnABadStateFile() throws Exception {
        dir = Files.createDirectories(tmp.resolve("rules/ttp"));
        Files.writeString(StateFile.defaultFor(dir), "{\"version\": 1, \"states\": {\"R1\": {\"state\": \"enabled\"},}}");
        StoreException e = assertThrows(StoreException.class, () -> FilesystemRuleStore.builder(dir).strict(true).open());
        assertTrue(e.getMessage().contains("ttp.state.json:1:54: states: expected a \"key\", found '}'"), e.getMessage());
    }
}
