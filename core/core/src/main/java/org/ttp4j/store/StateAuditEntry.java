package org.ttp4j.store;

import org.ttp4j.rule.RuleState;

/**
 * One entry of a store's state audit (the database store's {@code ttp_rule_state_audit}, the filesystem store's
 * history file): a state write, with what it replaced.
 *
 * @param id     increasing with time: the audit's order
 * @param ruleId the rule whose state was written
 * @param before the state it replaced ({@link RuleState#DEFAULT} when there was none)
 * @param after  the state written, stamped: {@code after.setBy()} and {@code after.setAt()} say who and when
 *               ({@link RuleState#DEFAULT} stamped with the time when the row was deleted)
 */
public record StateAuditEntry(long id, String ruleId, RuleState before, RuleState after) {}
