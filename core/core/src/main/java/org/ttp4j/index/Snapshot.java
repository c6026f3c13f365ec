package org.ttp4j.index;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ttp4j.index.internal.IndexedRule;
import org.ttp4j.index.internal.KindBucket;
import org.ttp4j.index.internal.SnapshotInternals;
import org.ttp4j.rule.CompiledRule;

/**
 * One consistent view of a {@link RuleIndex}: never changes once published, so readers need no lock.
 * Rules by id live in a fixed number of small shards, so that a change copies one shard and not the whole
 * map; rules by kind live in per-kind scan structures, which are not API (the engine reaches them through
 * {@link SnapshotInternals}).
 */
public final class Snapshot {

    static {
        SnapshotInternals.register(new SnapshotInternals.Access() {
            @Override
            public KindBucket bucket(Snapshot snapshot, String kind) {
                return snapshot.bucket(kind);
            }

            @Override
            public IndexedRule indexed(Snapshot snapshot, String ruleId) {
                return snapshot.indexed(ruleId);
            }
        });
    }

    static final int SHARDS = 256;

    static final Snapshot EMPTY = new Snapshot(emptyShards(), 0, Map.of(), 0);

    private final Map<String, IndexedRule>[] byId;
    private final int size;
    private final Map<String, KindBucket> byKind;
    private final long generation;

    Snapshot(Map<String, IndexedRule>[] byId, int size, Map<String, KindBucket> byKind, long generation) {
        this.byId = byId;
        this.size = size;
        this.byKind = byKind;
        this.generation = generation;
    }

    @SuppressWarnings("unchecked")
    static Map<String, IndexedRule>[] emptyShards() {
        Map<String, IndexedRule>[] shards = new Map[SHARDS];
        for (int k = 0; k < SHARDS; k++) {
            shards[k] = Map.of();
        }
        return shards;
    }

    static int shardOf(String ruleId) {
        int h = ruleId.hashCode();
        return (h ^ (h >>> 16)) & (SHARDS - 1);
    }

    /** The rule with this id, or null. */
    public CompiledRule rule(String ruleId) {
        IndexedRule r = indexed(ruleId);
        return r == null ? null : r.rule();
    }

    /** The indexed form of the rule with this id, or null. */
    IndexedRule indexed(String ruleId) {
        return byId[shardOf(ruleId)].get(ruleId);
    }

    /** Number of rules. */
    public int size() {
        return size;
    }

    /** The rules applying to {@code kind}, or null when none does. */
    KindBucket bucket(String kind) {
        return byKind.get(kind);
    }

    /** The rules applying to {@code kind}, in rule-id order. */
    public List<CompiledRule> rules(String kind) {
        KindBucket b = byKind.get(kind);
        return b == null ? List.of() : b.rules();
    }

    /** Every rule, in rule-id order. */
    public List<CompiledRule> rules() {
        List<CompiledRule> all = new ArrayList<>(size);
        for (Map<String, IndexedRule> shard : byId) {
            for (IndexedRule r : shard.values()) {
                all.add(r.rule());
            }
        }
        all.sort((a, b) -> a.ruleId().compareTo(b.ruleId()));
        return Collections.unmodifiableList(all);
    }

    /** The source kinds some rule applies to. */
    public Set<String> kinds() {
        return byKind.keySet();
    }

    /** Counts the changes applied so far; grows by one per change that altered the index. */
    public long generation() {
        return generation;
    }

    Map<String, IndexedRule>[] shards() {
        return byId;
    }

    Map<String, KindBucket> byKind() {
        return byKind;
    }

    static Map<String, KindBucket> copyOf(Map<String, KindBucket> m) {
        return Collections.unmodifiableMap(new HashMap<>(m));
    }
}
