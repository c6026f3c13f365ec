package org.ttp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our pack's stateful rules fire in {@code ttp4j tag} and {@code ttp4j run}, and hot-swap in {@code run}. */
class StatefulEndToEndTest {

    static final Path PACK = Path.of("../../rules/ttp").toAbsolutePath().normalize();
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path work;

    static String auth(String id, String user, String password, boolean success, long second) {
        return "{\"source_kind\":\"auth_attempt\",\"source_id\":\"" + id + "\",\"attacker_uuid\":\"att-1\","
                + "\"session_id\":\"s1\",\"decky_id\":\"decky-01\",\"payload\":{\"username\":\"" + user
                + "\",\"password\":\"" + password + "\",\"protocol\":\"ssh\",\"success\":" + success
                + ",\"observed_at\":\"" + T0.plusSeconds(second) + "\"}}\n";
    }

    @Test
    void tagFiresTheCredentialFamilyOnAGeneratedAuthStream() throws Exception {
        StringBuilder events = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            events.append(auth("a" + i, "oracle", "pw" + i, false, i * 5L));
        }
        events.append(auth("win", "oracle", "oracle", true, 70));
        Ttp4jProcess.Result r = Ttp4jProcess.run(work, Map.of(), events.toString(), "tag", "--rules", PACK.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().map(l -> l.replaceAll("\"created_at\":\"[^\"]*\"", "\"created_at\":\"*\""))
                .toList();
        assertEquals(List.of(
                "{\"uuid\":\"" + org.ttp4j.engine.TagUuid.of("auth_attempt", "a10", "T1110_001_brute_force", 2, "T1110",
                        "T1110.001") + "\",\"source_kind\":\"auth_attempt\",\"source_id\":\"a10\",\"attacker_uuid\":"
                        + "\"att-1\",\"identity_uuid\":null,\"session_id\":\"s1\",\"decky_id\":\"decky-01\",\"tactic\":"
                        + "\"TA0006\",\"technique_id\":\"T1110\",\"sub_technique_id\":\"T1110.001\",\"confidence\":0.8,"
                        + "\"rule_id\":\"T1110_001_brute_force\",\"rule_version\":2,\"evidence\":{\"group\":"
                        + "{\"attacker_uuid\":\"att-1\",\"username\":\"oracle\"},\"count\":10,\"first_event_id\":\"a1\","
                        + "\"last_event_id\":\"a10\"},\"attack_release\":\"v15.1\",\"mitre_url\":"
                        + "\"https://attack.mitre.org/techniques/T1110/001\",\"created_at\":\"*\"}"),
                lines.stream().filter(l -> l.contains("T1110_001_brute_force")).toList());
        assertEquals(List.of("win T1078", "win T1110"), lines.stream()
                .filter(l -> l.contains("\"rule_id\":\"T1078_valid_account_after_guessing\""))
                .map(l -> field(l, "source_id") + " " + field(l, "technique_id")).toList());
        // the other stateful rules stay quiet (one password per attempt, one decky, no session); the stateless pack
        // fires beside them on every attempt
        List<String> stateful = List.of("T1110_003_password_spraying", "T1110_004_credential_stuffing",
                "T1595_001_decky_sweep", "T1046_port_scan", "T1021_004_ssh_lateral_movement", "T1071_001_http_beaconing");
        assertEquals(List.of(), lines.stream().filter(l -> stateful.contains(field(l, "rule_id"))).toList());
        assertTrue(lines.size() > 3, r.out());
    }

    static String field(String json, String name) {
        String from = json.substring(json.indexOf("\"" + name + "\":\"") + name.length() + 4);
        return from.substring(0, from.indexOf('"'));
    }

    @Test
    void runFiresAndHotSwapsAStatefulRule() throws Exception {
        Path rules = Files.createDirectories(work.resolve("rules"));
        String yaml = Files.readString(PACK.resolve("T1110_001_brute_force.yaml"));
        Files.writeString(rules.resolve("T1110_001_brute_force.yaml"), yaml);
        try (Ttp4jProcess p = Ttp4jProcess.start(work, Map.of(), "run", "--rules", "rules")) {
            assertEquals("{\"kind\":\"ready\",\"rules\":1}", p.nextErr(Duration.ofSeconds(30)));
            OutputStream in = p.stdin();
            for (int i = 1; i <= 6; i++) {
                in.write(auth("a" + i, "root", "x", false, i).getBytes(StandardCharsets.UTF_8));
            }
            in.flush();
            save(rules, yaml.replace("min_count: 10", "min_count: 7"));
            String definition = p.nextErr(Duration.ofSeconds(30));
            assertTrue(definition.startsWith("{\"kind\":\"definition\",\"rule_id\":\"T1110_001_brute_force\""),
                    definition);
            in.write(auth("a7", "root", "x", false, 7).getBytes(StandardCharsets.UTF_8));
            in.flush();
            String tag = p.nextOut(Duration.ofSeconds(30));
            assertEquals("a7", field(tag, "source_id"), tag);
            assertTrue(tag.contains("\"count\":7,\"first_event_id\":\"a1\",\"last_event_id\":\"a7\""), tag);

            save(rules, yaml.replace("window: 5m", "window: 10m"));
            assertTrue(p.nextErr(Duration.ofSeconds(30)).startsWith("{\"kind\":\"definition\""));
            assertEquals("{\"kind\":\"window_reset\",\"rule_id\":\"T1110_001_brute_force\",\"groups\":1}",
                    p.nextErr(Duration.ofSeconds(30)));
            Ttp4jProcess.Result end = p.finish();
            assertEquals(0, end.exit(), end.err());
            assertEquals("", end.out());
        }
    }

    static void save(Path dir, String content) throws Exception {
        Path tmp = dir.resolve(".T1110_001_brute_force.yaml.swp");
        Files.writeString(tmp, content);
        Files.move(tmp, dir.resolve("T1110_001_brute_force.yaml"), StandardCopyOption.ATOMIC_MOVE);
    }
}
