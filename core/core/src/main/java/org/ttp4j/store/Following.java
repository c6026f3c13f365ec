package org.ttp4j.store;

import java.util.ArrayList;
import java.util.List;
import org.ttp4j.rule.CompiledRule;

/**
 * {@link RuleStore#follow}: changes that arrive while the rules load wait, then follow the loaded rules in
 * order; after that each change is handed on as it arrives. One lock orders the two, so a follower never sees a
 * change before the load it came after.
 */
final class Following {
    private final RuleStore.Follower follower;
    private List<RuleChange> pending = new ArrayList<>();

    private Following(RuleStore.Follower follower) {
        this.follower = follower;
    }

    static RuleStore.Subscription start(RuleStore store, RuleStore.Follower follower) {
        Following f = new Following(follower);
        RuleStore.Subscription subscription = store.subscribe(f::change); // first subscribe, then load: no gap
        try {
            f.loaded(store.loadCompiled());
        } catch (RuntimeException | Error e) {
            subscription.close();
            throw e;
        }
        return subscription;
    }

    private synchronized void change(RuleChange change) {
        if (pending != null) {
            pending.add(change);
        } else {
            follower.change(change);
        }
    }

    private synchronized void loaded(List<CompiledRule> rules) {
        follower.loaded(rules);
        for (RuleChange change : pending) {
            follower.change(change);
        }
        pending = null;
    }
}
