package org.ttp4j.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ttp4j.rule.RuleCompilerTest.compile;
import static org.ttp4j.rule.RuleCompilerTest.compiled;
import static org.ttp4j.rule.RuleCompilerTest.lines;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stateful {@code match} form (docs/stateful.md §1): what it compiles to, and every problem at its position. */
class WindowCompilationTest {

    static String rule(String match) {
        return "rule_id: R1\nrule_version: 1\nname: n\napplies_to: [auth_attempt, session]\nmatch:\n" + match
                + "emits:\n  - {technique_id: T1110, tactic: TA0006, confidence: 0.8}\n";
    }

    static Match.Window window(String match) {
        return assertInstanceOf(Match.Window.class, compiled(rule(match)).match());
    }

    @Test
    void countWithWhere() {
        Match.Window w = window("""
                  where: {success: false}
                  group_by: [attacker_uuid, username]
                  min_count: 10
                  window: 5m
                """);
        assertEquals(300_000, w.windowMillis());
        assertEquals(List.of("attacker_uuid", "username"), w.groupBy());
        assertEquals(Map.of("success", List.of(false)), w.counts().where());
        assertNull(w.counts().regex());
        assertEquals(new Match.Count(10), w.holds());
        assertTrue(compiled(rule("  group_by: [a]\n  min_count: 1\n  window: 60\n")).stateful());
    }

    @Test
    void distinctOfOneFieldOrATuple() {
        assertEquals(new Match.Distinct(List.of("password"), 8),
                window("  group_by: [username]\n  distinct: password\n  min_distinct: 8\n  window: 15m\n").holds());
        assertEquals(new Match.Distinct(List.of("username", "password"), 20),
                window("  group_by: [attacker_uuid]\n  distinct: [username, password]\n  min_distinct: 20\n"
                        + "  window: 1h\n").holds());
    }

    @Test
    void sequenceWithItsOwnGroupFields() {
        Match.Window w = window("""
                  where: {source_kind: session}
                  group_by: [decky_ip]
                  window: 30m
                  then:
                    where: {source_kind: auth_attempt, protocol: [ssh, SSH]}
                    group_by: [src]
                """);
        Match.Sequence s = assertInstanceOf(Match.Sequence.class, w.holds());
        assertEquals(1, s.minCount());
        assertEquals(List.of("src"), s.thenGroupBy());
        assertEquals(List.of("ssh", "SSH"), s.then().where().get("protocol"));
    }

    @Test
    void beaconingWithDefaults() {
        assertEquals(new Match.Beacon(6, 20.0, 1.0),
                window("  group_by: [attacker_uuid, raw_url]\n  window: 1h\n  min_events: 6\n").holds());
        assertEquals(new Match.Beacon(6, 12.5, 30.0), window("  group_by: [a]\n  window: 1h\n  min_events: 6\n"
                + "  max_jitter_pct: 12.5\n  min_interval_s: 30\n").holds());
    }

    @Test
    void aPatternIsPythonSyntaxOnItsField() {
        Match.Window w = window("  pattern: '(?i)^admin$'\n  field: username\n  group_by: [a]\n  min_count: 2\n"
                + "  window: 1m\n");
        assertEquals("username", w.counts().field());
        assertTrue(w.counts().regex().matcher("ADMIN").find());
    }

    @Test
    void sameStateIgnoresThresholdsAndFilters() {
        Match.Window a = window("  where: {success: false}\n  group_by: [u]\n  min_count: 10\n  window: 5m\n");
        Match.Window b = window("  where: {success: [false, null]}\n  group_by: [u]\n  min_count: 3\n  window: 300\n");
        Match.Window longer = window("  group_by: [u]\n  min_count: 10\n  window: 10m\n");
        Match.Window regrouped = window("  group_by: [u, v]\n  min_count: 10\n  window: 5m\n");
        Match.Window distinct = window("  group_by: [u]\n  distinct: p\n  min_distinct: 10\n  window: 5m\n");
        assertTrue(a.sameState(b));
        assertFalse(a.sameState(longer));
        assertFalse(a.sameState(regrouped));
        assertFalse(a.sameState(distinct));
    }

    @Test
    void problemsArePositioned() {
        assertEquals(List.of("r.yaml:6:11: match.window: must be a number of seconds or a duration such as 90s, 5m,"
                + " 1h, 1d, found a string 'soon'"), lines(compile(rule("  window: soon\n  group_by: [a]\n"
                + "  min_count: 3\n"))));
        assertEquals(List.of("r.yaml:6:11: match.window: must be between 1 second and 30 days, found an integer 0"),
                lines(compile(rule("  window: 0\n  group_by: [a]\n  min_count: 3\n"))));
        assertEquals(List.of("r.yaml:6:3: match.group_by: is required: the fields whose values make a group, such as"
                + " [attacker_uuid, username]"), lines(compile(rule("  window: 60\n  min_count: 3\n"))));
        assertEquals(List.of("r.yaml:7:14: match.min_count: must be a whole number between 1 and 1000, found"
                + " an integer 0"), lines(compile(rule("  window: 60\n  min_count: 0\n  group_by: [a]\n"))));
        assertEquals(List.of("r.yaml:6:3: match: names more than one condition: use one of min_count, distinct with"
                + " min_distinct, then, min_events"), lines(compile(rule("  window: 60\n  group_by: [a]\n"
                + "  min_count: 3\n  min_events: 4\n"))));
        assertEquals(List.of("r.yaml:6:3: match: a stateful match (it has window) needs what must hold: min_count,"
                + " distinct with min_distinct, then (a sequence), or min_events (beaconing)"),
                lines(compile(rule("  window: 60\n  group_by: [a]\n"))));
        assertEquals(List.of("r.yaml:10:15: match.then.group_by: must name as many fields as match.group_by (2),"
                + " found 1"), lines(compile(rule("  window: 60\n  group_by: [a, b]\n  then:\n"
                + "    where: {x: 1}\n    group_by: [c]\n"))));
        assertEquals(List.of("r.yaml:7:20: match.where.success: must be a value (string, number, true/false, null)"
                + " or a list of values, found a mapping"), lines(compile(rule("  window: 60\n"
                + "  where: {success: {a: 1}}\n  group_by: [a]\n  min_count: 2\n"))));
        assertEquals(List.of("r.yaml:7:12: match.pattern: invalid regular expression: missing ), unterminated subpattern at offset 0"
                + " in /(/"), lines(compile(rule("  window: 60\n  pattern: '('\n  field: f\n  group_by: [a]\n"
                + "  min_count: 2\n"))));
        assertEquals(List.of("r.yaml:6:3: match.field: is required: source kind 'session' has no default field to"
                + " search"), lines(compile(rule("  window: 60\n  pattern: x\n  group_by: [a]\n  min_count: 2\n"))));
        assertEquals(List.of("r.yaml:6:3: match: distinct needs min_distinct: how many distinct values must be seen"
                + " in the window"), lines(compile(rule("  window: 60\n  group_by: [a]\n  distinct: p\n"))));
    }

    @Test
    void unknownKeysWarn() {
        CompileResult r = compile(rule("  window: 60\n  group_by: [a]\n  min_count: 2\n  min_failures: 3\n"));
        assertInstanceOf(CompileResult.Compiled.class, r);
        assertEquals(List.of("warning: r.yaml:9:17: match.min_failures: unknown key, ignored (a stateful match has"
                + " window, group_by, where, pattern, field, and one of min_count, distinct + min_distinct, then,"
                + " min_events)"), lines(r));
    }

    @Test
    void lifterKindsStayOwnedByOutsideCode() {
        CompiledRule r = compiled(rule("  kind: 'lifter:brute_force'\n  window: 300\n  group_by: [a]\n"));
        assertEquals("lifter:brute_force", assertInstanceOf(Match.Lifter.class, r.match()).kind());
        assertFalse(r.stateful());
    }
}
