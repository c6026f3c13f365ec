package org.ttp4j.store.jdbc;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The triggers that feed the change log from DECNET's two tables, checked and restored. A migration that recreates
 * a table (SQLite's batch migrations copy it into a new one) drops its triggers without a word, and every write
 * after that would reach no worker. Every store checks them when it opens and then periodically (one catalog
 * query), restores the missing ones and says so; writes made while they were missing are not in the log, so the
 * store then reads the tables in full (docs/stores.md §8).
 */
final class ChangeTriggers {
    private static final System.Logger LOG = System.getLogger(DatabaseRuleStore.class.getName());

    private final Dialect dialect;
    /** Each trigger's name and the statement that creates it (if absent). */
    private final Map<String, String> definitions;

    ChangeTriggers(Dialect dialect) {
        this.dialect = dialect;
        this.definitions = switch (dialect) {
            case SQLITE -> sqlite();
            case POSTGRESQL -> postgresql();
            case MARIADB -> mariadb();
        };
    }

    /** The names of the triggers this dialect needs, sorted. */
    Set<String> names() {
        return new TreeSet<>(definitions.keySet());
    }

    /** The statement that creates trigger {@code name} if it is absent. */
    String definition(String name) {
        return definitions.get(name);
    }

    /** The triggers missing from the database, sorted (one catalog query). */
    Set<String> missing(Connection c) throws SQLException {
        Set<String> missing = names();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(switch (dialect) {
            case SQLITE -> "SELECT name FROM sqlite_master WHERE type = 'trigger'";
            case POSTGRESQL -> "SELECT t.tgname FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid"
                    + " WHERE r.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal";
            case MARIADB -> "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = DATABASE()";
        })) {
            while (rs.next()) {
                missing.remove(rs.getString(1));
            }
        }
        return missing;
    }

    /**
     * Creates the triggers that are missing, logging which; several stores may do so at once (each statement is
     * "if not exists").
     *
     * @return the triggers that were missing (empty when all were there)
     */
    Set<String> restore(Connection c, String url) throws SQLException {
        Set<String> missing = missing(c);
        if (missing.isEmpty()) {
            return missing;
        }
        try (Statement s = c.createStatement()) {
            for (String name : missing) {
                s.execute(definitions.get(name));
            }
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
        LOG.log(Level.WARNING, "the change-log triggers " + String.join(", ", missing) + " were missing from " + url
                + " (a migration that recreates ttp_rule or ttp_rule_state drops them): restored them");
        return missing;
    }

    private static Map<String, String> sqlite() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("ttp_rule_inserted", "CREATE TRIGGER IF NOT EXISTS ttp_rule_inserted AFTER INSERT ON ttp_rule BEGIN"
                + " INSERT INTO ttp_rule_change (rule_id, kind) VALUES (NEW.rule_id, 'rule'); END");
        t.put("ttp_rule_updated", "CREATE TRIGGER IF NOT EXISTS ttp_rule_updated AFTER UPDATE ON ttp_rule BEGIN"
                + " INSERT INTO ttp_rule_change (rule_id, kind) SELECT OLD.rule_id, 'rule' WHERE OLD.rule_id <> NEW.rule_id;"
                + " INSERT INTO ttp_rule_change (rule_id, kind) VALUES (NEW.rule_id, 'rule'); END");
        t.put("ttp_rule_deleted", "CREATE TRIGGER IF NOT EXISTS ttp_rule_deleted AFTER DELETE ON ttp_rule BEGIN"
                + " INSERT INTO ttp_rule_change (rule_id, kind) VALUES (OLD.rule_id, 'rule'); END");
        t.put("ttp_rule_state_inserted", "CREATE TRIGGER IF NOT EXISTS ttp_rule_state_inserted AFTER INSERT ON ttp_rule_state BEGIN"
                + " INSERT INTO ttp_rule_state_audit (rule_id, new_state, new_confidence_max, new_expires_at, new_reason, set_by, set_at)"
                + " VALUES (NEW.rule_id, NEW.state, NEW.confidence_max, NEW.expires_at, NEW.reason, NEW.set_by, NEW.set_at);"
                + " INSERT INTO ttp_rule_change (rule_id, kind) VALUES (NEW.rule_id, 'state'); END");
        t.put("ttp_rule_state_updated", "CREATE TRIGGER IF NOT EXISTS ttp_rule_state_updated AFTER UPDATE ON ttp_rule_state BEGIN"
                + " INSERT INTO ttp_rule_state_audit (rule_id, old_state, old_confidence_max, old_expires_at, old_reason, old_set_by,"
                + " old_set_at, new_state, new_confidence_max, new_expires_at, new_reason, set_by, set_at)"
                + " VALUES (NEW.rule_id, OLD.state, OLD.confidence_max, OLD.expires_at, OLD.reason, OLD.set_by, OLD.set_at,"
                + " NEW.state, NEW.confidence_max, NEW.expires_at, NEW.reason, NEW.set_by, NEW.set_at);"
                + " INSERT INTO ttp_rule_change (rule_id, kind) SELECT OLD.rule_id, 'state' WHERE OLD.rule_id <> NEW.rule_id;"
                + " INSERT INTO ttp_rule_change (rule_id, kind) VALUES (NEW.rule_id, 'state'); END");
        t.put("ttp_rule_state_deleted", "CREATE TRIGGER IF NOT EXISTS ttp_rule_state_deleted AFTER DELETE ON ttp_rule_state BEGIN"
                + " INSERT INTO ttp_rule_state_audit (rule_id, old_state, old_confidence_max, old_expires_at, old_reason, old_set_by,"
                + " old_set_at, set_at) VALUES (OLD.rule_id, OLD.state, OLD.confidence_max, OLD.expires_at, OLD.reason, OLD.set_by,"
                + " OLD.set_at, strftime('%Y-%m-%d %H:%M:%f000', 'now'));"
                + " INSERT INTO ttp_rule_change (rule_id, kind) VALUES (OLD.rule_id, 'state'); END");
        return t;
    }

    /** The trigger functions are not lost with a table; only the triggers that call them are. */
    private static Map<String, String> postgresql() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("ttp_rule_serialize", "CREATE OR REPLACE TRIGGER ttp_rule_serialize BEFORE INSERT OR UPDATE OR DELETE ON ttp_rule"
                + " FOR EACH STATEMENT EXECUTE FUNCTION ttp4j_serialize_rule_writes()");
        t.put("ttp_rule_state_serialize", "CREATE OR REPLACE TRIGGER ttp_rule_state_serialize BEFORE INSERT OR UPDATE OR DELETE"
                + " ON ttp_rule_state FOR EACH STATEMENT EXECUTE FUNCTION ttp4j_serialize_rule_writes()");
        t.put("ttp_rule_written", "CREATE OR REPLACE TRIGGER ttp_rule_written AFTER INSERT OR UPDATE OR DELETE ON ttp_rule"
                + " FOR EACH ROW EXECUTE FUNCTION ttp4j_rule_written()");
        t.put("ttp_rule_state_written", "CREATE OR REPLACE TRIGGER ttp_rule_state_written AFTER INSERT OR UPDATE OR DELETE"
                + " ON ttp_rule_state FOR EACH ROW EXECUTE FUNCTION ttp4j_rule_state_written()");
        return t;
    }

    private static Map<String, String> mariadb() {
        String lock = "UPDATE ttp_rule_write_lock SET id = id; ";
        Map<String, String> t = new LinkedHashMap<>();
        t.put("ttp_rule_inserted", "CREATE TRIGGER IF NOT EXISTS ttp_rule_inserted AFTER INSERT ON ttp_rule FOR EACH ROW BEGIN "
                + lock + change("NEW", "rule") + " END");
        t.put("ttp_rule_updated", "CREATE TRIGGER IF NOT EXISTS ttp_rule_updated AFTER UPDATE ON ttp_rule FOR EACH ROW BEGIN"
                + " IF NOT (OLD.rule_id <=> NEW.rule_id AND OLD.rule_version <=> NEW.rule_version"
                + " AND OLD.source_path <=> NEW.source_path AND OLD.yaml_content <=> NEW.yaml_content"
                + " AND OLD.updated_at <=> NEW.updated_at AND OLD.updated_by <=> NEW.updated_by) THEN " + lock
                + " IF NOT (OLD.rule_id <=> NEW.rule_id) THEN " + change("OLD", "rule") + " END IF; "
                + change("NEW", "rule") + " END IF; END");
        t.put("ttp_rule_deleted", "CREATE TRIGGER IF NOT EXISTS ttp_rule_deleted AFTER DELETE ON ttp_rule FOR EACH ROW BEGIN "
                + lock + change("OLD", "rule") + " END");
        t.put("ttp_rule_state_inserted", "CREATE TRIGGER IF NOT EXISTS ttp_rule_state_inserted AFTER INSERT ON ttp_rule_state"
                + " FOR EACH ROW BEGIN " + lock
                + "INSERT INTO ttp_rule_state_audit (rule_id, new_state, new_confidence_max, new_expires_at, new_reason, set_by, set_at)"
                + " VALUES (NEW.rule_id, NEW.state, NEW.confidence_max, NEW.expires_at, NEW.reason, NEW.set_by, NEW.set_at); "
                + change("NEW", "state") + " END");
        t.put("ttp_rule_state_updated", "CREATE TRIGGER IF NOT EXISTS ttp_rule_state_updated AFTER UPDATE ON ttp_rule_state"
                + " FOR EACH ROW BEGIN " + lock
                + "INSERT INTO ttp_rule_state_audit (rule_id, old_state, old_confidence_max, old_expires_at, old_reason, old_set_by,"
                + " old_set_at, new_state, new_confidence_max, new_expires_at, new_reason, set_by, set_at)"
                + " VALUES (NEW.rule_id, OLD.state, OLD.confidence_max, OLD.expires_at, OLD.reason, OLD.set_by, OLD.set_at,"
                + " NEW.state, NEW.confidence_max, NEW.expires_at, NEW.reason, NEW.set_by, NEW.set_at);"
                + " IF NOT (OLD.rule_id <=> NEW.rule_id) THEN " + change("OLD", "state") + " END IF; "
                + change("NEW", "state") + " END");
        t.put("ttp_rule_state_deleted", "CREATE TRIGGER IF NOT EXISTS ttp_rule_state_deleted AFTER DELETE ON ttp_rule_state"
                + " FOR EACH ROW BEGIN " + lock
                + "INSERT INTO ttp_rule_state_audit (rule_id, old_state, old_confidence_max, old_expires_at, old_reason, old_set_by,"
                + " old_set_at, set_at) VALUES (OLD.rule_id, OLD.state, OLD.confidence_max, OLD.expires_at, OLD.reason, OLD.set_by,"
                + " OLD.set_at, UTC_TIMESTAMP(6)); " + change("OLD", "state") + " END");
        return t;
    }

    private static String change(String row, String kind) {
        return "INSERT INTO ttp_rule_change (rule_id, kind, changed_at) VALUES (" + row + ".rule_id, '" + kind
                + "', UTC_TIMESTAMP(6));";
    }
}
