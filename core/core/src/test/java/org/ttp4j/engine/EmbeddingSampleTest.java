package org.ttp4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ttp4j.testkit.ModulePaths;

/**
 * The README's embedding sample ({@code examples/embedding-core}) is a module of its own that
 * {@code requires org.ttp4j.core}: compiled with {@code javac} against this module and its runtime dependencies
 * only (no JDBC driver, no Flyway, no picocli, no Jackson) and run, it tags.
 */
class EmbeddingSampleTest {

    static final Path SAMPLE = Path.of("../../examples/embedding-core").toAbsolutePath().normalize();
    /** What the issue asked of a lean core: an engine takes it whole in under 3 MB of jars. */
    static final long MAX_JAR_BYTES = 3_000_000;

    @TempDir
    Path work;

    @Test
    void theSampleCompilesAndTagsWithOnlyTheCoresDependencies() throws Exception {
        String modulePath = ModulePaths.runtime();
        for (String forbidden : List.of("sqlite", "postgresql", "flyway", "HikariCP", "picocli", "jackson")) {
            assertTrue(!modulePath.contains(forbidden), forbidden + " on the core's module path: " + modulePath);
        }
        long jarBytes = ModulePaths.jarBytes(modulePath);
        assertTrue(jarBytes < MAX_JAR_BYTES, "the core's jars are " + jarBytes + " bytes: " + modulePath);

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
                ModulePaths.compileAndRun(SAMPLE, work, modulePath, "org.ttp4j.inotify", "com.example.tagger/com.example.tagger.Tagger",
                        rules.toString()));
    }
}
