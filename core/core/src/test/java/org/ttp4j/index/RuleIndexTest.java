package org.ttp4j.index;

import org.ttp4j.index.internal.Segment;
import org.ttp4j.index.internal.KindBucket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.RuleStore;

class RuleIndexTest {

    private static List<String> ids(List<CompiledRule> rules) {
        return rules.stream().map(CompiledRule::ruleId).toList();
    }

    @Test
    void rulesByIdAndByKindInRuleIdOrder() {
        RuleIndex index = new RuleIndex();
        index.apply(new RuleChange.Definition("R2", TestRules.regex("R2", "b", "command")));
        index.apply(new RuleChange.Definition("R1", TestRules.regex("R1", "a", "command", "http_request")));
        index.apply(new RuleChange.Definition("R3", TestRules.regex("R3", "c", "http_request")));
        Snapshot s = index.snapshot();
        assertEquals(3, s.size());
        assertEquals("R2", s.rule("R2").ruleId());
        assertNull(s.rule("R9"));
        assertEquals(List.of("R1", "R2"), ids(s.rules("command")));
        assertEquals(List.of("R1", "R3"), ids(s.rules("http_request")));
        assertEquals(List.of(), s.rules("email"));
        assertEquals(List.of("R1", "R2", "R3"), ids(s.rules()));
    }

    @Test
    void aPublishedSnapshotNeverChanges() {
        RuleIndex index = new RuleIndex();
        index.apply(new RuleChange.Definition("R1", TestRules.regex("R1", "a", "command")));
        Snapshot before = index.snapshot();
        index.apply(new RuleChange.Definition("R2", TestRules.regex("R2", "b", "command")));
        index.apply(new RuleChange.Removed("R1"));
        assertEquals(List.of("R1"), ids(before.rules("command")));
        assertEquals(List.of("R2"), ids(index.snapshot().rules("command")));
        assertTrue(index.snapshot().generation() > before.generation());
    }

    @Test
    void removedEvictsByIdAndDropsEmptyKinds() {
        RuleIndex index = new RuleIndex();
        index.apply(new RuleChange.Definition("R1", TestRules.regex("R1", "a", "command", "email")));
        index.apply(new RuleChange.Removed("R1"));
        index.apply(new RuleChange.Removed("R404")); // unknown: nothing happens
        assertEquals(0, index.snapshot().size());
        assertNull(index.snapshot().bucket("command"));
        assertTrue(index.snapshot().kinds().isEmpty());
    }

    @Test
    void redefinitionMovesARuleBetweenKinds() {
        RuleIndex index = new RuleIndex();
        index.apply(new RuleChange.Definition("R1", TestRules.regex("R1", "a", "command", "email")));
        index.apply(new RuleChange.Definition("R1", TestRules.regex("R1", "b", "email", "intel")));
        Snapshot s = index.snapshot();
        assertEquals(1, s.size());
        assertNull(s.bucket("command"));
        assertEquals("b", ((org.ttp4j.rule.Match.Regex) s.rules("intel").get(0).match()).pattern());
        assertEquals(List.of("R1"), ids(s.rules("email")));
    }

    @Test
    void stateChangesRestampWithoutTouchingThePrefilter() {
        RuleIndex index = new RuleIndex();
        index.apply(new RuleChange.Definition("R1", TestRules.regex("R1", "wget", "command")));
        Snapshot before = index.snapshot();
        RuleState disabled = new RuleState(RuleState.Mode.DISABLED, null, Instant.parse("2030-01-01T00:00:00Z"),
                "noisy", "ops", Instant.parse("2026-01-01T00:00:00Z"));
        index.apply(new RuleChange.State("R1", disabled));
        index.apply(new RuleChange.State("R404", disabled)); // no definition here: ignored
        Snapshot after = index.snapshot();
        assertEquals(disabled, after.rule("R1").state());
        assertEquals(RuleState.DEFAULT, before.rule("R1").state());
        assertEquals(1, after.size());
        assertTrue(after.indexed("R1").hasExpiry());
        assertEquals(before.indexed("R1").slot(), after.indexed("R1").slot());
    }

    /** Restamps share the bucket's scan layout: after some, and a redefinition, every rule is still found. */
    @Test
    void restampsInABulkBuiltBucketKeepEveryRuleReachable() {
        RuleIndex index = new RuleIndex();
        List<CompiledRule> rules = new ArrayList<>();
        for (int k = 0; k < 300; k++) {
            rules.add(TestRules.regex(String.format("R%04d", k), "\\bword" + k + "x\\b", "command"));
        }
        index.replaceAll(rules); // several segments under one bucket-wide scan
        RuleState clipped = new RuleState(RuleState.Mode.CLIPPED, 0.1, null, "noisy", "ops",
                Instant.parse("2026-01-01T00:00:00Z"));
        for (int k = 0; k < 300; k += 37) {
            index.apply(new RuleChange.State(String.format("R%04d", k), clipped));
        }
        index.apply(new RuleChange.Definition("R0150", TestRules.regex("R0150", "\\bother150\\b", "command")));
        index.apply(new RuleChange.State("R0151", clipped)); // a restamp after that redefinition
        org.ttp4j.engine.RuleEngine engine = new org.ttp4j.engine.RuleEngine(index);
        for (int k = 0; k < 300; k++) {
            String text = k == 150 ? "run other150 now" : "run word" + k + "x now";
            List<org.ttp4j.engine.Tag> tags = engine.evaluate(new org.ttp4j.engine.Event("command", "c" + k, "att-1",
                    null, null, null, java.util.Map.of("command_text", text)));
            assertEquals(1, tags.size(), text);
            assertEquals(String.format("R%04d", k), tags.get(0).ruleId());
            assertEquals(k % 37 == 0 || k == 151 ? 0.1 : 0.7, tags.get(0).confidence(), 1e-9, text);
        }
    }

    @Test
    void predicateSelectsAndEvicts() {
        RuleIndex engine = new RuleIndex(RuleIndex.engineOwned());
        RuleIndex lifters = new RuleIndex(RuleIndex.lifterKind("lifter:"));
        CompiledRule regex = TestRules.regex("R1", "a", "command");
        CompiledRule lifter = TestRules.lifter("R1", "lifter:sequence", "command");
        for (RuleIndex index : List.of(engine, lifters)) {
            index.apply(new RuleChange.Definition("R1", regex));
        }
        assertNotNull(engine.snapshot().rule("R1"));
        assertNull(lifters.snapshot().rule("R1"));
        for (RuleIndex index : List.of(engine, lifters)) {
            index.apply(new RuleChange.Definition("R1", lifter));
        }
        assertNull(engine.snapshot().rule("R1"), "a rule that stops satisfying the predicate is evicted");
        assertNull(engine.snapshot().bucket("command"));
        assertNotNull(lifters.snapshot().rule("R1"));
    }

    @Test
    void manyRulesInRandomOrderSplitIntoOrderedSegments() {
        RuleIndex index = new RuleIndex();
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < 1000; k++) {
            ids.add(String.format("R%04d", k));
        }
        Collections.shuffle(ids, new Random(7));
        for (String id : ids) {
            index.apply(new RuleChange.Definition(id, TestRules.regex(id, "x" + id, "command")));
        }
        KindBucket bucket = index.snapshot().bucket("command");
        assertEquals(new ArrayList<>(new TreeSet<>(ids)), ids(bucket.rules()));
        assertTrue(bucket.segmentCount() >= 1000 / Segment.CAPACITY);
        for (int s = 0; s < bucket.segmentCount(); s++) {
            assertTrue(bucket.segment(s).size() <= Segment.CAPACITY);
        }
        // remove every other rule, in another random order
        Collections.shuffle(ids, new Random(8));
        List<String> kept = new ArrayList<>();
        for (String id : ids) {
            if (Integer.parseInt(id.substring(1)) % 2 == 0) {
                index.apply(new RuleChange.Removed(id));
            } else {
                kept.add(id);
            }
        }
        Collections.sort(kept);
        assertEquals(kept, ids(index.snapshot().rules("command")));
        assertEquals(500, index.snapshot().size());
        // slots stay unique among live rules
        assertEquals(500, index.snapshot().rules().stream()
                .map(r -> index.snapshot().indexed(r.ruleId()).slot()).distinct().count());
    }

    @Test
    void replaceAllBuildsInBulkAndKeepsSlots() {
        RuleIndex index = new RuleIndex();
        index.apply(new RuleChange.Definition("R1", TestRules.regex("R1", "a", "command")));
        int slot = index.snapshot().indexed("R1").slot();
        index.replaceAll(List.of(TestRules.regex("R1", "a2", "command"), TestRules.regex("R2", "b", "email")));
        assertEquals(slot, index.snapshot().indexed("R1").slot());
        assertEquals(List.of("R1", "R2"), ids(index.snapshot().rules()));
    }

    /** A RuleStore that publishes a change from inside loadCompiled: the window a consumer must not miss. */
    private static final class RacingStore implements RuleStore {
        final List<Consumer<? super RuleChange>> listeners = new CopyOnWriteArrayList<>();
        final List<CompiledRule> rules = new ArrayList<>(List.of(TestRules.regex("R1", "a", "command")));

        @Override
        public List<CompiledRule> loadCompiled() {
            List<CompiledRule> snapshot = List.copyOf(rules);
            // published after the subscription, while the consumer is loading
            publish(new RuleChange.Definition("R2", TestRules.regex("R2", "b", "command")));
            publish(new RuleChange.Removed("R1"));
            return snapshot;
        }

        void publish(RuleChange c) {
            listeners.forEach(l -> l.accept(c));
        }

        @Override
        public RuleState getState(String ruleId) {
            return RuleState.DEFAULT;
        }

        @Override
        public RuleState setState(String ruleId, RuleState state, String setBy) {
            RuleState stamped = state.stamped(setBy, Instant.now());
            publish(new RuleChange.State(ruleId, stamped));
            return stamped;
        }

        @Override
        public Subscription subscribe(Consumer<? super RuleChange> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        @Override
        public void close() {}
    }

    @Test
    void watchSubscribesThenLoadsThenAppliesEveryChange() {
        RacingStore store = new RacingStore();
        RuleIndex index = new RuleIndex();
        try (RuleStore.Subscription sub = index.watch(store)) {
            assertEquals(List.of("R2"), ids(index.snapshot().rules()), "changes published during the load apply after it");
            store.setState("R2", RuleState.of(RuleState.Mode.DISABLED), "ops");
            assertEquals(RuleState.Mode.DISABLED, index.snapshot().rule("R2").state().mode());
        }
        store.publish(new RuleChange.Removed("R2"));
        assertEquals(1, index.snapshot().size(), "closing the subscription stops following the store");
    }

    @Test
    void aNewVersionWithTheSamePatternKeepsThePrefilterAndANewPatternReplacesIt() {
        RuleIndex index = new RuleIndex();
        index.apply(new RuleChange.Definition("R1", TestRules.regex("R1", "wget", "command")));
        String[] before = index.snapshot().indexed("R1").prefilterLiterals();
        CompiledRule v2 = TestRules.rule("R1", 2, TestRules.regex("R1", "wget", "command").match(),
                List.of("command"), List.of(TestRules.T1083), List.of(), RuleState.DEFAULT);
        index.apply(new RuleChange.Definition("R1", v2));
        assertEquals(2, index.snapshot().rule("R1").ruleVersion());
        assertEquals(List.of(before), List.of(index.snapshot().indexed("R1").prefilterLiterals()));
        index.apply(new RuleChange.Definition("R1", TestRules.regex("R1", "curl", "command")));
        assertEquals(List.of("curl"), List.of(index.snapshot().indexed("R1").prefilterLiterals()));
        Segment seg = index.snapshot().bucket("command").segment(0);
        assertEquals(0L, seg.candidates(new String[] {"wget x"}, 100));
        assertEquals(1L, seg.candidates(new String[] {"curl x"}, 100));
    }

    @Test
    void readersNeverSeeAHalfAppliedChange() throws Exception {
        RuleIndex index = new RuleIndex();
        for (int k = 0; k < 300; k++) {
            String id = String.format("R%04d", k);
            index.apply(new RuleChange.Definition(id, TestRules.regex(id, "a" + k, "command")));
        }
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<String> broken = new java.util.concurrent.atomic.AtomicReference<>();
        Thread writer = new Thread(() -> {
            for (int n = 0; n < 5_000; n++) {
                String id = String.format("R%04d", n % 300);
                // move the rule between kinds, or remove and re-add it
                CompiledRule moved = TestRules.regex(id, "b" + n, n % 2 == 0 ? "email" : "command");
                if (n % 7 == 0) {
                    index.apply(new RuleChange.Removed(id));
                }
                index.apply(new RuleChange.Definition(id, moved));
            }
            done.set(true);
        });
        writer.start();
        int checked = 0;
        while (!done.get() || checked == 0) {
            Snapshot s = index.snapshot();
            int inKinds = 0;
            for (String kind : s.kinds()) {
                for (CompiledRule r : s.rules(kind)) {
                    inKinds++;
                    if (s.rule(r.ruleId()) != r || !r.appliesTo().contains(kind)) {
                        broken.compareAndSet(null, r.ruleId() + " in " + kind + " disagrees with the id map");
                    }
                }
            }
            if (inKinds != s.size()) {
                broken.compareAndSet(null, "kinds hold " + inKinds + " rules, the id map " + s.size());
            }
            checked++;
        }
        writer.join();
        assertNull(broken.get());
        assertEquals(300, index.snapshot().size());
    }
}
