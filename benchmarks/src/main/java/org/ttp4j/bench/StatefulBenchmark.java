package org.ttp4j.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.ttp4j.engine.Event;
import org.ttp4j.engine.RuleEngine;
import org.ttp4j.engine.StatefulOptions;
import org.ttp4j.engine.StatefulRules;
import org.ttp4j.engine.Tag;
import org.ttp4j.index.RuleIndex;
import org.ttp4j.jsonl.EventReader;
import org.ttp4j.jsonl.EventWriter;
import org.ttp4j.jsonl.TagWriter;
import org.ttp4j.rule.CompiledRule;

/**
 * Stateful rules (docs/stateful.md), one thread, ops are events:
 * <ul>
 *   <li>{@code stateful20Rules100kGroups}: auth attempts from 100,000 attackers through 20 generated stateful rules
 *       (counts, distinct counts, sequences, beaconing), each holding 100,000 live groups; its anchor
 *       {@code statelessPackSameEvents} is our pack's stateless engine on the same events. Setup prints the heap
 *       the groups take, per group.
 *   <li>{@code runMixedBoth} / {@code runMixedStatelessOnly}: what {@code ttp4j run} does per event (JSON in,
 *       both engines, JSON out) on a stream of commands, URLs and auth attempts with our whole pack, beside the same
 *       pipeline with the stateless engine only.
 *   <li>{@code quietCommandBoth}: a command no rule matches, through both engines (-prof gc: 0 B/op).
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class StatefulBenchmark {

    static final int GROUPS = 100_000;
    static final int EVENTS = 8192;

    static Event auth(Random r, int attacker, int k) {
        Map<String, Object> p = new HashMap<>();
        p.put("username", "user" + r.nextInt(20));
        p.put("password", "pw" + r.nextInt(50));
        p.put("protocol", "ssh");
        p.put("src", "203.0.113." + (attacker % 250));
        p.put("success", r.nextInt(20) == 0);
        return new Event("auth_attempt", "auth_" + k, "attacker-" + attacker, null, null, "decky-0" + (k % 7), p);
    }

    static List<CompiledRule> twentyRules() {
        List<CompiledRule> rules = new ArrayList<>();
        String[] conditions = {
            "  where: {success: false}\n  group_by: [attacker_uuid]\n  min_count: %d\n  window: 1h\n",
            "  group_by: [attacker_uuid]\n  distinct: password\n  min_distinct: %d\n  window: 1h\n",
            "  group_by: [attacker_uuid]\n  distinct: [username, password]\n  min_distinct: %d\n  window: 1h\n",
            "  where: {success: false}\n  group_by: [attacker_uuid]\n  min_count: %d\n  window: 1h\n"
                + "  then: {where: {success: true}}\n",
            "  group_by: [attacker_uuid]\n  window: 1h\n  min_events: %d\n  max_jitter_pct: 10\n",
        };
        for (int i = 0; i < 20; i++) {
            String match = String.format(conditions[i % conditions.length], 5 + i);
            rules.add(RulePacks.compile("S" + i, "rule_id: S" + i + "\nrule_version: 1\nname: s\napplies_to: [auth_attempt]\n"
                    + "match:\n" + match + "emits: [{technique_id: T1110, tactic: TA0006, confidence: 0.5}]\n"));
        }
        return rules;
    }

    /** Our pack through both engines, a mixed JSON stream, a quiet command. */
    @State(Scope.Benchmark)
    public static class Pack {
        RuleEngine packEngine;
        StatefulRules packStateful;
        byte[] mixedJson;
        Event quiet;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            Random r = new Random(13);
            List<CompiledRule> pack = RulePacks.directory(Path.of(System.getProperty("ttp4j.rules", "rules/ttp")));
            RuleIndex index = new RuleIndex(RuleIndex.engineOwned());
            index.replaceAll(pack);
            packEngine = new RuleEngine(index);
            packStateful = new StatefulRules(StatefulOptions.DEFAULTS.withMaxGroupsPerRule(GROUPS * 2));
            packStateful.replaceAll(pack);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            List<Event> mixed = BenchEvents.mixed(EVENTS, 7);
            try (EventWriter w = new EventWriter(out)) {
                for (int k = 0; k < mixed.size(); k++) {
                    w.write(k % 5 == 0 ? auth(r, r.nextInt(1000), k) : mixed.get(k));
                }
            }
            mixedJson = out.toByteArray();
            quiet = BenchEvents.command(BenchEvents.QUIET_COMMAND, 1);
        }
    }

    /** 20 stateful rules holding 100,000 live groups each, and auth attempts from those attackers. */
    @State(Scope.Benchmark)
    public static class Groups {
        StatefulRules twenty;
        Event[] auth;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
        Random r = new Random(11);
        long before = usedHeap();
        twenty = new StatefulRules(StatefulOptions.DEFAULTS.withMaxGroupsPerRule(GROUPS * 2));
        twenty.replaceAll(twentyRules());
        for (int a = 0; a < GROUPS; a++) {
            twenty.evaluate(auth(r, a, a));
        }
        long after = usedHeap();
        long groups = 0;
        for (String id : twenty.ruleIds()) {
            groups += twenty.groups(id);
        }
        System.out.printf("%nstateful: %d live groups over 20 rules, %.0f bytes per group (heap after - before)%n",
                groups, (double) (after - before) / groups);
        auth = new Event[EVENTS];
        for (int k = 0; k < EVENTS; k++) {
            auth[k] = auth(r, r.nextInt(GROUPS), GROUPS + k);
        }
        }
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void stateful20Rules100kGroups(Groups g, Blackhole bh) {
        for (Event e : g.auth) {
            bh.consume(g.twenty.evaluate(e));
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void statelessPackSameEvents(Groups g, Pack p, Blackhole bh) {
        for (Event e : g.auth) {
            bh.consume(p.packEngine.evaluate(e));
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public int runMixedBoth(Pack p) throws Exception {
        return pipeline(p, true);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public int runMixedStatelessOnly(Pack p) throws Exception {
        return pipeline(p, false);
    }

    @Benchmark
    public int quietCommandBoth(Pack p) {
        List<Tag> none = List.of();
        return p.packEngine.evaluateInto(p.quiet, none) + p.packStateful.evaluateInto(p.quiet, none);
    }

    private static int pipeline(Pack p, boolean stateful) throws Exception {
        int tags = 0;
        List<Tag> buffer = new ArrayList<>();
        try (EventReader in = new EventReader(new ByteArrayInputStream(p.mixedJson));
             TagWriter out = new TagWriter(OutputStream.nullOutputStream())) {
            Event e;
            while ((e = in.next()) != null) {
                p.packEngine.evaluateInto(e, buffer);
                if (stateful) {
                    p.packStateful.evaluateInto(e, buffer);
                }
                for (int k = 0; k < buffer.size(); k++) {
                    out.write(buffer.get(k));
                }
                tags += buffer.size();
                buffer.clear();
            }
        }
        return tags;
    }
}
