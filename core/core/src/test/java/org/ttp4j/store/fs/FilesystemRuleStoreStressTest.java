package org.ttp4j.store.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ttp4j.store.fs.FilesystemRuleStoreTest.ruleYaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.store.RuleChange;

/**
 * One thread edits rules in a loop (atomic saves) while others read the store: every rule any reader or
 * subscriber sees must be a whole rule exactly as one of the versions written, never a mix or a fragment.
 */
class FilesystemRuleStoreStressTest {
    private static final int RULES = 8;
    private static final int EDITS = 3000;
    private static final int READERS = 3;

    @TempDir
    Path tmp;

    /** The exact text written for a version: the rule is whole iff its every part matches it. */
    private static String text(String id, int version) {
        return ruleYaml(id, version, "needle_" + id + "_" + version);
    }

    private static void checkWhole(CompiledRule r, Queue<String> failures) {
        String expected = text(r.ruleId(), r.ruleVersion());
        if (!expected.equals(r.yaml()) || !r.name().equals("rule " + r.ruleId() + " v" + r.ruleVersion())
                || r.emits().size() != 1 || !r.engineOwned()) {
            failures.add("rule " + r.ruleId() + " v" + r.ruleVersion() + " is not what was written for that version: " + r.yaml());
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void readersAlwaysSeeWholeRulesWhileOneThreadEdits() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("rules"));
        for (int i = 0; i < RULES; i++) {
            Files.writeString(dir.resolve("R" + i + ".yaml"), text("R" + i, 1));
        }
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        StoreProbe probe = new StoreProbe();
        try (FilesystemRuleStore store = FilesystemRuleStore.builder(dir).reporter(probe).open()) {
            store.subscribe(c -> {
                if (c instanceof RuleChange.Definition d && !d.ruleId().startsWith("Z")) {
                    checkWhole(d.rule(), failures);
                }
            });
            store.subscribe(probe::record);
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong reads = new AtomicLong();
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < READERS; t++) {
                readers.add(Thread.ofPlatform().name("reader-" + t).start(() -> {
                    while (writing.get()) {
                        List<CompiledRule> all = store.loadCompiled();
                        int edited = 0;
                        for (CompiledRule r : all) {
                            if (!r.ruleId().startsWith("Z")) {
                                checkWhole(r, failures);
                                edited++;
                            }
                        }
                        if (edited != RULES) {
                            failures.add("a read saw " + edited + " edited rules, expected " + RULES);
                        }
                        reads.incrementAndGet();
                    }
                }));
            }
            int[] last = new int[RULES];
            java.util.Arrays.fill(last, 1);
            for (int e = 0; e < EDITS; e++) {
                int i = e % RULES;
                last[i]++;
                Path scratch = dir.resolve(".R" + i + ".yaml.tmp");
                Files.writeString(scratch, text("R" + i, last[i]));
                Files.move(scratch, dir.resolve("R" + i + ".yaml"), StandardCopyOption.ATOMIC_MOVE);
            }
            // Catch up: a sentinel written after the last edit arrives after every change the edits caused.
            Files.writeString(dir.resolve("Zsentinel.yaml"), ruleYaml("Zsentinel", 1, "s"));
            while (!probe.next().ruleId().equals("Zsentinel")) {
                // drain
            }
            writing.set(false);
            for (Thread r : readers) {
                r.join();
            }
            assertTrue(failures.isEmpty(), failures.size() + " bad reads, first: " + failures.peek());
            assertTrue(reads.get() > 0);
            Map<String, Integer> expected = new TreeMap<>();
            for (int i = 0; i < RULES; i++) {
                expected.put("R" + i, last[i]);
            }
            expected.put("Zsentinel", 1);
            Map<String, Integer> actual = new TreeMap<>();
            store.loadCompiled().forEach(r -> actual.put(r.ruleId(), r.ruleVersion()));
            assertEquals(expected, actual, "the store ends equal to the directory");
            probe.assertNoProblem();
        }
    }
}
