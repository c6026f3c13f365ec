package org.ttp4j.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.ttp4j.store.StoreException;

/** No credential in a message; which write failures are permanent. */
class CredentialsTest {

    @Test
    void everyPasswordAJdbcUrlMayCarryIsMasked() {
        assertEquals("jdbc:postgresql://db/ttp4j?user=u&password=***&ssl=true",
                Credentials.redact("jdbc:postgresql://db/ttp4j?user=u&password=s3cret&ssl=true"));
        assertEquals("jdbc:postgresql://db/ttp4j?PASSWORD=***", Credentials.redact("jdbc:postgresql://db/ttp4j?PASSWORD=s3cret"));
        assertEquals("jdbc:postgresql://db/x?sslpassword=***&sslkey=k", Credentials.redact("jdbc:postgresql://db/x?sslpassword=p&sslkey=k"));
        assertEquals("cannot connect to jdbc:mysql://u:***@db:3306/x: refused",
                Credentials.redact("cannot connect to jdbc:mysql://u:s3cret@db:3306/x: refused"));
        assertEquals("jdbc:sqlserver://db;user=u;password=***;encrypt=true",
                Credentials.redact("jdbc:sqlserver://db;user=u;password=s3cret;encrypt=true"));
        assertEquals("'jdbc:postgresql://db/x?password=***' is bad", Credentials.redact("'jdbc:postgresql://db/x?password=s3cret' is bad"));
        assertEquals("jdbc:postgresql://db:5432/ttp4j", Credentials.redact("jdbc:postgresql://db:5432/ttp4j"));
        assertEquals("jdbc:sqlite:ttp4j.db", Credentials.redact("jdbc:sqlite:ttp4j.db"));
    }

    @Test
    void aConfigurationsPasswordsAreMaskedVerbatimWhereADriverQuotesThemAlone() {
        DatabaseConfig config = new DatabaseConfig("jdbc:postgresql://u:hunter22@db/x?password=other1", "u", "envpass");
        String driver = "UnknownHostException: u:hunter22@db; auth failed with envpass, other1";
        String masked = Credentials.redact(driver, config);
        assertFalse(masked.contains("hunter22") || masked.contains("envpass") || masked.contains("other1"), masked);
        assertTrue(config.toString().contains("u:***@db/x?password=***"), config.toString());
        assertEquals("jdbc:postgresql://u:***@db/x?password=***", config.redactedUrl());
    }

    @Test
    void readOnlyFullDiskConstraintAndPermissionArePermanentALostConnectionIsNot() {
        assertTrue(WriteFailures.isPermanent(wrapped(new SQLException("read-only", "25006"))));
        assertTrue(WriteFailures.isPermanent(wrapped(new SQLException("disk full", "53100"))));
        assertTrue(WriteFailures.isPermanent(wrapped(new SQLIntegrityConstraintViolationException("dup", "23505"))));
        assertTrue(WriteFailures.isPermanent(wrapped(new SQLException("denied", "42501"))));
        assertTrue(WriteFailures.isPermanent(wrapped(new SQLException("read only server", "HY000", 1290))));
        assertFalse(WriteFailures.isPermanent(wrapped(new SQLException("connection lost", "08006"))));
        assertFalse(WriteFailures.isPermanent(wrapped(new SQLTransientConnectionException("pool timeout", "08001"))));
        assertFalse(WriteFailures.isPermanent(wrapped(new SQLException("terminating connection", "57P01"))));
        assertFalse(WriteFailures.isPermanent(new StoreException("no SQL at all")));
    }

    private static StoreException wrapped(SQLException e) {
        return new StoreException("writing rule R1 failed: " + e.getMessage(), e);
    }
}
