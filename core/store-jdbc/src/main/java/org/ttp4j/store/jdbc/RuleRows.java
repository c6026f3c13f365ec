package org.ttp4j.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Problem;
import org.ttp4j.rule.RuleState;
import org.ttp4j.rule.RuleState.Mode;

/**
 * The SQL the database store runs and the mapping between rows and rules, states and change ids: every statement
 * the store sends is here, so a dialect's differences stay in one file with {@link Dialect}.
 */
final class RuleRows {
    private static final String SELECT_STATE = "SELECT state, confidence_max, expires_at, reason, set_by, set_at"
            + " FROM ttp_rule_state WHERE rule_id = ?";
    private static final String UPSERT_STATE = "INSERT INTO ttp_rule_state"
            + " (rule_id, state, confidence_max, expires_at, reason, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (rule_id) DO UPDATE SET state = excluded.state, confidence_max = excluded.confidence_max,"
            + " expires_at = excluded.expires_at, reason = excluded.reason, set_by = excluded.set_by,"
            + " set_at = excluded.set_at";
    /** MariaDB has no ON CONFLICT; VALUES(c) is the value the insert would have written. */
    private static final String UPSERT_STATE_MARIADB = "INSERT INTO ttp_rule_state"
            + " (rule_id, state, confidence_max, expires_at, reason, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            + " ON DUPLICATE KEY UPDATE state = VALUES(state), confidence_max = VALUES(confidence_max),"
            + " expires_at = VALUES(expires_at), reason = VALUES(reason), set_by = VALUES(set_by), set_at = VALUES(set_at)";
    private static final String DELETE_EXPIRED = "DELETE FROM ttp_rule_state"
            + " WHERE rule_id = ? AND expires_at IS NOT NULL AND expires_at <= ?";
    private static final String UPSERT_RULE = "INSERT INTO ttp_rule"
            + " (rule_id, rule_version, source_path, yaml_content, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (rule_id) DO UPDATE SET rule_version = excluded.rule_version,"
            + " source_path = excluded.source_path, yaml_content = excluded.yaml_content,"
            + " updated_at = excluded.updated_at, updated_by = excluded.updated_by"
            + " WHERE ttp_rule.yaml_content <> excluded.yaml_content OR ttp_rule.rule_version <> excluded.rule_version"
            + " OR ttp_rule.source_path <> excluded.source_path";
    private static final String RULE_DIFFERS = "yaml_content <> VALUES(yaml_content)"
            + " OR rule_version <> VALUES(rule_version) OR source_path <> VALUES(source_path)";
    /**
     * MariaDB: assignments run left to right and see the columns already assigned, so the stamps, which change only
     * with the content, come first, while the content columns still hold the old values.
     */
    private static final String UPSERT_RULE_MARIADB = "INSERT INTO ttp_rule"
            + " (rule_id, rule_version, source_path, yaml_content, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)"
            + " ON DUPLICATE KEY UPDATE"
            + " updated_at = IF(" + RULE_DIFFERS + ", VALUES(updated_at), updated_at),"
            + " updated_by = IF(" + RULE_DIFFERS + ", VALUES(updated_by), updated_by),"
            + " rule_version = VALUES(rule_version), source_path = VALUES(source_path), yaml_content = VALUES(yaml_content)";
    private static final String SELECT_RULE = "SELECT rule_id, rule_version, source_path, yaml_content FROM ttp_rule"
            + " WHERE rule_id = ?";
    static final String SELECT_RULES_WITH_STATE = "SELECT r.rule_id, r.source_path, r.yaml_content,"
            + " s.state, s.confidence_max, s.expires_at, s.reason, s.set_by, s.set_at"
            + " FROM ttp_rule r LEFT JOIN ttp_rule_state s ON s.rule_id = r.rule_id ORDER BY r.rule_id";
    private static final String SELECT_STATES = "SELECT rule_id, state, confidence_max, expires_at, reason, set_by, set_at"
            + " FROM ttp_rule_state ORDER BY rule_id";

    /** The reason the audit records for a revert at expiry. */
    static final String EXPIRED_REASON = "expired";

    /** One row of {@code ttp_rule} (null fields for a deleted row). */
    record RuleRow(String ruleId, String sourcePath, String yaml) {}

    /** Every rule row and stored state (as written) by rule id, and the newest change id, as of one snapshot. */
    record Tables(long high, Map<String, RuleRow> rules, Map<String, RuleState> states) {}

    private final Dialect dialect;
    private final Consumer<? super Problem> problems;

    RuleRows(Dialect dialect, Consumer<? super Problem> problems) {
        this.dialect = dialect;
        this.problems = problems;
    }

    Dialect dialect() {
        return dialect;
    }

    /** Where a malformed row is reported. */
    Consumer<? super Problem> problems() {
        return problems;
    }

    // ---------------------------------------------------------------------------------------------- writes

    void upsertState(Connection c, String ruleId, RuleState stored) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect == Dialect.MARIADB ? UPSERT_STATE_MARIADB : UPSERT_STATE)) {
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
        }
    }

    /**
     * Reverts the state of {@code ruleId} if it has expired by {@code now}, as DECNET does: the row is deleted, so the
     * rule reads back as the default state with every field null. The audit entry the delete wrote is stamped with
     * {@code setBy}, {@code now} and the reason {@code expired}, in the same transaction (writers are serialized, so
     * it is the newest of that rule). A no-op when another store reverted it first.
     *
     * @return whether this call reverted it
     */
    boolean revertExpired(Connection c, String ruleId, String setBy, Instant now) throws SQLException {
        c.setAutoCommit(false);
        try {
            int deleted;
            try (PreparedStatement ps = c.prepareStatement(DELETE_EXPIRED)) {
                ps.setString(1, ruleId);
                dialect.setInstant(ps, 2, now);
                deleted = ps.executeUpdate();
            }
            if (deleted > 0) {
                long audit = 0;
                try (PreparedStatement ps = c.prepareStatement("SELECT max(id) FROM ttp_rule_state_audit WHERE rule_id = ?")) {
                    ps.setString(1, ruleId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            audit = rs.getLong(1);
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE ttp_rule_state_audit SET new_reason = ?, set_by = ?,"
                        + " set_at = ? WHERE id = ?")) {
                    ps.setString(1, EXPIRED_REASON);
                    ps.setString(2, setBy);
                    dialect.setInstant(ps, 3, now);
                    ps.setLong(4, audit);
                    ps.executeUpdate();
                }
            }
            c.commit();
            return deleted > 0;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            throw e;
        }
    }

    /** Adds or replaces the row of {@code rule}; identical content changes nothing. */
    void upsertRule(Connection c, CompiledRule rule, String updatedBy, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect == Dialect.MARIADB ? UPSERT_RULE_MARIADB : UPSERT_RULE)) {
            ps.setString(1, rule.ruleId());
            ps.setInt(2, rule.ruleVersion());
            ps.setString(3, rule.sourcePath() == null ? "" : rule.sourcePath());
            ps.setString(4, rule.yaml());
            dialect.setInstant(ps, 5, at);
            ps.setString(6, updatedBy);
            ps.executeUpdate();
        }
    }

    void deleteRule(Connection c, String ruleId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM ttp_rule WHERE rule_id = ?")) {
            ps.setString(1, ruleId);
            ps.executeUpdate();
        }
    }

    // ---------------------------------------------------------------------------------------------- reads

    static RuleRow ruleRow(ResultSet rs) throws SQLException {
        return new RuleRow(rs.getString("rule_id"), rs.getString("source_path"), rs.getString("yaml_content"));
    }

    RuleRow readRule(Connection c, String ruleId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_RULE)) {
            ps.setString(1, ruleId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new RuleRow(ruleId, rs.getString("source_path"), rs.getString("yaml_content")) : null;
            }
        }
    }

    /** The stored state of {@code ruleId} as written (not yet made effective), or the default. */
    RuleState readStoredState(Connection c, String ruleId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_STATE)) {
            ps.setString(1, ruleId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? readState(rs, ruleId) : RuleState.DEFAULT;
            }
        }
    }

    RuleState readState(ResultSet rs, String ruleId) throws SQLException {
        return readState(rs, ruleId, "", "set_by", "set_at");
    }

    RuleState readState(ResultSet rs, String ruleId, String prefix, String setByColumn, String setAtColumn)
            throws SQLException {
        return readState(rs, ruleId, prefix, setByColumn, setAtColumn, problems);
    }

    /** A state from columns {@code prefix+state}, ...; a missing row (null state) or a malformed one is the default. */
    RuleState readState(ResultSet rs, String ruleId, String prefix, String setByColumn, String setAtColumn,
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

    /** Every stored state as written (not yet made effective), by rule id; malformed ones reported to {@code report}. */
    Map<String, RuleState> readStates(Connection c, Consumer<? super Problem> report) throws SQLException {
        Map<String, RuleState> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(SELECT_STATES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String id = rs.getString("rule_id");
                out.put(id, readState(rs, id, "", "set_by", "set_at", report));
            }
        }
        return out;
    }

    /** Reads both rule tables in full, and the newest change id, in the snapshot of {@code c}. */
    Tables readTables(Connection c) throws SQLException {
        long high = newestChangeId(c);
        Map<String, RuleRow> rules = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT rule_id, source_path, yaml_content FROM ttp_rule");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                RuleRow row = ruleRow(rs);
                rules.put(row.ruleId(), row);
            }
        }
        return new Tables(high, rules, readStates(c, problems));
    }

    /** Every state write of {@code ruleId}, oldest first (the append-only audit). */
    List<StateAuditEntry> stateHistory(Connection c, String ruleId) throws SQLException {
        List<StateAuditEntry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM ttp_rule_state_audit WHERE rule_id = ? ORDER BY id")) {
            ps.setString(1, ruleId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    RuleState before = rs.getString("old_state") == null ? RuleState.DEFAULT
                            : readState(rs, ruleId, "old_", "old_set_by", "old_set_at");
                    RuleState after = rs.getString("new_state") == null // the row was deleted (an expiry, or by hand)
                            ? new RuleState(Mode.ENABLED, null, null, rs.getString("new_reason"), rs.getString("set_by"),
                                    dialect.getInstant(rs, "set_at"))
                            : readState(rs, ruleId, "new_", "set_by", "set_at");
                    out.add(new StateAuditEntry(rs.getLong("id"), ruleId, before, after));
                }
            }
        }
        return out;
    }

    /** The ids of every rule row (valid or not), sorted. */
    static Set<String> ruleIds(Connection c) throws SQLException {
        Set<String> out = new TreeSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT rule_id FROM ttp_rule"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** When each stored state expires, by rule id (states without an expiry left out). */
    Map<String, Instant> expiries(Connection c) throws SQLException {
        Map<String, Instant> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT rule_id, expires_at FROM ttp_rule_state WHERE expires_at IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString("rule_id"), dialect.getInstant(rs, "expires_at"));
            }
        }
        return out;
    }

    /** The newest change id (0 when the log is empty). */
    static long newestChangeId(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(id) FROM ttp_rule_change")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** The change id written by this transaction: writers are serialized, so it is the largest. */
    static long lastChangeId(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(id) FROM ttp_rule_change")) {
            if (!rs.next()) {
                throw new SQLException("the change log is empty after a write: are the ttp4j triggers installed?");
            }
            return rs.getLong(1);
        }
    }

    /** The largest change id ever pruned from the log (0 when none). */
    static long prunedThrough(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(through_id) FROM ttp_rule_change_pruned")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Reads of this transaction see one snapshot (SQLite's WAL does so already; InnoDB's from the first read). */
    void snapshot(Connection c) throws SQLException {
        if (dialect.isServer()) {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
        }
    }

    static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the original failure is what matters
        }
    }
}
