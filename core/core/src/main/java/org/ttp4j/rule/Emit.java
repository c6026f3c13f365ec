package org.ttp4j.rule;

import java.util.Objects;

/**
 * One technique a rule implies: an entry of the rule's {@code emits} list.
 *
 * @param techniqueId    {@code T\d{4}}
 * @param subTechniqueId {@code T\d{4}\.\d{3}} with the technique as prefix, or {@code null} for none
 * @param tactic         {@code TA\d{4}}
 * @param confidence     base confidence in [0, 1]
 */
public record Emit(String techniqueId, String subTechniqueId, String tactic, double confidence) {
    public Emit {
        Objects.requireNonNull(techniqueId, "techniqueId");
        Objects.requireNonNull(tactic, "tactic");
    }

    /** The sub-technique, or null when there is none (an empty one in a file means none). */
    public String subTechniqueOrNull() {
        return subTechniqueId == null || subTechniqueId.isEmpty() ? null : subTechniqueId;
    }

    /** {@code https://attack.mitre.org/techniques/T1059/004} for {@code T1059.004}, {@code .../T1110} for none. */
    public String mitreUrl() {
        String id = subTechniqueOrNull() != null ? subTechniqueId : techniqueId;
        return "https://attack.mitre.org/techniques/" + id.replace('.', '/');
    }
}
