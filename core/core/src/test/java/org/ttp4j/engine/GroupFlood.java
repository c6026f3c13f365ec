package org.ttp4j.engine;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ttp4j.rule.CompileResult;
import org.ttp4j.rule.RuleCompiler;

/**
 * Run in a child JVM with a small heap by {@link StatefulMemoryTest}: ARGS[1] distinct attackers, each failing once,
 * through the pack's brute-force rule, then as many distinct credential pairs from one attacker through stuffing.
 * Prints {@code groups evictions} for the first rule.
 */
public final class GroupFlood {
    private GroupFlood() {}

    public static void main(String[] args) {
        RuleCompiler compiler = new RuleCompiler();
        Path pack = Path.of(args[0]);
        int events = Integer.parseInt(args[1]);
        StatefulRules rules = new StatefulRules();
        rules.replaceAll(List.of(
                ((CompileResult.Compiled) compiler.compile(pack.resolve("T1110_001_brute_force.yaml"))).rule(),
                ((CompileResult.Compiled) compiler.compile(pack.resolve("T1110_004_credential_stuffing.yaml"))).rule()));
        for (int i = 0; i < events; i++) {
            Map<String, Object> payload = new HashMap<>();
            payload.put("username", "root");
            payload.put("password", "pw" + i);
            payload.put("success", false);
            rules.evaluate(new Event("auth_attempt", "e" + i, "attacker-" + i, null, null, null, payload));
        }
        int stuffingTags = 0;
        for (int i = 0; i < events; i++) {
            Map<String, Object> payload = new HashMap<>();
            payload.put("username", "user" + i);
            payload.put("password", "pw" + i);
            stuffingTags += rules.evaluate(new Event("auth_attempt", "s" + i, "one-attacker", null, null, null,
                    payload)).size();
        }
        System.out.println(rules.groups("T1110_001_brute_force") + " " + rules.evictions("T1110_001_brute_force") + " " + stuffingTags);
    }
}
