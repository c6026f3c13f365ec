package org.ttp4j.store;

import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.RuleState;

/** One per-rule event a store publishes (docs/stores.md §2). Never batched: a 5-rule edit is 5 changes. */
public sealed interface RuleChange {

    String ruleId();

    /** A definition was added or changed; {@code rule} carries the current state. */
    record Definition(String ruleId, CompiledRule rule) implements RuleChange {}

    /** The rule no longer has a definition (its state, if any, is kept). */
    record Removed(String ruleId) implements RuleChange {}

    /** The operator state changed (set, or reverted at expiry). */
    record State(String ruleId, RuleState state) implements RuleChange {}
}
