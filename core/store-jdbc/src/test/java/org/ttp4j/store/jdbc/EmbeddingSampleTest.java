package org.ttp4j.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ttp4j.testkit.ModulePaths;

/**
 * The database store's embedding sample ({@code examples/embedding-jdbc}), a module that
 * {@code requires org.ttp4j.store.jdbc}: compiled and run on this module, its runtime dependencies and the SQLite
 * driver only (no PostgreSQL driver, no picocli, no Jackson), it syncs a directory into SQLite and tags from there.
 */
class EmbeddingSampleTest {

    static final Path SAMPLE = Path.of("../../examples/embedding-jdbc").toAbsolutePath().normalize();

    @TempDir
    Path work;

    @Test
    void theSampleTagsFromSqliteWithOnlyTheStoresDependenciesAndTheDriver() throws Exception {
        String modulePath = ModulePaths.runtime() + File.pathSeparator + ModulePaths.read("sqlite-module-path.txt");
        for (String forbidden : List.of("postgresql", "picocli", "jackson")) {
            assertTrue(!modulePath.contains(forbidden), forbidden + " on the store's module path: " + modulePath);
        }
        Path rules = Files.createDirectories(work.resolve("rules"));
        Files.writeString(rules.resolve("R0015.yaml"), """
                rule_id: R0015
                rule_version: 1
                name: shadow read
                applies_to: [command]
                match: {pattern: 'cat\\s+/etc/shadow'}
                emits: [{technique_id: T1003, tactic: TA0006, confidence: 0.8}]
                """);
        assertEquals("R0015 T1003 0.8 2f36925b-1542-59c1-aafc-ad01db5c498e\n",
                ModulePaths.compileAndRun(SAMPLE, work, modulePath, "org.ttp4j.inotify,org.xerial.sqlitejdbc",
                        "com.example.dbtagger/com.example.dbtagger.DbTagger",
                        "jdbc:sqlite:" + work.resolve("rules.db"), rules.toString()));
        assertTrue(Files.size(work.resolve("rules.db")) > 0);
    }
}
