package org.ttp4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ttp4j.cli.HttpCall;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.StoreReporter;
import org.ttp4j.store.fs.FilesystemRuleStore;

/** The service on a real socket: probes before and after the load, readiness that follows the watch, tokens. */
class HttpServiceTest {
    @TempDir
    Path tmp;

    @Test
    void probesFlipWhenTheRulesAreLoadedAndReadinessFollowsTheWatch() throws Exception {
        ServiceMetrics metrics = new ServiceMetrics();
        try (HttpService service = HttpService.start(new InetSocketAddress("127.0.0.1", 0), null, metrics, "v15.1")) {
            String base = service.url();
            assertEquals(200, HttpCall.get(base + "/health/live", null).status());
            assertEquals("{\"status\":\"loading\"}\n", HttpCall.get(base + "/health/started", null).body());
            assertEquals(503, HttpCall.get(base + "/health/started", null).status());
            assertEquals(503, HttpCall.get(base + "/health/ready", null).status());
            assertEquals(503, HttpCall.get(base + "/api/v1/ttp/rules", null).status());
            assertEquals(200, HttpCall.get(base + "/metrics", null).status(), "metrics answer while loading");

            Path rules = Files.createDirectories(tmp.resolve("rules/ttp"));
            Files.writeString(rules.resolve("R0001.yaml"), "rule_id: R0001\nrule_version: 1\nname: n\napplies_to: [command]\n"
                    + "match: {pattern: whoami}\nemits: [{technique_id: T1033, tactic: TA0007, confidence: 0.5}]\n");
            LinkedBlockingQueue<Path> gone = new LinkedBlockingQueue<>();
            StoreReporter reporter = new StoreReporter() {
                @Override
                public void directoryGone(Path directory) {
                    gone.add(directory);
                }
            };
            try (FilesystemRuleStore store = FilesystemRuleStore.builder(rules).reporter(reporter).open();
                 RuleCatalogue catalogue = new RuleCatalogue()) {
                LinkedBlockingQueue<RuleChange> changes = new LinkedBlockingQueue<>();
                store.subscribe(changes::add);
                catalogue.follow(store);
                metrics.attach(catalogue, null);
                service.attach(store, catalogue);
                assertEquals(200, HttpCall.get(base + "/health/started", null).status());
                assertEquals(200, HttpCall.get(base + "/health/ready", null).status());
                assertEquals(200, HttpCall.get(base + "/api/v1/ttp/rules", null).status());
                assertEquals(405, HttpCall.send("PUT", base + "/api/v1/ttp/rules", null, "{}").status());

                Files.delete(rules.resolve("R0001.yaml"));
                Files.delete(rules);
                assertEquals(new RuleChange.Removed("R0001"), changes.poll(30, TimeUnit.SECONDS));
                assertEquals(rules.toAbsolutePath(), gone.poll(30, TimeUnit.SECONDS));
                HttpCall ready = HttpCall.get(base + "/health/ready", null);
                assertEquals(503, ready.status());
                assertTrue(ready.body().contains("not watching"), ready.body());
                assertEquals(200, HttpCall.get(base + "/health/live", null).status());
            }
        }
    }

    @Test
    void tokensAreReReadOnChangeAndABadEditKeepsThoseInForce() throws Exception {
        Path file = tmp.resolve("tokens");
        Files.writeString(file, "viewer aaaa\n  admin bbbb ops\n");
        ApiTokens tokens = ApiTokens.read(file);
        assertEquals(new ApiTokens.Holder(Role.VIEWER, "viewer"), tokens.check("aaaa"));
        assertEquals(new ApiTokens.Holder(Role.ADMIN, "ops"), tokens.check("bbbb"));
        assertNull(tokens.check("aaa"));
        assertNull(tokens.check(""));

        Files.writeString(file, "admin cccc\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertNull(tokens.check("aaaa"), "the old token is gone");
        assertEquals(Role.ADMIN, tokens.check("cccc").role());

        Files.writeString(file, "admin cccc\nsuperuser dddd\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        assertEquals(Role.ADMIN, tokens.check("cccc").role(), "a bad edit keeps the tokens in force");

        Files.writeString(file, "# nothing\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApiTokens.read(file));
        assertTrue(e.getMessage().endsWith("tokens:1:1: no token (a line is ROLE TOKEN [NAME], ROLE viewer or admin)"), e.getMessage());
        Files.writeString(file, "viewer a b c\n");
        e = assertThrows(IllegalArgumentException.class, () -> ApiTokens.read(file));
        assertTrue(e.getMessage().endsWith("tokens:1:1: a line is ROLE TOKEN [NAME]"), e.getMessage());
    }
}
