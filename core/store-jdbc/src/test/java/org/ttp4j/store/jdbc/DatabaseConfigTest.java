package org.ttp4j.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseConfigTest {
    @Test
    void theEmbeddedSqliteFileIsTheDefault() {
        assertEquals(new DatabaseConfig("jdbc:sqlite:ttp4j.db", null, null), DatabaseConfig.fromEnvironment(Map.of()));
        assertEquals(DatabaseConfig.DEFAULT_URL, DatabaseConfig.fromEnvironment(Map.of("TTP4J_DB_URL", "  ")).url());
    }

    @Test
    void theEnvironmentNamesTheServerAndItsCredentials() {
        DatabaseConfig c = DatabaseConfig.fromEnvironment(Map.of("TTP4J_DB_URL", " jdbc:postgresql://db.swarm/ttp ",
                "TTP4J_DB_USER", "worker", "TTP4J_DB_PASSWORD", "s3cret"));
        assertEquals(new DatabaseConfig("jdbc:postgresql://db.swarm/ttp", "worker", "s3cret"), c);
        assertFalse(c.toString().contains("s3cret"), "the password is never printed: " + c);
    }

    @Test
    void theChangeLogIsKeptSevenDaysUnlessTheEnvironmentSaysOtherwise() {
        assertEquals(Duration.ofDays(7), DatabaseConfig.of("jdbc:sqlite:x.db").changeRetention());
        assertEquals(Duration.ofDays(7), retention(" "));
        assertEquals(Duration.ofDays(30), retention("30d"));
        assertEquals(Duration.ofHours(12), retention(" 12h "));
        assertEquals(Duration.ofMinutes(90), retention("90m"));
        assertEquals(Duration.ofHours(36), retention("PT36H"));
        assertEquals(Duration.ofDays(2), retention("p2d"));
        assertEquals(Duration.ZERO, retention("0s"));
        assertEquals(Duration.ofHours(1),
                DatabaseConfig.of("jdbc:sqlite:x.db").withChangeRetention(Duration.ofHours(1)).changeRetention());
    }

    @Test
    void aRetentionThatIsNotADurationIsRefusedNamingTheVariable() {
        for (String bad : new String[] {"7 days", "7w", "-PT1H", "PT-5M"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> retention(bad), bad);
            assertTrue(e.getMessage().startsWith("TTP4J_DB_CHANGE_RETENTION"), e.getMessage());
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class,
                () -> DatabaseConfig.of("jdbc:sqlite:x.db").withChangeRetention(Duration.ofSeconds(-1)));
    }

    @Test
    void aDatabaseIsMarkedAsDecnetsOnlyByTrueAndAnythingElseButFalseIsRefused() {
        assertFalse(DatabaseConfig.fromEnvironment(Map.of()).decnetOwned());
        assertFalse(DatabaseConfig.fromEnvironment(Map.of("TTP4J_DB_DECNET", "false")).decnetOwned());
        assertTrue(DatabaseConfig.fromEnvironment(Map.of("TTP4J_DB_DECNET", " TRUE ")).decnetOwned());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DatabaseConfig.fromEnvironment(Map.of("TTP4J_DB_DECNET", "yes")));
        assertEquals("TTP4J_DB_DECNET must be true or false, got 'yes'", e.getMessage());
        assertTrue(DatabaseConfig.of("jdbc:sqlite:x.db").withDecnetOwned(true).withChangeRetention(Duration.ZERO).decnetOwned(),
                "the mark survives another setting");
    }

    private static Duration retention(String text) {
        return DatabaseConfig.fromEnvironment(Map.of("TTP4J_DB_CHANGE_RETENTION", text)).changeRetention();
    }
}
