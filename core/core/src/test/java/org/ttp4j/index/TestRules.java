package org.ttp4j.index;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Emit;
import org.ttp4j.rule.Match;
import org.ttp4j.rule.PythonRegex;
import org.ttp4j.rule.RuleState;

/** Builds compiled rules directly (Python patterns, translated as the compiler does), for tests that need no YAML. */
public final class TestRules {
    private TestRules() {}

    public static final Emit T1083 = new Emit("T1083", null, "TA0007", 0.7);

    public static CompiledRule regex(String id, String pattern, String... kinds) {
        return rule(id, 1, match(null, pattern, Map.of("pattern", pattern)), List.of(kinds), List.of(T1083),
                List.of(), RuleState.DEFAULT);
    }

    public static CompiledRule regexOn(String id, String field, String pattern, String... kinds) {
        return rule(id, 1, match(field, pattern, Map.of("pattern", pattern, "field", field)), List.of(kinds),
                List.of(T1083), List.of(), RuleState.DEFAULT);
    }

    /** The match the compiler makes of a Python pattern: its translation and the literals that came with it. */
    public static Match.Regex match(String field, String pattern, Map<String, Object> raw) {
        PythonRegex.Translation t = PythonRegex.translate(pattern);
        return new Match.Regex(field, pattern, PythonRegex.compile(t, pattern), t.literals(), raw);
    }

    public static CompiledRule lifter(String id, String kind, String... kinds) {
        return rule(id, 1, new Match.Lifter(kind, Map.of("kind", kind)), List.of(kinds), List.of(T1083), List.of(),
                RuleState.DEFAULT);
    }

    public static CompiledRule rule(String id, int version, Match match, List<String> kinds, List<Emit> emits,
                                    List<String> evidence, RuleState state) {
        return new CompiledRule(id, version, "rule " + id, "", new LinkedHashSet<>(kinds), match, emits,
                new ArrayList<>(evidence), state, "rules/ttp/" + id + ".yaml", "", "0".repeat(64));
    }
}
