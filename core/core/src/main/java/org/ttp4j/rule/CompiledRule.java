package org.ttp4j.rule;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A rule file validated and compiled: immutable and ready to evaluate. Evaluation never sees YAML.
 *
 * @param ruleId         {@code [A-Za-z0-9_]+}
 * @param ruleVersion    at least 1
 * @param appliesTo      source kinds, duplicates collapsed, file order kept (unmodifiable)
 * @param match          the compiled {@code match} mapping
 * @param emits          one entry per technique, file order (unmodifiable)
 * @param evidenceFields payload keys copied into a tag's evidence, file order (unmodifiable)
 * @param state          the operator state stamped by the store ({@link RuleState#DEFAULT} from the compiler)
 * @param sourcePath     where the definition came from (a file path, or a database row's source_path)
 * @param yaml           the source text, as stored by the database store
 * @param contentHash    lower-case hex SHA-256 of the source bytes
 */
public record CompiledRule(
        String ruleId,
        int ruleVersion,
        String name,
        String description,
        Set<String> appliesTo,
        Match match,
        List<Emit> emits,
        List<String> evidenceFields,
        RuleState state,
        String sourcePath,
        String yaml,
        String contentHash) {

    public CompiledRule {
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(state, "state");
        description = description == null ? "" : description;
        appliesTo = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(appliesTo));
        emits = List.copyOf(emits);
        evidenceFields = interned(evidenceFields);
    }

    /** The field names interned, as a parsed payload's keys are, so that looking one up finds it by identity. */
    private static List<String> interned(List<String> fields) {
        String[] out = new String[fields.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = Objects.requireNonNull(fields.get(k), "evidence field").intern();
        }
        return List.of(out);
    }

    /** This rule with another operator state. */
    public CompiledRule withState(RuleState newState) {
        return newState.equals(state) ? this : new CompiledRule(ruleId, ruleVersion, name, description, appliesTo,
                match, emits, evidenceFields, newState, sourcePath, yaml, contentHash);
    }

    /** True for a rule the ttp4j engine evaluates (a {@link Match.Regex}). */
    public boolean engineOwned() {
        return match instanceof Match.Regex;
    }

    /** True for a stateful rule (a {@link Match.Window}), evaluated by {@code org.ttp4j.engine.StatefulRules}. */
    public boolean stateful() {
        return match instanceof Match.Window;
    }
}
