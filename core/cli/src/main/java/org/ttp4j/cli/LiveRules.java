package org.ttp4j.cli;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.ttp4j.index.RuleIndex;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.RuleStore;

/**
 * Follows a store for {@code run} and {@code watch}: subscribes, loads, prints
 * {@code {"kind":"ready","rules":N}}, then applies each change to the index (when there is one) and prints its
 * line (docs/stores.md §2, docs/cli.md §3). A change is applied before its line is printed, so whoever reads the line may rely on
 * the change being in force; changes that arrive during the initial load are held and follow the ready line.
 * Owns the store: closing this closes it.
 */
final class LiveRules implements AutoCloseable {

    private final RuleStore store;
    private final RuleIndex index;
    private final ChangeLines lines;
    private final RuleStore.Subscription subscription;

    /**
     * @param store the store to follow, closed with this (or at once when the initial load fails)
     * @param index the index to keep current, or null to print only
     */
    LiveRules(RuleStore store, RuleIndex index, ChangeLines lines) {
        this.store = store;
        this.index = index;
        this.lines = lines;
        try {
            this.subscription = store.follow(new RuleStore.Follower() {
                @Override
                public void loaded(List<CompiledRule> all) {
                    if (index != null) {
                        index.replaceAll(all);
                    }
                    lines.ready(all.size());
                }

                @Override
                public void change(RuleChange change) {
                    if (index != null) {
                        index.apply(change);
                    }
                    lines.change(change);
                }
            });
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** Stops following and closes the store; safe to call twice. */
    @Override
    public void close() {
        subscription.close();
        store.close();
    }

    /**
     * Blocks until SIGTERM or ctrl-C, then runs {@code stop} in the shutdown hook (the JVM exits once it returns,
     * with status 143 or 130).
     */
    static void untilTerminated(Runnable stop) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stop.run();
            } finally {
                stopped.countDown();
            }
        }, "ttp4j-shutdown"));
        stopped.await();
    }
}
