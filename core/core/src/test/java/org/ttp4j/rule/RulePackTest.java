package org.ttp4j.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Our rule pack, {@code rules/ttp/}: every file compiles without a single problem, warnings included. */
class RulePackTest {

    static final Path PACK = Path.of("../..", "rules", "ttp");

    static List<Path> packFiles() throws IOException {
        try (Stream<Path> s = Files.list(PACK)) {
            return s.filter(p -> p.getFileName().toString().matches("[A-Za-z0-9_]+\\.ya?ml")).sorted().toList();
        }
    }

    @Test
    void everyRuleCompilesWithoutAnyProblem() throws IOException {
        RuleCompiler compiler = new RuleCompiler();
        List<String> problems = new ArrayList<>();
        List<Path> files = packFiles();
        for (Path file : files) {
            CompileResult r = compiler.compile(file);
            r.problems().forEach(p -> problems.add(p.toString()));
            if (r instanceof CompileResult.Compiled c) {
                String stem = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
                if (!c.rule().ruleId().equals(stem)) {
                    problems.add(file + ": rule_id " + c.rule().ruleId() + " differs from the file stem " + stem);
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(files.size() >= 45, "at least 45 rules, found " + files.size());
    }

    enum Owner { ENGINE, STATEFUL, LIFTER }

    @Test
    void packCoversTheEngineKindsAndLifters() throws IOException {
        RuleCompiler compiler = new RuleCompiler();
        Map<String, Integer> engineRulesByKind = new HashMap<>();
        Map<Owner, Integer> byOwner = new EnumMap<>(Owner.class);
        for (Path file : packFiles()) {
            CompiledRule rule = ((CompileResult.Compiled) compiler.compile(file)).rule();
            Owner owner = rule.engineOwned() ? Owner.ENGINE : rule.stateful() ? Owner.STATEFUL : Owner.LIFTER;
            byOwner.merge(owner, 1, Integer::sum);
            if (rule.engineOwned()) {
                rule.appliesTo().forEach(k -> engineRulesByKind.merge(k, 1, Integer::sum));
            }
            for (Emit e : rule.emits()) {
                assertTrue(e.confidence() >= 0.2 && e.confidence() <= 0.95,
                        file + ": confidence " + e.confidence() + " is outside the sensible 0.2..0.95");
            }
        }
        for (String kind : List.of("command", "http_request", "auth_attempt", "payload")) {
            assertTrue(engineRulesByKind.getOrDefault(kind, 0) >= 4, "engine-owned rules for " + kind + ": "
                    + engineRulesByKind);
        }
        // our pack's cross-event rules are stateful rules ttp4j fires (docs/stateful.md); none is left to a lifter
        assertEquals(8, byOwner.getOrDefault(Owner.STATEFUL, 0), "stateful rules: " + byOwner);
        assertEquals(0, byOwner.getOrDefault(Owner.LIFTER, 0), "lifter-owned rules: " + byOwner);
    }

    /** Each engine-owned rule proves itself with at least two matching and two non-matching examples. */
    @Test
    void engineRulesCarryEnoughExamples() throws IOException {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        for (Path file : packFiles()) {
            Map<String, Object> doc = yaml.load(Files.readString(file));
            @SuppressWarnings("unchecked")
            Map<String, Object> match = (Map<String, Object>) doc.get("match");
            if (!match.containsKey("pattern")) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, List<Object>> examples = (Map<String, List<Object>>) doc.get("examples");
            assertTrue(examples != null, file + " has examples");
            assertTrue(examples.get("match").size() >= 2, file + ": at least two match examples");
            assertTrue(examples.get("no_match").size() >= 2, file + ": at least two no_match examples");
        }
    }

    @Test
    void ruleIdsAreUnique() throws IOException {
        RuleCompiler compiler = new RuleCompiler();
        Map<String, Path> seen = new HashMap<>();
        for (Path file : packFiles()) {
            String id = ((CompileResult.Compiled) compiler.compile(file)).rule().ruleId();
            Path first = seen.putIfAbsent(id, file);
            assertEquals(null, first, "rule_id " + id + " defined twice");
        }
    }
}
