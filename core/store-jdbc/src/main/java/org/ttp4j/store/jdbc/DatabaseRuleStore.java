package org.ttp4j.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.ttp4j.rule.CompileResult;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Problem;
import org.ttp4j.rule.RuleCompiler;
import org.ttp4j.rule.RuleIds;
import org.ttp4j.rule.RuleState;
import org.ttp4j.rule.RuleState.Mode;
import org.ttp4j.store.internal.ChangePublisher;
import org.ttp4j.store.internal.ExpiryScheduler;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.RuleStore;
import org.ttp4j.store.StoreException;

/**
 * Rules and their state in a database shared by every worker (docs/stores.md §7-§10): a SQLite file (embedded, the
 * default) or PostgreSQL (a swarm), through one JDBC code path.
 *
 * <p><b>Propagation.</b> Triggers append every write of the rule tables, by any writer, to {@code ttp_rule_change}
 * (id, rule id, kind). Each store remembers the last id it applied (its watermark) and catches up by reading the
 * entries past it together with the rows they name, in one snapshot. Ids become visible in id order (SQLite has
 * one writer at a time; on PostgreSQL writers take one advisory lock), so a watermark never skips an entry, however
 * coarse the clocks. On PostgreSQL a catch-up runs on every {@code NOTIFY} and at least every poll interval (the
 * safety net for a lost connection); on SQLite it runs every poll interval. A store applies each row revision once:
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
 * <p><b>Expiry.</b> Every store schedules the revert of an expiring state; the revert is one conditional update
 * ({@code WHERE expires_at <= now}), so among several workers exactly one writes it, and each publishes it once when
 * it catches up.
 */
public final class DatabaseRuleStore implements RuleStore {
    private static final System.Logger LOG = System.getLogger(DatabaseRuleStore.class.getName());
    /** Who a revert at expiry is stamped with. */
    public static final String EXPIRY_SETTER = "ttp4j-expiry";
    /** The PostgreSQL channel the triggers notify (payload {@code kind:rule_id}). */
    static final String CHANNEL = "ttp4j_rule_change";
    /** How often each store prunes the change log, after pruning it at open. */
    static final Duration PRUNE_INTERVAL = Duration.ofHours(1);

    private static final String SELECT_STATE = "SELECT state, confidence_max, expires_at, reason, set_by, set_at"
            + " FROM ttp_rule_state WHERE rule_id = ?";
    private static final String UPSERT_STATE = "INSERT INTO ttp_rule_state"
            + " (rule_id, state, confidence_max, expires_at, reason, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (rule_id) DO UPDATE SET state = excluded.state, confidence_max = excluded.confidence_max,"
            + " expires_at = excluded.expires_at, reason = excluded.reason, set_by = excluded.set_by,"
            + " set_at = excluded.set_at";
    private static final String REVERT_EXPIRED = "UPDATE ttp_rule_state SET state = 'enabled', confidence_max = NULL,"
            + " expires_at = NULL, reason = 'expired', set_by = ?, set_at = ?"
            + " WHERE rule_id = ? AND expires_at IS NOT NULL AND expires_at <= ?";
    private static final String UPSERT_RULE = "INSERT INTO ttp_rule"
            + " (rule_id, rule_version, source_path, yaml_content, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (rule_id) DO UPDATE SET rule_version = excluded.rule_version,"
            + " source_path = excluded.source_path, yaml_content = excluded.yaml_content,"
            + " updated_at = excluded.updated_at, updated_by = excluded.updated_by"
            + " WHERE ttp_rule.yaml_content <> excluded.yaml_content OR ttp_rule.rule_version <> excluded.rule_version"
            + " OR ttp_rule.source_path <> excluded.source_path";
    private static final String SELECT_RULE = "SELECT rule_id, rule_version, source_path, yaml_content FROM ttp_rule"
            + " WHERE rule_id = ?";
    private static final String SELECT_RULES_WITH_STATE = "SELECT r.rule_id, r.source_path, r.yaml_content,"
            + " s.state, s.confidence_max, s.expires_at, s.reason, s.set_by, s.set_at"
            + " FROM ttp_rule r LEFT JOIN ttp_rule_state s ON s.rule_id = r.rule_id ORDER BY r.rule_id";
    private static final String SELECT_STATES = "SELECT rule_id, state, confidence_max, expires_at, reason, set_by, set_at"
            + " FROM ttp_rule_state ORDER BY rule_id";

    private final DatabaseConfig config;
    private final Dialect dialect;
    private final Clock clock;
    private final Duration pollInterval;
    private final Duration changeRetention;
    private final Consumer<? super Problem> problems;
    private final HikariDataSource pool;
    private final RuleCompiler compiler = new RuleCompiler();
    private final ChangePublisher publisher = new ChangePublisher();
    private final ExpiryScheduler expiry;
    private final Thread feed;

    /** Guards the revision check and publication of one change, so the feed and a writer never race. */
    private final Object delivery = new Object();
    /** Serializes catch-ups; guards {@link #watermark}. */
    private final ReentrantLock catchUp = new ReentrantLock();
    private long watermark;
    /** The last revision (change id) applied, per rule id: definitions and states are separate streams. */
    private final Map<String, Long> ruleRevision = new HashMap<>();   // guarded by delivery
    private final Map<String, Long> stateRevision = new HashMap<>();  // guarded by delivery
    /** The last good compiled definition of each rule id, whoever compiled it (a cache, and what a bad edit keeps). */
    private final Map<String, Known> compiled = new ConcurrentHashMap<>();
    /** The definitions published (or present at open), by rule id: what the next change is compared with. */
    private final Map<String, Known> delivered = new HashMap<>();     // guarded by delivery
    /** The states published (or stored at open) as written, by rule id; absent means the default. */
    private final Map<String, RuleState> deliveredState = new HashMap<>(); // guarded by delivery
    /** When the feed prunes the change log next ({@link System#nanoTime()}); the feed thread's own. */
    private long nextPrune;
    private volatile Connection listening;
    /** Problems reported while opening (for strict startup); null once open. */
    private volatile List<Problem> problemsAtOpen = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private record Known(CompiledRule rule, String sourcePath, String hash) {}

    /** One row of {@code ttp_rule} (null fields for a deleted row). */
    private record RuleRow(String ruleId, String sourcePath, String yaml) {}

    /** What a catch-up read for one rule id and kind, as of its snapshot (for a rule: its row and its state). */
    private record Revision(long id, String ruleId, boolean isRule, RuleRow row, RuleState state) {}

    /** Every rule row and stored state (as written) by rule id, and the newest change id, as of one snapshot. */
    private record Tables(long high, Map<String, RuleRow> rules, Map<String, RuleState> states) {}

    private DatabaseRuleStore(Builder b) {
        this.config = b.config;
        this.dialect = Dialect.of(config.url());
        this.clock = b.clock;
        this.pollInterval = b.pollInterval != null ? b.pollInterval
                : dialect == Dialect.POSTGRESQL ? Duration.ofSeconds(2) : Duration.ofMillis(100);
        this.changeRetention = config.changeRetention();
        Consumer<? super Problem> report = b.problems;
        this.problems = p -> {
            List<Problem> opening = problemsAtOpen;
            if (opening != null) {
                opening.add(p);
            }
            report.accept(p);
        };
        this.pool = openPool(config, dialect);
        try {
            SchemaMigrations.migrate(pool, dialect);
            seed();
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
        pruneQuietly();
        this.nextPrune = System.nanoTime() + PRUNE_INTERVAL.toNanos();
        this.feed = Thread.ofPlatform().daemon().name("ttp4j-db-changes").unstarted(this::followChanges);
        this.feed.start();
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
         * How often the store looks for other processes' changes: on SQLite the poll period (default 100 ms); on
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
            try (PreparedStatement ps = c.prepareStatement(SELECT_RULES_WITH_STATE); ResultSet rs = ps.executeQuery()) {
                Instant now = clock.instant();
                while (rs.next()) {
                    RuleRow row = new RuleRow(rs.getString("rule_id"), rs.getString("source_path"), rs.getString("yaml_content"));
                    RuleState state = readState(rs, row.ruleId()).effectiveAt(now);
                    CompiledRule rule = compile(row);
                    Known lastGood = compiled.get(row.ruleId());
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
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(SELECT_STATE)) {
            ps.setString(1, ruleId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? readState(rs, ruleId).effectiveAt(clock.instant()) : RuleState.DEFAULT;
            }
        } catch (SQLException e) {
            throw new StoreException("reading the state of " + ruleId + " failed: " + rootMessage(e), e);
        }
    }

    /** Every stored state in effect now, by rule id (expired ones read as the default). */
    public Map<String, RuleState> states() {
        ensureOpen();
        Map<String, RuleState> out = new TreeMap<>();
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT rule_id, state, confidence_max, expires_at, reason,"
                     + " set_by, set_at FROM ttp_rule_state ORDER BY rule_id");
             ResultSet rs = ps.executeQuery()) {
            Instant now = clock.instant();
            while (rs.next()) {
                String id = rs.getString("rule_id");
                out.put(id, readState(rs, id).effectiveAt(now));
            }
        } catch (SQLException e) {
            throw new StoreException("listing states failed: " + rootMessage(e), e);
        }
        return out;
    }

    /** Every state write of {@code ruleId}, oldest first (the append-only audit). */
    public List<StateAuditEntry> stateHistory(String ruleId) {
        ensureOpen();
        List<StateAuditEntry> out = new ArrayList<>();
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT * FROM ttp_rule_state_audit WHERE rule_id = ? ORDER BY id")) {
            ps.setString(1, ruleId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    RuleState before = rs.getString("old_state") == null ? RuleState.DEFAULT
                            : readState(rs, ruleId, "old_", "old_set_by", "old_set_at");
                    RuleState after = rs.getString("new_state") == null
                            ? RuleState.DEFAULT.stamped(rs.getString("set_by"), dialect.getInstant(rs, "set_at"))
                            : readState(rs, ruleId, "new_", "set_by", "set_at");
                    out.add(new StateAuditEntry(rs.getLong("id"), ruleId, before, after));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("reading the state history of " + ruleId + " failed: " + rootMessage(e), e);
        }
        return out;
    }

    /** The ids of every rule row (valid or not), sorted. */
    public Set<String> ruleIds() {
        ensureOpen();
        Set<String> out = new TreeSet<>();
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT rule_id FROM ttp_rule");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new StoreException("listing rules failed: " + rootMessage(e), e);
        }
        return out;
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
            try (PreparedStatement ps = c.prepareStatement(UPSERT_STATE)) {
                ps.setString(1, ruleId);
                ps.setString(2, stored.mode().wireName());
                if (stored.confidenceMax() == null) {
                    ps.setNull(3, Types.DOUBLE);
                } else {
                    ps.setDouble(3, stored.confidenceMax());
                }
                dialect.setInstant(ps, 4, stored.expiresAt());
                ps.setString(5, stored.reason());
                ps.setString(6, stored.setBy());
                dialect.setInstant(ps, 7, stored.setAt());
                ps.executeUpdate();
                revision = lastChangeId(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("writing the state of " + ruleId + " failed: " + rootMessage(e), e);
        }
        deliverState(ruleId, revision, stored, false);
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
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(UPSERT_RULE)) {
            ps.setString(1, rule.ruleId());
            ps.setInt(2, rule.ruleVersion());
            ps.setString(3, rule.sourcePath() == null ? "" : rule.sourcePath());
            ps.setString(4, rule.yaml());
            dialect.setInstant(ps, 5, clock.instant());
            ps.setString(6, updatedBy);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("writing rule " + rule.ruleId() + " failed: " + rootMessage(e), e);
        }
        catchUpQuietly();
    }

    /**
     * Compiles {@code yaml} and stores it as the rule it defines (see {@link #putRule(CompiledRule, String)}).
     *
     * @return the rule stored
     * @throws IllegalArgumentException naming every problem when the text is not a valid rule
     */
    public CompiledRule putRule(String sourcePath, String yaml, String updatedBy) {
        CompileResult result = compileText(sourcePath, yaml);
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
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("DELETE FROM ttp_rule WHERE rule_id = ?")) {
            ps.setString(1, ruleId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("deleting rule " + ruleId + " failed: " + rootMessage(e), e);
        }
        catchUpQuietly();
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
        feed.interrupt();
        Connection l = listening;
        if (l != null) {
            try {
                l.abort(Runnable::run); // closes the socket: wakes a blocked getNotifications
            } catch (SQLException ignored) {
                // the connection is going away anyway
            }
        }
        try {
            feed.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        expiry.close();
        pool.close();
    }

    /** The database this store is on. */
    public DatabaseConfig config() {
        return config;
    }

    // ---------------------------------------------------------------------------------------------- following

    /** Reads the watermark and the rules as they are now, in one snapshot: later changes are what gets published. */
    private void seed() throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            snapshot(c);
            try {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(id) FROM ttp_rule_change")) {
                    watermark = rs.next() ? rs.getLong(1) : 0;
                }
                try (PreparedStatement ps = c.prepareStatement(SELECT_RULES_WITH_STATE); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        RuleRow row = new RuleRow(rs.getString("rule_id"), rs.getString("source_path"), rs.getString("yaml_content"));
                        if (compile(row) != null) {
                            synchronized (delivery) {
                                delivered.put(row.ruleId(), compiled.get(row.ruleId()));
                            }
                        }
                    }
                }
                Map<String, RuleState> states = readStates(c, p -> { }); // what to compare with; loading reports them
                synchronized (delivery) {
                    deliveredState.putAll(states);
                }
            } finally {
                c.rollback();
            }
        }
    }

    private void scheduleStoredExpiries() {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT rule_id, expires_at FROM ttp_rule_state WHERE expires_at IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String id = rs.getString("rule_id");
                expiry.schedule(id, dialect.getInstant(rs, "expires_at"), () -> revertExpired(id));
            }
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "could not schedule stored expiries: " + rootMessage(e));
        }
    }

    /** The feed thread: catch up on every notification (PostgreSQL) or poll (both), reconnecting after failures. */
    private void followChanges() {
        long backoff = 100;
        while (!closed) {
            try {
                if (dialect == Dialect.POSTGRESQL) {
                    listen();
                } else {
                    while (!closed) {
                        catchUp();
                        pruneIfDue();
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
                LOG.log(Level.WARNING, "following changes in " + config.redactedUrl() + " failed (retrying in " + backoff
                        + " ms): " + rootMessage(e));
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
                catchUp();
                int timeout = (int) Math.max(1, pollInterval.toMillis());
                while (!closed) {
                    pg.getNotifications(timeout); // blocks until a notification arrives or the safety-net poll is due
                    if (closed) {
                        return;
                    }
                    catchUp();
                    pruneIfDue();
                }
            } finally {
                listening = null;
            }
        }
    }

    /** Prunes the change log when {@link #PRUNE_INTERVAL} has passed since the last time (the feed thread). */
    private void pruneIfDue() {
        long now = System.nanoTime();
        if (now - nextPrune >= 0) {
            nextPrune = now + PRUNE_INTERVAL.toNanos();
            pruneQuietly();
        }
    }

    private void pruneQuietly() {
        try {
            pruneChanges();
        } catch (SQLException | RuntimeException e) {
            if (!closed) { // the log only grows until the next attempt
                LOG.log(Level.WARNING, "pruning the change log of " + config.redactedUrl() + " failed: " + rootMessage(e));
            }
        }
    }

    /**
     * Deletes the change-log entries older than the retention, except the newest, and raises
     * {@code ttp_rule_change_pruned.through_id} to the largest id deleted, in one transaction. Several stores may
     * prune at once: each first claims the mark's row ({@link #claimPruneMark}), so one prunes and, on PostgreSQL,
     * the others skip this round; a prune that finds nothing old changes nothing.
     *
     * @return how many entries were deleted
     */
    int pruneChanges() throws SQLException {
        if (closed) {
            return 0;
        }
        Instant now = clock.instant();
        if (changeRetention.compareTo(Duration.between(Instant.EPOCH, now)) >= 0) {
            return 0; // nothing is that old (and the cutoff would not be a storable instant)
        }
        Instant cutoff = now.minus(changeRetention);
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (!claimPruneMark(c)) {
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
                rollbackQuietly(c);
                throw e;
            }
        }
    }

    /**
     * Takes the prune mark's row for this transaction. On PostgreSQL a row another store's prune holds is skipped
     * (false), so that one stalled process never stalls every worker's change feed behind it; on SQLite the write
     * takes the database's one write lock, as every writer does.
     */
    private boolean claimPruneMark(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (dialect == Dialect.POSTGRESQL) {
                try (ResultSet rs = s.executeQuery("SELECT through_id FROM ttp_rule_change_pruned FOR UPDATE SKIP LOCKED")) {
                    return rs.next();
                }
            }
            s.executeUpdate("UPDATE ttp_rule_change_pruned SET through_id = through_id");
            return true;
        }
    }

    /** The largest change id ever pruned from the log (0 when none). */
    private static long prunedThrough(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(through_id) FROM ttp_rule_change_pruned")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Reads both rule tables in full, and the newest change id, in the snapshot of {@code c}. */
    private Tables readTables(Connection c) throws SQLException {
        long high;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(id) FROM ttp_rule_change")) {
            high = rs.next() ? rs.getLong(1) : 0;
        }
        Map<String, RuleRow> rules = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT rule_id, source_path, yaml_content FROM ttp_rule");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String id = rs.getString("rule_id");
                rules.put(id, new RuleRow(id, rs.getString("source_path"), rs.getString("yaml_content")));
            }
        }
        return new Tables(high, rules, readStates(c, problems));
    }

    /** Every stored state as written (not yet made effective), by rule id; malformed ones reported to {@code report}. */
    private Map<String, RuleState> readStates(Connection c, Consumer<? super Problem> report) throws SQLException {
        Map<String, RuleState> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(SELECT_STATES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String id = rs.getString("rule_id");
                out.put(id, readState(rs, id, "", "set_by", "set_at", report));
            }
        }
        return out;
    }

    /**
     * For tests: holds off this store's catch-ups (the feed's, the writers', the expiry's) until the returned handle
     * is closed, on the thread that called this, as if the store were away.
     */
    AutoCloseable holdCatchUps() {
        catchUp.lock();
        return catchUp::unlock;
    }

    private void catchUpQuietly() {
        try {
            catchUp();
        } catch (SQLException | RuntimeException e) {
            // The write is persisted; the feed thread will publish it once the database answers again.
            LOG.log(Level.WARNING, "publishing changes from " + config.redactedUrl() + " is delayed: " + rootMessage(e));
        }
    }

    /**
     * Applies every change logged past the watermark: reads the entries and the rows they name in one snapshot,
     * keeps the newest entry per rule id and kind, and publishes what each row holds now. When the log has been
     * pruned past the watermark, publishes the differences between the tables and what this store has published
     * instead ({@link #resync}).
     */
    void catchUp() throws SQLException {
        catchUp.lock();
        try {
            if (closed) {
                return;
            }
            List<Revision> revisions = new ArrayList<>();
            Tables tables = null;
            long high;
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                snapshot(c);
                try {
                    high = watermark;
                    long prunedThrough = prunedThrough(c);
                    if (watermark < prunedThrough) {
                        LOG.log(Level.INFO, "the change log of " + config.redactedUrl() + " was pruned through " + prunedThrough
                                + ", past this store's watermark " + watermark + ": reading the rule tables in full");
                        tables = readTables(c);
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
                                revisions.add(new Revision(id, ruleId, true, readRule(c, ruleId), readStoredState(c, ruleId)));
                            } else if (kind.equals("state")) {
                                revisions.add(new Revision(id, ruleId, false, null, readStoredState(c, ruleId)));
                            }
                        }
                    }
                } finally {
                    c.rollback();
                }
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
    private void deliverState(String ruleId, long revision, RuleState state, boolean onlyIfDifferent) {
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
            if (!closed) {
                expiry.schedule(ruleId, state.expiresAt(), () -> revertExpired(ruleId));
            }
            publisher.publish(new RuleChange.State(ruleId, state));
        }
    }

    /** Publishes a rule row (null: removed) as of change {@code revision}, with its state as of change {@code stateAsOf}. */
    private void deliverRule(String ruleId, long revision, RuleRow row, RuleState state, long stateAsOf) {
        // Compiling may take a while: do it before taking the delivery lock (only the catch-up delivers rules).
        CompiledRule rule = null;
        if (row != null) {
            Known before;
            synchronized (delivery) {
                before = delivered.get(ruleId);
            }
            boolean unchanged = before != null && before.hash().equals(sha256(row.yaml()))
                    && Objects.equals(before.sourcePath(), row.sourcePath());
            rule = unchanged ? null : compile(row); // null: unchanged, or invalid (reported; the last good version stays)
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
                delivered.put(ruleId, new Known(rule, row.sourcePath(), sha256(row.yaml())));
                // the state read with the row, unless this store applied a newer one meanwhile (its own setState
                // while the rule compiled): the index takes a rule's state from its definition
                Long stateLast = stateRevision.get(ruleId);
                RuleState current = stateLast != null && stateLast > stateAsOf
                        ? deliveredState.getOrDefault(ruleId, RuleState.DEFAULT) : state;
                publisher.publish(new RuleChange.Definition(ruleId, rule.withState(current.effectiveAt(clock.instant()))));
            }
        }
    }

    /** Runs at expiry: one conditional update (exactly one worker's succeeds), then a catch-up publishes it. */
    private void revertExpired(String ruleId) {
        if (closed) {
            return;
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(REVERT_EXPIRED)) {
            ps.setString(1, EXPIRY_SETTER);
            dialect.setInstant(ps, 2, now);
            ps.setString(3, ruleId);
            dialect.setInstant(ps, 4, now);
            ps.executeUpdate();
            catchUp();
        } catch (SQLException | RuntimeException e) {
            if (closed) {
                return;
            }
            LOG.log(Level.WARNING, "reverting the expired state of " + ruleId + " failed (retrying): " + rootMessage(e));
            expiry.schedule(ruleId, now.plus(pollInterval.multipliedBy(5)), () -> revertExpired(ruleId));
        }
    }

    // ---------------------------------------------------------------------------------------------- rows

    /** Compiles a row, remembering the last good definition per rule; reports and returns null when malformed. */
    private CompiledRule compile(RuleRow row) {
        String hash = sha256(row.yaml());
        Known known = compiled.get(row.ruleId());
        if (known != null && known.hash().equals(hash) && Objects.equals(known.sourcePath(), row.sourcePath())) {
            return known.rule();
        }
        String path = row.sourcePath() == null || row.sourcePath().isEmpty() ? "ttp_rule/" + row.ruleId() : row.sourcePath();
        CompileResult result = compileText(path, row.yaml());
        for (Problem p : result.problems()) {
            if (p.isError() || result instanceof CompileResult.Compiled) {
                problems.accept(p);
            }
        }
        if (!(result instanceof CompileResult.Compiled ok)) {
            return null;
        }
        CompiledRule rule = ok.rule();
        if (!rule.ruleId().equals(row.ruleId())) {
            problems.accept(Problem.error(path, 1, 1, "rule_id", "the rule defines '" + rule.ruleId()
                    + "' but is stored in the ttp_rule row of '" + row.ruleId() + "'; skipped"));
            return null;
        }
        compiled.put(row.ruleId(), new Known(rule, row.sourcePath(), hash));
        return rule;
    }

    private CompileResult compileText(String path, String yaml) {
        synchronized (compiler) {
            return compiler.compile(path, yaml == null ? new byte[0] : yaml.getBytes(StandardCharsets.UTF_8));
        }
    }

    private RuleRow readRule(Connection c, String ruleId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_RULE)) {
            ps.setString(1, ruleId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new RuleRow(ruleId, rs.getString("source_path"), rs.getString("yaml_content")) : null;
            }
        }
    }

    /** The stored state of {@code ruleId} as written (not yet made effective), or the default. */
    private RuleState readStoredState(Connection c, String ruleId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_STATE)) {
            ps.setString(1, ruleId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? readState(rs, ruleId) : RuleState.DEFAULT;
            }
        }
    }

    private RuleState readState(ResultSet rs, String ruleId) throws SQLException {
        return readState(rs, ruleId, "", "set_by", "set_at");
    }

    private RuleState readState(ResultSet rs, String ruleId, String prefix, String setByColumn, String setAtColumn)
            throws SQLException {
        return readState(rs, ruleId, prefix, setByColumn, setAtColumn, problems);
    }

    /** A state from columns {@code prefix+state}, ...; a missing row (null state) or a malformed one is the default. */
    private RuleState readState(ResultSet rs, String ruleId, String prefix, String setByColumn, String setAtColumn,
            Consumer<? super Problem> report) throws SQLException {
        String mode = rs.getString(prefix + "state");
        if (mode == null) {
            return RuleState.DEFAULT;
        }
        double max = rs.getDouble(prefix + "confidence_max");
        Double confidenceMax = rs.wasNull() ? null : max;
        try {
            return new RuleState(Mode.parse(mode), confidenceMax, dialect.getInstant(rs, prefix + "expires_at"),
                    rs.getString(prefix + "reason"), rs.getString(setByColumn), dialect.getInstant(rs, setAtColumn));
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            report.accept(Problem.error("ttp_rule_state/" + ruleId, 1, 1, prefix + "state",
                    e.getMessage() + "; read as the default state"));
            return RuleState.DEFAULT;
        }
    }

    /** The change id written by this transaction: writers are serialized, so it is the largest. */
    private static long lastChangeId(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(id) FROM ttp_rule_change")) {
            if (!rs.next()) {
                throw new SQLException("the change log is empty after a write: are the ttp4j triggers installed?");
            }
            return rs.getLong(1);
        }
    }

    /** Reads of this transaction see one snapshot (SQLite's WAL does so already). */
    private void snapshot(Connection c) throws SQLException {
        if (dialect == Dialect.POSTGRESQL) {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the original failure is what matters
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreException("the rule store on " + config.redactedUrl() + " is closed");
        }
    }

    static String sha256(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is part of every JDK", e);
        }
    }

    /** The innermost message of {@code e}, with any credential a driver quoted masked. */
    private String rootMessage(Throwable e) {
        return rootMessage(e, config);
    }

    private static String rootMessage(Throwable e, DatabaseConfig config) {
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
