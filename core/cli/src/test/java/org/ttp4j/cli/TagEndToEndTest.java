package org.ttp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ttp4j tag} run as a real command: exact tags out, bad lines reported and skipped (docs/engine.md §2, docs/cli.md §4). */
class TagEndToEndTest {

    @TempDir
    Path work;

    static final String EVENTS = """
            {"source_kind":"command","source_id":"cmd_1","attacker_uuid":"a1","session_id":"s1","decky_id":"d1","payload":{"command_text":"ls -la","uid":0}}
            {"source_kind":"command","source_id":"cmd_2","attacker_uuid":"a1","session_id":"s1","decky_id":"d1","payload":{"command_text":"whoami; cat /etc/shadow","user":"root","src":"10.0.0.5"}}
            {"source_kind":"command","source_id":"cmd_3","attacker_uuid":"a1","payload":{"command_text":"whoa
            {"source_kind":"command","source_id":"cmd_4","session_id":"s1","payload":{"command_text":"whoami"}}

            {"source_kind":"command","source_id":"cmd_5","identity_uuid":"i9","payload":{"command_text":"sudo whoami","pwd":"/root"}}
            {"source_kind":"http_request","source_id":"req_1","attacker_uuid":"a2","payload":{"raw_url":"/whoami"}}
            """;

    static final String TAGS = """
            {"uuid":"8e4bdfe5-4398-52ac-ad4b-ccbca81a6253","source_kind":"command","source_id":"cmd_2","attacker_uuid":"a1","identity_uuid":null,"session_id":"s1","decky_id":"d1","tactic":"TA0007","technique_id":"T1033","sub_technique_id":null,"confidence":0.6,"rule_id":"R0100","rule_version":2,"evidence":{"command_text":"whoami; cat /etc/shadow","user":"root","src":"10.0.0.5"},"attack_release":"v15.1","mitre_url":"https://attack.mitre.org/techniques/T1033","created_at":"*"}
            {"uuid":"e06b9029-674c-55e4-a2c4-f46dbead1eb4","source_kind":"command","source_id":"cmd_2","attacker_uuid":"a1","identity_uuid":null,"session_id":"s1","decky_id":"d1","tactic":"TA0006","technique_id":"T1003","sub_technique_id":"T1003.008","confidence":0.9,"rule_id":"R0101","rule_version":1,"evidence":{"user":"root","src":"10.0.0.5"},"attack_release":"v15.1","mitre_url":"https://attack.mitre.org/techniques/T1003/008","created_at":"*"}
            {"uuid":"4d97a867-e1fd-5a28-bbd3-1ebdb640e0ba","source_kind":"command","source_id":"cmd_2","attacker_uuid":"a1","identity_uuid":null,"session_id":"s1","decky_id":"d1","tactic":"TA0006","technique_id":"T1552","sub_technique_id":null,"confidence":0.5,"rule_id":"R0101","rule_version":1,"evidence":{"user":"root","src":"10.0.0.5"},"attack_release":"v15.1","mitre_url":"https://attack.mitre.org/techniques/T1552","created_at":"*"}
            {"uuid":"a8c54e42-9aa9-54a3-b03b-2b6180bbfeea","source_kind":"command","source_id":"cmd_5","attacker_uuid":null,"identity_uuid":"i9","session_id":null,"decky_id":null,"tactic":"TA0007","technique_id":"T1033","sub_technique_id":null,"confidence":0.6,"rule_id":"R0100","rule_version":2,"evidence":{"command_text":"sudo whoami","pwd":"/root"},"attack_release":"v15.1","mitre_url":"https://attack.mitre.org/techniques/T1033","created_at":"*"}
            """;

    @BeforeEach
    void writeRules() throws Exception {
        Path rules = Files.createDirectories(work.resolve("rules"));
        Files.writeString(rules.resolve("R0100.yaml"), RuleTexts.commandRule("R0100", 2, "\\bwhoami\\b", "T1033", "TA0007", 0.6)
                + "evidence_fields: [command_text]\n");
        Files.writeString(rules.resolve("R0101.yaml"), """
                rule_id: R0101
                rule_version: 1
                name: shadow read
                applies_to: [command]
                match:
                  pattern: 'cat\\s+/etc/shadow'
                emits:
                  - technique_id: T1003
                    sub_technique_id: T1003.008
                    tactic: TA0006
                    confidence: 0.9
                  - technique_id: T1552
                    tactic: TA0006
                    confidence: 0.5
                """);
        Files.writeString(work.resolve("events.jsonl"), EVENTS);
    }

    /** {@code created_at} is the time of tagging: checked for shape, then blanked. */
    static String withoutTimes(String tags) {
        String iso = "\"created_at\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z\"";
        tags.lines().forEach(l -> assertTrue(l.matches(".*" + iso + "}$"), l));
        return tags.replaceAll(iso, "\"created_at\":\"*\"");
    }

    @Test
    void tagsAFileExactlyAndReportsEachBadLineByNumber() throws Exception {
        Ttp4jProcess.Result r = Ttp4jProcess.run(work, "tag", "--rules", "rules", "--events", "events.jsonl");
        assertEquals(TAGS, withoutTimes(r.out()));
        assertEquals("""
                events.jsonl:3: malformed JSON at column %d: the line ends inside a string
                events.jsonl:4: event command/cmd_4 has neither attacker_uuid nor identity_uuid (at least one is required)
                """.formatted(EVENTS.lines().skip(2).findFirst().orElseThrow().length() + 1), r.err()); // one line each
        assertEquals(1, r.exit());
    }

    /**
     * The compiled-rule cache (docs/cli.md §12): cold and warm runs print exactly what an uncached run prints, the
     * warnings of a rule read from its entry included; one entry per file and bytes; an edited file is compiled
     * again; damaged entries are compiled again; another build's directory is removed.
     */
    @Test
    void theRuleCacheChangesNothingButTheWork() throws Exception {
        Path rules = work.resolve("rules");
        Files.writeString(rules.resolve("R0102.yaml"), RuleTexts.commandRule("R0102", 1, "(?i)\\bnc\\s+-e\\b", "T1059",
                "TA0002", 0.7) + "owner: soc\n");
        Files.writeString(work.resolve("events.jsonl"), EVENTS + """
                {"source_kind":"command","source_id":"cmd_6","attacker_uuid":"a3","payload":{"command_text":"NC -e /bin/sh x"}}
                """);
        Path cache = work.resolve("compiled");
        Path otherBuild = Files.createDirectories(cache.resolve("ttp4j-build-" + "0".repeat(64)).resolve("old"));
        Map<String, String> cached = Map.of("TTP4J_RULE_CACHE", cache.toString());
        String[] args = {"tag", "--rules", "rules", "--events", "events.jsonl"};
        Ttp4jProcess.Result expected = Ttp4jProcess.run(work, Map.of("TTP4J_RULE_CACHE", "off"), "", args);
        assertTrue(expected.err().contains("warning: rules/R0102.yaml:11:1: owner: unknown key, ignored"), expected.err());
        assertTrue(expected.out().contains("\"rule_id\":\"R0102\""), expected.out());
        Map<Path, Object> written = Map.of();
        for (String pass : List.of("cold", "warm")) {
            Ttp4jProcess.Result r = Ttp4jProcess.run(work, cached, "", args);
            assertEquals(withoutTimes(expected.out()), withoutTimes(r.out()), pass);
            assertEquals(expected.err(), r.err(), pass);
            assertEquals(expected.exit(), r.exit(), pass);
            if (pass.equals("cold")) {
                written = fileKeys(cache);
            }
        }
        // a rewritten entry would be a new file (written aside, then renamed over the old one, still alive then)
        assertEquals(written, fileKeys(cache), "the warm run read the entries and wrote none");
        Map<Path, Long> sizes = new java.util.HashMap<>();
        for (Path e : entries(cache)) {
            sizes.put(e, Files.size(e));
        }
        assertFalse(Files.exists(otherBuild.getParent()), "another build's entries are removed");
        assertEquals(3, entries(cache).size(), "one entry per file and bytes");

        Files.writeString(rules.resolve("R0102.yaml"), RuleTexts.commandRule("R0102", 2, "\\bsocat\\b", "T1059",
                "TA0002", 0.7));
        Ttp4jProcess.Result edited = Ttp4jProcess.run(work, Map.of("TTP4J_RULE_CACHE", "off"), "", args);
        assertFalse(edited.out().contains("\"rule_id\":\"R0102\""), edited.out());
        Ttp4jProcess.Result fromCache = Ttp4jProcess.run(work, cached, "", args);
        assertEquals(withoutTimes(edited.out()), withoutTimes(fromCache.out()), "the edited file is compiled again");
        assertEquals(edited.err(), fromCache.err());
        assertEquals(4, entries(cache).size());

        for (Path e : entries(cache)) {
            byte[] bytes = Files.readAllBytes(e);
            Files.write(e, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // cut short
        }
        Ttp4jProcess.Result damaged = Ttp4jProcess.run(work, cached, "", args);
        assertEquals(withoutTimes(edited.out()), withoutTimes(damaged.out()), "damaged entries are compiled again");
        assertEquals(edited.err(), damaged.err());
        long whole = 0;
        for (Path e : entries(cache)) {
            if (sizes.containsKey(e) && Files.size(e) == sizes.get(e)) {
                whole++;
            }
        }
        assertEquals(2, whole, "and kept again, whole (R0100 and R0101; R0102's first version stays cut)");
    }

    /** Each entry's file key (its inode). */
    private static Map<Path, Object> fileKeys(Path cache) throws java.io.IOException {
        Map<Path, Object> keys = new java.util.TreeMap<>();
        for (Path e : entries(cache)) {
            keys.put(e, Files.readAttributes(e, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
        }
        return keys;
    }

    private static List<Path> entries(Path cache) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(cache)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void readsStdinAndExitsZeroWhenEveryLineIsAnEvent() throws Exception {
        String good = EVENTS.lines().filter(l -> !l.contains("cmd_3") && !l.contains("cmd_4"))
                .reduce("", (a, b) -> a + b + "\n");
        Ttp4jProcess.Result r = Ttp4jProcess.run(work, Map.of(), good, "tag", "--rules", "rules");
        assertEquals(TAGS, withoutTimes(r.out()));
        assertEquals("", r.err());
        assertEquals(0, r.exit());

        Ttp4jProcess.Result dash = Ttp4jProcess.run(work, Map.of(), good, "tag", "--rules", "rules", "--events", "-");
        assertEquals(TAGS, withoutTimes(dash.out()));
    }

    @Test
    void anInvalidRuleIsReportedAndSkippedUnlessStrict() throws Exception {
        Files.writeString(work.resolve("rules/R0102.yaml"), "rule_id: R0102\nrule_version: 0\n");
        Ttp4jProcess.Result r = Ttp4jProcess.run(work, "tag", "--rules", "rules", "--events", "events.jsonl");
        assertEquals(TAGS, withoutTimes(r.out()));
        assertTrue(r.err().startsWith("rules/R0102.yaml:"), r.err());

        Ttp4jProcess.Result strict = Ttp4jProcess.run(work, "tag", "--strict", "--rules", "rules", "--events", "events.jsonl");
        assertEquals("", strict.out());
        assertEquals(1, strict.exit());
        assertTrue(strict.err().lines().anyMatch(l -> l.startsWith("ttp4j tag: ") && l.contains("strict")), strict.err());
    }

    @Test
    void strictMeansWhatValidateStrictMeans() throws Exception {
        Files.writeString(work.resolve("rules/R0102.yaml"), RuleTexts.commandRule("R0102", 1, "id", "T1033", "TA0007", 0.5)
                + "owner: alice\n"); // an unknown key: a warning
        assertEquals(1, Ttp4jProcess.run(work, "validate", "--strict", "rules").exit());
        Ttp4jProcess.Result warned = Ttp4jProcess.run(work, "tag", "--strict", "--rules", "rules", "--events", "events.jsonl");
        assertEquals(1, warned.exit(), warned.err());
        assertEquals("", warned.out());
        String last = warned.err().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("ttp4j tag: 1 problem(s) in the rules of rules (--strict, as validate --strict);"
                + " first: warning: rules/R0102.yaml:"), warned.err());
        Files.writeString(work.resolve("rules/R0102.yaml"), RuleTexts.commandRule("R0102", 1, "id", "T1033", "TA0007", 0.5));
        Files.writeString(work.resolve("rules/R0103.yaml"), RuleTexts.commandRule("R0102", 2, "id", "T1033", "TA0007", 0.5));
        assertEquals(1, Ttp4jProcess.run(work, "validate", "--strict", "rules").exit());
        Ttp4jProcess.Result dup = Ttp4jProcess.run(work, "tag", "--strict", "--rules", "rules", "--events", "events.jsonl");
        assertEquals(1, dup.exit(), dup.err());
        assertTrue(dup.err().contains("R0103.yaml:1:1: rule_id: rule id R0102 is also defined by"), dup.err());
        Files.delete(work.resolve("rules/R0103.yaml"));
        Files.createFile(work.resolve("rules/R0104.yaml"));
        assertEquals(1, Ttp4jProcess.run(work, "validate", "--strict", "rules").exit());
        assertEquals(1, Ttp4jProcess.run(work, "tag", "--strict", "--rules", "rules", "--events", "events.jsonl").exit());
    }

    @Test
    void theOperatorsStatesApply() throws Exception {
        Map<String, String> env = Map.of("TTP4J_RULES_DIR", "rules"); // its state file: rules.state.json beside it
        assertEquals(0, Ttp4jProcess.run(work, env, "", "state", "set", "R0101", "--state", "disabled").exit());
        assertEquals(0, Ttp4jProcess.run(work, env, "", "state", "set", "R0100", "--state", "clipped",
                "--confidence-max", "0.25", "--ttl", "2h").exit());
        Ttp4jProcess.Result r = Ttp4jProcess.run(work, "tag", "--rules", "rules", "--events", "events.jsonl");
        String expected = TAGS.lines().filter(l -> !l.contains("\"rule_id\":\"R0101\""))
                .map(l -> l.replace("\"confidence\":0.6,", "\"confidence\":0.25,")).map(l -> l + "\n")
                .reduce("", String::concat);
        assertEquals(2, expected.lines().filter(l -> l.contains("\"confidence\":0.25,")).count());
        assertEquals(expected, withoutTimes(r.out()));

        Files.writeString(work.resolve("rules.state.json"), "{\"R0101\": ");
        Ttp4jProcess.Result bad = Ttp4jProcess.run(work, "tag", "--rules", "rules", "--events", "events.jsonl");
        assertEquals(1, bad.exit());
        assertEquals("", bad.out());
        assertEquals(1, bad.err().lines().count(), bad.err());
        assertTrue(bad.err().startsWith("ttp4j tag: ") && bad.err().contains("rules.state.json"), bad.err());
    }

    @Test
    void usageErrors() throws Exception {
        Ttp4jProcess.Result noRules = Ttp4jProcess.run(work, "tag", "--events", "events.jsonl");
        assertEquals(2, noRules.exit());
        assertEquals("ttp4j tag: Missing required option: '--rules=DIR' (see 'ttp4j tag --help')\n", noRules.err());

        Ttp4jProcess.Result noFile = Ttp4jProcess.run(work, "tag", "--rules", "rules", "--events", "nope.jsonl");
        assertEquals(2, noFile.exit());
        assertEquals("ttp4j tag: no such events file: nope.jsonl (see 'ttp4j tag --help')\n", noFile.err());
    }
}
