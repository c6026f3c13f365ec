package org.ttp4j.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link StatefulRules} evaluates (docs/stateful.md §3). Start from {@link #DEFAULTS}.
 *
 * @param attackRelease    the ATT&CK release stamped on every tag ({@code v15.1} by default)
 * @param clock            arrival time (for events without {@code timeField}), {@code created_at} and state expiry
 * @param lateness         how far behind the newest event time a rule has seen an event may arrive and still count
 *                         (60 s by default); later ones are dropped and counted ({@link StatefulRules#late()})
 * @param maxGroupsPerRule most groups one rule keeps; beyond it the least recently active is evicted and counted
 *                         (10,000 by default)
 * @param timeField        the payload key holding the event time ({@code observed_at} by default): ISO-8601 text
 *                         (zone-less means UTC) or a number of seconds since the epoch
 * @param maxRegexSteps    the character reads one rule's pattern may make on one event (1,000,000 by default)
 */
public record StatefulOptions(String attackRelease, Clock clock, Duration lateness, int maxGroupsPerRule,
                              String timeField, long maxRegexSteps) {

    public static final StatefulOptions DEFAULTS = new StatefulOptions("v15.1", Clock.systemUTC(),
            Duration.ofSeconds(60), 10_000, "observed_at", 1_000_000L);

    public StatefulOptions {
        Objects.requireNonNull(attackRelease, "attackRelease");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(timeField, "timeField");
        if (lateness == null || lateness.isNegative()) {
            throw new IllegalArgumentException("lateness must be zero or more, got " + lateness);
        }
        if (maxGroupsPerRule < 1) {
            throw new IllegalArgumentException("maxGroupsPerRule must be at least 1, got " + maxGroupsPerRule);
        }
        if (maxRegexSteps < 1) {
            throw new IllegalArgumentException("maxRegexSteps must be at least 1, got " + maxRegexSteps);
        }
    }

    public StatefulOptions withAttackRelease(String release) {
        return new StatefulOptions(release, clock, lateness, maxGroupsPerRule, timeField, maxRegexSteps);
    }

    public StatefulOptions withClock(Clock c) {
        return new StatefulOptions(attackRelease, c, lateness, maxGroupsPerRule, timeField, maxRegexSteps);
    }

    public StatefulOptions withLateness(Duration d) {
        return new StatefulOptions(attackRelease, clock, d, maxGroupsPerRule, timeField, maxRegexSteps);
    }

    public StatefulOptions withMaxGroupsPerRule(int n) {
        return new StatefulOptions(attackRelease, clock, lateness, n, timeField, maxRegexSteps);
    }

    public StatefulOptions withTimeField(String field) {
        return new StatefulOptions(attackRelease, clock, lateness, maxGroupsPerRule, field, maxRegexSteps);
    }
}
