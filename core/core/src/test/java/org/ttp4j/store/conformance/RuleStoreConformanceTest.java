package org.ttp4j.store.conformance;

import org.ttp4j.store.StoreException;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.RuleStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.RuleState;
import org.ttp4j.rule.RuleState.Mode;

/**
 * The behaviour every {@link RuleStore} backend shares (docs/state.md, docs/stores.md §1, §2, §12). A backend's test extends this
 * class and says how to open a store on a fresh, empty backing and how to put rule definitions into it.
 */
public abstract class RuleStoreConformanceTest {

    /** How long to wait for a change that must come. */
    protected static final Duration ARRIVAL = Duration.ofSeconds(20);
    /** The rule whose states {@link Recorder#assertQuiet()} writes as a barrier; no test uses it. */
    protected static final String BARRIER = "ZZ_QUIET_BARRIER";

    protected RuleStore store;
    /** Writes the barriers: another store on the same backing, opened on the first {@code assertQuiet}. */
    private RuleStore barrierWriter;
    private int barriers;

    /** A store on a fresh, empty backing. Called once per test; closed after it. */
    protected abstract RuleStore openStore() throws Exception;

    /** Adds or changes these rule definitions (rule id → YAML text) in the store's backing. */
    protected abstract void putRules(Map<String, String> yamlById) throws Exception;

    /**
     * Makes the backing refuse state writes from now on, so that {@code setState} fails. The default closes
     * the store; a backend with persistent state should break the backing itself.
     */
    protected void breakStateWrites() throws Exception {
        store.close();
    }

    @BeforeEach
    void open() throws Exception {
        store = openStore();
    }

    /**
     * Another store on the backing of {@link #store} (a second worker, another process's view), or null when the
     * backend has no such thing. Barriers written through it reach every store through its change feed.
     */
    protected RuleStore openAnotherStore() throws Exception {
        return null;
    }

    @AfterEach
    void close() {
        if (barrierWriter != null && barrierWriter != store) {
            barrierWriter.close();
        }
        if (store != null) {
            store.close();
        }
    }

    /** A valid engine-owned rule. */
    protected static String ruleYaml(String id, int version, String pattern) {
        return "rule_id: " + id + "\n"
                + "rule_version: " + version + "\n"
                + "name: conformance rule " + id + "\n"
                + "applies_to: [command]\n"
                + "match:\n  pattern: '" + pattern.replace("'", "''") + "'\n"
                + "emits:\n  - technique_id: T1059\n    sub_technique_id: T1059.004\n    tactic: TA0002\n    confidence: 0.7\n";
    }

    /** A subscriber's changes, in order; the barriers of {@link #assertQuiet()} are not among them. */
    protected final class Recorder {
        public final BlockingQueue<RuleChange> queue = new LinkedBlockingQueue<>();

        public RuleChange next() throws InterruptedException {
            RuleChange c;
            do {
                c = queue.poll(ARRIVAL.toMillis(), TimeUnit.MILLISECONDS);
                assertNotNull(c, "no change arrived within " + ARRIVAL);
            } while (BARRIER.equals(c.ruleId()));
            return c;
        }

        public List<RuleChange> next(int n) throws InterruptedException {
            List<RuleChange> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(next());
            }
            return out;
        }

        /**
         * Asserts that no change is pending: writes a barrier state from another store on the same backing and
         * requires it to be the next change. Changes reach a subscriber in the order they were made, so a change
         * caused by anything before the barrier (a read-back published again, a second expiry) comes first.
         */
        public void assertQuiet() throws Exception {
            String reason = "barrier " + writeBarrier();
            awaitBarrier(c -> c instanceof RuleChange.State st && reason.equals(st.state().reason()));
        }

        /** Like {@link #assertQuiet()}, with a rule definition put into the backing as the barrier (state writes may fail). */
        public void assertQuietUntilDefinition() throws Exception {
            putRules(Map.of(BARRIER, ruleYaml(BARRIER, ++barriers, "zz barrier")));
            int version = barriers;
            awaitBarrier(c -> c instanceof RuleChange.Definition d && d.rule().ruleVersion() == version);
        }

        /** Takes changes of the barrier rule until {@code arrived} holds; any other rule's change fails. */
        private void awaitBarrier(java.util.function.Predicate<RuleChange> arrived) throws Exception {
            RuleChange c;
            do {
                c = queue.poll(ARRIVAL.toMillis(), TimeUnit.MILLISECONDS);
                assertNotNull(c, "the barrier did not arrive within " + ARRIVAL);
                if (!BARRIER.equals(c.ruleId())) {
                    fail("unexpected change " + c);
                }
            } while (!arrived.test(c));
        }
    }

    /** Writes the next barrier state and returns its number. */
    private int writeBarrier() throws Exception {
        if (barrierWriter == null) {
            RuleStore other = openAnotherStore();
            barrierWriter = other != null ? other : store;
        }
        int n = ++barriers;
        barrierWriter.setState(BARRIER, new RuleState(n % 2 == 0 ? Mode.DISABLED : Mode.CLIPPED, n % 2 == 0 ? null : 0.5,
                null, "barrier " + n, null, null), "conformance-test");
        return n;
    }

    protected Recorder record() {
        return record(store);
    }

    /** Records the changes of {@code other} (e.g. a second worker on the same backing). */
    protected Recorder record(RuleStore other) {
        Recorder r = new Recorder();
        other.subscribe(r.queue::add);
        return r;
    }

    private static RuleState clipped(double max, Instant expires, String reason) {
        return new RuleState(Mode.CLIPPED, max, expires, reason, null, null);
    }

    @Test
    void unknownRuleHasTheDefaultState() {
        assertEquals(RuleState.DEFAULT, store.getState("R9999"));
    }

    @Test
    void setStateRoundTripsAndIsStampedByTheStore() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusMillis(1);
        Instant expires = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
        RuleState asked = new RuleState(Mode.CLIPPED, 0.3, expires, "noisy on decky-7", "mallory", Instant.EPOCH);
        RuleState stored = store.setState("R0001", asked, "alice");
        assertEquals(Mode.CLIPPED, stored.mode());
        assertEquals(0.3, stored.confidenceMax());
        assertEquals(expires, stored.expiresAt());
        assertEquals("noisy on decky-7", stored.reason());
        assertEquals("alice", stored.setBy(), "caller's set_by must be overwritten");
        assertTrue(!stored.setAt().isBefore(before) && !stored.setAt().isAfter(Instant.now().plusSeconds(1)),
                "set_at must be stamped now, was " + stored.setAt());
        assertEquals(stored, store.getState("R0001"));
    }

    @Test
    void statesAreIsolatedByRuleId() {
        store.setState("R0001", RuleState.of(Mode.DISABLED), "alice");
        assertEquals(Mode.DISABLED, store.getState("R0001").mode());
        assertEquals(RuleState.DEFAULT, store.getState("R0002"));
        store.setState("R0002", clipped(0.5, null, null), "bob");
        assertEquals(Mode.DISABLED, store.getState("R0001").mode());
        assertEquals(Mode.CLIPPED, store.getState("R0002").mode());
    }

    @Test
    void setStatePublishesOneStampedStateChange() throws Exception {
        Recorder r = record();
        RuleState stored = store.setState("R0001", RuleState.of(Mode.DISABLED), "alice");
        assertEquals(new RuleChange.State("R0001", stored), r.next());
        r.assertQuiet();
    }

    @Test
    void aFiveRuleEditIsFiveDefinitionChanges() throws Exception {
        Recorder r = record();
        Map<String, String> rules = new LinkedHashMap<>();
        for (int i = 1; i <= 5; i++) {
            rules.put("R000" + i, ruleYaml("R000" + i, 1, "needle" + i));
        }
        putRules(rules);
        Set<String> ids = new HashSet<>();
        for (RuleChange c : r.next(5)) {
            RuleChange.Definition d = assertInstanceOf(RuleChange.Definition.class, c);
            assertEquals(d.ruleId(), d.rule().ruleId());
            ids.add(d.ruleId());
        }
        assertEquals(rules.keySet(), ids);
        r.assertQuiet();
        assertEquals(rules.keySet(), ids(store.loadCompiled()));
    }

    @Test
    void loadCompiledStampsTheCurrentState() throws Exception {
        Recorder r = record();
        putRules(Map.of("R0001", ruleYaml("R0001", 2, "wget")));
        r.next();
        store.setState("R0001", RuleState.of(Mode.DISABLED), "alice");
        CompiledRule rule = store.loadCompiled().stream().filter(x -> x.ruleId().equals("R0001")).findFirst().orElseThrow();
        assertEquals(2, rule.ruleVersion());
        assertEquals(Mode.DISABLED, rule.state().mode());
        assertEquals("alice", rule.state().setBy());
    }

    @Test
    void stateMayBeSetForARuleWithNoDefinition() {
        RuleState s = store.setState("NoSuchRule_1", RuleState.of(Mode.DISABLED), "alice");
        assertEquals(s, store.getState("NoSuchRule_1"));
    }

    @Test
    void expiryRevertsAndPublishesWithoutAnyRead() throws Exception {
        Recorder r = record();
        RuleState set = store.setState("R0001",
                new RuleState(Mode.DISABLED, null, Instant.now().plusMillis(400), "for a moment", null, null), "alice");
        assertEquals(new RuleChange.State("R0001", set), r.next());
        RuleChange revert = r.next(); // nobody reads the state in between
        RuleChange.State s = assertInstanceOf(RuleChange.State.class, revert);
        assertEquals("R0001", s.ruleId());
        assertEquals(Mode.ENABLED, s.state().mode());
        assertNull(s.state().expiresAt());
        assertTrue(s.state().isDefault());
        assertTrue(store.getState("R0001").isDefault());
        r.assertQuiet();
    }

    @Test
    void anExpiredStateReadsAsTheDefault() {
        store.setState("R0001", new RuleState(Mode.DISABLED, null, Instant.now().minusSeconds(5), null, null, null), "alice");
        assertTrue(store.getState("R0001").isDefault());
    }

    @Test
    void aFailedStateWriteThrowsAndPublishesNothing() throws Exception {
        Recorder r = record();
        store.setState("R0001", RuleState.of(Mode.DISABLED), "alice");
        r.next();
        breakStateWrites();
        assertThrows(StoreException.class, () -> store.setState("R0001", RuleState.of(Mode.ENABLED), "alice"));
        r.assertQuietUntilDefinition(); // state writes are broken: a rule definition is the barrier
    }

    @Test
    void aMalformedRuleIdIsRefusedAndNothingIsPublished() throws Exception {
        Recorder r = record();
        assertThrows(IllegalArgumentException.class, () -> store.setState("bad id!", RuleState.of(Mode.DISABLED), "a"));
        assertThrows(IllegalArgumentException.class, () -> store.setState("", RuleState.of(Mode.DISABLED), "a"));
        r.assertQuiet();
    }

    @Test
    void subscriptionTakesEffectAtTheCallWithoutReplay() throws Exception {
        store.setState("R0001", RuleState.of(Mode.DISABLED), "alice"); // before: never replayed
        Recorder r = record();
        RuleState s = store.setState("R0002", RuleState.of(Mode.DISABLED), "alice"); // right after: never missed
        assertEquals(new RuleChange.State("R0002", s), r.next());
        r.assertQuiet();
    }

    @Test
    void everySubscriberSeesTheSameChangesInTheSameOrder() throws Exception {
        Recorder a = record();
        Recorder b = record();
        for (int i = 0; i < 20; i++) {
            store.setState("R" + (i % 3), RuleState.of(i % 2 == 0 ? Mode.DISABLED : Mode.ENABLED), "u" + i);
        }
        assertEquals(a.next(20), b.next(20));
    }

    private static Set<String> ids(List<CompiledRule> rules) {
        Set<String> out = new HashSet<>();
        rules.forEach(x -> out.add(x.ruleId()));
        return out;
    }

    private static <T> T assertInstanceOf(Class<T> type, Object o) {
        assertTrue(type.isInstance(o), "expected " + type.getSimpleName() + ", got " + o);
        return type.cast(o);
    }
}
