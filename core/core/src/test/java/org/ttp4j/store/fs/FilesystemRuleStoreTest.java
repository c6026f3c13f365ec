package org.ttp4j.store.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Problem;
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.StoreException;

/**
 * Every row of the action table of docs/stores.md §5, on a real directory through real inotify. "No change" is
 * proven without timing: after the action a sentinel rule is written, and its Definition must be the very
 * next change (the store processes the directory's events in order).
 */
class FilesystemRuleStoreTest {
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

    static String ruleYaml(String id, int version, String pattern) {
        return "rule_id: " + id + "\n"
                + "rule_version: " + version + "\n"
                + "name: rule " + id + " v" + version + "\n"
                + "applies_to: [command]\n"
                + "match:\n  pattern: '" + pattern.replace("'", "''") + "'\n"
                + "emits:\n  - technique_id: T1059\n    tactic: TA0002\n    confidence: 0.7\n";
    }

    /** Writes rule files, then opens a store on them with a subscribed probe. */
    void open(Map<String, String> files) throws IOException {
        dir = Files.createDirectories(tmp.resolve("rules/ttp"));
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }
        probe = new StoreProbe();
        store = FilesystemRuleStore.builder(dir).reporter(probe).open();
        store.subscribe(probe::record);
    }

    void write(String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content);
    }

    Map<String, CompiledRule> rules() {
        return store.loadCompiled().stream().collect(Collectors.toMap(CompiledRule::ruleId, r -> r, (a, b) -> a, TreeMap::new));
    }

    // ---- startup ------------------------------------------------------------------------------------------

    @Test
    void startupLoadsTheValidFilesAndReportsEachInvalidOne() throws Exception {
        open(Map.of("R0001.yaml", ruleYaml("R0001", 1, "a"), "R0002.yaml", "rule_version: [unclosed\n",
                "R0003.yml", ruleYaml("R0003", 3, "c"), ".R0004.yaml.swp", "junk", "notes.txt", "junk"));
        assertEquals(Set.of("R0001", "R0003"), rules().keySet());
        assertEquals(3, rules().get("R0003").ruleVersion());
        Problem p = probe.nextProblem();
        assertEquals(dir.resolve("R0002.yaml").toString(), p.path());
        assertTrue(p.isError());
        probe.assertNoProblem();
    }

    @Test
    void strictStartupFailsOnAnInvalidFileNamingIt() throws Exception {
        dir = Files.createDirectories(tmp.resolve("rules/ttp"));
        Files.writeString(dir.resolve("R0001.yaml"), ruleYaml("R0001", 1, "a"));
        Files.writeString(dir.resolve("R0002.yaml"), "rule_version: [unclosed\n");
        StoreException e = assertThrows(StoreException.class,
                () -> FilesystemRuleStore.builder(dir).reporter(new StoreProbe()).strict(true).open());
        assertTrue(e.getMessage().contains(dir.resolve("R0002.yaml") + ":"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void strictStartupFailsOnAMissingDirectoryAndTolerantStartupWaitsForIt() throws Exception {
        Path missing = tmp.resolve("not/yet/rules");
        assertThrows(StoreException.class, () -> FilesystemRuleStore.builder(missing).strict(true).open());
        probe = new StoreProbe();
        store = FilesystemRuleStore.builder(missing).reporter(probe).open();
        store.subscribe(probe::record);
        assertTrue(store.loadCompiled().isEmpty());
        dir = Files.createDirectories(missing);
        write("R0001.yaml", ruleYaml("R0001", 1, "a"));
        probe.nextDefinition("R0001");
    }

    // ---- the action table ---------------------------------------------------------------------------------

    @Test
    void saveInPlaceWithNewContentIsOneDefinition() throws Exception {
        open(Map.of("R0001.yaml", ruleYaml("R0001", 1, "a")));
        write("R0001.yaml", ruleYaml("R0001", 2, "b"));
        RuleChange.Definition d = probe.nextDefinition("R0001");
        assertEquals(2, d.rule().ruleVersion());
        probe.assertNoChange(dir);
        assertEquals(2, rules().get("R0001").ruleVersion());
    }

    @Test
    void saveWithIdenticalBytesIsNoChangeFromTheFirstSave() throws Exception {
        open(Map.of("R0001.yaml", ruleYaml("R0001", 1, "a")));
        write("R0001.yaml", ruleYaml("R0001", 1, "a")); // hash seeded at startup
        probe.assertNoChange(dir);
        write("R0001.yaml", ruleYaml("R0001", 2, "a"));
        probe.nextDefinition("R0001");
        write("R0001.yaml", ruleYaml("R0001", 2, "a"));
        probe.assertNoChange(dir);
    }

    @Test
    void atomicSaveByRenameOntoTheRuleFileIsOneDefinition() throws Exception {
        open(Map.of("R0001.yaml", ruleYaml("R0001", 1, "a")));
        write(".R0001.yaml.tmp", ruleYaml("R0001", 2, "b"));
        Files.move(dir.resolve(".R0001.yaml.tmp"), dir.resolve("R0001.yaml"), StandardCopyOption.ATOMIC_MOVE);
        assertEquals(2, probe.nextDefinition("R0001").rule().ruleVersion());
        probe.assertNoChange(dir);
        probe.assertNoProblem();
    }

    @Test
    void newFileIsOneDefinition() throws Exception {
        open(Map.of());
        write("T1110_brute_force.yaml", ruleYaml("R0100", 1, "hydra"));
        RuleChange.Definition d = probe.nextDefinition("R0100");
        assertEquals(dir.resolve("T1110_brute_force.yaml").toString(), d.rule().sourcePath());
        probe.assertNoChange(dir);
    }

    @Test
    void aHardLinkIntoTheDirectoryIsOneDefinitionAndASymlinkOutOfItIsRefusedWithOneLine() throws Exception {
        open(Map.of());
        Path outside = Files.writeString(tmp.resolve("R0007.yaml"), ruleYaml("R0007", 1, "linked"));
        Files.createLink(dir.resolve("R0007.yaml"), outside); // IN_CREATE only: no write, no close
        probe.nextDefinition("R0007");
        Path other = Files.writeString(tmp.resolve("R0008.yaml"), ruleYaml("R0008", 1, "symlinked"));
        Files.createSymbolicLink(dir.resolve("R0008.yaml"), other);
        Problem refused = probe.nextProblem();
        assertEquals(dir.resolve("R0008.yaml").toString(), refused.path());
        assertTrue(refused.isError());
        assertTrue(refused.message().startsWith("a symbolic link to " + other.toRealPath() + ", which the store does"
                + " not watch"), refused.message());
        Files.writeString(other, ruleYaml("R0008", 2, "edited")); // its edits would never arrive: nothing to go stale
        probe.assertNoChange(dir);
        assertFalse(rules().containsKey("R0008"));
        probe.assertNoProblem();
    }

    @Test
    void aSymlinkOutOfTheDirectoryIsRefusedAtStartupAndFailsAStrictStart() throws Exception {
        Path other = Files.writeString(Files.createDirectories(tmp.resolve("elsewhere")).resolve("R0008.yaml"),
                ruleYaml("R0008", 1, "symlinked"));
        dir = Files.createDirectories(tmp.resolve("rules/ttp"));
        Files.createSymbolicLink(dir.resolve("R0008.yaml"), other);
        Files.writeString(dir.resolve("R0001.yaml"), ruleYaml("R0001", 1, "a"));
        StoreException e = assertThrows(StoreException.class,
                () -> FilesystemRuleStore.builder(dir).reporter(new StoreProbe()).strict(true).open());
        assertTrue(e.getMessage().contains("R0008.yaml:1:1: -: a symbolic link to "), e.getMessage());
        probe = new StoreProbe();
        store = FilesystemRuleStore.builder(dir).reporter(probe).open();
        assertEquals(Set.of("R0001"), rules().keySet());
        assertEquals(dir.resolve("R0008.yaml").toString(), probe.nextProblem().path());
        probe.assertNoProblem();
    }

    @Test
    void aSymlinkLoopIsSkippedQuietly() throws Exception {
        dir = Files.createDirectories(tmp.resolve("rules/ttp"));
        Files.createSymbolicLink(dir.resolve("R0005.yaml"), Path.of("R0006.yaml"));
        Files.createSymbolicLink(dir.resolve("R0006.yaml"), Path.of("R0005.yaml"));
        probe = new StoreProbe();
        store = FilesystemRuleStore.builder(dir).reporter(probe).strict(true).open();
        store.subscribe(probe::record);
        assertTrue(rules().isEmpty());
        Files.createSymbolicLink(dir.resolve("R0009.yaml"), Path.of("R0009.yaml"));
        probe.assertNoChange(dir);
        probe.assertNoProblem();
    }

    @Test
    void strictStartupFailsOnADuplicateRuleIdAndOnAnEmptyFileAsValidateDoes() throws Exception {
        dir = Files.createDirectories(tmp.resolve("rules/ttp"));
        Files.writeString(dir.resolve("A.yaml"), ruleYaml("R0001", 1, "a"));
        Files.writeString(dir.resolve("B.yaml"), ruleYaml("R0001", 2, "b"));
        StoreException dup = assertThrows(StoreException.class,
                () -> FilesystemRuleStore.builder(dir).reporter(new StoreProbe()).strict(true).open());
        assertTrue(dup.getMessage().contains("B.yaml:1:1: rule_id: rule id R0001 is also defined by"), dup.getMessage());
        Files.delete(dir.resolve("B.yaml"));
        Files.createFile(dir.resolve("C.yaml"));
        StoreException empty = assertThrows(StoreException.class,
                () -> FilesystemRuleStore.builder(dir).reporter(new StoreProbe()).strict(true).open());
        assertTrue(empty.getMessage().contains("C.yaml:1:1: -: the file holds no YAML document"), empty.getMessage());
        probe = new StoreProbe();
        store = FilesystemRuleStore.builder(dir).reporter(probe).open(); // tolerant: reported, skipped
        store.subscribe(probe::record);
        assertEquals(dir.resolve("C.yaml").toString(), probe.nextProblem().path());
        write("C.yaml", ruleYaml("R0003", 1, "c"));
        probe.nextDefinition("R0003");
        probe.assertNoProblem();
    }

    @Test
    void aConfigMapStyleDataLinkSwapReloadsTheRulesBehindIt() throws Exception {
        open(Map.of());
        Path v1 = Files.createDirectories(dir.resolve("..2026_01"));
        Files.writeString(v1.resolve("R0001.yaml"), ruleYaml("R0001", 1, "a"));
        Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
        Files.createSymbolicLink(dir.resolve("R0001.yaml"), Path.of("..data/R0001.yaml"));
        probe.nextDefinition("R0001");
        Path v2 = Files.createDirectories(dir.resolve("..2026_02"));
        Files.writeString(v2.resolve("R0001.yaml"), ruleYaml("R0001", 2, "b"));
        Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
        Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertEquals(2, probe.nextDefinition("R0001").rule().ruleVersion());
        probe.assertNoChange(dir);
        probe.assertNoProblem();
    }

    @Test
    void touchOfAnEmptyFileIsNothingThenContentIsOneDefinition() throws Exception {
        open(Map.of());
        Files.createFile(dir.resolve("R0001.yaml"));
        probe.assertNoChange(dir);
        write("R0001.yaml", ruleYaml("R0001", 1, "a"));
        probe.nextDefinition("R0001");
        probe.assertNoChange(dir);
        probe.assertNoProblem();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "rule_id: R0001\nrule_version: [unclosed\n",              // syntax
            "rule_id: R0001\nrule_version: not-a-number\nname: x\n",  // schema
            "rule_id: R0001\nrule_version: 3\nname: x\napplies_to: [command]\nmatch:\n  pattern: '('\n"
                    + "emits:\n  - technique_id: T1059\n    tactic: TA0002\n    confidence: 0.7\n", // regex
            "  \n\t\n"})                                                // whitespace only
    void invalidContentKeepsTheLastGoodVersionAndIsReportedOnce(String invalid) throws Exception {
        open(Map.of("R0001.yaml", ruleYaml("R0001", 1, "a")));
        write("R0001.yaml", invalid);
        Problem p = probe.nextProblem();
        assertEquals(dir.resolve("R0001.yaml").toString(), p.path());
        assertTrue(p.isError());
        probe.assertNoChange(dir);
        for (Problem more : probe.problems) { // a schema error may list several violations, all of this file
            assertEquals(p.path(), more.path());
        }
        probe.problems.clear();
        assertEquals(1, rules().get("R0001").ruleVersion(), "the last good version stays live");
        write("R0001.yaml", invalid); // the same bad bytes again: not reported again
        probe.assertNoChange(dir);
        probe.assertNoProblem();
        write("R0001.yaml", ruleYaml("R0001", 4, "fixed"));
        assertEquals(4, probe.nextDefinition("R0001").rule().ruleVersion());
    }

    @Test
    void deleteIsOneRemoved() throws Exception {
        open(Map.of("R0001.yaml", ruleYaml("R0001", 1, "a"), "R0002.yaml", ruleYaml("R0002", 1, "b")));
        Files.delete(dir.resolve("R0001.yaml"));
        probe.nextRemoved("R0001");
        probe.assertNoChange(dir);
        assertEquals(Set.of("R0002"), rules().keySet());
    }

    @Test
    void moveOutIsOneRemoved() throws Exception {
        open(Map.of("R0001.yaml", ruleYaml("R0001", 1, "a")));
        Files.move(dir.resolve("R0001.yaml"), tmp.resolve("R0001.yaml"));
        probe.nextRemoved("R0001");
        probe.assertNoChange(dir);
        assertTrue(rules().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"R0001.yaml.bak", ".R0001.yaml.swp", "R0001.yaml~", "R0001.txt"})
    void renameToAScratchNameIsOneRemoved(String scratch) throws Exception {
        open(Map.of("R0001.yaml", ruleYaml("R0001", 1, "a")));
        Files.move(dir.resolve("R0001.yaml"), dir.resolve(scratch));
        probe.nextRemoved("R0001");
        probe.assertNoChange(dir);
    }

    @Test
    void renameToAnotherValidNameWithTheSameContentIsNoChange() throws Exception {
        open(Map.of("A.yaml", ruleYaml("R0001", 1, "a")));
        Files.move(dir.resolve("A.yaml"), dir.resolve("B.yaml"));
        probe.assertNoChange(dir);
        CompiledRule r = rules().get("R0001");
        assertEquals(dir.resolve("B.yaml").toString(), r.sourcePath(), "the store follows the file");
        Files.delete(dir.resolve("B.yaml"));
        probe.nextRemoved("R0001");
    }

    @Test
    void editorScratchFilesAreNoChangeAndNoReport() throws Exception {
        open(Map.of("R0001.yaml", ruleYaml("R0001", 1, "a")));
        for (String name : List.of(".R0001.yaml.swp", ".R0001.yaml.swo", "4913", ".4913", "R0001.yaml~",
                ".R0001.yaml.bak", "R0001.yaml.tmp", "R1.YAML", "R-1.yaml", "a.b.yaml", ".foo")) {
            write(name, "not: [a rule\n");
            Files.delete(dir.resolve(name));
        }
        probe.assertNoChange(dir);
        probe.assertNoProblem();
    }

    @Test
    void theFirstFileByNameWinsADuplicateRuleIdAndTheRuleStaysWhileAnyFileDefinesIt() throws Exception {
        open(Map.of("A.yaml", ruleYaml("R0001", 1, "a"), "C.yaml", ruleYaml("R0001", 3, "c")));
        assertEquals(1, rules().get("R0001").ruleVersion());
        Problem atStartup = probe.nextProblem();
        assertEquals(dir.resolve("C.yaml").toString(), atStartup.path());
        assertTrue(atStartup.message().contains("A.yaml"), atStartup.message());

        write("B.yaml", ruleYaml("R0001", 2, "b")); // second by name: reported, no change
        assertEquals(dir.resolve("B.yaml").toString(), probe.nextProblem().path());
        probe.assertNoChange(dir);

        Files.delete(dir.resolve("A.yaml")); // B takes over
        assertEquals(2, probe.nextDefinition("R0001").rule().ruleVersion());
        assertEquals(dir.resolve("C.yaml").toString(), probe.nextProblem().path(), "C still loses, to B now");
        Files.delete(dir.resolve("B.yaml"));
        assertEquals(3, probe.nextDefinition("R0001").rule().ruleVersion());
        Files.delete(dir.resolve("C.yaml"));
        probe.nextRemoved("R0001");
        probe.assertNoChange(dir);
        probe.assertNoProblem();
    }

    @Test
    void aFileChangingItsRuleIdRemovesTheOldIdAndDefinesTheNew() throws Exception {
        open(Map.of("A.yaml", ruleYaml("R0001", 1, "a")));
        write("A.yaml", ruleYaml("R0002", 1, "a"));
        List<RuleChange> two = probe.next(2);
        assertEquals(new RuleChange.Removed("R0001"), two.get(0));
        assertEquals("R0002", two.get(1).ruleId());
        assertEquals(Set.of("R0002"), rules().keySet());
    }

    @Test
    void rulesDirectoryRemovedThenRecreatedRemovesEachRuleThenLoadsAgain() throws Exception {
        open(Map.of("R0001.yaml", ruleYaml("R0001", 1, "a"), "R0002.yaml", ruleYaml("R0002", 1, "b")));
        deleteTree(tmp.resolve("rules")); // the directory and its parent
        Set<RuleChange> removed = new HashSet<>(probe.next(2));
        assertEquals(Set.of(new RuleChange.Removed("R0001"), new RuleChange.Removed("R0002")), removed);
        probe.gone.poll(StoreProbe.ARRIVAL.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        assertTrue(rules().isEmpty());

        Files.createDirectories(dir);
        write("R0002.yaml", ruleYaml("R0002", 2, "b"));
        write("R0003.yaml", ruleYaml("R0003", 1, "c"));
        Map<String, Integer> versions = new TreeMap<>();
        while (versions.size() < 2) {
            RuleChange.Definition d = (RuleChange.Definition) probe.next();
            versions.put(d.ruleId(), d.rule().ruleVersion());
        }
        assertEquals(Map.of("R0002", 2, "R0003", 1), versions);
        probe.assertNoChange(dir);
        assertEquals(Set.of("R0002", "R0003"), rules().keySet());
    }

    @Test
    void rulesDirectoryMovedAwayIsRemovalAndTheMovedCopyIsNoLongerWatched() throws Exception {
        open(Map.of("R0001.yaml", ruleYaml("R0001", 1, "a")));
        Path away = tmp.resolve("rules/old");
        Files.move(dir, away);
        probe.nextRemoved("R0001");
        Files.writeString(away.resolve("R0005.yaml"), ruleYaml("R0005", 1, "e")); // not ours any more
        Files.createDirectories(dir);
        write("R0002.yaml", ruleYaml("R0002", 1, "b"));
        probe.nextDefinition("R0002");
        probe.assertNoChange(dir);
        assertEquals(Set.of("R0002"), rules().keySet());
    }

    // ---- state on definitions ------------------------------------------------------------------------------

    @Test
    void aDefinitionCarriesTheStateInForceAndStateSurvivesTheFileGoing() throws Exception {
        open(Map.of());
        store.setState("R0001", RuleState.of(RuleState.Mode.DISABLED), "alice");
        assertEquals(RuleChange.State.class, probe.next().getClass());
        write("R0001.yaml", ruleYaml("R0001", 1, "a"));
        assertEquals(RuleState.Mode.DISABLED, probe.nextDefinition("R0001").rule().state().mode());
        Files.delete(dir.resolve("R0001.yaml"));
        probe.nextRemoved("R0001");
        assertEquals(RuleState.Mode.DISABLED, store.getState("R0001").mode(), "state is keyed by rule id, not by file");
        write("R0001_renamed_file.yaml", ruleYaml("R0001", 2, "a"));
        assertEquals(RuleState.Mode.DISABLED, probe.nextDefinition("R0001").rule().state().mode());
    }

    @Test
    void aSubscriberMaySetStateFromInsideADefinitionDelivery() throws Exception {
        open(Map.of());
        store.subscribe(c -> {
            if (c instanceof RuleChange.Definition d && d.ruleId().equals("R0001")) {
                store.setState("R0001", RuleState.of(RuleState.Mode.CLIPPED), "auto-clip"); // on the compile thread
            }
        });
        write("R0001.yaml", ruleYaml("R0001", 1, "a"));
        probe.nextDefinition("R0001");
        RuleChange.State s = (RuleChange.State) probe.next();
        assertEquals("auto-clip", s.state().setBy());
        probe.assertNoChange(dir);
    }

    @Test
    void aSubscriberMayCloseTheStoreWhileTheCompileThreadWaitsToPublish() throws Exception {
        open(Map.of());
        var compileThreadSeen = new java.util.concurrent.CompletableFuture<Thread>();
        store.subscribe(c -> compileThreadSeen.complete(Thread.currentThread()));
        write("R0001.yaml", ruleYaml("R0001", 1, "a"));
        probe.nextDefinition("R0001");
        Thread compileThread = compileThreadSeen.get();
        FilesystemRuleStore closing = store;
        store = null; // on a deadlock, closing it again after the test would hang too
        closing.subscribe(c -> {
            if (c instanceof RuleChange.State s && s.ruleId().equals("R0002")) { // on this test's thread, in setState
                try {
                    write("R0003.yaml", ruleYaml("R0003", 1, "c"));
                    while (compileThread.getState() != Thread.State.BLOCKED) { // waiting to publish R0003
                        Thread.sleep(1);
                    }
                } catch (IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
                closing.close();
            }
        });
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                () -> closing.setState("R0002", RuleState.of(RuleState.Mode.DISABLED), "alice"));
        compileThread.join(StoreProbe.ARRIVAL.toMillis());
        assertFalse(compileThread.isAlive(), "the compile thread ended");
        assertFalse(probe.changes.stream().anyMatch(c -> c.ruleId().equals("R0003")), "nothing published after close");
    }

    // ---- volume -------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {5, 500})
    void filesWrittenBackToBackAreExactlyOneDefinitionEach(int count) throws Exception {
        open(Map.of());
        for (int i = 0; i < count; i++) {
            String id = String.format("R%04d", i);
            write(id + ".yaml", ruleYaml(id, 1, "p" + i));
        }
        Set<String> ids = new HashSet<>();
        for (RuleChange c : probe.next(count)) {
            assertTrue(c instanceof RuleChange.Definition, "expected a Definition, got " + c);
            ids.add(c.ruleId());
        }
        assertEquals(count, ids.size(), "distinct ids");
        probe.assertNoChange(dir);
        assertEquals(ids, rules().keySet());
    }

    @Test
    void theShippedRulePackLoadsWholeAndAnEditToOneOfItsFilesIsOneDefinition() throws Exception {
        Path pack = Path.of("../..", "rules", "ttp");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(pack), "no rule pack at " + pack.toAbsolutePath());
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.list(pack)) {
            for (Path p : all.filter(p -> p.getFileName().toString().endsWith(".yaml")).toList()) {
                files.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        open(files);
        assertEquals(files.size(), rules().size(), "one rule per file");
        assertTrue(probe.problems.stream().noneMatch(Problem::isError), "errors: " + probe.problems);
        probe.problems.clear();
        String first = files.keySet().iterator().next();
        write(first, files.get(first) + "\n# reviewed\n");
        RuleChange.Definition d = (RuleChange.Definition) probe.next();
        assertEquals(dir.resolve(first).toString(), d.rule().sourcePath());
        probe.assertNoChange(dir);
    }

    // ---- the reported path and the guard line ---------------------------------------------------------------

    @Test
    void anInvalidEditIsReportedAsAPositionedOneLiner() throws Exception {
        open(Map.of("R0001.yaml", ruleYaml("R0001", 1, "a")));
        write("R0001.yaml", "rule_id: R0001\nrule_version: [unclosed\n");
        String line = probe.nextProblem().toString();
        assertTrue(line.matches("\\Q" + dir.resolve("R0001.yaml") + "\\E:\\d+:\\d+: \\S+: .+"), line);
        assertNotEquals(-1, line.indexOf("R0001.yaml:"));
    }

    @Test
    void loadCompiledIsInRuleIdOrder() throws Exception {
        open(Map.of("b.yaml", ruleYaml("R0003", 1, "c"), "a.yaml", ruleYaml("R0010", 1, "a"), "c.yaml", ruleYaml("R0002", 1, "b")));
        assertEquals(List.of("R0002", "R0003", "R0010"), store.loadCompiled().stream().map(CompiledRule::ruleId).toList());
    }

    @Test
    void withoutInotifyTheStoreFailsWithOneLineNamingTheDatabaseStore() {
        String line = FilesystemRuleStore.unavailable(new UnsupportedOperationException("inotify is Linux only; this is Mac OS X (aarch64)"));
        assertTrue(line.contains("DECNET_TTP_RULE_STORE_TYPE=database"), line);
        assertTrue(line.contains("Mac OS X"), line);
        assertTrue(!line.contains("\n"), line);
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), UTF_8);
    }
}
