package org.ttp4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Match;

/**
 * {@link StatefulRules} against a straightforward reference: every accepted event of every group kept in a list,
 * the condition recomputed from the whole list at each event (docs/stateful.md §3). Randomized streams with
 * repeats, disorder (some of it beyond the lateness), pauses longer than the windows and near-regular timing.
 */
class StatefulRulesProperties {

    static final List<CompiledRule> RULES = List.of(
            StatefulRulesTest.compiled(rule("P_count", """
                      where: {success: false}
                      group_by: [attacker_uuid, username]
                      min_count: 3
                      window: 60
                    """)),
            StatefulRulesTest.compiled(rule("P_distinct", """
                      group_by: [attacker_uuid]
                      distinct: password
                      min_distinct: 3
                      window: 2m
                    """)),
            StatefulRulesTest.compiled(rule("P_pairs", """
                      group_by: [attacker_uuid]
                      distinct: [username, password]
                      min_distinct: 4
                      window: 90
                    """)),
            StatefulRulesTest.compiled(rule("P_sequence", """
                      where: {success: false}
                      group_by: [attacker_uuid, username]
                      min_count: 2
                      window: 90
                      then:
                        where: {success: true}
                    """)),
            StatefulRulesTest.compiled(rule("P_beacon", """
                      group_by: [attacker_uuid]
                      window: 5m
                      min_events: 4
                      max_jitter_pct: 25
                      min_interval_s: 2
                    """)));

    static String rule(String id, String match) {
        return "rule_id: " + id + "\nrule_version: 1\nname: p\napplies_to: [auth_attempt]\nmatch:\n" + match
                + "emits: [{technique_id: T1110, tactic: TA0006, confidence: 0.5}]\n";
    }

    @Property(tries = 200)
    void sameTagsAsTheReference(@ForAll long seed) {
        Random r = new Random(seed);
        StatefulRules engine = new StatefulRules(StatefulOptions.DEFAULTS.withClock(StatefulRulesTest.CLOCK)
                .withMaxGroupsPerRule(1_000_000));
        engine.replaceAll(RULES);
        List<Reference> refs = RULES.stream().sorted(Comparator.comparing(CompiledRule::ruleId)).map(Reference::new).toList();
        long clock = 0;
        boolean regular = r.nextBoolean();
        for (int i = 0; i < 400; i++) {
            clock += regular ? 10_000 + r.nextInt(1500) : r.nextInt(10) == 0 ? 100_000 + r.nextInt(200_000)
                    : r.nextInt(8_000);
            long time = r.nextInt(8) == 0 ? clock - r.nextInt(90_000) : clock; // some disorder, some too late
            Event e = new Event("auth_attempt", "e" + i, "att" + r.nextInt(3), null, null, "d",
                    StatefulRulesTest.payload("username", "u" + r.nextInt(3), "password", "p" + r.nextInt(5),
                            "success", r.nextInt(4) == 0, "observed_at", Instant.ofEpochMilli(time).toString()));
            List<String> actual = engine.evaluate(e).stream().map(t -> t.ruleId() + " " + t.sourceId() + " "
                    + t.evidence().get("first_event_id") + " " + t.evidence().get("last_event_id")).toList();
            List<String> expected = new ArrayList<>();
            for (Reference ref : refs) {
                ref.accept(e, time, expected);
            }
            assertEquals(expected, actual, "event " + i + " of seed " + seed);
            expected.forEach(t -> FIRED.merge(t.substring(0, t.indexOf(' ')), 1, Integer::sum));
        }
        assertEquals(refs.stream().mapToLong(ref -> ref.late).sum(), engine.late());
    }

    /** Tags per rule over every try: each rule must fire somewhere, or the comparison proves little. */
    static final Map<String, Integer> FIRED = new java.util.concurrent.ConcurrentHashMap<>();

    @net.jqwik.api.lifecycle.AfterContainer
    static void everyRuleFired() {
        for (CompiledRule rule : RULES) {
            if (FIRED.getOrDefault(rule.ruleId(), 0) < 20) {
                throw new AssertionError("the random streams hardly exercise " + rule.ruleId() + ": " + FIRED);
            }
        }
        System.out.println("tags per rule over all tries: " + new java.util.TreeMap<>(FIRED));
    }

    record Seen(long time, int seq, String id, Object value) {}

    static final Comparator<Seen> ORDER = Comparator.comparingLong(Seen::time).thenComparingInt(Seen::seq);

    /** One rule, the obvious way. */
    static final class Reference {
        final CompiledRule rule;
        final Match.Window w;
        final Map<Object, List<Seen>> groups = new HashMap<>();
        final Map<Object, Long> lastHeld = new HashMap<>();
        long maxSeen = Long.MIN_VALUE;
        long late;
        int seq;

        Reference(CompiledRule rule) {
            this.rule = rule;
            this.w = (Match.Window) rule.match();
        }

        static boolean passes(Match.Filter f, Event e) {
            for (var entry : f.where().entrySet()) {
                if (entry.getValue().stream().noneMatch(v -> StatefulRules.same(v, e.payload().get(entry.getKey())))) {
                    return false;
                }
            }
            return true;
        }

        static Object key(Event e, List<String> fields) {
            List<Object> values = new ArrayList<>();
            for (String f : fields) {
                values.add(f.equals("attacker_uuid") ? e.attackerUuid() : e.payload().get(f));
            }
            return values;
        }

        void accept(Event e, long time, List<String> out) {
            boolean counted = passes(w.counts(), e);
            boolean completes = w.holds() instanceof Match.Sequence s && passes(s.then(), e);
            if (!counted && !completes) {
                return;
            }
            if (maxSeen != Long.MIN_VALUE && time < maxSeen - 60_000) {
                late++;
                return;
            }
            maxSeen = Math.max(maxSeen, time);
            long win = w.windowMillis();
            if (completes) {
                Match.Sequence s = (Match.Sequence) w.holds();
                Object key = key(e, s.thenGroupBy());
                List<Seen> all = new ArrayList<>(groups.getOrDefault(key, List.of()));
                all.sort(ORDER);
                if (all.size() >= s.minCount()) {
                    List<Seen> last = all.subList(all.size() - s.minCount(), all.size());
                    if (last.stream().allMatch(x -> x.time() > time - win && x.time() <= time)) {
                        Long held = lastHeld.get(key);
                        lastHeld.put(key, held == null ? time : Math.max(held, time));
                        if (held == null || time - held >= win) {
                            out.add(rule.ruleId() + " " + e.sourceId() + " " + last.get(0).id() + " "
                                    + last.get(last.size() - 1).id());
                        }
                    }
                }
            }
            if (!counted) {
                return;
            }
            Object key = key(e, w.groupBy());
            Object value = w.holds() instanceof Match.Distinct d ? key(e, d.fields()) : null;
            List<Seen> list = groups.computeIfAbsent(key, k -> new ArrayList<>());
            list.add(new Seen(time, seq++, e.sourceId(), value));
            long latest = list.stream().mapToLong(Seen::time).max().orElseThrow();
            List<Seen> considered;
            int n;
            switch (w.holds()) {
                case Match.Count c -> {
                    n = c.minCount();
                    considered = list.stream().filter(x -> x.time() > latest - win).sorted(ORDER).toList();
                }
                case Match.Distinct d -> {
                    n = d.minDistinct();
                    Map<Object, Seen> newest = new HashMap<>();
                    for (Seen x : list) {
                        newest.merge(x.value(), x, (a, b) -> ORDER.compare(a, b) >= 0 ? a : b);
                    }
                    considered = newest.values().stream().filter(x -> x.time() > latest - win).sorted(ORDER).toList();
                }
                case Match.Beacon b -> {
                    n = b.minEvents();
                    List<Seen> sorted = list.stream().sorted(ORDER).toList();
                    List<Seen> last = sorted.subList(Math.max(0, sorted.size() - n), sorted.size());
                    considered = last.size() == n && last.get(0).time() > latest - win && regular(last, b)
                            ? last : List.of();
                }
                case Match.Sequence s -> {
                    return;
                }
            }
            if (considered.size() < n) {
                return;
            }
            Long held = lastHeld.get(key);
            lastHeld.put(key, held == null ? latest : Math.max(held, latest));
            if (held == null || latest - held >= win) {
                out.add(rule.ruleId() + " " + e.sourceId() + " " + considered.get(considered.size() - n).id() + " "
                        + considered.get(considered.size() - 1).id());
            }
        }

        static boolean regular(List<Seen> last, Match.Beacon b) {
            int n = last.size();
            double mean = (double) (last.get(n - 1).time() - last.get(0).time()) / (n - 1);
            if (mean < b.minIntervalSeconds() * 1000) {
                return false;
            }
            for (int i = 1; i < n; i++) {
                if (Math.abs(last.get(i).time() - last.get(i - 1).time() - mean) > mean * b.maxJitterPct() / 100) {
                    return false;
                }
            }
            return true;
        }
    }
}
