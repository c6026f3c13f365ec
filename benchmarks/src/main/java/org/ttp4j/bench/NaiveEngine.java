package org.ttp4j.bench;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.ttp4j.engine.Event;
import org.ttp4j.engine.Tag;
import org.ttp4j.engine.TagUuid;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Emit;
import org.ttp4j.rule.Match;
import org.ttp4j.rule.SourceKinds;

/**
 * The baseline: what DECNET's Python engine does, in Java. For each rule applying to the event's kind, in
 * rule-id order, run its regex over the field value with {@code Matcher.find()}; no index beyond the kind, no
 * prefilter, no bound. Builds the same tags as the ttp4j engine (states ignored: the packs are all enabled).
 */
final class NaiveEngine {

    private record Entry(CompiledRule rule, String field, Pattern regex) {}

    private final Map<String, Entry[]> byKind = new HashMap<>();
    private final Clock clock = Clock.systemUTC();

    NaiveEngine(List<CompiledRule> rules) {
        Map<String, List<Entry>> lists = new HashMap<>();
        rules.stream().sorted(Comparator.comparing(CompiledRule::ruleId)).forEach(rule -> {
            if (rule.match() instanceof Match.Regex m) {
                for (String kind : rule.appliesTo()) {
                    String field = m.field() != null ? m.field() : SourceKinds.defaultField(kind);
                    if (field != null) {
                        lists.computeIfAbsent(kind, k -> new ArrayList<>()).add(new Entry(rule, field, m.regex()));
                    }
                }
            }
        });
        lists.forEach((kind, list) -> byKind.put(kind, list.toArray(Entry[]::new)));
    }

    List<Tag> evaluate(Event event) {
        Entry[] entries = byKind.get(event.sourceKind());
        if (entries == null) {
            return List.of();
        }
        List<Tag> tags = null;
        Instant now = null;
        for (Entry e : entries) {
            if (!(event.payload().get(e.field) instanceof String value) || !e.regex.matcher(value).find()) {
                continue;
            }
            if (tags == null) {
                tags = new ArrayList<>();
                now = clock.instant();
            }
            CompiledRule rule = e.rule;
            Map<String, Object> evidence = new LinkedHashMap<>();
            for (String f : rule.evidenceFields()) {
                if (event.payload().containsKey(f)) {
                    evidence.put(f, event.payload().get(f));
                }
            }
            for (Emit emit : rule.emits()) {
                String sub = emit.subTechniqueId();
                tags.add(new Tag(TagUuid.of(event.sourceKind(), event.sourceId(), rule.ruleId(), rule.ruleVersion(),
                        emit.techniqueId(), sub), event.sourceKind(), event.sourceId(), event.attackerUuid(),
                        event.identityUuid(), event.sessionId(), event.deckyId(), emit.tactic(), emit.techniqueId(), sub,
                        emit.confidence(), rule.ruleId(), rule.ruleVersion(), evidence, "v15.1",
                        "https://attack.mitre.org/techniques/" + (sub != null ? sub : emit.techniqueId()).replace('.', '/'),
                        now));
            }
        }
        return tags == null ? List.of() : tags;
    }
}
