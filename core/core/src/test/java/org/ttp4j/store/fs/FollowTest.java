package org.ttp4j.store.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.ttp4j.store.fs.FilesystemRuleStoreTest.ruleYaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.RuleStore;

/** {@link RuleStore#follow} on a real filesystem store: a change made while the rules load comes after them, once. */
class FollowTest {
    @TempDir
    Path tmp;

    @Test
    void aChangeDuringTheLoadFollowsTheLoadedRulesAndLaterOnesArriveAsTheyHappen() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("rules")); // its state file is a sibling: keep it inside tmp
        Files.writeString(dir.resolve("R0001.yaml"), ruleYaml("R0001", 1, "whoami"));
        List<String> seen = new CopyOnWriteArrayList<>();
        try (FilesystemRuleStore real = FilesystemRuleStore.open(dir)) {
            RuleStore changingWhileLoading = new Delegate(real) {
                @Override
                public List<CompiledRule> loadCompiled() {
                    List<CompiledRule> rules = real.loadCompiled();
                    real.setState("R0001", RuleState.of(RuleState.Mode.DISABLED), "test"); // published now
                    return rules;
                }
            };
            try (RuleStore.Subscription s = changingWhileLoading.follow(new RuleStore.Follower() {
                @Override
                public void loaded(List<CompiledRule> rules) {
                    seen.add("loaded " + rules.stream().map(r -> r.ruleId() + ":" + r.state().mode()).toList());
                }

                @Override
                public void change(RuleChange change) {
                    seen.add(change instanceof RuleChange.State st ? "state " + st.state().mode() : change.toString());
                }
            })) {
                assertEquals(List.of("loaded [R0001:ENABLED]", "state DISABLED"), seen);
                real.setState("R0001", RuleState.DEFAULT, "test");
                assertEquals(List.of("loaded [R0001:ENABLED]", "state DISABLED", "state ENABLED"), seen);
            }
            real.setState("R0001", RuleState.of(RuleState.Mode.DISABLED), "test");
            assertEquals(3, seen.size(), "nothing after the subscription is closed");
        }
    }

    /** Forwards to a real store. */
    private static class Delegate implements RuleStore {
        private final RuleStore real;

        Delegate(RuleStore real) {
            this.real = real;
        }

        @Override
        public List<CompiledRule> loadCompiled() {
            return real.loadCompiled();
        }

        @Override
        public RuleState getState(String ruleId) {
            return real.getState(ruleId);
        }

        @Override
        public RuleState setState(String ruleId, RuleState state, String setBy) {
            return real.setState(ruleId, state, setBy);
        }

        @Override
        public Subscription subscribe(Consumer<? super RuleChange> listener) {
            return real.subscribe(listener);
        }

        @Override
        public void close() {
            real.close();
        }
    }
}
