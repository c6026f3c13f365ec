package org.ttp4j.store.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ttp4j.store.fs.FilesystemRuleStoreTest.ruleYaml;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.store.RuleChange;

/**
 * A real kernel queue overflow: the subscriber stalls the store's compile thread while more events than
 * {@code /proc/sys/fs/inotify/max_queued_events} pile up, then rule edits are made whose events the kernel
 * drops. The rescan must publish exactly those edits and leave the store equal to the directory.
 */
class FilesystemRuleStoreOverflowTest {
    @TempDir
    Path tmp;

    static int maxQueuedEvents() throws IOException {
        try (InputStream in = new FileInputStream("/proc/sys/fs/inotify/max_queued_events")) {
            return Integer.parseInt(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        }
    }

    @Test
    void overflowRescansAndPublishesExactlyTheDifferences() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("rules"));
        for (int i = 1; i <= 4; i++) {
            Files.writeString(dir.resolve("R000" + i + ".yaml"), ruleYaml("R000" + i, 1, "p" + i));
        }
        StoreProbe probe = new StoreProbe();
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (FilesystemRuleStore store = FilesystemRuleStore.builder(dir).reporter(probe).open()) {
            store.subscribe(c -> {
                if (c.ruleId().equals("Stall")) {
                    stalled.countDown();
                    await(release);
                }
            });
            store.subscribe(probe::record);

            Files.writeString(dir.resolve("Stall.yaml"), ruleYaml("Stall", 1, "stall"));
            assertTrue(stalled.await(StoreProbe.ARRIVAL.toSeconds(), TimeUnit.SECONDS), "the subscriber never stalled");
            // The compile thread is parked in our listener: fill the kernel queue past its limit with scratch files
            // (alternating names, so the kernel cannot merge consecutive identical events).
            int events = maxQueuedEvents() + 64;
            byte[] junk = "x".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < events; i++) {
                Files.write(dir.resolve((i & 1) == 0 ? ".a.swp" : ".b.swp"), junk);
            }
            // These edits' events are dropped by the kernel: only the rescan can find them.
            Files.writeString(dir.resolve("R0001.yaml"), ruleYaml("R0001", 2, "p1"));
            Files.delete(dir.resolve("R0002.yaml"));
            Files.writeString(dir.resolve("R0005.yaml"), ruleYaml("R0005", 1, "p5"));
            Files.writeString(dir.resolve("R0003.yaml"), ruleYaml("R0003", 1, "p3")); // identical bytes: no change
            release.countDown();

            assertEquals("Stall", probe.next().ruleId());
            Map<String, RuleChange> after = new TreeMap<>();
            for (RuleChange c : probe.next(3)) {
                after.put(c.ruleId(), c);
            }
            assertEquals(Set.of("R0001", "R0002", "R0005"), after.keySet());
            assertEquals(2, ((RuleChange.Definition) after.get("R0001")).rule().ruleVersion());
            assertEquals(new RuleChange.Removed("R0002"), after.get("R0002"));
            assertTrue(after.get("R0005") instanceof RuleChange.Definition);
            assertEquals(3, probe.rescans.poll(StoreProbe.ARRIVAL.toSeconds(), TimeUnit.SECONDS), "rescan change count");
            assertTrue(probe.overflows.get() >= 1, "the overflow was reported");

            // Nothing more, and the store is the directory.
            Files.writeString(dir.resolve("Zsentinel.yaml"), ruleYaml("Zsentinel", 1, "s"));
            assertEquals("Zsentinel", probe.next().ruleId());
            assertEquals(directoryRules(dir), storeRules(store));
        }
    }

    private static Map<String, Integer> storeRules(FilesystemRuleStore store) {
        return store.loadCompiled().stream().collect(Collectors.toMap(CompiledRule::ruleId, CompiledRule::ruleVersion, (a, b) -> a, TreeMap::new));
    }

    private static Map<String, Integer> directoryRules(Path dir) throws IOException {
        Map<String, Integer> out = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (!name.endsWith(".yaml") || name.startsWith(".")) {
                    continue;
                }
                String text = Files.readString(p);
                String id = text.lines().filter(l -> l.startsWith("rule_id: ")).findFirst().orElseThrow().substring(9);
                int version = Integer.parseInt(text.lines().filter(l -> l.startsWith("rule_version: ")).findFirst().orElseThrow().substring(14));
                assertTrue(seen.add(id));
                out.put(id, version);
            }
        }
        return out;
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(120, TimeUnit.SECONDS)) {
                throw new AssertionError("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
