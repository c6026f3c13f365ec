package org.ttp4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ttp4j.rule.CompileResult;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.RuleCompiler;
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.RuleChange;

/**
 * Our pack's stateful rules on generated streams (docs/stateful.md): exact tags at exact firing points, no re-fire
 * while a condition holds, out-of-order arrival, operator state, hot swap, and the group cap.
 */
class StatefulRulesTest {

    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
    static final String ATTACKER = "7d3f6a2e-41c8-4f0b-9a57-2c9e8b1d4f60";

    static CompiledRule pack(String id) {
        return compiled(Path.of("../../rules/ttp", id + ".yaml"));
    }

    static CompiledRule compiled(Path file) {
        CompileResult r = new RuleCompiler().compile(file);
        return ((CompileResult.Compiled) r).rule();
    }

    static CompiledRule compiled(String yaml) {
        CompileResult r = new RuleCompiler().compile("r.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        if (!(r instanceof CompileResult.Compiled c)) {
            throw new AssertionError(r.problems().toString());
        }
        return c.rule();
    }

    static StatefulRules rules(CompiledRule... rules) {
        StatefulRules s = new StatefulRules(StatefulOptions.DEFAULTS.withClock(CLOCK));
        s.replaceAll(List.of(rules));
        return s;
    }

    static Map<String, Object> payload(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static Event auth(String id, String attacker, String user, String password, boolean success, long second) {
        return new Event("auth_attempt", id, attacker, null, "s-" + attacker, "decky-01", payload("username", user,
                "password", password, "protocol", "ssh", "src", "203.0.113.45", "success", success,
                "observed_at", T0.plusSeconds(second).toString()));
    }

    static Event session(String id, String attacker, String decky, Object port, long second) {
        return new Event("session", id, attacker, null, id, decky, payload("dst_port", port, "decky_ip", "10.0.0.9",
                "observed_at", T0.getEpochSecond() + second));
    }

    static Event http(String id, String url, double second) {
        return new Event("http_request", id, ATTACKER, null, null, "decky-web", payload("raw_url", url,
                "observed_at", T0.getEpochSecond() + second));
    }

    /** source_id of every tag, rule by rule, for the whole stream. */
    static List<String> fired(StatefulRules rules, List<Event> events) {
        List<String> out = new ArrayList<>();
        for (Event e : events) {
            for (Tag t : rules.evaluate(e)) {
                out.add(t.ruleId() + "@" + t.sourceId() + ":" + t.techniqueId());
            }
        }
        return out;
    }

    static List<Event> failures(String attacker, String user, int from, int to, long startSecond, long step) {
        List<Event> events = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            events.add(auth("a" + i, attacker, user, "pw" + i, false, startSecond + (i - from) * step));
        }
        return events;
    }

    @Test
    void bruteForceFiresOnTheTenthFailureOnceWithItsEvidence() {
        StatefulRules rules = rules(pack("T1110_001_brute_force"));
        List<Event> stream = failures(ATTACKER, "root", 1, 9, 0, 10);
        assertEquals(List.of(), fired(rules, stream));
        Event tenth = auth("a10", ATTACKER, "root", "pw10", false, 95);
        List<Tag> tags = rules.evaluate(tenth);
        assertEquals(1, tags.size());
        Tag t = tags.get(0);
        assertEquals("a10", t.sourceId());
        assertEquals(TagUuid.of("auth_attempt", "a10", "T1110_001_brute_force", 2, "T1110", "T1110.001"), t.uuid());
        assertEquals("T1110.001", t.subTechniqueId());
        assertEquals(0.8, t.confidence());
        assertEquals("https://attack.mitre.org/techniques/T1110/001", t.mitreUrl());
        assertEquals(Map.of("group", Map.of("attacker_uuid", ATTACKER, "username", "root"), "count", 10,
                "first_event_id", "a1", "last_event_id", "a10"), t.evidence());
        assertEquals(CLOCK.instant(), t.createdAt());
        // it keeps holding: no tag storm; successes and other users are not counted
        assertEquals(List.of(), fired(rules, failures(ATTACKER, "root", 11, 40, 100, 5)));
        assertEquals(List.of(), fired(rules, List.of(auth("ok", ATTACKER, "root", "x", true, 260))));
        assertEquals(List.of(), fired(rules, failures(ATTACKER, "admin", 41, 49, 261, 1)));
        // after a whole window without holding, it fires again
        assertEquals(List.of("T1110_001_brute_force@b10:T1110"), fired(rules, failures(ATTACKER, "root", 1, 10, 1000, 1)
                .stream().map(e -> rename(e, "b")).toList()));
    }

    static Event rename(Event e, String prefix) {
        return new Event(e.sourceKind(), prefix + e.sourceId().substring(1), e.attackerUuid(), e.identityUuid(),
                e.sessionId(), e.deckyId(), e.payload());
    }

    @Test
    void slowGuessingNeverFillsTheWindow() {
        StatefulRules rules = rules(pack("T1110_001_brute_force"));
        // one failure every 40 s: never 10 within 5 minutes
        assertEquals(List.of(), fired(rules, failures(ATTACKER, "root", 1, 50, 0, 40)));
    }

    @Test
    void passwordGuessingCountsDistinctPasswordsForOneUser() {
        StatefulRules rules = rules(compiled("""
                rule_id: R_guess
                rule_version: 1
                name: guessing
                applies_to: [auth_attempt]
                match:
                  where: {success: false}
                  group_by: [attacker_uuid, username]
                  distinct: password
                  min_distinct: 5
                  window: 10m
                emits: [{technique_id: T1110, sub_technique_id: T1110.001, tactic: TA0006, confidence: 0.7}]
                """));
        List<Event> stream = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            stream.add(auth("g" + i, ATTACKER, "root", "same", false, i)); // one password, repeated
        }
        for (int i = 1; i <= 3; i++) {
            stream.add(auth("h" + i, ATTACKER, "root", "p" + i, false, 10 + i));
        }
        stream.add(auth("h4", ATTACKER, "root", "p2", false, 20)); // a repeat does not count
        assertEquals(List.of(), fired(rules, stream)); // same, p1, p2, p3: four distinct
        Event fifth = auth("h5", ATTACKER, "root", "p4", false, 21);
        Tag t = rules.evaluate(fifth).get(0);
        assertEquals(Map.of("group", Map.of("attacker_uuid", ATTACKER, "username", "root"), "distinct", 5,
                "first_event_id", "g8", "last_event_id", "h5"), t.evidence().entrySet().stream().collect(
                java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    @Test
    void sprayingAndStuffing() {
        StatefulRules rules = rules(pack("T1110_003_password_spraying"), pack("T1110_004_credential_stuffing"));
        List<Event> stream = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            stream.add(auth("s" + i, ATTACKER, "user" + i, "Summer2026!", false, i * 30));
        }
        // spraying: the 8th distinct username with one password; stuffing needs 20 pairs
        assertEquals(List.of("T1110_003_password_spraying@s8:T1110"), fired(rules, stream));
        stream.clear();
        for (int i = 9; i <= 20; i++) {
            stream.add(auth("s" + i, ATTACKER, "user" + i, "pw" + i, false, 300 + i));
        }
        assertEquals(List.of("T1110_004_credential_stuffing@s20:T1110"), fired(rules, stream));
    }

    @Test
    void loginAfterGuessingFiresOnTheSuccess() {
        StatefulRules rules = rules(pack("T1078_valid_account_after_guessing"));
        List<Event> stream = new ArrayList<>(failures(ATTACKER, "oracle", 1, 3, 0, 60));
        stream.add(auth("win", ATTACKER, "oracle", "oracle", true, 400));
        stream.add(auth("again", ATTACKER, "oracle", "oracle", true, 500)); // still within the window: no re-fire
        assertEquals(List.of("T1078_valid_account_after_guessing@win:T1078",
                "T1078_valid_account_after_guessing@win:T1110"), fired(rules, stream));
        // two failures are not guessing; a success an hour after the failures is not "after guessing"
        StatefulRules fresh = rules(pack("T1078_valid_account_after_guessing"));
        List<Event> other = new ArrayList<>(failures(ATTACKER, "pi", 1, 2, 0, 1));
        other.add(auth("w2", ATTACKER, "pi", "raspberry", true, 10));
        other.addAll(failures(ATTACKER, "ftp", 3, 5, 20, 1));
        other.add(auth("w3", ATTACKER, "ftp", "ftp", true, 20 + 3600 + 5));
        assertEquals(List.of(), fired(fresh, other));
    }

    @Test
    void defaultCredentialsAreTheStatelessRuleBesideTheStatefulOnes() {
        org.ttp4j.index.RuleIndex index = new org.ttp4j.index.RuleIndex(org.ttp4j.index.RuleIndex.engineOwned());
        index.replaceAll(List.of(pack("T1078_001_default_account_login")));
        RuleEngine stateless = new RuleEngine(index);
        StatefulRules stateful = rules(pack("T1110_001_brute_force"));
        List<String> tags = new ArrayList<>();
        for (Event e : failures(ATTACKER, "admin", 1, 10, 0, 1)) {
            stateless.evaluate(e).forEach(t -> tags.add(t.ruleId() + "@" + t.sourceId()));
            stateful.evaluate(e).forEach(t -> tags.add(t.ruleId() + "@" + t.sourceId()));
        }
        assertEquals(11, tags.size());
        assertEquals("T1110_001_brute_force@a10", tags.get(10));
        assertTrue(tags.subList(0, 10).stream().allMatch(s -> s.startsWith("T1078_001_default_account_login@")));
    }

    @Test
    void beaconingNeedsSixRegularIntervals() {
        StatefulRules rules = rules(pack("T1071_001_http_beaconing"));
        double[] regular = {0, 60, 121, 179, 240, 302, 360, 420};
        List<Event> stream = new ArrayList<>();
        for (int i = 0; i < regular.length; i++) {
            stream.add(http("b" + i, "/gate.php", regular[i]));
        }
        assertEquals(List.of("T1071_001_http_beaconing@b5:T1071"), fired(rules, stream));
        double[] irregular = {0, 5, 90, 100, 230, 240, 400, 410};
        stream.clear();
        for (int i = 0; i < irregular.length; i++) {
            stream.add(http("c" + i, "/other", irregular[i]));
        }
        assertEquals(List.of(), fired(rules, stream));
        // too fast to be an implant's interval (min_interval_s: 5)
        stream.clear();
        for (int i = 0; i < 8; i++) {
            stream.add(http("d" + i, "/fast", i * 0.5));
        }
        assertEquals(List.of(), fired(rules, stream));
    }

    @Test
    void portScanAndDeckySweep() {
        StatefulRules rules = rules(pack("T1046_port_scan"), pack("T1595_001_decky_sweep"));
        List<Event> stream = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            stream.add(session("p" + i, ATTACKER, "decky-01", 20 + (i % 11), i * 2)); // 11 distinct ports
        }
        assertEquals(List.of("T1046_port_scan@p9:T1046"), fired(rules, stream));
        stream.clear();
        for (int i = 2; i <= 5; i++) {
            stream.add(i % 2 == 0 ? session("q" + i, ATTACKER, "decky-0" + i, 22, 100 + i)
                    : new Event("auth_attempt", "q" + i, ATTACKER, null, null, "decky-0" + i,
                            payload("username", "root", "observed_at", T0.getEpochSecond() + 100 + i)));
        }
        stream.add(session("q6", ATTACKER, "decky-02", 23, 110)); // decky-02 again: still 5 deckies
        assertEquals(List.of("T1595_001_decky_sweep@q5:T1595"), fired(rules, stream));
    }

    @Test
    void sshHopBetweenDeckies() {
        StatefulRules rules = rules(pack("T1021_004_ssh_lateral_movement"));
        Event onA = session("sess-a", ATTACKER, "decky-a", 22, 0); // decky_ip 10.0.0.9
        Event hopFromA = new Event("auth_attempt", "hop", ATTACKER, null, null, "decky-b",
                payload("username", "root", "protocol", "ssh", "src", "10.0.0.9", "observed_at",
                        T0.plusSeconds(600).toString()));
        Event fromElsewhere = new Event("auth_attempt", "far", ATTACKER, null, null, "decky-b",
                payload("username", "root", "protocol", "ssh", "src", "10.9.9.9", "observed_at",
                        T0.plusSeconds(601).toString()));
        assertEquals(List.of("T1021_004_ssh_lateral_movement@hop:T1021"),
                fired(rules, List.of(onA, fromElsewhere, hopFromA)));
    }

    @Test
    void outOfOrderWithinTheLatenessCountsAndLaterIsDropped() {
        StatefulRules rules = rules(pack("T1110_001_brute_force"));
        List<Event> stream = new ArrayList<>(failures(ATTACKER, "root", 1, 10, 0, 5));
        java.util.Collections.reverse(stream); // 45 s of disorder, within the 60 s lateness
        assertEquals(List.of("T1110_001_brute_force@a1:T1110"), fired(rules, stream));
        StatefulRules other = rules(pack("T1110_001_brute_force"));
        List<Event> s2 = new ArrayList<>(failures(ATTACKER, "root", 1, 9, 100, 1));
        s2.add(auth("late", ATTACKER, "root", "x", false, 100 - 61)); // 70 s behind the newest: dropped
        assertEquals(List.of(), fired(other, s2));
        assertEquals(1, other.late());
        assertEquals(List.of("T1110_001_brute_force@a10:T1110"),
                fired(other, failures(ATTACKER, "root", 10, 10, 130, 1)));
    }

    @Test
    void operatorStateDisablesClipsAndExpires() {
        CompiledRule brute = pack("T1110_001_brute_force");
        StatefulRules rules = rules(brute);
        rules.apply(new RuleChange.State(brute.ruleId(), RuleState.of(RuleState.Mode.DISABLED)));
        assertEquals(List.of(), fired(rules, failures(ATTACKER, "root", 1, 20, 0, 1))); // not even counted
        rules.apply(new RuleChange.State(brute.ruleId(), new RuleState(RuleState.Mode.CLIPPED, 0.3, null, null,
                null, null)));
        List<Tag> tags = new ArrayList<>();
        failures(ATTACKER, "root", 21, 30, 21, 1).forEach(e -> tags.addAll(rules.evaluate(e)));
        assertEquals(1, tags.size());
        assertEquals("a30", tags.get(0).sourceId()); // counting started when re-enabled
        assertEquals(0.3, tags.get(0).confidence());
        // a disabled state that has expired is the default: counts and fires at full confidence
        rules.apply(new RuleChange.State(brute.ruleId(), new RuleState(RuleState.Mode.DISABLED, null,
                CLOCK.instant().minusSeconds(1), null, null, null)));
        tags.clear();
        failures(ATTACKER, "guest", 31, 40, 40, 1).forEach(e -> tags.addAll(rules.evaluate(e)));
        assertEquals(List.of("a40"), tags.stream().map(Tag::sourceId).toList());
        assertEquals(0.8, tags.get(0).confidence());
    }

    @Test
    void hotSwapKeepsCountsForAThresholdAndResetsForAWindow() {
        CompiledRule brute = pack("T1110_001_brute_force");
        StatefulRules rules = rules(brute);
        assertEquals(List.of(), fired(rules, failures(ATTACKER, "root", 1, 6, 0, 1)));
        assertEquals(1, rules.groups(brute.ruleId()));
        CompiledRule lower = compiled(brute.yaml().replace("min_count: 10", "min_count: 7"));
        assertEquals(new StatefulRules.Applied(brute.ruleId(), StatefulRules.Outcome.KEPT, 0),
                rules.apply(new RuleChange.Definition(brute.ruleId(), lower)));
        assertEquals(List.of("T1110_001_brute_force@a7:T1110"), fired(rules, failures(ATTACKER, "root", 7, 7, 6, 1)));
        CompiledRule wider = compiled(brute.yaml().replace("window: 5m", "window: 10m"));
        assertEquals(new StatefulRules.Applied(brute.ruleId(), StatefulRules.Outcome.RESET, 1),
                rules.apply(new RuleChange.Definition(brute.ruleId(), wider)));
        assertEquals(1, rules.resets());
        assertEquals(0, rules.groups(brute.ruleId()));
        assertEquals(List.of(), fired(rules, failures(ATTACKER, "root", 8, 16, 8, 1))); // 9 since the reset
        assertEquals(new StatefulRules.Applied(brute.ruleId(), StatefulRules.Outcome.REMOVED, 1),
                rules.apply(new RuleChange.Removed(brute.ruleId())));
        assertEquals(0, rules.groups(brute.ruleId()));
        assertEquals(List.of(), rules.ruleIds());
        assertEquals(List.of(), fired(rules, failures(ATTACKER, "root", 17, 30, 20, 1)));
    }

    @Test
    void theGroupCapEvictsTheLeastRecentlyActive() {
        StatefulRules rules = new StatefulRules(StatefulOptions.DEFAULTS.withClock(CLOCK).withMaxGroupsPerRule(3));
        rules.replaceAll(List.of(pack("T1110_001_brute_force")));
        List<Event> stream = new ArrayList<>();
        for (int a = 0; a < 5; a++) {
            stream.addAll(failures("attacker-" + a, "root", 1, 9, a * 10, 1));
        }
        assertEquals(List.of(), fired(rules, stream));
        assertEquals(3, rules.groups("T1110_001_brute_force"));
        assertEquals(2, rules.evictions());
        assertEquals(2, rules.evictions("T1110_001_brute_force"));
        // attacker-0 was evicted: its tenth failure starts a new count; attacker-4 fires
        assertEquals(List.of(), fired(rules, failures("attacker-0", "root", 10, 10, 60, 1)));
        assertEquals(List.of("T1110_001_brute_force@a10:T1110"),
                fired(rules, failures("attacker-4", "root", 10, 10, 61, 1)));
    }

    @Test
    void groupsExpireAsWindowsPass() {
        StatefulRules rules = rules(pack("T1110_001_brute_force"));
        for (int a = 0; a < 100; a++) {
            fired(rules, failures("attacker-" + a, "root", 1, 2, a, 1));
        }
        assertEquals(100, rules.groups("T1110_001_brute_force"));
        fired(rules, failures("late-comer", "root", 1, 1, 100 + 300 + 61, 1)); // past window + lateness
        assertEquals(1, rules.groups("T1110_001_brute_force"));
        assertEquals(0, rules.evictions());
    }

    @Test
    void eventTimeIsIsoTextEpochSecondsOrArrival() {
        assertEquals(T0.toEpochMilli(), StatefulRules.parseTime("2026-12-01T10:00:00Z"));
        assertEquals(T0.toEpochMilli(), StatefulRules.parseTime("2026-12-01T11:00:00+01:00"));
        assertEquals(T0.toEpochMilli(), StatefulRules.parseTime("2026-12-01T10:00:00"));
        StatefulRules rules = rules(pack("T1110_001_brute_force"));
        List<Event> stream = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            stream.add(new Event("auth_attempt", "n" + i, ATTACKER, null, null, null,
                    payload("username", "root", "success", false, "observed_at", i == 3 ? "yesterday" : null)));
        }
        // no time: arrival time (the fixed clock) for all ten; one bad time is counted and falls back too
        assertEquals(List.of("T1110_001_brute_force@n10:T1110"), fired(rules, stream));
        assertEquals(1, rules.badTimes());
    }

    @Test
    void concurrentEvaluationFiresEachGroupExactlyOnce() throws Exception {
        StatefulRules rules = rules(pack("T1110_001_brute_force"));
        java.util.concurrent.atomic.AtomicInteger tags = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 5000; i++) {
                    // one shared group, and 500 groups of ten failures each split over the threads
                    tags.addAndGet(rules.evaluate(auth("x" + thread + "-" + i, "shared", "root", "p", false, 0)).size());
                    tags.addAndGet(rules.evaluate(auth("y" + thread + "-" + i, "g" + (i % 500), "root", "p", false, 0))
                            .size());
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1 + 500, tags.get());
    }
}
