package org.ttp4j.engine;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
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
 * <p>A value with the accessors, equality, hash code and text of a record of these components (it was one). A
 * tag the engine makes computes its {@link #uuid()} ({@link TagUuid#of} over the event and emit) on first use, so
 * that a consumer that never reads it does not pay for the SHA-1 (docs/engine.md §5).
 */
public final class Tag {

    private final UUID given; // the public constructor's: final, so that every thread sees it
    private UUID derived; // an engine-made tag's, null until first read (racy single check: UUID is immutable)
    private final boolean derivedUuid;
    private final String sourceKind;
    private final String sourceId;
    private final String attackerUuid;
    private final String identityUuid;
    private final String sessionId;
    private final String deckyId;
    private final String tactic;
    private final String techniqueId;
    private final String subTechniqueId;
    private final double confidence;
    private final String ruleId;
    private final int ruleVersion;
    private final Map<String, Object> evidence;
    private final String attackRelease;
    private final String mitreUrl;
    private final Instant createdAt;

    /**
     * @param uuid           {@link TagUuid#of} over the event and emit
     * @param subTechniqueId null when the emit names none
     * @param evidence       read-only, shared by the tags of one rule on one event
     */
    public Tag(UUID uuid, String sourceKind, String sourceId, String attackerUuid, String identityUuid,
               String sessionId, String deckyId, String tactic, String techniqueId, String subTechniqueId,
               double confidence, String ruleId, int ruleVersion, Map<String, Object> evidence,
               String attackRelease, String mitreUrl, Instant createdAt) {
        this(uuid, false, sourceKind, sourceId, attackerUuid, identityUuid, sessionId, deckyId, tactic, techniqueId,
                subTechniqueId, confidence, ruleId, ruleVersion, evidence, attackRelease, mitreUrl, createdAt);
    }

    private Tag(UUID uuid, boolean derivedUuid, String sourceKind, String sourceId, String attackerUuid,
                String identityUuid, String sessionId, String deckyId, String tactic, String techniqueId,
                String subTechniqueId, double confidence, String ruleId, int ruleVersion,
                Map<String, Object> evidence, String attackRelease, String mitreUrl, Instant createdAt) {
        this.given = derivedUuid ? null : uuid;
        this.derivedUuid = derivedUuid;
        this.sourceKind = sourceKind;
        this.sourceId = sourceId;
        this.attackerUuid = attackerUuid;
        this.identityUuid = identityUuid;
        this.sessionId = sessionId;
        this.deckyId = deckyId;
        this.tactic = tactic;
        this.techniqueId = techniqueId;
        this.subTechniqueId = subTechniqueId;
        this.confidence = confidence;
        this.ruleId = ruleId;
        this.ruleVersion = ruleVersion;
        this.evidence = evidence;
        this.attackRelease = attackRelease;
        this.mitreUrl = mitreUrl;
        this.createdAt = createdAt;
    }

    /** The tag of {@code emit} of {@code rule} on {@code event}: its ids, DECNET's UUID, the given confidence. */
    static Tag of(Event event, CompiledRule rule, Emit emit, double confidence, Map<String, Object> evidence,
                  String attackRelease, String mitreUrl, Instant createdAt) {
        return new Tag(null, true, event.sourceKind(), event.sourceId(), event.attackerUuid(), event.identityUuid(),
                event.sessionId(), event.deckyId(), emit.tactic(), emit.techniqueId(), emit.subTechniqueOrNull(),
                confidence, rule.ruleId(), rule.ruleVersion(), evidence, attackRelease, mitreUrl, createdAt);
    }

    /** {@link TagUuid#of} over the event and emit. */
    public UUID uuid() {
        if (!derivedUuid) {
            return given;
        }
        UUID u = derived;
        if (u == null) {
            u = TagUuid.of(sourceKind, sourceId, ruleId, ruleVersion, techniqueId, subTechniqueId);
            derived = u;
        }
        return u;
    }

    public String sourceKind() {
        return sourceKind;
    }

    public String sourceId() {
        return sourceId;
    }

    public String attackerUuid() {
        return attackerUuid;
    }

    public String identityUuid() {
        return identityUuid;
    }

    public String sessionId() {
        return sessionId;
    }

    public String deckyId() {
        return deckyId;
    }

    public String tactic() {
        return tactic;
    }

    public String techniqueId() {
        return techniqueId;
    }

    /** Null when the emit names none. */
    public String subTechniqueId() {
        return subTechniqueId;
    }

    public double confidence() {
        return confidence;
    }

    public String ruleId() {
        return ruleId;
    }

    public int ruleVersion() {
        return ruleVersion;
    }

    /** Read-only, shared by the tags of one rule on one event. */
    public Map<String, Object> evidence() {
        return evidence;
    }

    public String attackRelease() {
        return attackRelease;
    }

    public String mitreUrl() {
        return mitreUrl;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** Component-wise, as a record's: the doubles by {@link Double#compare}. */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof Tag t
                && Objects.equals(uuid(), t.uuid())
                && Objects.equals(sourceKind, t.sourceKind)
                && Objects.equals(sourceId, t.sourceId)
                && Objects.equals(attackerUuid, t.attackerUuid)
                && Objects.equals(identityUuid, t.identityUuid)
                && Objects.equals(sessionId, t.sessionId)
                && Objects.equals(deckyId, t.deckyId)
                && Objects.equals(tactic, t.tactic)
                && Objects.equals(techniqueId, t.techniqueId)
                && Objects.equals(subTechniqueId, t.subTechniqueId)
                && Double.compare(confidence, t.confidence) == 0
                && Objects.equals(ruleId, t.ruleId)
                && ruleVersion == t.ruleVersion
                && Objects.equals(evidence, t.evidence)
                && Objects.equals(attackRelease, t.attackRelease)
                && Objects.equals(mitreUrl, t.mitreUrl)
                && Objects.equals(createdAt, t.createdAt);
    }

    /** As a record's: {@code 31 * h + hash(component)} over the components in order. */
    @Override
    public int hashCode() {
        int h = Objects.hashCode(uuid());
        h = 31 * h + Objects.hashCode(sourceKind);
        h = 31 * h + Objects.hashCode(sourceId);
        h = 31 * h + Objects.hashCode(attackerUuid);
        h = 31 * h + Objects.hashCode(identityUuid);
        h = 31 * h + Objects.hashCode(sessionId);
        h = 31 * h + Objects.hashCode(deckyId);
        h = 31 * h + Objects.hashCode(tactic);
        h = 31 * h + Objects.hashCode(techniqueId);
        h = 31 * h + Objects.hashCode(subTechniqueId);
        h = 31 * h + Double.hashCode(confidence);
        h = 31 * h + Objects.hashCode(ruleId);
        h = 31 * h + Integer.hashCode(ruleVersion);
        h = 31 * h + Objects.hashCode(evidence);
        h = 31 * h + Objects.hashCode(attackRelease);
        h = 31 * h + Objects.hashCode(mitreUrl);
        return 31 * h + Objects.hashCode(createdAt);
    }

    /** As a record's: {@code Tag[uuid=..., sourceKind=..., ...]}. */
    @Override
    public String toString() {
        return "Tag[uuid=" + uuid() + ", sourceKind=" + sourceKind + ", sourceId=" + sourceId + ", attackerUuid="
                + attackerUuid + ", identityUuid=" + identityUuid + ", sessionId=" + sessionId + ", deckyId="
                + deckyId + ", tactic=" + tactic + ", techniqueId=" + techniqueId + ", subTechniqueId="
                + subTechniqueId + ", confidence=" + confidence + ", ruleId=" + ruleId + ", ruleVersion="
                + ruleVersion + ", evidence=" + evidence + ", attackRelease=" + attackRelease + ", mitreUrl="
                + mitreUrl + ", createdAt=" + createdAt + "]";
    }
}
