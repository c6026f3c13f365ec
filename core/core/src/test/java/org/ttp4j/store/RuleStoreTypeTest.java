package org.ttp4j.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RuleStoreTypeTest {

    @Test
    void unsetMeansFilesystem() {
        assertEquals(RuleStoreType.FILESYSTEM, RuleStoreType.select(null));
    }

    @Test
    void valueIsTrimmedAndLowerCased() {
        assertEquals(RuleStoreType.DATABASE, RuleStoreType.select("  DataBase\n"));
        assertEquals(RuleStoreType.FILESYSTEM, RuleStoreType.select("filesystem"));
    }

    @Test
    void emptyAndUnknownValuesAreErrorsListingTheKnownOnes() {
        for (String bad : new String[] {"", "  ", "redis", "file system"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RuleStoreType.select(bad));
            assertEquals("DECNET_TTP_RULE_STORE_TYPE='" + bad
                    + "' is not a rule store type (known: filesystem, database)", e.getMessage());
        }
    }
}
