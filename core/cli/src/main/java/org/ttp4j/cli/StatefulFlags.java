package org.ttp4j.cli;

import java.time.Duration;
import org.ttp4j.engine.StatefulOptions;
import org.ttp4j.store.internal.Durations;

/** The stateful rules' knobs shared by {@code run} and {@code tag} (docs/stateful.md §3). */
final class StatefulFlags {

    /** Declares {@code --lateness} and {@code --max-groups} on {@code syntax}. */
    static Syntax declare(Syntax syntax) {
        return syntax.option("--lateness", "DURATION", "How far behind the newest event time a stateful rule has seen"
                        + " an event may arrive and still count (default: ${DEFAULT}; e.g. 90s, 5m).").byDefault("60s")
                .option("--max-groups", "N", "Most groups one stateful rule keeps; the least recently active is"
                        + " evicted beyond it (default: ${DEFAULT}).").byDefault("10000");
    }

    private final String lateness;
    private final int maxGroups;

    StatefulFlags(Args args) {
        lateness = args.value("--lateness");
        maxGroups = args.intValue("--max-groups");
    }

    StatefulOptions options(String attackRelease) {
        Duration d;
        try {
            d = Durations.parse(lateness);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--lateness: " + e.getMessage());
        }
        if (maxGroups < 1) {
            throw new UsageException("--max-groups must be at least 1, found " + maxGroups);
        }
        return StatefulOptions.DEFAULTS.withAttackRelease(attackRelease).withLateness(d).withMaxGroupsPerRule(maxGroups);
    }
}
