package org.ttp4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.ttp4j.engine.HotReloadTest.eventually;
import static org.ttp4j.engine.HotReloadTest.save;
import static org.ttp4j.engine.StatefulRulesTest.ATTACKER;
import static org.ttp4j.engine.StatefulRulesTest.failures;
import static org.ttp4j.engine.StatefulRulesTest.fired;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ttp4j.rule.Problem;
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.RuleStore;
import org.ttp4j.store.fs.FilesystemRuleStore;

/** A stateful rule edited, disabled and re-enabled through the real filesystem store while events stream. */
class StatefulHotSwapTest {

    static final Path BRUTE = Path.of("../../rules/ttp/T1110_001_brute_force.yaml");

    @Test
    void aThresholdEditedMidStreamKeepsTheCountsAndAWindowEditResetsThem(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("rules")); // its state file is a sibling: keep it inside tmp
        String yaml = Files.readString(BRUTE);
        Files.writeString(dir.resolve("T1110_001_brute_force.yaml"), yaml);
        StatefulRules rules = new StatefulRules(StatefulOptions.DEFAULTS.withClock(StatefulRulesTest.CLOCK));
        List<Problem> problems = new CopyOnWriteArrayList<>();
        try (FilesystemRuleStore store = FilesystemRuleStore.builder(dir).problems(problems::add).open();
             RuleStore.Subscription sub = rules.watch(store)) {
            String id = "T1110_001_brute_force";
            assertEquals(List.of(), fired(rules, failures(ATTACKER, "root", 1, 6, 0, 1)));
            save(dir, "T1110_001_brute_force.yaml", yaml.replace("min_count: 10", "min_count: 8"));
            eventually(() -> rules.rule(id).orElseThrow().yaml().contains("min_count: 8"), "the edit applied");
            assertEquals(0, rules.resets());
            assertEquals(List.of(), fired(rules, failures(ATTACKER, "root", 7, 7, 6, 1)));
            assertEquals(List.of(id + "@a8:T1110"), fired(rules, failures(ATTACKER, "root", 8, 8, 7, 1)));

            save(dir, "T1110_001_brute_force.yaml", yaml.replace("window: 5m", "window: 2m"));
            eventually(() -> rules.resets() == 1, "the window edit reset the state");
            assertEquals(0, rules.groups(id));
            assertEquals(List.of(), fired(rules, failures(ATTACKER, "root", 9, 17, 8, 1)));
            assertEquals(List.of(id + "@a18:T1110"), fired(rules, failures(ATTACKER, "root", 18, 18, 17, 1)));

            // an invalid edit keeps the last good version live, with its counts
            save(dir, "T1110_001_brute_force.yaml", yaml.replace("min_count: 10", "min_count: many"));
            eventually(() -> !problems.isEmpty(), "the bad edit reported");
            assertEquals("match.min_count", problems.get(0).field());
            assertEquals(1, rules.groups(id));
            assertEquals(1, rules.resets());
            assertEquals("window: 2m", rules.rule(id).orElseThrow().yaml().lines().filter(l -> l.contains("window:"))
                    .findFirst().orElseThrow().strip());

            Files.delete(dir.resolve("T1110_001_brute_force.yaml"));
            eventually(() -> rules.rule(id).isEmpty(), "the removal applied");
            assertEquals(0, rules.groups(id));
        }
    }

    @Test
    void disabledStopsCountingAndReEnabledCountsAgain(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("rules")); // its state file is a sibling: keep it inside tmp
        Files.copy(BRUTE, dir.resolve("T1110_001_brute_force.yaml"));
        StatefulRules rules = new StatefulRules(StatefulOptions.DEFAULTS.withClock(StatefulRulesTest.CLOCK));
        try (FilesystemRuleStore store = FilesystemRuleStore.open(dir);
             RuleStore.Subscription sub = rules.watch(store)) {
            String id = "T1110_001_brute_force";
            assertEquals(List.of(), fired(rules, failures(ATTACKER, "root", 1, 5, 0, 1)));
            store.setState(id, RuleState.of(RuleState.Mode.DISABLED), "alice");
            eventually(() -> rules.rule(id).orElseThrow().state().mode() == RuleState.Mode.DISABLED, "disabled");
            assertEquals(List.of(), fired(rules, failures(ATTACKER, "root", 6, 30, 5, 1)));
            store.setState(id, RuleState.DEFAULT, "alice");
            eventually(() -> rules.rule(id).orElseThrow().state().mode() == RuleState.Mode.ENABLED, "enabled");
            // the five counted before the pause are still in the window: five more complete it
            assertEquals(List.of(), fired(rules, failures(ATTACKER, "root", 31, 34, 31, 1)));
            assertEquals(List.of(id + "@a35:T1110"), fired(rules, failures(ATTACKER, "root", 35, 35, 35, 1)));
        }
    }
}
