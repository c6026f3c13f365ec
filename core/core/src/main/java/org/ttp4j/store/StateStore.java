package org.ttp4j.store;

import java.util.List;
import java.util.Map;
import org.ttp4j.rule.RuleState;

/**
 * Where rules' operator state is kept (docs/state.md §5): every {@link RuleStore}, and the filesystem store's state
 * file on its own ({@link org.ttp4j.store.fs.StateFile}), which a command can change without loading any rule.
 */
public interface StateStore {

    /** The state of {@code ruleId}; {@link RuleState#DEFAULT} for an unknown or expired one, never null. */
    RuleState getState(String ruleId);

    /**
     * Persists {@code state} for {@code ruleId} stamped with {@code setBy} and the current time (a
     * {@link RuleStore} then publishes one {@link RuleChange.State}). A rule id with no definition is allowed.
     *
     * @return the state as stored (stamped)
     * @throws StoreException when the write fails; nothing is published then
     */
    RuleState setState(String ruleId, RuleState state, String setBy);

    /**
     * Every stored state, by rule id in id order, each as in effect now (an expired one reads as the default).
     * Both stores of this project implement it; the default is for a store that cannot list (a test double).
     */
    default Map<String, RuleState> states() {
        throw new UnsupportedOperationException(getClass().getName() + " cannot list its states");
    }

    /** Every state write of {@code ruleId}, oldest first (the audit); both stores implement it (see {@link #states}). */
    default List<StateAuditEntry> stateHistory(String ruleId) {
        throw new UnsupportedOperationException(getClass().getName() + " keeps no state history");
    }
}
