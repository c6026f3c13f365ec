package org.ttp4j.store.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ttp4j.store.fs.FilesystemRuleStoreTest.ruleYaml;

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

/** The factory: backend selection by DECNET_TTP_RULE_STORE_TYPE and the rules directory by TTP4J_RULES_DIR. */
class RuleStoresTest {
    @TempDir
    Path tmp;

    @Test
    void unsetTypeOpensTheFilesystemStoreOnTheOverriddenDirectory() throws Exception {
        Files.writeString(tmp.resolve("R0001.yaml"), ruleYaml("R0001", 7, "x"));
        try (RuleStore store = RuleStores.open(Map.of(RuleStores.RULES_DIR_ENV, tmp.toString()))) {
            FilesystemRuleStore fs = assertInstanceOf(FilesystemRuleStore.class, store);
            assertEquals(tmp.toAbsolutePath().normalize(), fs.directory());
            assertEquals(7, store.loadCompiled().get(0).ruleVersion());
        }
    }

    @Test
    void typeIsTrimmedAndCaseInsensitive() throws Exception {
        try (RuleStore store = RuleStores.open(Map.of(RuleStoreType.ENV, "  FileSystem ", RuleStores.RULES_DIR_ENV, tmp.toString()))) {
            assertInstanceOf(FilesystemRuleStore.class, store);
        }
    }

    @Test
    void aStateFileSettingThatNamesADirectoryIsRefusedByName() {
        for (String dir : new String[] {"/", tmp.toString(), " " + tmp + "/ "}) {
            RuleStores.Builder b = RuleStores.fromEnvironment(Map.of(RuleStores.STATE_FILE_ENV, dir));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::stateFile);
            assertEquals("TTP4J_STATE_FILE=" + Path.of(dir.strip()) + " names a directory, not a state file"
                    + " (e.g. /var/lib/ttp4j/rules.state.json)", e.getMessage());
        }
        // only where the file is used: the database store never reads it
        RuleStores.fromEnvironment(Map.of(RuleStores.STATE_FILE_ENV, "/", RuleStoreType.ENV, "database"));
        IllegalArgumentException direct = assertThrows(IllegalArgumentException.class, () -> new StateFile(Path.of("/")));
        assertEquals("the state file / is a directory, not a file", direct.getMessage());
        assertEquals(tmp.resolve("s.json"), RuleStores.fromEnvironment(
                Map.of(RuleStores.STATE_FILE_ENV, tmp.resolve("s.json").toString())).stateFile());
    }

    @Test
    void theDefaultRulesDirectoryIsRulesTtp() {
        RuleStores.Builder b = RuleStores.fromEnvironment(Map.of());
        assertEquals(Path.of("rules/ttp"), b.rulesDirectory());
        assertEquals(RuleStoreType.FILESYSTEM, b.type());
    }

    @Test
    void databaseWithoutTheDatabaseModuleSaysWhichModuleToAdd() {
        StoreException e = assertThrows(StoreException.class, () -> RuleStores.open(Map.of(RuleStoreType.ENV, "database")));
        assertEquals("DECNET_TTP_RULE_STORE_TYPE=database needs the module org.ttp4j.store.jdbc (artifact"
                + " org.ttp4j:ttp4j-store-jdbc) and a JDBC driver on the module path", e.getMessage());
    }

    @Test
    void anUnknownOrEmptyTypeListsTheKnownValues() {
        for (String bad : new String[] {"", "sqlite", " "}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RuleStores.open(Map.of(RuleStoreType.ENV, bad)));
            assertTrue(e.getMessage().contains("filesystem, database"), e.getMessage());
        }
    }
}
