package org.ttp4j.engine;

import java.util.Collections;
import java.util.Map;

/**
 * One observation to tag (docs/events.md §1). On the wire: {@code source_kind}, {@code source_id},
 * {@code attacker_uuid}, {@code identity_uuid}, {@code session_id}, {@code decky_id}, {@code payload}.
 *
 * <p>{@code source_kind} and {@code source_id} are required (they name the tag), and so is at least one of
 * {@code attacker_uuid} and {@code identity_uuid}. The payload is kept as a read-only view of the given map
 * (not copied: do not change the map afterwards); its values are what JSON gives: String, Number, Boolean,
 * null, List, Map.
 */
public record Event(
        String sourceKind,
        String sourceId,
        String attackerUuid,
        String identityUuid,
        String sessionId,
        String deckyId,
        Map<String, Object> payload) {

    public Event {
        if (sourceKind == null || sourceKind.isEmpty()) {
            throw new IllegalArgumentException("event has no source_kind");
        }
        if (sourceId == null) {
            throw new IllegalArgumentException("event of kind '" + sourceKind + "' has no source_id");
        }
        if (attackerUuid == null && identityUuid == null) {
            throw new IllegalArgumentException("event " + sourceKind + "/" + sourceId
                    + " has neither attacker_uuid nor identity_uuid (at least one is required)");
        }
        payload = payload == null ? Map.of() : Collections.unmodifiableMap(payload);
    }
}
