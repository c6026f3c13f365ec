package org.ttp4j.rule.model;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** One {@code emits} entry as bound from YAML; an empty or null sub-technique is bound as null. */
public record EmitDocument(
        @NotNull(message = "is required")
        @Pattern(regexp = "T\\d{4}", message = "must be a technique id such as T1059 (T and four digits)")
        String techniqueId,

        @Pattern(regexp = "T\\d{4}\\.\\d{3}",
                message = "must be a sub-technique id such as T1059.004 (T, four digits, dot, three digits)")
        String subTechniqueId,

        @NotNull(message = "is required")
        @Pattern(regexp = "TA\\d{4}", message = "must be a tactic id such as TA0002 (TA and four digits)")
        String tactic,

        @NotNull(message = "is required")
        @DecimalMin(value = "0.0", message = "must be between 0 and 1")
        @DecimalMax(value = "1.0", message = "must be between 0 and 1")
        Double confidence) {
}
