package org.ttp4j.cli;

import java.time.Duration;
import org.ttp4j.engine.StatefulOptions;
import org.ttp4j.store.internal.Durations;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The stateful rules' knobs shared by {@code run} and {@code tag} (docs/stateful.md §3). */
final class StatefulFlags {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--lateness", paramLabel = "DURATION", defaultValue = "60s",
            description = "How far behind the newest event time a stateful rule has seen an event may arrive and"
                + " still count (default: ${DEFAULT-VALUE}; e.g. 90s, 5m).")
    private String lateness;

    @Option(names = "--max-groups", paramLabel = "N", defaultValue = "10000",
            description = "Most groups one stateful rule keeps; the least recently active is evicted beyond it"
                + " (default: ${DEFAULT-VALUE}).")
    private int maxGroups;

    StatefulOptions options(String attackRelease) {
        Duration d;
        try {
            d = Durations.parse(lateness);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--lateness: " + e.getMessage());
        }
        if (maxGroups < 1) {
            throw new ParameterException(spec.commandLine(), "--max-groups must be at least 1, found " + maxGroups);
        }
        return StatefulOptions.DEFAULTS.withAttackRelease(attackRelease).withLateness(d).withMaxGroupsPerRule(maxGroups);
    }
}
