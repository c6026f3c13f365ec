package org.ttp4j.store.jdbc;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.RuleSource;
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.internal.ChangePublisher;
import org.ttp4j.store.jdbc.DefinitionCache.Known;
import org.ttp4j.store.jdbc.RuleRows.RuleRow;
import org.ttp4j.store.jdbc.RuleRows.Tables;

/**
 * What this store has published, and the catch-up that publishes the rest: the watermark (the last change id
 * applied), the revision applied per rule id for definitions and for states, and the definitions and states last
 * published, against which a row read later is compared. Each row revision is applied once: the change a store
 * writes itself is published by the writing call, the same change read back later is skipped, and after a reconnect
 * the catch-up resumes from the watermark, so nothing is lost and nothing is delivered twice.
 */
final class DeliveryLedger {
    private static final System.Logger LOG = System.getLogger(DatabaseRuleStore.class.getName());

    /** What a catch-up read for one rule id and kind, as of its snapshot (for a rule: its row and its state). */
    private record Revision(long id, String ruleId, boolean isRule, RuleRow row, RuleState state) {}

    private final DataSource pool;
    private final RuleRows rows;
    private final DefinitionCache definitions;
    private final ChangePublisher publisher;
    private final Clock clock;
    private final String url;
    private final BooleanSupplier closed;
    /** Schedules the revert of a state that expires (rule id, when; null clears). */
    private final BiConsumer<String, Instant> expiries;

    /** Guards the revision check and publication of one change, so the feed and a writer never race. */
    private final Object delivery = new Object();
    /** Serializes catch-ups; guards {@link #watermark}. */
    private final ReentrantLock catchUp = new ReentrantLock();
    private long watermark;
    /** Set when the log cannot be trusted (triggers were missing): the next catch-up reads the tables in full. */
    private final java.util.concurrent.atomic.AtomicBoolean resyncDue = new java.util.concurrent.atomic.AtomicBoolean();
    /** The last revision (change id) applied, per rule id: definitions and states are separate streams. */
    private final Map<String, Long> ruleRevision = new HashMap<>();   // guarded by delivery
    private final Map<String, Long> stateRevision = new HashMap<>();  // guarded by delivery
    /** The definitions published (or present at open), by rule id: what the next change is compared with. */
    private final Map<String, Known> delivered = new HashMap<>();     // guarded by delivery
    /** The states published (or stored at open) as written, by rule id; absent means the default. */
    private final Map<String, RuleState> deliveredState = new HashMap<>(); // guarded by delivery

    DeliveryLedger(DataSource pool, RuleRows rows, DefinitionCache definitions, ChangePublisher publisher, Clock clock,
            String url, BooleanSupplier closed, BiConsumer<String, Instant> expiries) {
        this.pool = pool;
        this.rows = rows;
        this.definitions = definitions;
        this.publisher = publisher;
        this.clock = clock;
        this.url = url;
        this.closed = closed;
        this.expiries = expiries;
    }

    /** Reads the watermark and the rules as they are now, in one snapshot: later changes are what gets published. */
    void seed() throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            rows.snapshot(c);
            try {
                watermark = RuleRows.newestChangeId(c);
                try (PreparedStatement ps = c.prepareStatement(RuleRows.SELECT_RULES_WITH_STATE); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        RuleRow row = RuleRows.ruleRow(rs);
                        if (definitions.compile(row) != null) {
                            synchronized (delivery) {
                                delivered.put(row.ruleId(), definitions.lastGood(row.ruleId()));
                            }
                        }
                    }
                }
                Map<String, RuleState> states = rows.readStates(c, p -> { }); // what to compare with; loading reports them
                synchronized (delivery) {
                    deliveredState.putAll(states);
                }
            } finally {
                c.rollback();
            }
        }
    }

    /**
     * For tests: holds off this store's catch-ups (the feed's, the writers', the expiry's) until the returned handle
     * is closed, on the thread that called this, as if the store were away.
     */
    AutoCloseable holdCatchUps() {
        catchUp.lock();
        return catchUp::unlock;
    }

    /** Makes the next catch-up read the tables in full: writes may have been made that the log does not hold. */
    void resyncNext() {
        resyncDue.set(true);
    }

    void catchUpQuietly() {
        try {
            catchUp();
        } catch (SQLException | RuntimeException e) {
            // The write is persisted; the feed thread will publish it once the database answers again.
            LOG.log(Level.WARNING, "publishing changes from " + url + " is delayed: " + DatabaseRuleStore.rootMessage(e));
        }
    }

    /**
     * Applies every change logged past the watermark: reads the entries and the rows they name in one snapshot,
     * keeps the newest entry per rule id and kind, and publishes what each row holds now. When the log has been
     * pruned past the watermark, or {@link #resyncNext} was called, publishes the differences between the tables and what this store has published
     * instead ({@link #resync}).
     */
    void catchUp() throws SQLException {
        catchUp.lock();
        try {
            if (closed.getAsBoolean()) {
                return;
            }
            List<Revision> revisions = new ArrayList<>();
            Tables tables = null;
            long high;
            boolean forced = resyncDue.getAndSet(false);
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                rows.snapshot(c);
                try {
                    high = watermark;
                    long prunedThrough = RuleRows.prunedThrough(c);
                    if (forced || watermark < prunedThrough) {
                        LOG.log(Level.INFO, forced ? "the change log of " + url + " may lack writes: reading the rule tables in full"
                                : "the change log of " + url + " was pruned through " + prunedThrough
                                + ", past this store's watermark " + watermark + ": reading the rule tables in full");
                        tables = rows.readTables(c);
                        high = Math.max(tables.high(), prunedThrough);
                    } else {
                        Map<String, long[]> newest = new LinkedHashMap<>();
                        try (PreparedStatement ps = c.prepareStatement(
                                "SELECT id, rule_id, kind FROM ttp_rule_change WHERE id > ? ORDER BY id")) {
                            ps.setLong(1, watermark);
                            try (ResultSet rs = ps.executeQuery()) {
                                while (rs.next()) {
                                    long id = rs.getLong(1);
                                    String key = rs.getString(3) + ':' + rs.getString(2);
                                    newest.remove(key); // re-insert: the map's order becomes the order of each key's newest entry
                                    newest.put(key, new long[] {id});
                                    high = id;
                                }
                            }
                        }
                        if (newest.isEmpty()) {
                            return;
                        }
                        for (Map.Entry<String, long[]> e : newest.entrySet()) {
                            String key = e.getKey();
                            int colon = key.indexOf(':');
                            String kind = key.substring(0, colon);
                            String ruleId = key.substring(colon + 1);
                            long id = e.getValue()[0];
                            if (kind.equals("rule")) {
                                revisions.add(new Revision(id, ruleId, true, rows.readRule(c, ruleId), rows.readStoredState(c, ruleId)));
                            } else if (kind.equals("state")) {
                                revisions.add(new Revision(id, ruleId, false, null, rows.readStoredState(c, ruleId)));
                            }
                        }
                    }
                } finally {
                    c.rollback();
                }
            } catch (SQLException | RuntimeException e) {
                if (forced) {
                    resyncDue.set(true); // still due
                }
                throw e;
            }
            if (tables != null) {
                resync(tables, high);
            }
            for (Revision r : revisions) {
                if (r.isRule()) {
                    deliverRule(r.ruleId(), r.id(), r.row(), r.state(), high);
                } else {
                    deliverState(r.ruleId(), r.id(), r.state(), false);
                }
            }
            watermark = Math.max(watermark, high); // a listener's own write may have caught up further already
        } finally {
            catchUp.unlock();
        }
    }

    /**
     * Publishes, as revision {@code revision} (the newest change id the snapshot includes), exactly what differs
     * between {@code tables} and what this store has published: a definition for each new or changed row, a
     * removal for each published rule whose row is gone, a state for each state written differently. A rule or
     * state this store has already applied at a later revision (its own write, committed after the snapshot) is
     * left as it is.
     */
    private void resync(Tables tables, long revision) {
        for (RuleRow row : tables.rules().values()) {
            deliverRule(row.ruleId(), revision, row, tables.states().getOrDefault(row.ruleId(), RuleState.DEFAULT), revision);
        }
        List<String> gone;
        Set<String> stateIds = new TreeSet<>(tables.states().keySet());
        synchronized (delivery) {
            gone = delivered.keySet().stream().filter(id -> !tables.rules().containsKey(id)).sorted().toList();
            stateIds.addAll(deliveredState.keySet());
        }
        for (String ruleId : gone) {
            deliverRule(ruleId, revision, null, RuleState.DEFAULT, revision);
        }
        for (String ruleId : stateIds) {
            deliverState(ruleId, revision, tables.states().getOrDefault(ruleId, RuleState.DEFAULT), true);
        }
    }

    /**
     * Applies a state as of change {@code revision} unless a later one was applied already; with
     * {@code onlyIfDifferent}, only when it differs from the state last published.
     */
    void deliverState(String ruleId, long revision, RuleState state, boolean onlyIfDifferent) {
        synchronized (delivery) {
            Long last = stateRevision.get(ruleId);
            if (last != null && last >= revision) {
                return;
            }
            stateRevision.put(ruleId, revision);
            if (onlyIfDifferent && state.equals(deliveredState.getOrDefault(ruleId, RuleState.DEFAULT))) {
                return;
            }
            if (state.equals(RuleState.DEFAULT)) {
                deliveredState.remove(ruleId);
            } else {
                deliveredState.put(ruleId, state);
            }
            if (!closed.getAsBoolean()) {
                expiries.accept(ruleId, state.expiresAt());
            }
            publisher.publish(new RuleChange.State(ruleId, state));
        }
    }

    /** Publishes a rule row (null: removed) as of change {@code revision}, with its state as of change {@code stateAsOf}. */
    private void deliverRule(String ruleId, long revision, RuleRow row, RuleState state, long stateAsOf) {
        // Compiling may take a while: do it before taking the delivery lock (only the catch-up delivers rules).
        CompiledRule rule = null;
        RuleSource source = null;
        if (row != null) {
            source = DefinitionCache.sourceOf(row); // hashed once, here
            Known before;
            synchronized (delivery) {
                before = delivered.get(ruleId);
            }
            boolean unchanged = before != null && before.sameAs(source, row.sourcePath());
            rule = unchanged ? null : definitions.compile(row, source); // null: unchanged, or invalid (reported; the last good version stays)
        }
        synchronized (delivery) {
            Long last = ruleRevision.get(ruleId);
            if (last != null && last >= revision) {
                return;
            }
            ruleRevision.put(ruleId, revision);
            if (row == null) {
                if (delivered.remove(ruleId) != null) {
                    publisher.publish(new RuleChange.Removed(ruleId));
                }
            } else if (rule != null) {
                delivered.put(ruleId, new Known(rule, row.sourcePath(), source.sha256()));
                // the state read with the row, unless this store applied a newer one meanwhile (its own setState
                // while the rule compiled): the index takes a rule's state from its definition
                Long stateLast = stateRevision.get(ruleId);
                RuleState current = stateLast != null && stateLast > stateAsOf
                        ? deliveredState.getOrDefault(ruleId, RuleState.DEFAULT) : state;
                publisher.publish(new RuleChange.Definition(ruleId, rule.withState(current.effectiveAt(clock.instant()))));
            }
        }
    }
}
