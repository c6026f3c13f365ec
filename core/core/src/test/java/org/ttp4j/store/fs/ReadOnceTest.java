package org.ttp4j.store.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ttp4j.store.fs.FilesystemRuleStoreTest.ruleYaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Problem;
import org.ttp4j.store.RuleStore;
import org.ttp4j.store.StoreException;
import org.ttp4j.store.StoreReporter;

/** {@link FilesystemRuleStore#readOnce}: what a store would load, read once, with no inotify fd and no thread. */
class ReadOnceTest {
    @TempDir
    Path dir;

    @Test
    void readsWhatTheStoreLoadsWithoutWatching() throws Exception {
        Files.writeString(dir.resolve("R0002.yaml"), ruleYaml("R0002", 1, "id"));
        Files.writeString(dir.resolve("R0001.yml"), ruleYaml("R0001", 3, "whoami"));
        Files.writeString(dir.resolve("B_dup.yaml"), ruleYaml("R0002", 9, "ls"));
        Files.writeString(dir.resolve("broken.yaml"), "rule_id: [");
        Files.writeString(dir.resolve(".R0003.yaml.swp"), "not read");
        List<Problem> reported = new ArrayList<>();
        StoreReporter reporter = new StoreReporter() {
            @Override
            public void problem(Problem p) {
                reported.add(p);
            }
        };
        long inotifyFds = inotifyFds();
        int threads = Thread.activeCount();

        List<CompiledRule> once = FilesystemRuleStore.readOnce(dir, reporter, false);

        assertEquals(inotifyFds, inotifyFds(), "no inotify instance opened");
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("ttp4j-")),
                "no store thread started (" + threads + " before)");
        assertEquals(List.of("R0001:3", "R0002:9"), once.stream().map(r -> r.ruleId() + ":" + r.ruleVersion()).toList(),
                "B_dup.yaml is first by name, so it owns R0002");
        assertEquals(2, reported.stream().filter(Problem::isError).count(), reported.toString()); // broken + the duplicate
        try (RuleStore store = FilesystemRuleStore.open(dir)) {
            assertEquals(store.loadCompiled().stream().map(CompiledRule::contentHash).toList(),
                    once.stream().map(CompiledRule::contentHash).toList());
        }
    }

    @Test
    void strictFailsOnAnInvalidFileOrAMissingDirectory() throws Exception {
        Files.writeString(dir.resolve("R0001.yaml"), "rule_id: R0001\n");
        StoreException invalid = assertThrows(StoreException.class, () -> FilesystemRuleStore.readOnce(dir, StoreReporter.LOG, true));
        assertTrue(invalid.getMessage().startsWith("1 invalid rule file(s) in " + dir.toAbsolutePath()), invalid.getMessage());
        StoreException missing = assertThrows(StoreException.class,
                () -> FilesystemRuleStore.readOnce(dir.resolve("nope"), StoreReporter.LOG, true));
        assertEquals("rules directory " + dir.toAbsolutePath().resolve("nope") + " does not exist (strict mode)", missing.getMessage());
    }

    private static long inotifyFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals("anon_inode:inotify");
                } catch (IOException e) {
                    return false; // closed while listing
                }
            }).count();
        }
    }
}
