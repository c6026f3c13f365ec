package org.ttp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ttp4j run --http} as a real service on a real rules directory, driven by a real HTTP client and by
 * {@code ttp4j state} in other processes: the catalogue, state through the API and through the state file,
 * tags that obey the next event, the 401/403/400/404/413 answers, metrics through Prometheus's own parser,
 * and state that survives a restart (docs/http.md, docs/stores.md §6).
 */
@Timeout(180)
class ServiceEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ADMIN = "admin-token-0123456789";
    private static final String VIEWER = "viewer-token-0123456789";

    @TempDir
    Path work;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws Exception {
        Path rules = Files.createDirectories(work.resolve("rules"));
        RuleTexts.save(rules, "R0001.yaml", RuleTexts.commandRule("R0001", 1, "\\bwhoami\\b", "T1033", "TA0007", 0.6));
        RuleTexts.save(rules, "R0002.yaml", RuleTexts.commandRule("R0002", 3, "cat\\s+/etc/shadow", "T1003", "TA0006", 0.9));
        Files.writeString(work.resolve("tokens"), "# role token name\nadmin " + ADMIN + " alice\nviewer " + VIEWER + "\n");
        env = Map.of("TTP4J_API_TOKENS_FILE", "tokens", "TTP4J_RULES_DIR", "rules");
    }

    /** Starts {@code ttp4j run --http 127.0.0.1:0} and returns its base URL once the rules are loaded. */
    private static String started(Ttp4jProcess p) throws Exception {
        String http = p.nextErr(WAIT);
        assertNotNull(http, "no http line");
        Matcher m = Pattern.compile("\\{\"kind\":\"http\",\"url\":\"(http://127\\.0\\.0\\.1:\\d+)\"}").matcher(http);
        assertTrue(m.matches(), http);
        assertEquals("{\"kind\":\"ready\",\"rules\":2}", p.nextErr(WAIT));
        return m.group(1);
    }

    private static String event(int n, String command) {
        return "{\"source_kind\":\"command\",\"source_id\":\"cmd_" + n + "\",\"attacker_uuid\":\"a1\","
                + "\"payload\":{\"command_text\":\"" + command + "\"}}\n";
    }

    private static void send(OutputStream in, String text) throws Exception {
        in.write(text.getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"?([^\",}]*)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return m.group(1);
    }

    @Test
    void theApiChangesStateLiveAndTheTagsObeyTheNextEvent() throws Exception {
        try (Ttp4jProcess p = Ttp4jProcess.start(work, env, "run", "--http", "127.0.0.1:0")) {
            String base = started(p);
            assertEquals(200, HttpCall.get(base + "/health/live", null).status());
            assertEquals(200, HttpCall.get(base + "/health/started", null).status());
            assertEquals(200, HttpCall.get(base + "/health/ready", null).status());

            // the catalogue: one row per rule, by rule_id; the default state is enabled with nulls
            HttpCall rules = HttpCall.get(base + "/api/v1/ttp/rules", VIEWER);
            assertEquals(200, rules.status(), rules.body());
            assertTrue(rules.body().startsWith("[{\"rule_id\":\"R0001\",\"rule_version\":1,\"name\":\"test rule R0001\","
                    + "\"description\":\"\",\"state\":\"enabled\",\"confidence_max\":null,\"expires_at\":null,"
                    + "\"reason\":null,\"set_by\":null,\"set_at\":null,\"applies_to\":[\"command\"],"
                    + "\"techniques\":[{\"technique_id\":\"T1033\",\"sub_technique_id\":null,\"tactic\":\"TA0007\","
                    + "\"confidence\":0.6}],\"engine_owned\":true,\"fires\":0,\"last_fired\":null,"), rules.body());
            assertTrue(rules.body().contains("},{\"rule_id\":\"R0002\",\"rule_version\":3,"), rules.body());

            // who may do what
            String clip = "{\"state\":\"clipped\",\"confidence_max\":0.2,\"ttl\":\"1h\",\"reason\":\"noisy on decky-07\"}";
            String state = base + "/api/v1/ttp/rules/R0001/state";
            assertEquals(401, HttpCall.get(base + "/api/v1/ttp/rules", null).status());
            assertEquals(401, HttpCall.get(base + "/api/v1/ttp/rules", "wrong").status());
            HttpCall viewerWrite = HttpCall.send("POST", state, VIEWER, clip);
            assertEquals(403, viewerWrite.status());
            assertEquals("{\"error\":\"the viewer role may not change state (admin may)\"}\n", viewerWrite.body());
            assertBad(HttpCall.send("POST", state, ADMIN, "{\"state\": \"clipped\","), "malformed JSON at 1:");
            assertBad(HttpCall.send("POST", state, ADMIN, "{\"state\":\"paused\"}"),
                    "state: unknown state 'paused' (known: enabled, disabled, clipped)");
            assertBad(HttpCall.send("POST", state, ADMIN, "{\"state\":\"clipped\",\"confidence_max\":2}"),
                    "confidence_max must be in [0, 1], got 2");
            assertBad(HttpCall.send("POST", state, ADMIN, "{\"state\":\"disabled\",\"mute\":true}"),
                    "unknown field 'mute' (known: state, confidence_max, expires_at, ttl, reason)");
            assertBad(HttpCall.send("POST", state, ADMIN, "{\"state\":\"disabled\",\"state\":\"enabled\"}"),
                    "Duplicate field 'state'");
            assertEquals(404, HttpCall.send("POST", base + "/api/v1/ttp/rules/R0404/state", ADMIN, clip).status());
            assertEquals(400, HttpCall.send("POST", base + "/api/v1/ttp/rules/R-1/state", ADMIN, clip).status());
            assertEquals(413, HttpCall.send("POST", state, ADMIN, "{\"reason\":\"" + "x".repeat(100_000) + "\"}").status());
            assertEquals(404, HttpCall.get(base + "/api/v1/ttp/nothing", VIEWER).status());

            // clip: persisted, live, and the very next event obeys
            HttpCall stored = HttpCall.send("POST", state, ADMIN, clip);
            assertEquals(200, stored.status(), stored.body());
            assertEquals("clipped", field(stored.body(), "state"));
            assertEquals("alice", field(stored.body(), "set_by"));
            assertTrue(p.nextErr(WAIT).startsWith("{\"kind\":\"state\",\"rule_id\":\"R0001\",\"state\":\"clipped\",\"confidence_max\":0.2,"));
            send(p.stdin(), event(1, "whoami"));
            assertEquals("0.2", field(p.nextOut(WAIT), "confidence"));
            assertEquals(1, HttpCall.get(state + "/history", VIEWER).body().split("\"after\"").length - 1);
            assertEquals("clipped", field(HttpCall.get(state, VIEWER).body(), "state"));

            HttpCall reverted = HttpCall.send("DELETE", state, ADMIN, null);
            assertEquals(200, reverted.status(), reverted.body());
            assertEquals("enabled", field(reverted.body(), "state"));
            p.nextErr(WAIT);
            send(p.stdin(), event(2, "whoami"));
            assertEquals("0.6", field(p.nextOut(WAIT), "confidence"));

            // another process writes the state file: live here, and the next event obeys
            Ttp4jProcess.Result set = Ttp4jProcess.run(work, env, "", "state", "set", "R0002", "--state", "disabled",
                    "--reason", "false positives", "--by", "bob");
            assertEquals(0, set.exit(), set.err());
            assertTrue(p.nextErr(WAIT).startsWith("{\"kind\":\"state\",\"rule_id\":\"R0002\",\"state\":\"disabled\","));
            send(p.stdin(), event(3, "cat /etc/shadow") + event(4, "whoami"));
            assertEquals("cmd_4", field(p.nextOut(WAIT), "source_id"), "cmd_3 must not be tagged: R0002 is disabled");
            assertTrue(HttpCall.get(base + "/api/v1/ttp/rules", VIEWER).body()
                    .contains("\"rule_id\":\"R0002\",\"rule_version\":3,\"name\":\"test rule R0002\",\"description\":\"\","
                            + "\"state\":\"disabled\",\"confidence_max\":null,\"expires_at\":null,\"reason\":\"false positives\","
                            + "\"set_by\":\"bob\""));

            // metrics, read by Prometheus's own parser, moved with the events
            HttpCall scrape = HttpCall.get(base + "/metrics", null);
            assertEquals(200, scrape.status());
            assertTrue(scrape.contentType().startsWith("text/plain; version=0.0.4"), scrape.contentType());
            Map<String, Double> m = PrometheusText.parse(scrape.body());
            assertEquals(4.0, m.get("ttp4j_events_read_total{}"), scrape.body());
            assertEquals(0.0, m.get("ttp4j_events_bad_total{}"));
            assertEquals(3.0, m.get("ttp4j_tags_emitted_total{rule_id=\"R0001\",technique_id=\"T1033\"}"));
            assertEquals(0.0, m.get("ttp4j_tags_emitted_total{rule_id=\"R0002\",technique_id=\"T1003\"}"), "present at zero");
            assertEquals(3.0, m.get("ttp4j_rule_fires_total{rule_id=\"R0001\"}"));
            assertEquals(0.0, m.get("ttp4j_regex_bound_hits_total{rule_id=\"R0002\"}"));
            assertEquals(2.0, m.get("ttp4j_rules_loaded{}"));
            assertEquals(0.0, m.get("ttp4j_rules_invalid{}"));
            assertEquals(3.0, m.get("ttp4j_rule_changes_applied_total{kind=\"state\"}"));
            assertTrue(m.get("ttp4j_rules_last_reload_timestamp_seconds{}") > 1.7e9);
            assertTrue(m.keySet().stream().anyMatch(k -> k.matches("ttp4j_ruleset_info\\{sha256=\"[0-9a-f]{64}\"}")), m.keySet().toString());
            assertTrue(m.containsKey("ttp4j_evaluation_duration_seconds_count{}"), m.keySet().toString());

            HttpCall layer = HttpCall.get(base + "/api/v1/ttp/navigator", VIEWER);
            assertEquals(200, layer.status());
            assertTrue(layer.body().contains("\"domain\":\"enterprise-attack\""), layer.body());
            assertTrue(layer.body().contains("{\"techniqueID\":\"T1033\",\"tactic\":\"discovery\",\"score\":3,"), layer.body());
            assertTrue(!layer.body().contains("T1003"), "a disabled rule covers nothing: " + layer.body());

            p.terminate();
            p.finish();
        }

        // a restart keeps the state, from the state file beside the rules
        assertTrue(Files.readString(work.resolve("rules.state.json")).contains("\"R0002\": {\"state\": \"disabled\""));
        try (Ttp4jProcess p = Ttp4jProcess.start(work, env, "run", "--http", "127.0.0.1:0")) {
            String base = started(p);
            assertTrue(HttpCall.get(base + "/api/v1/ttp/rules", VIEWER).body().contains("\"rule_id\":\"R0002\",\"rule_version\":3,"
                    + "\"name\":\"test rule R0002\",\"description\":\"\",\"state\":\"disabled\""));
            Ttp4jProcess.Result history = Ttp4jProcess.run(work, env, "", "state", "history", "R0001");
            assertEquals(2, history.out().lines().count(), history.out() + history.err());
            p.terminate();
        }
    }

    private static void assertBad(HttpCall call, String reason) {
        assertEquals(400, call.status(), call.body());
        assertTrue(call.body().startsWith("{\"error\":\"") && call.body().contains(reason) && call.body().endsWith("\"}\n"),
                call.body());
    }

    @Test
    void withoutATokensFileOnlyLoopbackIsServed() throws Exception {
        Ttp4jProcess.Result open = Ttp4jProcess.run(work, Map.of("TTP4J_RULES_DIR", "rules"), "", "run", "--http", "0.0.0.0:0");
        assertEquals(2, open.exit(), open.err());
        assertTrue(open.err().startsWith("ttp4j run: refusing to serve HTTP on 0.0.0.0:0 without TTP4J_API_TOKENS_FILE:"), open.err());
        assertEquals(1, open.err().lines().count());
        Ttp4jProcess.Result typo = Ttp4jProcess.run(work, Map.of("TTP4J_RULES_DIR", "rules"), "", "run", "--http", "8750");
        assertEquals(2, typo.exit());
        Files.writeString(work.resolve("tokens"), "root secret\n");
        Ttp4jProcess.Result badTokens = Ttp4jProcess.run(work, env, "", "run", "--http", "127.0.0.1:0");
        assertEquals(2, badTokens.exit());
        assertTrue(badTokens.err().contains("tokens:1:1: unknown role 'root' (known: viewer, admin)"), badTokens.err());

        // loopback without tokens: everyone is an admin, set_by "api"
        try (Ttp4jProcess p = Ttp4jProcess.start(work, Map.of("TTP4J_RULES_DIR", "rules"), "watch", "--http", "127.0.0.1:0")) {
            String http = p.nextOut(WAIT);
            String base = http.replaceAll(".*\"url\":\"([^\"]+)\".*", "$1");
            assertEquals("{\"kind\":\"ready\",\"rules\":2}", p.nextOut(WAIT));
            HttpCall set = HttpCall.send("POST", base + "/api/v1/ttp/rules/R0001/state", null, "{\"state\":\"disabled\"}");
            assertEquals(200, set.status(), set.body());
            assertEquals("api", field(set.body(), "set_by"));
            assertTrue(p.nextOut(WAIT).startsWith("{\"kind\":\"state\",\"rule_id\":\"R0001\",\"state\":\"disabled\""));
            HttpCall page = HttpCall.get(base + "/", null);
            assertEquals(200, page.status());
            assertTrue(page.body().contains("<title>ttp4j console</title>") && !page.body().contains("http://")
                    && !page.body().contains("https://"), "one self-contained page, nothing fetched from elsewhere");
            p.terminate();
        }
    }
}
