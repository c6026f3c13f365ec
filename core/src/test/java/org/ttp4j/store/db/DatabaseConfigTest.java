package org.ttp4j.store.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
}
