package org.ttp4j.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.ttp4j.rule.CompileResult;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Problem;
import org.ttp4j.rule.RuleIds;
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.RuleStore;
import org.ttp4j.store.StateAuditEntry;
import org.ttp4j.store.StoreException;
import org.ttp4j.store.internal.ChangePublisher;
import org.ttp4j.store.internal.ExpiryScheduler;
import org.ttp4j.store.jdbc.RuleRows.RuleRow;

/**
 * Rules and their state in a database shared by every worker (docs/stores.md §7-§10, §13): a SQLite file
 * (embedded, the default), PostgreSQL or MariaDB (a swarm), through one JDBC code path.
 *
 * <p><b>Propagation.</b> Triggers append every write of the rule tables, by any writer, to {@code ttp_rule_change}
 * (id, rule id, kind). Each store remembers the last id it applied (its watermark) and catches up by reading the
 * entries past it together with the rows they name, in one snapshot. Ids become visible in id order (SQLite has
 * one writer at a time; on PostgreSQL writers take one advisory lock), so a watermark never skips an entry, however
 * coarse the clocks (on MariaDB writers lock one row of {@code ttp_rule_write_lock}). On PostgreSQL a catch-up runs on
 * every {@code NOTIFY} and at least every poll interval (the safety net for a lost connection); on SQLite and MariaDB
 * it runs every poll interval. A store applies each row revision once:
 * the change a store writes itself is published by the writing call, the same change read back later is skipped,
 * and after a reconnect the catch-up resumes from the watermark, so nothing is lost and nothing is delivered twice.
 *
 * <p><b>Retention.</b> Every store prunes the change log at open and then hourly, in a short transaction of its own:
 * it deletes the entries older than {@link DatabaseConfig#changeRetention()} except the newest (whose id a new store
 * takes as its watermark) and raises {@code ttp_rule_change_pruned.through_id} to the largest id deleted. A store
 * whose watermark is below that mark (it was away longer than the retention) cannot trust the log: it reads every
 * rule row and state row in one snapshot instead, publishes exactly what differs from what it has published, and
 * takes the snapshot's newest change id as its watermark.
 *
 * <p><b>Expiry.</b> Every store schedules the revert of an expiring state; the revert deletes the state's row, as
 * DECNET does, in one conditional statement ({@code WHERE expires_at <= now}), so among several workers exactly one
 * performs it, and each publishes it once when it catches up; the audit records the expiry.
 *
 * <p><b>Triggers.</b> The triggers are checked at open and every ten seconds, restored when missing (a migration that
 * recreates a table drops them), and the tables are then read in full, so no write is missed (docs/stores.md §8).
 *
 * <p><b>Parts.</b> This class is the store's API; {@link RuleRows} holds the SQL and the row mapping,
 * {@link DefinitionCache} compiles rows (keeping the last good definition), {@link DeliveryLedger} the catch-up,
 * resync and revisions, {@link ChangeFeed} the thread that listens or polls, and {@link ChangeLogPruner} the
 * retention.
 */
public final class DatabaseRuleStore implements RuleStore {
    private static final System.Logger LOG = System.getLogger(DatabaseRuleStore.class.getName());
    /** Who a revert at expiry is stamped with. */
    public static final String EXPIRY_SETTER = "ttp4j-expiry";
    /** The PostgreSQL channel the triggers notify (payload {@code kind:rule_id}). */
    static final String CHANNEL = ChangeFeed.CHANNEL;

    private final DatabaseConfig config;
    private final Dialect dialect;
    private final Clock clock;
    private final Duration pollInterval;
    private final HikariDataSource pool;
    private final RuleRows rows;
    private final DefinitionCache definitions;
    private final ChangePublisher publisher = new ChangePublisher();
    private final DeliveryLedger ledger;
    private final ChangeLogPruner pruner;
    private final ExpiryScheduler expiry;
    private final ChangeFeed feed;
    private final ChangeTriggers triggers;
    private final Duration triggerCheckInterval;
    /** When the feed checks the triggers next ({@link System#nanoTime()}); the feed thread's own. */
    private long nextTriggerCheck;
    /** Problems reported while opening (for strict startup); null once open. */
    private volatile List<Problem> problemsAtOpen = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private DatabaseRuleStore(Builder b) {
        this.config = b.config;
        this.dialect = Dialect.of(config.url());
        this.clock = b.clock;
        this.pollInterval = b.pollInterval != null ? b.pollInterval
                : dialect == Dialect.POSTGRESQL ? Duration.ofSeconds(2) : Duration.ofMillis(100);
        this.triggerCheckInterval = b.triggerCheckInterval;
        this.triggers = new ChangeTriggers(dialect);
        Consumer<? super Problem> report = b.problems;
        Consumer<Problem> problems = p -> {
            List<Problem> opening = problemsAtOpen;
            if (opening != null) {
                opening.add(p);
            }
            report.accept(p);
        };
        this.rows = new RuleRows(dialect, problems);
        this.definitions = new DefinitionCache(problems, b.compiler);
        this.pool = openPool(config, dialect);
        this.ledger = new DeliveryLedger(pool, rows, definitions, publisher, clock, config.redactedUrl(), () -> closed,
                this::scheduleExpiry);
        try {
            SchemaMigrations.migrate(pool, dialect, config.decnetOwned());
            try (Connection c = pool.getConnection()) {
                triggers.restore(c, config.redactedUrl()); // before the seed: what it reads, later writes build on
            }
            ledger.seed();
        } catch (RuntimeException | SQLException e) {
            pool.close();
            throw new StoreException("opening the rule database " + config.redactedUrl() + " failed: " + rootMessage(e), e);
        }
        List<Problem> errors = problemsAtOpen.stream().filter(Problem::isError).toList();
        problemsAtOpen = null;
        if (b.strict && !errors.isEmpty()) {
            pool.close();
            throw new StoreException("strict startup: " + errors.size() + " invalid rule row(s) in " + config.redactedUrl()
                    + "; the first: " + errors.getFirst());
        }
        this.expiry = new ExpiryScheduler(clock, "ttp4j-db-expiry");
        scheduleStoredExpiries();
        this.pruner = new ChangeLogPruner(pool, dialect, clock, config.changeRetention(), config.redactedUrl(), () -> closed);
        pruner.pruneQuietly();
        this.feed = new ChangeFeed(pool, dialect, pollInterval, config.redactedUrl(), new ChangeFeed.Round() {
            @Override
            public void catchUp() throws SQLException {
                ledger.catchUp();
            }

            @Override
            public void afterCatchUp() {
                pruner.pruneIfDue();
                checkTriggersIfDue();
            }
        });
        this.nextTriggerCheck = System.nanoTime() + triggerCheckInterval.toNanos();
        feed.start();
    }

    /** A store on the database {@code config} names, with default settings. */
    public static DatabaseRuleStore open(DatabaseConfig config) {
        return builder(config).open();
    }

    public static Builder builder(DatabaseConfig config) {
        return new Builder(config);
    }

    /** Options of a {@link DatabaseRuleStore}; only the database is required. */
    public static final class Builder {
        private final DatabaseConfig config;
        private Clock clock = Clock.systemUTC();
        private Duration pollInterval;
        private Consumer<? super Problem> problems = p -> LOG.log(p.isError() ? Level.ERROR : Level.WARNING, p.toString());
        private boolean strict;
        private Duration triggerCheckInterval = Duration.ofSeconds(10);
        private org.ttp4j.rule.RuleCompiler compiler = new org.ttp4j.rule.RuleCompiler();

        private Builder(DatabaseConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /**
         * The clock that stamps {@code set_at}, decides expiry and dates the change log's retention (default: the
         * UTC system clock).
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How often the store looks for other processes' changes: on SQLite and MariaDB the poll period (default 100 ms); on
         * PostgreSQL, where changes are pushed, the safety-net poll (default 2 s).
         */
        public Builder pollInterval(Duration pollInterval) {
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("poll interval must be positive, got " + pollInterval);
            }
            this.pollInterval = pollInterval;
            return this;
        }

        /** Where a malformed row is reported (default: the {@code System.Logger} of this class). */
        public Builder problems(Consumer<? super Problem> problems) {
            this.problems = Objects.requireNonNull(problems, "problems");
            return this;
        }

        /** Fail opening when any rule row is invalid, instead of reporting and skipping it (default false). */
        public Builder strict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /**
         * The compiler of the rule rows (default: a plain {@link org.ttp4j.rule.RuleCompiler}); one with a {@link
         * org.ttp4j.rule.CompileCache} builds an unchanged row from its entry (docs/rules.md §10).
         */
        public Builder compiler(org.ttp4j.rule.RuleCompiler compiler) {
            this.compiler = Objects.requireNonNull(compiler, "compiler");
            return this;
        }

        /** How often the feed checks that the change-log triggers are there (default 10 s); for tests. */
        Builder triggerCheckInterval(Duration interval) {
            this.triggerCheckInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /** Opens the store: creates or migrates the schema, loads the rules, starts following changes. */
        public DatabaseRuleStore open() {
            return new DatabaseRuleStore(this);
        }
    }

    private static HikariDataSource openPool(DatabaseConfig config, Dialect dialect) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("ttp4j-" + dialect.name().toLowerCase(java.util.Locale.ROOT));
        hc.setJdbcUrl(config.url());
        if (config.user() != null) {
            hc.setUsername(config.user());
        }
        if (config.password() != null) {
            hc.setPassword(config.password());
        }
        Properties props = new Properties();
        dialect.configure(props);
        hc.setDataSourceProperties(props);
        hc.setMaximumPoolSize(4);
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(5_000);
        hc.setInitializationFailTimeout(1);
        try {
            return new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to the rule database " + config.redactedUrl() + ": " + rootMessage(e, config), e);
        }
    }

    // ---------------------------------------------------------------------------------------------- reading

    @Override
    public List<CompiledRule> loadCompiled() {
        ensureOpen();
        List<CompiledRule> out = new ArrayList<>();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(RuleRows.SELECT_RULES_WITH_STATE); ResultSet rs = ps.executeQuery()) {
                Instant now = clock.instant();
                while (rs.next()) {
                    RuleRow row = RuleRows.ruleRow(rs);
                    RuleState state = rows.readState(rs, row.ruleId()).effectiveAt(now);
                    CompiledRule rule = definitions.compile(row);
                    DefinitionCache.Known lastGood = definitions.lastGood(row.ruleId());
                    if (rule == null && lastGood != null) {
                        rule = lastGood.rule(); // a bad edit keeps the last good version live, as on the feed
                    }
                    if (rule != null) {
                        out.add(rule.withState(state));
                    }
                }
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new StoreException("loading rules from " + config.redactedUrl() + " failed: " + rootMessage(e), e);
        }
        return out;
    }

    @Override
    public RuleState getState(String ruleId) {
        ensureOpen();
        try (Connection c = pool.getConnection()) {
            return rows.readStoredState(c, ruleId).effectiveAt(clock.instant());
        } catch (SQLException e) {
            throw new StoreException("reading the state of " + ruleId + " failed: " + rootMessage(e), e);
        }
    }

    /** Every stored state in effect now, by rule id (expired ones read as the default). */
    @Override
    public Map<String, RuleState> states() {
        ensureOpen();
        Map<String, RuleState> out = new TreeMap<>();
        try (Connection c = pool.getConnection()) {
            Instant now = clock.instant();
            rows.readStates(c, rows.problems()).forEach((id, state) -> out.put(id, state.effectiveAt(now)));
        } catch (SQLException e) {
            throw new StoreException("listing states failed: " + rootMessage(e), e);
        }
        return out;
    }

    /** Every state write of {@code ruleId}, oldest first (the append-only audit). */
    @Override
    public List<StateAuditEntry> stateHistory(String ruleId) {
        ensureOpen();
        try (Connection c = pool.getConnection()) {
            return rows.stateHistory(c, ruleId);
        } catch (SQLException e) {
            throw new StoreException("reading the state history of " + ruleId + " failed: " + rootMessage(e), e);
        }
    }

    /** The ids of every rule row (valid or not), sorted. */
    public Set<String> ruleIds() {
        ensureOpen();
        try (Connection c = pool.getConnection()) {
            return RuleRows.ruleIds(c);
        } catch (SQLException e) {
            throw new StoreException("listing rules failed: " + rootMessage(e), e);
        }
    }

    // ---------------------------------------------------------------------------------------------- writing

    @Override
    public RuleState setState(String ruleId, RuleState state, String setBy) {
        RuleIds.requireValid(ruleId);
        Objects.requireNonNull(state, "state");
        ensureOpen();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant expires = state.expiresAt() == null ? null : state.expiresAt().truncatedTo(ChronoUnit.MICROS);
        RuleState stored = new RuleState(state.mode(), state.confidenceMax(), expires, state.reason(), setBy, now);
        long revision;
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                rows.upsertState(c, ruleId, stored);
                revision = RuleRows.lastChangeId(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                RuleRows.rollbackQuietly(c);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("writing the state of " + ruleId + " failed: " + rootMessage(e), e);
        }
        ledger.deliverState(ruleId, revision, stored, false);
        return stored;
    }

    /**
     * Adds or replaces the row of {@code rule} (its id, version, source path and YAML text), then publishes the
     * change here; other stores on the database pick it up. Writing identical content changes nothing.
     *
     * @throws StoreException when the write fails
     */
    public void putRule(CompiledRule rule, String updatedBy) {
        Objects.requireNonNull(rule.yaml(), "the rule's YAML text");
        ensureOpen();
        // compiled already: a catch-up that reads the row back reuses it, the poller's too, which may run before
        // the write returns; a failed write puts the last good definition back
        DefinitionCache.Known before = definitions.lastGood(rule.ruleId());
        definitions.remember(rule);
        try (Connection c = pool.getConnection()) {
            rows.upsertRule(c, rule, updatedBy, clock.instant());
        } catch (SQLException | RuntimeException e) {
            definitions.restore(rule.ruleId(), before);
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new StoreException("writing rule " + rule.ruleId() + " failed: " + rootMessage((SQLException) e), e);
        }
        ledger.catchUpQuietly();
    }

    /**
     * Compiles {@code yaml} and stores it as the rule it defines (see {@link #putRule(CompiledRule, String)}).
     *
     * @return the rule stored
     * @throws IllegalArgumentException naming every problem when the text is not a valid rule
     */
    public CompiledRule putRule(String sourcePath, String yaml, String updatedBy) {
        CompileResult result = definitions.compileText(sourcePath, yaml);
        if (!(result instanceof CompileResult.Compiled compiled)) {
            throw new IllegalArgumentException(String.join("\n", result.problems().stream().map(Problem::toString).toList()));
        }
        CompiledRule rule = compiled.rule(); // the compiler keeps the path and the text
        putRule(rule, updatedBy);
        return rule;
    }

    /** Deletes the row of {@code ruleId} (its state stays), then publishes the removal here. */
    public void removeRule(String ruleId) {
        ensureOpen();
        try (Connection c = pool.getConnection()) {
            rows.deleteRule(c, ruleId);
        } catch (SQLException e) {
            throw new StoreException("deleting rule " + ruleId + " failed: " + rootMessage(e), e);
        }
        ledger.catchUpQuietly();
    }

    @Override
    public Subscription subscribe(Consumer<? super RuleChange> listener) {
        return publisher.subscribe(listener);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        feed.close();
        expiry.close();
        pool.close();
    }

    /** The database this store is on. */
    public DatabaseConfig config() {
        return config;
    }

    // ---------------------------------------------------------------------------------------------- expiry

    /** Schedules (or, with null, cancels) the revert of the state of {@code ruleId} at {@code at}. */
    private void scheduleExpiry(String ruleId, Instant at) {
        expiry.schedule(ruleId, at, () -> revertExpired(ruleId));
    }

    private void scheduleStoredExpiries() {
        try (Connection c = pool.getConnection()) {
            rows.expiries(c).forEach(this::scheduleExpiry);
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "could not schedule stored expiries: " + rootMessage(e));
        }
    }

    /** Runs at expiry: one conditional update (exactly one worker's succeeds), then a catch-up publishes it. */
    private void revertExpired(String ruleId) {
        if (closed) {
            return;
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        try (Connection c = pool.getConnection()) {
            rows.revertExpired(c, ruleId, EXPIRY_SETTER, now);
            ledger.catchUp();
        } catch (SQLException | RuntimeException e) {
            if (closed) {
                return;
            }
            LOG.log(Level.WARNING, "reverting the expired state of " + ruleId + " failed (retrying): " + rootMessage(e));
            expiry.schedule(ruleId, now.plus(pollInterval.multipliedBy(5)), () -> revertExpired(ruleId));
        }
    }

    // ---------------------------------------------------------------------------------------------- triggers

    /**
     * Every {@link Builder#triggerCheckInterval}: restores missing change-log triggers (one catalog query when none
     * is), then reads the tables in full, because the writes made while they were missing are not in the log.
     */
    private void checkTriggersIfDue() {
        long now = System.nanoTime();
        if (now - nextTriggerCheck < 0) {
            return;
        }
        nextTriggerCheck = now + triggerCheckInterval.toNanos();
        try (Connection c = pool.getConnection()) {
            if (!triggers.restore(c, config.redactedUrl()).isEmpty()) {
                ledger.resyncNext();
                ledger.catchUp();
            }
        } catch (SQLException | RuntimeException e) {
            if (!closed) {
                LOG.log(Level.WARNING, "checking the change-log triggers of " + config.redactedUrl() + " failed: " + rootMessage(e));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- for tests

    /** Prunes the change log now (see {@link ChangeLogPruner#prune}); returns how many entries were deleted. */
    int pruneChanges() throws SQLException {
        return pruner.prune();
    }

    /** Holds off this store's catch-ups until the handle is closed (see {@link DeliveryLedger#holdCatchUps}). */
    AutoCloseable holdCatchUps() {
        return ledger.holdCatchUps();
    }

    void catchUp() throws SQLException {
        ledger.catchUp();
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreException("the rule store on " + config.redactedUrl() + " is closed");
        }
    }

    /** The innermost message of {@code e}, with any credential a driver quoted masked (docs/stores.md §17). */
    static String rootMessage(Throwable e) {
        return Credentials.redact(rootMessageAsIs(e));
    }

    /** {@link #rootMessage(Throwable)}, also masking {@code config}'s own passwords verbatim. */
    static String rootMessage(Throwable e, DatabaseConfig config) {
        return Credentials.redact(rootMessageAsIs(e), config);
    }

    private static String rootMessageAsIs(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        if (t == e || m == null || String.valueOf(e.getMessage()).contains(m)) {
            return String.valueOf(e.getMessage()); // the wrapper already says it (HikariCP quotes its cause)
        }
        return e.getMessage() + " (" + t.getClass().getSimpleName() + ": " + m + ")";
    }
}
