package org.ttp4j.store.jdbc;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.SQLRecoverableException;

/**
 * Which database write failures no retry can cure (docs/stores.md §16): a read-only database, a full
 * disk, a constraint or a permission refused. Anything else (a lost connection, a busy or locked database, a
 * timeout) is transient. Decided from the {@link SQLException} in the cause chain: its SQLState where the driver
 * sets one (PostgreSQL, MySQL/MariaDB), else SQLite's result code.
 */
final class WriteFailures {

    private WriteFailures() {
    }

    /** True when {@code failure} (or a cause) is a database error that retrying the same write cannot cure. */
    static boolean isPermanent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException e) {
                return isPermanent(e);
            }
        }
        return false;
    }

    private static boolean isPermanent(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return false;
        }
        String state = e.getSQLState();
        int code = e.getErrorCode();
        if (state != null && !state.isEmpty() && !"HY000".equals(state)) {
            return state.startsWith("23")            // integrity constraint violation
                    || state.equals("25006")         // read-only SQL transaction (PostgreSQL)
                    || state.startsWith("53")        // insufficient resources: disk full (53100), out of memory
                    || state.equals("42501")         // insufficient privilege (PostgreSQL)
                    || state.equals("42000") && (code == 1142 || code == 1044) // access denied (MySQL/MariaDB)
                    || state.startsWith("22");       // data exception: a value the column cannot take
        }
        if (e.getClass().getName().startsWith("org.sqlite.")) {
            return switch (code & 0xff) { // SQLite's primary result code (extended codes keep it in the low byte)
                case 3, 8, 11, 13, 18, 19, 20, 23, 26 -> true; // PERM, READONLY, CORRUPT, FULL, TOOBIG, CONSTRAINT, MISMATCH, AUTH, NOTADB
                default -> false;                                // BUSY, LOCKED, IOERR, ... may pass
            };
        }
        return switch (code) { // MySQL/MariaDB with the generic SQLState HY000
            case 1290, 1792, 1021, 1114, 1142, 1036 -> true; // read-only server, read-only transaction, disk full, table full, denied, read-only table
            default -> false;
        };
    }
}
