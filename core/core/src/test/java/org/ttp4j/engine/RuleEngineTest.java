package org.ttp4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.ttp4j.index.RuleIndex;
import org.ttp4j.index.TestRules;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Emit;
import org.ttp4j.rule.Match;
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.RuleChange;

class RuleEngineTest {

    static final Instant NOW = Instant.parse("2026-05-01T12:00:00.123456Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final RuleIndex index = new RuleIndex(RuleIndex.engineOwned());
    private final RuleEngine engine = new RuleEngine(index, EngineOptions.DEFAULTS.withClock(CLOCK));

    private void define(CompiledRule rule) {
        index.apply(new RuleChange.Definition(rule.ruleId(), rule));
    }

    static Event command(String text) {
        Map<String, Object> payload = new HashMap<>();
        payload.put("command_text", text);
        return new Event("command", "cmd_42", "att-1", null, "sess-1", "decky-1", payload);
    }

    static Event event(String kind, Map<String, Object> payload) {
        return new Event(kind, "ev_1", null, "id-1", null, null, new HashMap<>(payload));
    }

    static CompiledRule rule(String id, int version, String pattern, String field, List<String> kinds,
                             List<Emit> emits, List<String> evidence, RuleState state) {
        Map<String, Object> raw = field == null ? Map.of("pattern", pattern) : Map.of("pattern", pattern, "field", field);
        return TestRules.rule(id, version, new Match.Regex(field, pattern, Pattern.compile(pattern), raw), kinds, emits,
                evidence, state);
    }

    @Test
    void aMatchingRuleGivesOneTagPerEmitWithEveryField() {
        define(rule("R0015", 1, "sudo\\s+-l", null, List.of("command"),
                List.of(new Emit("T1548", "T1548.001", "TA0004", 0.8), new Emit("T1083", null, "TA0007", 0.6)),
                List.of(), RuleState.DEFAULT));
        List<Tag> tags = engine.evaluate(command("sudo -l"));
        assertEquals(2, tags.size());
        Tag t = tags.get(0);
        assertEquals("4fd57b14-c135-544c-97d9-4fabc1051584", t.uuid().toString());
        assertEquals("68fb11d9-e52c-5751-9b99-75877c5465ba", tags.get(1).uuid().toString());
        assertEquals("command", t.sourceKind());
        assertEquals("cmd_42", t.sourceId());
        assertEquals("att-1", t.attackerUuid());
        assertNull(t.identityUuid());
        assertEquals("sess-1", t.sessionId());
        assertEquals("decky-1", t.deckyId());
        assertEquals("TA0004", t.tactic());
        assertEquals("T1548", t.techniqueId());
        assertEquals("T1548.001", t.subTechniqueId());
        assertEquals(0.8, t.confidence());
        assertEquals("R0015", t.ruleId());
        assertEquals(1, t.ruleVersion());
        assertEquals("v15.1", t.attackRelease());
        assertEquals("https://attack.mitre.org/techniques/T1548/001", t.mitreUrl());
        assertEquals("https://attack.mitre.org/techniques/T1083", tags.get(1).mitreUrl());
        assertNull(tags.get(1).subTechniqueId());
        assertEquals(NOW, t.createdAt());
    }

    @Test
    void defaultFieldPerKind() {
        Map<String, String> fields = Map.of("command", "command_text", "http_request", "raw_url", "email", "subject",
                "intel", "verdict", "canary_fingerprint", "ua_signature", "auth_attempt", "username",
                "payload", "payload_text");
        int n = 0;
        for (String kind : fields.keySet()) {
            define(TestRules.regex("R" + n++, "needle", kind));
        }
        for (Map.Entry<String, String> e : fields.entrySet()) {
            assertEquals(1, engine.evaluate(event(e.getKey(), Map.of(e.getValue(), "a needle here"))).size(), e.getKey());
            assertEquals(0, engine.evaluate(event(e.getKey(), Map.of("other", "a needle here"))).size(), e.getKey());
        }
    }

    @Test
    void aKindWithoutDefaultFieldNeedsAnExplicitOne() {
        define(TestRules.regex("R1", "needle", "session"));
        define(TestRules.regexOn("R2", "banner", "needle", "session"));
        List<Tag> tags = engine.evaluate(event("session", Map.of("banner", "needle", "command_text", "needle")));
        assertEquals(List.of("R2"), tags.stream().map(Tag::ruleId).toList());
    }

    @Test
    void onlyStringsMatch() {
        define(TestRules.regex("R1", "1", "command"));
        Map<String, Object> p = new HashMap<>();
        p.put("command_text", 1);
        assertEquals(0, engine.evaluate(event("command", p)).size());
        p.put("command_text", List.of("1"));
        assertEquals(0, engine.evaluate(event("command", p)).size());
        p.put("command_text", null);
        assertEquals(0, engine.evaluate(event("command", p)).size());
        p.put("command_text", "1");
        assertEquals(1, engine.evaluate(event("command", p)).size());
    }

    @Test
    void disabledRulesAreSkippedUntilTheirStateExpires() {
        define(TestRules.regex("R1", "ls", "command"));
        index.apply(new RuleChange.State("R1", RuleState.of(RuleState.Mode.DISABLED)));
        assertEquals(0, engine.evaluate(command("ls")).size());
        index.apply(new RuleChange.State("R1", new RuleState(RuleState.Mode.DISABLED, null,
                NOW.plusSeconds(1), null, null, null)));
        assertEquals(0, engine.evaluate(command("ls")).size(), "not expired yet");
        index.apply(new RuleChange.State("R1", new RuleState(RuleState.Mode.DISABLED, null,
                NOW, null, null, null)));
        assertEquals(1, engine.evaluate(command("ls")).size(), "an expired state is the default");
        index.apply(new RuleChange.State("R1", RuleState.DEFAULT));
        assertEquals(1, engine.evaluate(command("ls")).size());
    }

    @Test
    void clippedCapsConfidenceAndNeverRaisesIt() {
        define(rule("R1", 1, "ls", null, List.of("command"),
                List.of(new Emit("T1083", null, "TA0007", 0.9), new Emit("T1082", null, "TA0007", 0.2)),
                List.of(), RuleState.DEFAULT));
        index.apply(new RuleChange.State("R1", new RuleState(RuleState.Mode.CLIPPED, 0.5, null, null, null, null)));
        List<Tag> tags = engine.evaluate(command("ls"));
        assertEquals(0.5, tags.get(0).confidence());
        assertEquals(0.2, tags.get(1).confidence());
        index.apply(new RuleChange.State("R1", new RuleState(RuleState.Mode.CLIPPED, 0.5,
                NOW.minusSeconds(1), null, null, null)));
        assertEquals(0.9, engine.evaluate(command("ls")).get(0).confidence(), "expired clip no longer caps");
    }

    @Test
    void evidenceKeepsPresentFieldsAndNullsThenCommandAuxFields() {
        define(rule("R1", 1, "ls", null, List.of("command", "email"), List.of(TestRules.T1083),
                List.of("command_text", "cwd", "missing", "user"), RuleState.DEFAULT));
        Map<String, Object> p = new HashMap<>();
        p.put("command_text", "ls -la");
        p.put("cwd", null);
        p.put("uid", 0);
        p.put("user", "root");
        p.put("pwd", "/tmp");
        p.put("subject", "ls");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("command_text", "ls -la");
        expected.put("cwd", null);
        expected.put("user", "root");
        expected.put("uid", 0);
        expected.put("pwd", "/tmp");
        Map<String, Object> evidence = engine.evaluate(event("command", p)).get(0).evidence();
        assertEquals(expected, evidence);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(evidence.keySet()), "evidence_fields order, then aux");
        Map<String, Object> mailEvidence = engine.evaluate(event("email", p)).get(0).evidence();
        assertEquals(List.of("command_text", "cwd", "user"), List.copyOf(mailEvidence.keySet()),
                "aux fields only for kind command");
    }

    @Test
    void rulesInRuleIdOrderThenEmitsInFileOrderWithoutDeduplication() {
        for (String id : List.of("R0300", "R0010", "R0200", "R0100")) {
            define(rule(id, 1, "x", null, List.of("command"),
                    List.of(new Emit("T1059", "T1059.004", "TA0002", 0.5), new Emit("T1083", null, "TA0007", 0.5)),
                    List.of(), RuleState.DEFAULT));
        }
        List<Tag> tags = engine.evaluate(command("x"));
        assertEquals(List.of("R0010", "R0010", "R0100", "R0100", "R0200", "R0200", "R0300", "R0300"),
                tags.stream().map(Tag::ruleId).toList());
        assertEquals(List.of("T1059", "T1083"), tags.subList(0, 2).stream().map(Tag::techniqueId).toList());
    }

    @Test
    void lifterAndMatchlessRulesNeverFire() {
        RuleIndex all = new RuleIndex();
        RuleEngine e = new RuleEngine(all, EngineOptions.DEFAULTS.withClock(CLOCK));
        all.apply(new RuleChange.Definition("R1", TestRules.lifter("R1", "lifter:burst", "command")));
        all.apply(new RuleChange.Definition("R2", TestRules.rule("R2", 1, new Match.None(Map.of()), List.of("command"),
                List.of(TestRules.T1083), List.of(), RuleState.DEFAULT)));
        assertEquals(0, e.evaluate(command("anything")).size());
    }

    @Test
    void attackReleaseIsConfigurableAndPatternsAreSearchedUnanchored() {
        define(TestRules.regex("R1", "passwd$", "command"));
        RuleEngine v16 = new RuleEngine(index, EngineOptions.DEFAULTS.withAttackRelease("v16.1"));
        List<Tag> tags = v16.evaluate(command("cat /etc/passwd"));
        assertEquals("v16.1", tags.get(0).attackRelease());
        assertEquals(0, engine.evaluate(command("cat /etc/passwd.bak")).size());
    }

    @Test
    void evaluateIntoAppends() {
        define(TestRules.regex("R1", "ls", "command"));
        List<Tag> out = new ArrayList<>();
        assertEquals(1, engine.evaluateInto(command("ls"), out));
        assertEquals(0, engine.evaluateInto(command("pwd"), out));
        assertEquals(1, engine.evaluateInto(command("ls"), out));
        assertEquals(2, out.size());
    }

    @Test
    void anEventWithoutAnchorsIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Event("command", "cmd_1", null, null, null, null, Map.of()));
        assertTrue(e.getMessage().contains("attacker_uuid") && e.getMessage().contains("identity_uuid"), e.getMessage());
        new Event("command", "c", null, "id-only", null, null, Map.of());
        new Event("command", "c", "attacker-only", null, null, null, Map.of());
        assertThrows(IllegalArgumentException.class, () -> new Event(null, "c", "a", null, null, null, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new Event("command", null, "a", null, null, null, Map.of()));
    }

    @Test
    void caseInsensitivePatternsMatchThroughThePrefilter() {
        define(TestRules.regex("R1", "(?i)WGET\\s+HTTP", "command"));
        define(TestRules.regex("R2", "(?iu)straße", "command"));
        assertEquals(List.of("R1"), engine.evaluate(command("wget http://x")).stream().map(Tag::ruleId).toList());
        define(TestRules.regex("R3", "(?iu)kill", "command"));
        assertEquals(List.of("R2"), engine.evaluate(command("echo STRAßE")).stream().map(Tag::ruleId).toList());
        assertEquals(List.of("R3"), engine.evaluate(command("\u212Aill -9 1")).stream().map(Tag::ruleId).toList(),
                "KELVIN SIGN matches k under (?iu): the prefilter must let it through");
    }
}
