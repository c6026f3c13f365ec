package org.ttp4j.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.ttp4j.rule.Problem;
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.StateAuditEntry;
import org.ttp4j.store.StateStore;
import org.ttp4j.store.StoreException;

/**
 * The operator states of a rule database, read without opening a store: one connection per call, no migration, no
 * rule compiled, no pool, no thread (what {@code ttp4j state get|list|history} need). A database without the state
 * tables holds no state. Writing one takes a {@link DatabaseRuleStore} (the schema, the audit, the change log).
 */
public final class DatabaseStates implements StateStore {
    private final DatabaseConfig config;
    private final Dialect dialect;
    private final Clock clock;
    private final RuleRows rows;

    private DatabaseStates(DatabaseConfig config, Clock clock, Consumer<? super Problem> problems) {
        this.config = Objects.requireNonNull(config, "config");
        this.dialect = Dialect.of(config.url());
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rows = new RuleRows(dialect, problems::accept);
    }

    /** The states of the database {@code config} names, as in effect on {@code clock}; malformed rows go to problems. */
    public static DatabaseStates of(DatabaseConfig config, Clock clock, Consumer<? super Problem> problems) {
        return new DatabaseStates(config, clock, problems);
    }

    @Override
    public RuleState getState(String ruleId) {
        try (Connection c = connect()) {
            return rows.readStoredState(c, ruleId).effectiveAt(clock.instant());
        } catch (SQLException e) {
            if (noTables(e)) {
                return RuleState.DEFAULT;
            }
            throw new StoreException("reading the state of " + ruleId + " from " + config.redactedUrl() + " failed: "
                    + DatabaseRuleStore.rootMessage(e), e);
        }
    }

    @Override
    public Map<String, RuleState> states() {
        Map<String, RuleState> out = new TreeMap<>();
        try (Connection c = connect()) {
            rows.readStates(c, rows.problems()).forEach((id, state) -> out.put(id, state.effectiveAt(clock.instant())));
        } catch (SQLException e) {
            if (!noTables(e)) {
                throw new StoreException("listing states in " + config.redactedUrl() + " failed: "
                        + DatabaseRuleStore.rootMessage(e), e);
            }
        }
        return out;
    }

    @Override
    public List<StateAuditEntry> stateHistory(String ruleId) {
        try (Connection c = connect()) {
            return rows.stateHistory(c, ruleId);
        } catch (SQLException e) {
            if (noTables(e)) {
                return List.of();
            }
            throw new StoreException("reading the state history of " + ruleId + " from " + config.redactedUrl()
                    + " failed: " + DatabaseRuleStore.rootMessage(e), e);
        }
    }

    /** Refused: this view only reads. */
    @Override
    public RuleState setState(String ruleId, RuleState state, String setBy) {
        throw new UnsupportedOperationException("DatabaseStates only reads; write states through a DatabaseRuleStore");
    }

    private Connection connect() throws SQLException {
        Properties props = new Properties();
        dialect.configure(props);
        props.remove("journal_mode"); // a reader leaves the database's journal mode as it is
        if (config.user() != null) {
            props.setProperty("user", config.user());
        }
        if (config.password() != null) {
            props.setProperty("password", config.password());
        }
        try {
            return DriverManager.getConnection(config.url(), props);
        } catch (SQLException e) {
            throw new StoreException("cannot connect to the rule database " + config.redactedUrl() + ": "
                    + DatabaseRuleStore.rootMessage(e, config), e);
        }
    }

    /** A missing table: PostgreSQL 42P01, MariaDB 42S02, SQLite "no such table". */
    private static boolean noTables(SQLException e) {
        String message = String.valueOf(e.getMessage());
        return "42P01".equals(e.getSQLState()) || "42S02".equals(e.getSQLState()) || message.contains("no such table");
    }
}
