package org.ttp4j.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Problem;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.RuleStore;
import org.ttp4j.store.StoreReporter;

/**
 * Every rule the store holds (lifter-owned ones too), kept current from its change stream, with what the
 * service reports about them: changes applied by kind, the time of the last reload, rule files rejected, and
 * a hash of the live rule set (docs/http.md §4).
 */
public final class RuleCatalogue implements AutoCloseable {

    private final Map<String, CompiledRule> rules = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> changes = new ConcurrentHashMap<>();
    private final Set<String> invalidPaths = ConcurrentHashMap.newKeySet();
    private RuleStore.Subscription subscription;
    private volatile long lastReloadMillis;
    private volatile String hash;

    public RuleCatalogue() {
        for (String kind : List.of("definition", "removed", "state")) {
            changes.put(kind, new LongAdder());
        }
    }

    /** Follows {@code store}: its rules once loaded, then every change (docs/stores.md §2). */
    public void follow(RuleStore store) {
        this.subscription = store.follow(new RuleStore.Follower() {
            @Override
            public void loaded(List<CompiledRule> all) {
                synchronized (RuleCatalogue.this) {
                    for (CompiledRule r : all) {
                        rules.put(r.ruleId(), r);
                    }
                    lastReloadMillis = System.currentTimeMillis();
                    hash = null;
                }
            }

            @Override
            public void change(RuleChange change) {
                apply(change);
            }
        });
    }

    private synchronized void apply(RuleChange change) {
        switch (change) {
            case RuleChange.Definition d -> {
                rules.put(d.ruleId(), d.rule());
                if (d.rule().sourcePath() != null) {
                    invalidPaths.remove(d.rule().sourcePath());
                }
                reloaded("definition");
            }
            case RuleChange.Removed r -> {
                rules.remove(r.ruleId());
                reloaded("removed");
            }
            case RuleChange.State s -> {
                CompiledRule r = rules.get(s.ruleId());
                if (r != null) {
                    rules.put(s.ruleId(), r.withState(s.state()));
                }
                changes.get("state").increment();
            }
        }
    }

    private void reloaded(String kind) {
        changes.get(kind).increment();
        lastReloadMillis = System.currentTimeMillis();
        hash = null;
    }

    /** A reporter that tells this catalogue about rejected rule files, then hands every report to {@code next}. */
    public StoreReporter reporting(StoreReporter next) {
        return new StoreReporter() {
            @Override
            public void problem(Problem problem) {
                if (problem.isError()) {
                    invalidPaths.add(problem.path());
                }
                next.problem(problem);
            }

            @Override
            public void overflow() {
                next.overflow();
            }

            @Override
            public void rescan(int changes) {
                next.rescan(changes);
            }

            @Override
            public void directoryGone(java.nio.file.Path directory) {
                next.directoryGone(directory);
            }

            @Override
            public void directoryWatched(java.nio.file.Path directory) {
                next.directoryWatched(directory);
            }
        };
    }

    /** Every rule, by rule id. */
    public List<CompiledRule> rules() {
        return new ArrayList<>(rules.values());
    }

    public CompiledRule rule(String ruleId) {
        return rules.get(ruleId);
    }

    public int size() {
        return rules.size();
    }

    /** Rule files whose last version was rejected (cleared when a good version of the file loads). */
    public int invalid() {
        return invalidPaths.size();
    }

    public long changes(String kind) {
        return changes.get(kind).sum();
    }

    public long lastReloadMillis() {
        return lastReloadMillis;
    }

    /** SHA-256 over every rule's id, version and content hash, in rule id order: equal on hosts that agree. */
    public synchronized String hash() {
        String h = hash;
        if (h == null) {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                for (CompiledRule r : rules.values()) {
                    md.update((r.ruleId() + '\t' + r.ruleVersion() + '\t' + r.contentHash() + '\n').getBytes(StandardCharsets.UTF_8));
                }
                h = HexFormat.of().formatHex(md.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            hash = h;
        }
        return h;
    }

    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
    }
}
