package org.ttp4j.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ttp4j.store.RuleStore;
import org.ttp4j.store.RuleStoreType;
import org.ttp4j.store.RuleStores;
import org.ttp4j.store.StoreException;

/** {@code DECNET_TTP_RULE_STORE_TYPE=database} through the core's factory finds this module's provider. */
class DatabaseStoreProviderTest {
    @TempDir
    Path tmp;

    @Test
    void databaseOpensTheDatabaseStoreOnTtp4jDbUrl() throws Exception {
        String url = "jdbc:sqlite:" + tmp.resolve("rules.db");
        try (RuleStore store = RuleStores.open(Map.of(RuleStoreType.ENV, "database", "TTP4J_DB_URL", url,
                "TTP4J_DB_CHANGE_RETENTION", "12h"))) {
            DatabaseRuleStore db = assertInstanceOf(DatabaseRuleStore.class, store);
            assertEquals(url, db.config().url());
            assertEquals(Duration.ofHours(12), db.config().changeRetention());
        }
        assertTrue(Files.size(tmp.resolve("rules.db")) > 0);
    }

    @Test
    void databaseDefaultsToTheEmbeddedSqliteFile() {
        assertEquals("jdbc:sqlite:ttp4j.db", DatabaseConfig.fromEnvironment(Map.of(RuleStoreType.ENV, "database")).url());
    }

    @Test
    void anUnreachableDatabaseIsAOneLineError() {
        StoreException e = assertThrows(StoreException.class, () -> RuleStores.open(Map.of(RuleStoreType.ENV, "database",
                "TTP4J_DB_URL", "jdbc:sqlite:" + tmp.resolve("no/such/dir/rules.db"))));
        assertTrue(e.getMessage().contains("no/such/dir/rules.db"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
}
