package org.ttp4j.store.jdbc;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * Keeps the change log {@code ttp_rule_change} to its retention: every store prunes it at open and then every
 * {@link #INTERVAL}, in a short transaction of its own, and records the largest id deleted in
 * {@code ttp_rule_change_pruned} so that a store whose watermark is below it knows to read the tables in full.
 */
final class ChangeLogPruner {
    private static final System.Logger LOG = System.getLogger(DatabaseRuleStore.class.getName());
    /** How often each store prunes the change log, after pruning it at open. */
    static final Duration INTERVAL = Duration.ofHours(1);

    private final DataSource pool;
    private final Dialect dialect;
    private final Clock clock;
    private final Duration retention;
    private final String url;
    private final BooleanSupplier closed;
    /** When the next prune is due ({@link System#nanoTime()}); the feed thread's own. */
    private long next;

    ChangeLogPruner(DataSource pool, Dialect dialect, Clock clock, Duration retention, String url, BooleanSupplier closed) {
        this.pool = pool;
        this.dialect = dialect;
        this.clock = clock;
        this.retention = retention;
        this.url = url;
        this.closed = closed;
        this.next = System.nanoTime() + INTERVAL.toNanos();
    }

    /** Prunes when {@link #INTERVAL} has passed since the last time (the feed thread). */
    void pruneIfDue() {
        long now = System.nanoTime();
        if (now - next >= 0) {
            next = now + INTERVAL.toNanos();
            pruneQuietly();
        }
    }

    void pruneQuietly() {
        try {
            prune();
        } catch (SQLException | RuntimeException e) {
            if (!closed.getAsBoolean()) { // the log only grows until the next attempt
                LOG.log(Level.WARNING, "pruning the change log of " + url + " failed: " + DatabaseRuleStore.rootMessage(e));
            }
        }
    }

    /**
     * Deletes the change-log entries older than the retention, except the newest, and raises
     * {@code ttp_rule_change_pruned.through_id} to the largest id deleted, in one transaction. Several stores may
     * prune at once: each first claims the mark's row ({@link #claimMark}), so one prunes and, on a server, the
     * others skip this round; a prune that finds nothing old changes nothing.
     *
     * @return how many entries were deleted
     */
    int prune() throws SQLException {
        if (closed.getAsBoolean()) {
            return 0;
        }
        Instant now = clock.instant();
        if (retention.compareTo(Duration.between(Instant.EPOCH, now)) >= 0) {
            return 0; // nothing is that old (and the cutoff would not be a storable instant)
        }
        Instant cutoff = now.minus(retention);
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (!claimMark(c)) {
                    c.rollback();
                    return 0; // another store is pruning right now
                }
                long through = 0;
                try (PreparedStatement ps = c.prepareStatement("SELECT max(id) FROM ttp_rule_change"
                        + " WHERE changed_at < ? AND id < (SELECT max(id) FROM ttp_rule_change)")) {
                    dialect.setInstant(ps, 1, cutoff);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            through = rs.getLong(1); // 0 when none: ids start at 1
                        }
                    }
                }
                int deleted = 0;
                if (through > 0) {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM ttp_rule_change WHERE id <= ? AND changed_at < ?")) {
                        ps.setLong(1, through);
                        dialect.setInstant(ps, 2, cutoff);
                        deleted = ps.executeUpdate();
                    }
                    try (PreparedStatement ps = c.prepareStatement(
                            "UPDATE ttp_rule_change_pruned SET through_id = ? WHERE through_id < ?")) {
                        ps.setLong(1, through);
                        ps.setLong(2, through);
                        ps.executeUpdate();
                    }
                }
                c.commit();
                return deleted;
            } catch (SQLException | RuntimeException e) {
                RuleRows.rollbackQuietly(c);
                throw e;
            }
        }
    }

    /**
     * Takes the prune mark's row for this transaction. On a server (PostgreSQL, MariaDB) a row another store's prune holds is skipped
     * (false), so that one stalled process never stalls every worker's change feed behind it; on SQLite the write
     * takes the database's one write lock, as every writer does.
     */
    private boolean claimMark(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (dialect.isServer()) {
                try (ResultSet rs = s.executeQuery("SELECT through_id FROM ttp_rule_change_pruned FOR UPDATE SKIP LOCKED")) {
                    return rs.next();
                }
            }
            s.executeUpdate("UPDATE ttp_rule_change_pruned SET through_id = through_id");
            return true;
        }
    }
}
