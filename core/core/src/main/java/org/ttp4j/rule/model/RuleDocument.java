package org.ttp4j.rule.model;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/**
 * One rule file as bound from YAML, before compilation. Values the binder could not give the right
 * type are null here and reported by the binder itself, so each field yields one problem at most.
 * Property names reach problems in snake case ({@code ruleId} is reported as {@code rule_id}).
 */
public record RuleDocument(
        @NotNull(message = "is required")
        @Pattern(regexp = "[A-Za-z0-9_]+", message = "must be letters, digits and _ only ([A-Za-z0-9_]+)")
        String ruleId,

        @NotNull(message = "is required")
        @Min(value = 1, message = "must be at least 1")
        Long ruleVersion,

        @NotNull(message = "is required")
        @Pattern(regexp = ".*\\S.*", flags = Pattern.Flag.DOTALL, message = "must not be blank")
        String name,

        String description,

        @NotNull(message = "is required")
        @Size(min = 1, message = "must list at least one source kind")
        List<@NotBlank(message = "must not be blank") String> appliesTo,

        @NotNull(message = "is required")
        Map<String, Object> match,

        @NotNull(message = "is required")
        @Size(min = 1, message = "must list at least one technique")
        List<@NotNull(message = "must be a mapping") @Valid EmitDocument> emits,

        List<@NotBlank(message = "must not be blank") String> evidenceFields) {
}
