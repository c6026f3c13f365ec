package org.ttp4j.store.jdbc;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * The thread that follows other processes' changes: on PostgreSQL it LISTENs and catches up on every notification
 * and at least every poll interval (the safety net for a lost connection); elsewhere it catches up every poll
 * interval. After a failure it retries with a backoff from 100 ms to 5 s; the catch-up resumes from the watermark,
 * so a reconnect loses nothing.
 */
final class ChangeFeed implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DatabaseRuleStore.class.getName());
    /** The PostgreSQL channel the triggers notify (payload {@code kind:rule_id}). */
    static final String CHANNEL = "ttp4j_rule_change";

    /** One round of the feed: catch up, then the housekeeping that rides along (pruning). */
    interface Round {
        void catchUp() throws SQLException;

        void afterCatchUp();
    }

    private final DataSource pool;
    private final Dialect dialect;
    private final Duration pollInterval;
    private final String url;
    private final Round round;
    private final Thread thread;
    private volatile Connection listening;
    private volatile boolean closed;

    ChangeFeed(DataSource pool, Dialect dialect, Duration pollInterval, String url, Round round) {
        this.pool = pool;
        this.dialect = dialect;
        this.pollInterval = pollInterval;
        this.url = url;
        this.round = round;
        this.thread = Thread.ofPlatform().daemon().name("ttp4j-db-changes").unstarted(this::follow);
    }

    void start() {
        thread.start();
    }

    private void follow() {
        long backoff = 100;
        while (!closed) {
            try {
                if (dialect == Dialect.POSTGRESQL) {
                    listen();
                } else {
                    while (!closed) {
                        round.catchUp();
                        round.afterCatchUp();
                        backoff = 100;
                        Thread.sleep(pollInterval);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.log(Level.WARNING, "following changes in " + url + " failed (retrying in " + backoff
                        + " ms): " + DatabaseRuleStore.rootMessage(e));
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
    }

    /** PostgreSQL: LISTEN first, then catch up (so nothing falls between), then catch up on each wake-up. */
    private void listen() throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("LISTEN " + CHANNEL);
            }
            PGConnection pg = c.unwrap(PGConnection.class);
            listening = c;
            try {
                round.catchUp();
                int timeout = (int) Math.max(1, pollInterval.toMillis());
                while (!closed) {
                    pg.getNotifications(timeout); // blocks until a notification arrives or the safety-net poll is due
                    if (closed) {
                        return;
                    }
                    round.catchUp();
                    round.afterCatchUp();
                }
            } finally {
                listening = null;
            }
        }
    }

    /** Stops the thread promptly: interrupts a poll's sleep and aborts a blocked LISTEN connection. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        Connection l = listening;
        if (l != null) {
            try {
                l.abort(Runnable::run); // closes the socket: wakes a blocked getNotifications
            } catch (SQLException ignored) {
                // the connection is going away anyway
            }
        }
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
