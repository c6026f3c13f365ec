package org.ttp4j.index;

import org.ttp4j.index.internal.KindBucket;
import org.ttp4j.index.internal.IndexedRule;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Match;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.RuleStore;

/**
 * Compiled rules by id and by source kind, kept current from a {@link RuleStore} (docs/engine.md §1).
 *
 * <p>Readers call {@link #snapshot()} and never lock: each change builds a new immutable {@link Snapshot}
 * that shares everything the change did not touch, and publishes it with one volatile write. A change to one
 * rule rebuilds only the segment(s) holding it (at most 64 rules each) in the buckets of the kinds it
 * applies to, so its cost does not grow with the index. Writers are serialized.
 *
 * <p>An optional predicate selects the rules this consumer indexes ({@link #engineOwned()},
 * {@link #lifterKind(String)}); a definition that does not satisfy it evicts any earlier version. The
 * predicate sees definitions; it should not depend on the operator state.
 */
public final class RuleIndex {

    private final Predicate<? super CompiledRule> accepts;
    private final Object writeLock = new Object();
    private volatile Snapshot current = Snapshot.EMPTY;
    private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
    private int nextSlot;

    /** An index of every rule. */
    public RuleIndex() {
        this(rule -> true);
    }

    /** An index of the rules that satisfy {@code accepts}. */
    public RuleIndex(Predicate<? super CompiledRule> accepts) {
        this.accepts = Objects.requireNonNull(accepts, "accepts");
    }

    /** Engine-owned rules only (a {@code match.pattern}). */
    public static Predicate<CompiledRule> engineOwned() {
        return CompiledRule::engineOwned;
    }

    /** Lifter-owned rules whose {@code match.kind} starts with {@code prefix} (e.g. {@code lifter:}). */
    public static Predicate<CompiledRule> lifterKind(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return rule -> rule.match() instanceof Match.Lifter l && l.kind().startsWith(prefix);
    }

    /** The current snapshot: a consistent view that never changes. */
    public Snapshot snapshot() {
        return current;
    }

    /** Applies one change from a store. */
    public void apply(RuleChange change) {
        synchronized (writeLock) {
            switch (change) {
                case RuleChange.Definition d -> define(d.rule());
                case RuleChange.Removed r -> remove(r.ruleId());
                case RuleChange.State s -> restamp(s);
            }
        }
    }

    /** Replaces the whole content with {@code rules} (those the predicate accepts), building in bulk. */
    public void replaceAll(Collection<CompiledRule> rules) {
        synchronized (writeLock) {
            Map<String, IndexedRule> old = new HashMap<>();
            for (Map<String, IndexedRule> shard : current.shards()) {
                old.putAll(shard);
            }
            TreeMap<String, IndexedRule> sorted = new TreeMap<>();
            for (CompiledRule rule : rules) {
                if (!accepts.test(rule)) {
                    continue;
                }
                IndexedRule previous = old.remove(rule.ruleId());
                if (previous == null) {
                    previous = sorted.get(rule.ruleId());
                }
                int slot = previous != null ? previous.slot() : allocateSlot();
                sorted.put(rule.ruleId(), IndexedRule.of(rule, slot, previous));
            }
            for (IndexedRule gone : old.values()) {
                freeSlots.push(gone.slot());
            }
            @SuppressWarnings("unchecked")
            Map<String, IndexedRule>[] shards = new Map[Snapshot.SHARDS];
            for (int k = 0; k < shards.length; k++) {
                shards[k] = new HashMap<>();
            }
            Map<String, List<IndexedRule>> perKind = new HashMap<>();
            for (IndexedRule r : sorted.values()) {
                shards[Snapshot.shardOf(r.ruleId())].put(r.ruleId(), r);
                for (String kind : r.rule().appliesTo()) {
                    perKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(r);
                }
            }
            for (int k = 0; k < shards.length; k++) {
                shards[k] = Collections.unmodifiableMap(shards[k]);
            }
            Map<String, KindBucket> byKind = new HashMap<>();
            perKind.forEach((kind, list) -> byKind.put(kind, KindBucket.build(kind, list)));
            current = new Snapshot(shards, sorted.size(), Collections.unmodifiableMap(byKind),
                    current.generation() + 1);
        }
    }

    /**
     * Keeps this index current from {@code store}: subscribes first, then loads every rule, then applies every
     * change published since the subscription, in order (docs/stores.md §2), and from then on each change as it
     * arrives. Closing the returned handle stops following the store.
     */
    public RuleStore.Subscription watch(RuleStore store) {
        return store.follow(new RuleStore.Follower() {
            @Override
            public void loaded(List<CompiledRule> rules) {
                replaceAll(rules);
            }

            @Override
            public void change(RuleChange change) {
                apply(change);
            }
        });
    }

    private int allocateSlot() {
        Integer free = freeSlots.poll();
        return free != null ? free : nextSlot++;
    }

    private void define(CompiledRule rule) {
        if (!accepts.test(rule)) {
            remove(rule.ruleId());
            return;
        }
        Snapshot snap = current;
        IndexedRule old = snap.indexed(rule.ruleId());
        IndexedRule fresh = IndexedRule.of(rule, old != null ? old.slot() : allocateSlot(), old);
        Map<String, KindBucket> byKind = new HashMap<>(snap.byKind());
        if (old != null) {
            for (String kind : old.rule().appliesTo()) {
                if (!rule.appliesTo().contains(kind)) {
                    dropFrom(byKind, kind, rule.ruleId());
                }
            }
        }
        for (String kind : rule.appliesTo()) {
            KindBucket b = byKind.get(kind);
            byKind.put(kind, b == null
                    ? KindBucket.build(kind, List.of(fresh))
                    : b.with(fresh, false));
        }
        publish(snap, fresh.ruleId(), fresh, old == null ? 1 : 0, byKind);
    }

    private void remove(String ruleId) {
        Snapshot snap = current;
        IndexedRule old = snap.indexed(ruleId);
        if (old == null) {
            return;
        }
        Map<String, KindBucket> byKind = new HashMap<>(snap.byKind());
        for (String kind : old.rule().appliesTo()) {
            dropFrom(byKind, kind, ruleId);
        }
        freeSlots.push(old.slot());
        publish(snap, ruleId, null, -1, byKind);
    }

    private void restamp(RuleChange.State change) {
        Snapshot snap = current;
        IndexedRule old = snap.indexed(change.ruleId());
        if (old == null || old.rule().state().equals(change.state())) {
            return; // the state of a rule not indexed (here) arrives with its next definition
        }
        IndexedRule fresh = old.withState(change.state());
        Map<String, KindBucket> byKind = new HashMap<>(snap.byKind());
        for (String kind : old.rule().appliesTo()) {
            byKind.put(kind, byKind.get(kind).with(fresh, true));
        }
        publish(snap, fresh.ruleId(), fresh, 0, byKind);
    }

    private static void dropFrom(Map<String, KindBucket> byKind, String kind, String ruleId) {
        KindBucket b = byKind.get(kind);
        if (b == null) {
            return;
        }
        KindBucket smaller = b.without(ruleId);
        if (smaller == null) {
            byKind.remove(kind);
        } else {
            byKind.put(kind, smaller);
        }
    }

    private void publish(Snapshot snap, String ruleId, IndexedRule rule, int sizeDelta,
                         Map<String, KindBucket> byKind) {
        Map<String, IndexedRule>[] shards = snap.shards().clone();
        int s = Snapshot.shardOf(ruleId);
        Map<String, IndexedRule> shard = new HashMap<>(shards[s]);
        if (rule == null) {
            shard.remove(ruleId);
        } else {
            shard.put(ruleId, rule);
        }
        shards[s] = Collections.unmodifiableMap(shard);
        current = new Snapshot(shards, snap.size() + sizeDelta, Collections.unmodifiableMap(byKind),
                snap.generation() + 1);
    }
}
