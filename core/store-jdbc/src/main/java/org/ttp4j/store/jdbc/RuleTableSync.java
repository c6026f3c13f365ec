package org.ttp4j.store.jdbc;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.RuleStore;
import org.ttp4j.store.StoreException;

/**
 * The master sync (docs/stores.md §11): projects a source store, typically the filesystem store of the host where
 * operators edit YAML, onto a database's {@code ttp_rule} table, so every worker on that database follows.
 *
 * <p>Works with any {@link RuleStore}: it subscribes, then loads, then applies changes, like any consumer. The load
 * is projected in full (every rule upserted with its source path and text, every other row deleted); after that
 * each {@code Definition} is an upsert and each {@code Removed} a delete. State changes of the source are not
 * copied: the database owns the state. Writes happen on one thread of this sync; a write that fails (the database
 * is down) is retried, with a backoff from 500 ms doubling to 30 s, until it succeeds or the sync is closed, so no
 * change is dropped. A failure no retry can cure is also handed to a one-shot caller ({@link #startOnce}).
 */
public final class RuleTableSync implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RuleTableSync.class.getName());
    private static final Duration RETRY = Duration.ofMillis(500);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final DatabaseRuleStore target;
    private final String updatedBy;
    private final LinkedBlockingDeque<RuleChange> pending = new LinkedBlockingDeque<>();
    private final RuleStore.Subscription subscription;
    private volatile List<CompiledRule> initial; // the source's rules when the sync started, projected first
    private final Thread writer;
    private final Object progress = new Object();
    private boolean idle;            // guarded by progress: the initial projection is done and nothing is pending
    private volatile boolean closed;
    private boolean oneShot; // set before the writer starts: the caller ends on a permanent failure and says it
    private StoreException permanent; // guarded by progress: the last failure no retry can cure, until a write succeeds
    private Duration backoff = RETRY; // writer thread only: doubles per failure up to MAX_RETRY, reset by a success

    private RuleTableSync(RuleStore source, DatabaseRuleStore target, String updatedBy) {
        this.target = target;
        this.updatedBy = updatedBy;
        this.subscription = source.follow(new RuleStore.Follower() {
            @Override
            public void loaded(List<CompiledRule> rules) {
                initial = rules;
            }

            @Override
            public void change(RuleChange change) {
                pending.addLast(change);
            }
        });
        this.writer = Thread.ofPlatform().daemon().name("ttp4j-rule-sync").unstarted(this::run);
    }

    /**
     * Starts projecting {@code source} onto {@code target}'s tables; rows are stamped {@code updated_by = updatedBy}.
     */
    public static RuleTableSync start(RuleStore source, DatabaseRuleStore target, String updatedBy) {
        return start(source, target, updatedBy, false);
    }

    /**
     * {@link #start}, for a caller that stops once the tables match: {@link #awaitIdle} throws a failure no retry can
     * cure instead of waiting it out, and such failures are not also logged as retried.
     */
    public static RuleTableSync startOnce(RuleStore source, DatabaseRuleStore target, String updatedBy) {
        return start(source, target, updatedBy, true);
    }

    private static RuleTableSync start(RuleStore source, DatabaseRuleStore target, String updatedBy, boolean oneShot) {
        RuleTableSync sync = new RuleTableSync(Objects.requireNonNull(source, "source"),
                Objects.requireNonNull(target, "target"), Objects.requireNonNull(updatedBy, "updatedBy"));
        sync.oneShot = oneShot;
        sync.writer.start();
        return sync;
    }

    /**
     * Makes the table hold exactly {@code rules}: upserts each (unchanged rows are not rewritten) and deletes every
     * other row.
     */
    public void project(List<CompiledRule> rules) {
        Set<String> keep = new HashSet<>();
        for (CompiledRule rule : rules) {
            keep.add(rule.ruleId());
            try {
                target.putRule(withText(rule), updatedBy);
            } catch (java.io.UncheckedIOException | IllegalStateException e) {
                LOG.log(Level.WARNING, "not syncing " + rule.ruleId() + ": " + e.getMessage());
            }
        }
        for (String id : target.ruleIds()) {
            if (!keep.contains(id)) {
                target.removeRule(id);
            }
        }
    }

    /** Applies one change of the source: a definition is upserted, a removal deleted, a state change ignored. */
    public void apply(RuleChange change) {
        switch (change) {
            case RuleChange.Definition d -> target.putRule(withText(d.rule()), updatedBy);
            case RuleChange.Removed r -> target.removeRule(r.ruleId());
            case RuleChange.State s -> { } // the database owns the state
        }
    }

    /**
     * Waits until the initial projection is done and every change received so far is written; true if so. For a
     * sync started with {@link #startOnce}, a write failure no retry can cure (a read-only database, a full disk, a
     * constraint: docs/stores.md §16) ends the wait by throwing it.
     *
     * @throws StoreException the permanent failure of a one-shot sync
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (!idle || !pending.isEmpty()) {
                if (oneShot && permanent != null) {
                    throw permanent;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
            return true;
        }
    }

    private void run() {
        while (!closed) { // the initial projection, retried until the database answers
            try {
                project(initial);
                break;
            } catch (StoreException e) {
                if (!pause("projecting the rules failed", e)) {
                    return;
                }
            }
        }
        markIdle();
        while (!closed) {
            RuleChange change;
            try {
                change = pending.takeFirst();
            } catch (InterruptedException e) {
                return;
            }
            synchronized (progress) {
                idle = false;
            }
            try {
                apply(change);
            } catch (StoreException e) {
                pending.addFirst(change); // keep its place: retried after a pause
                if (!pause("writing " + change + " failed", e)) {
                    return;
                }
                continue; // not idle, and the backoff keeps growing
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "dropping " + change + ": " + e, e);
            }
            markIdle();
        }
    }

    private void markIdle() {
        backoff = RETRY;
        synchronized (progress) {
            idle = true;
            permanent = null;
            progress.notifyAll();
        }
    }

    private boolean pause(String what, RuntimeException e) {
        if (closed) {
            return false;
        }
        Duration wait = backoff;
        backoff = backoff.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : backoff.multipliedBy(2);
        if (WriteFailures.isPermanent(e)) {
            synchronized (progress) {
                permanent = new StoreException("the rule tables at " + target.config().redactedUrl()
                        + " cannot be written: " + what + ": " + e.getMessage(), e);
                progress.notifyAll();
            }
        }
        if (!(oneShot && WriteFailures.isPermanent(e))) {
            LOG.log(Level.WARNING, what + " (retrying in " + wait.toMillis() + " ms): " + e.getMessage());
        }
        try {
            Thread.sleep(wait);
            return !closed;
        } catch (InterruptedException ie) {
            return false;
        }
    }

    /** The rule with its source text: a store that does not keep the text gets it from the rule's file. */
    private static CompiledRule withText(CompiledRule rule) {
        if (rule.yaml() != null) {
            return rule;
        }
        if (rule.sourcePath() == null) {
            throw new IllegalStateException("rule " + rule.ruleId() + " has neither its text nor a source path");
        }
        try {
            String yaml = Files.readString(Path.of(rule.sourcePath()), StandardCharsets.UTF_8);
            return new CompiledRule(rule.ruleId(), rule.ruleVersion(), rule.name(), rule.description(), rule.appliesTo(),
                    rule.match(), rule.emits(), rule.evidenceFields(), rule.state(), rule.sourcePath(), yaml,
                    rule.contentHash());
        } catch (IOException e) { // gone or unreadable: not worth a retry, a later change will say what happened
            throw new java.io.UncheckedIOException("reading " + rule.sourcePath() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        subscription.close();
        writer.interrupt();
        try {
            writer.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
