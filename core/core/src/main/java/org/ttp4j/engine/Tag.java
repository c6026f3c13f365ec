package org.ttp4j.engine;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Emit;

/**
 * One (event, technique, rule) result (docs/events.md §3). On the wire, in this order: {@code uuid},
 * {@code source_kind}, {@code source_id}, {@code attacker_uuid}, {@code identity_uuid}, {@code session_id},
 * {@code decky_id}, {@code tactic}, {@code technique_id}, {@code sub_technique_id}, {@code confidence},
 * {@code rule_id}, {@code rule_version}, {@code evidence}, {@code attack_release}, {@code mitre_url},
 * {@code created_at} (ISO-8601 UTC).
 *
 * @param uuid           {@link TagUuid#of} over the event and emit
 * @param subTechniqueId null when the emit names none
 * @param evidence       read-only, shared by the tags of one rule on one event
 */
public record Tag(
        UUID uuid,
        String sourceKind,
        String sourceId,
        String attackerUuid,
        String identityUuid,
        String sessionId,
        String deckyId,
        String tactic,
        String techniqueId,
        String subTechniqueId,
        double confidence,
        String ruleId,
        int ruleVersion,
        Map<String, Object> evidence,
        String attackRelease,
        String mitreUrl,
        Instant createdAt) {

    /** The tag of {@code emit} of {@code rule} on {@code event}: its ids, DECNET's UUID, the given confidence. */
    static Tag of(Event event, CompiledRule rule, Emit emit, double confidence, Map<String, Object> evidence,
                  String attackRelease, String mitreUrl, Instant createdAt) {
        String sub = emit.subTechniqueOrNull();
        return new Tag(TagUuid.of(event.sourceKind(), event.sourceId(), rule.ruleId(), rule.ruleVersion(), emit.techniqueId(), sub),
                event.sourceKind(), event.sourceId(), event.attackerUuid(), event.identityUuid(), event.sessionId(),
                event.deckyId(), emit.tactic(), emit.techniqueId(), sub, confidence, rule.ruleId(), rule.ruleVersion(),
                evidence, attackRelease, mitreUrl, createdAt);
    }
}
