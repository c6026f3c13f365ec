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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ttp4j run} and {@code ttp4j watch} as real long-running commands on a real rules directory: the
 * ready line, one change line per edit as it happens (docs/cli.md §3), hot reload that later events see, and a
 * clean stop on SIGTERM.
 */
@Timeout(120)
class LiveEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;
    Path rules;

    @BeforeEach
    void writeRules() throws Exception {
        rules = Files.createDirectories(work.resolve("rules"));
        RuleTexts.save(rules, "R0001.yaml", RuleTexts.commandRule("R0001", 1, "\\bwhoami\\b", "T1033", "TA0007", 0.6));
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
        var m = java.util.regex.Pattern.compile("\"" + name + "\":\"?([^\",}]*)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return m.group(1);
    }

    @Test
    void runFiresARuleAddedMidStreamOnLaterEventsAndLogsTheChange() throws Exception {
        try (Ttp4jProcess p = Ttp4jProcess.start(work, Map.of(), "run", "--rules", "rules")) {
            assertEquals("{\"kind\":\"ready\",\"rules\":1}", p.nextErr(WAIT));
            OutputStream in = p.stdin();

            send(in, event(1, "cat /etc/shadow"));
            send(in, event(2, "whoami"));
            String tag = p.nextOut(WAIT);
            assertNotNull(tag, "no tag for cmd_2");
            assertEquals("cmd_2", field(tag, "source_id"));
            assertEquals("R0001", field(tag, "rule_id"));

            RuleTexts.save(rules, "R0002.yaml", RuleTexts.commandRule("R0002", 1, "cat\\s+/etc/shadow", "T1003", "TA0006", 0.9));
            assertEquals("{\"kind\":\"definition\",\"rule_id\":\"R0002\",\"rule_version\":1,\"path\":\"rules/R0002.yaml\"}",
                    p.nextErr(WAIT));

            send(in, event(3, "cat /etc/shadow"));
            tag = p.nextOut(WAIT);
            assertNotNull(tag, "no tag for cmd_3 after the rule was added");
            assertEquals("cmd_3", field(tag, "source_id"));
            assertEquals("R0002", field(tag, "rule_id"));
            assertEquals("T1003", field(tag, "technique_id"));

            // A bad edit keeps the last good rule live and is reported, once.
            Files.writeString(rules.resolve("R0002.yaml"), "rule_id: R0002\nrule_version: [\n");
            String problem = p.nextErr(WAIT);
            assertNotNull(problem);
            assertTrue(problem.startsWith("{\"kind\":\"problem\",\"line\":\"rules/R0002.yaml:"), problem);
            send(in, event(4, "cat /etc/shadow"));
            assertEquals("cmd_4", field(p.nextOut(WAIT), "source_id"));

            Files.delete(rules.resolve("R0002.yaml"));
            assertEquals("{\"kind\":\"removed\",\"rule_id\":\"R0002\"}", p.nextErr(WAIT));
            send(in, event(5, "cat /etc/shadow"));
            send(in, "not json\n");
            assertEquals("{\"kind\":\"bad_event\",\"input\":\"<stdin>\",\"line\":6,\"message\":"
                    + "\"malformed JSON at column 1: expected a value, found 'not'\"}", p.nextErr(WAIT));
            send(in, event(7, "whoami"));
            assertEquals("cmd_7", field(p.nextOut(WAIT), "source_id"), "cmd_5 must not be tagged once R0002 is gone");

            Ttp4jProcess.Result end = p.finish();
            assertEquals(1, end.exit(), "a bad line makes the exit status 1");
            assertEquals("", end.out());
            assertEquals("", end.err());
        }
    }

    @Test
    void runExitsZeroAtTheEndOfAGoodInputAndStopsCleanlyOnSigterm() throws Exception {
        Ttp4jProcess.Result r = Ttp4jProcess.run(work, Map.of(), event(1, "whoami") + event(2, "ls"), "run", "--rules", "rules");
        assertEquals(0, r.exit(), r.err());
        assertEquals(1, r.out().lines().count());
        assertEquals("{\"kind\":\"ready\",\"rules\":1}\n", r.err());

        try (Ttp4jProcess p = Ttp4jProcess.start(work, Map.of("TTP4J_RULES_DIR", "rules"), "run")) {
            assertEquals("{\"kind\":\"ready\",\"rules\":1}", p.nextErr(WAIT));
            send(p.stdin(), event(1, "whoami"));
            assertEquals("cmd_1", field(p.nextOut(WAIT), "source_id"));
            p.terminate();
            Ttp4jProcess.Result end = p.awaitExit(); // stdin stays open: the signal alone ends it
            assertEquals(143, end.exit(), "SIGTERM: 128 + 15 after the shutdown hook ran");
            assertEquals("", end.err(), "no stack trace, no noise on SIGTERM");
        }
    }

    @Test
    void runReportsARuleItsBudgetStoppedAsABoundHitLineAndTagsAPaddedAttack() throws Exception {
        String padded = event(1, " ".repeat(70_000) + "whoami"); // past the old 64 Ki cut, within the budget
        // each w may start a match (docs/engine.md §8) and \b reads a char at each of the 1.1 M: past 1 M reads
        String flood = event(2, "w".repeat(1_100_000) + " whoami");
        Ttp4jProcess.Result r = Ttp4jProcess.run(work, Map.of(), padded + flood + event(3, "whoami"), "run", "--rules", "rules");
        assertEquals(0, r.exit(), r.err());
        assertEquals(java.util.List.of("cmd_1", "cmd_3"), r.out().lines().map(l -> field(l, "source_id")).toList());
        assertEquals("{\"kind\":\"ready\",\"rules\":1}\n"
                + "{\"kind\":\"bound_hit\",\"rule_id\":\"R0001\",\"source_kind\":\"command\",\"source_id\":\"cmd_2\","
                + "\"bound\":\"1000000 char reads\",\"suppressed\":0}\n", r.err());
    }

    @Test
    void runStrictStopsOnWhatValidateStrictRejects() throws Exception {
        RuleTexts.save(rules, "R0002.yaml", RuleTexts.commandRule("R0001", 2, "id", "T1033", "TA0007", 0.5));
        Ttp4jProcess.Result dup = Ttp4jProcess.run(work, Map.of(), "", "run", "--strict", "--rules", "rules");
        assertEquals(1, dup.exit(), dup.err());
        String last = dup.err().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("ttp4j run: ") && last.contains("R0002.yaml:1:1: rule_id: rule id R0001 is also"
                + " defined by "), dup.err());
        assertTrue(!dup.err().contains("\"kind\":\"ready\""), "no start: " + dup.err());
        assertEquals(1, Ttp4jProcess.run(work, Map.of(), "", "validate", "--strict", "rules").exit());
        Files.delete(rules.resolve("R0002.yaml"));
        Files.createFile(rules.resolve("R0003.yaml"));
        Ttp4jProcess.Result empty = Ttp4jProcess.run(work, Map.of(), "", "run", "--strict", "--rules", "rules");
        assertEquals(1, empty.exit(), empty.err());
        assertTrue(empty.err().contains("R0003.yaml:1:1: -: the file holds no YAML document"), empty.err());
        assertEquals(1, Ttp4jProcess.run(work, Map.of(), "", "validate", "--strict", "rules").exit());
        Ttp4jProcess.Result tolerant = Ttp4jProcess.run(work, Map.of(), "", "run", "--rules", "rules");
        assertEquals(0, tolerant.exit(), tolerant.err());
        assertTrue(tolerant.err().endsWith("{\"kind\":\"ready\",\"rules\":1}\n"), tolerant.err());
    }

    @Test
    void watchPrintsEachChangeAsItHappens() throws Exception {
        Files.writeString(rules.resolve("notes.txt"), "ignored");
        try (Ttp4jProcess p = Ttp4jProcess.start(work, Map.of(), "watch", "rules")) {
            assertEquals("{\"kind\":\"ready\",\"rules\":1}", p.nextOut(WAIT));

            RuleTexts.save(rules, "R0002.yaml", RuleTexts.commandRule("R0002", 1, "id", "T1033", "TA0007", 0.5));
            assertEquals("{\"kind\":\"definition\",\"rule_id\":\"R0002\",\"rule_version\":1,\"path\":\"rules/R0002.yaml\"}",
                    p.nextOut(WAIT));

            RuleTexts.save(rules, "R0002.yaml", RuleTexts.commandRule("R0002", 2, "id", "T1033", "TA0007", 0.5));
            assertEquals("{\"kind\":\"definition\",\"rule_id\":\"R0002\",\"rule_version\":2,\"path\":\"rules/R0002.yaml\"}",
                    p.nextOut(WAIT));

            // Editor noise: no line at all.
            Files.writeString(rules.resolve(".R0002.yaml.swp"), "x");
            Files.writeString(rules.resolve("4913"), "");
            Files.delete(rules.resolve("4913"));

            Files.writeString(rules.resolve("R0003.yaml"), "rule_id: [\n");
            assertEquals("{\"kind\":\"problem\",\"line\":\"rules/R0003.yaml:2:1: -: invalid YAML: expected the node"
                    + " content, but found '<stream end>' (while parsing a flow node)\"}", p.nextOut(WAIT));

            Files.delete(rules.resolve("R0001.yaml"));
            assertEquals("{\"kind\":\"removed\",\"rule_id\":\"R0001\"}", p.nextOut(WAIT));

            p.terminate();
            Ttp4jProcess.Result end = p.finish();
            assertEquals("", end.out(), "nothing else was printed");
            assertEquals("", end.err());
        }
    }

    @Test
    void watchStartupProblemsComeBeforeTheReadyLine() throws Exception {
        Files.writeString(rules.resolve("R0009.yaml"), "rule_id: R0009\nrule_version: 1\n");
        try (Ttp4jProcess p = Ttp4jProcess.start(work, Map.of(), "watch", "--rules", "rules")) {
            String first = p.nextOut(WAIT);
            assertNotNull(first);
            assertTrue(first.startsWith("{\"kind\":\"problem\",\"line\":\"rules/R0009.yaml:"), first);
            String line;
            while ((line = p.nextOut(WAIT)) != null && line.startsWith("{\"kind\":\"problem\"")) {
                // every missing field is its own problem line
            }
            assertEquals("{\"kind\":\"ready\",\"rules\":1}", line);
            p.terminate();
        }
    }

    @Test
    void anUnknownStoreTypeIsOneLineAndExitOne() throws Exception {
        Ttp4jProcess.Result r = Ttp4jProcess.run(work, Map.of("DECNET_TTP_RULE_STORE_TYPE", "redis"), "", "watch");
        assertEquals(1, r.exit());
        assertEquals("ttp4j watch: DECNET_TTP_RULE_STORE_TYPE='redis' is not a rule store type (known: filesystem,"
                + " database)\n", r.err());
    }

    @Test
    void aMissingRulesDirectoryIsAUsageErrorNotAnEmptyStore() throws Exception {
        Ttp4jProcess.Result run = Ttp4jProcess.run(work, Map.of(), "", "run", "--rules", "rulez");
        assertEquals(2, run.exit(), run.err());
        assertEquals("ttp4j run: no such rules directory: rulez (see 'ttp4j run --help')\n", run.err());
        Ttp4jProcess.Result byDefault = Ttp4jProcess.run(work, Map.of(), "", "watch"); // rules/ttp is not in work
        assertEquals(2, byDefault.exit(), byDefault.err());
        assertEquals("ttp4j watch: no such rules directory: rules/ttp (see 'ttp4j watch --help')\n", byDefault.err());
        assertEquals(2, Ttp4jProcess.run(work, Map.of("TTP4J_RULES_DIR", "gone"), "", "watch").exit());
        assertEquals(2, Ttp4jProcess.run(work, Map.of(), "", "watch", "gone").exit());
    }
}
