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
}
