package org.ttp4j.store;

import java.util.List;
import java.util.function.Consumer;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.RuleState;

/**
 * Where rules and their operator state live (docs/stores.md §1). One interface, several backends.
 *
 * <p>A consumer subscribes first, then loads, then applies the changes it receives: registration takes
 * effect at the call, so nothing published after {@link #subscribe} returns is missed, and nothing published
 * before it is replayed.
 */
public interface RuleStore extends AutoCloseable {

    /** Every known rule, compiled, with its current state stamped. */
    List<CompiledRule> loadCompiled();

    /** The state of {@code ruleId}; {@link RuleState#DEFAULT} for an unknown or expired one, never null. */
    RuleState getState(String ruleId);

    /**
     * Persists {@code state} for {@code ruleId} stamped with {@code setBy} and the current time, then publishes
     * one {@link RuleChange.State}. A rule id with no definition is allowed.
     *
     * @return the state as stored (stamped)
     * @throws StoreException when the write fails; nothing is published then
     */
    RuleState setState(String ruleId, RuleState state, String setBy);

    /**
     * Registers {@code listener} for every change published from now on. Every subscriber sees every change,
     * in the same order. The listener runs on the store's publishing thread and must not block for long.
     *
     * @return a handle whose {@code close()} unsubscribes
     */
    Subscription subscribe(Consumer<? super RuleChange> listener);

    /**
     * Follows this store: subscribes, then loads, then hands {@code follower} the loaded rules and, in order, every
     * change published since the subscription, and from then on each change as it arrives. Nothing is missed and
     * nothing comes twice. {@link Follower#change} runs on the store's publishing thread (or, for changes that
     * arrived during the load, on the caller's, right after {@link Follower#loaded}).
     *
     * @return a handle whose {@code close()} stops following
     */
    default Subscription follow(Follower follower) {
        return Following.start(this, java.util.Objects.requireNonNull(follower, "follower"));
    }

    /** Stops watching, publishing and expiring; idempotent and prompt. */
    @Override
    void close();

    /** What {@link #follow} drives: the rules once loaded, then each change. */
    interface Follower {
        /** Every rule, as {@link #loadCompiled()} returned them; called once, before any {@link #change}. */
        void loaded(List<CompiledRule> rules);

        void change(RuleChange change);
    }

    /** A registration made by {@link #subscribe}; closing it stops delivery. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
