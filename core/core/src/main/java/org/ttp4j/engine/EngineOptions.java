package org.ttp4j.engine;

import java.time.Clock;
import java.util.Objects;

/**
 * How a {@link RuleEngine} evaluates. Start from {@link #DEFAULTS} and change what you need:
 * {@code EngineOptions.DEFAULTS.withAttackRelease("v16.1")}.
 *
 * @param attackRelease   the ATT&CK release stamped on every tag ({@code v15.1} by default)
 * @param clock           where {@code created_at} and state expiry read the time (UTC system clock by default)
 * @param maxSearchLength a match must lie within a field value's first this-many chars ({@link #WHOLE_VALUE} by
 *                        default: longer than any value of a 16 MiB event line, so nothing is cut); anchors and
 *                        lookarounds still see the whole value, so {@code $} does not match at the cut. A rule
 *                        that does not match before the cut of a longer value counts as a bound hit
 * @param maxRegexSteps   the character reads one rule's regex may make on one event before it is cut off,
 *                        reported, and treated as not matching (1,000,000 by default)
 * @param prefilter       true (default) to skip rules whose required literals are absent; false runs every
 *                        rule's regex (the plain loop DECNET's engine does: a reference for tests)
 */
public record EngineOptions(String attackRelease, Clock clock, int maxSearchLength, long maxRegexSteps,
                            boolean prefilter) {

    /** The default {@link #maxSearchLength()}: 16 Mi chars, the command line's longest event line in bytes. */
    public static final int WHOLE_VALUE = 16 << 20;

    public static final EngineOptions DEFAULTS =
            new EngineOptions("v15.1", Clock.systemUTC(), WHOLE_VALUE, 1_000_000L, true);

    public EngineOptions {
        Objects.requireNonNull(attackRelease, "attackRelease");
        Objects.requireNonNull(clock, "clock");
        if (maxSearchLength < 1) {
            throw new IllegalArgumentException("maxSearchLength must be at least 1, got " + maxSearchLength);
        }
        if (maxRegexSteps < 1) {
            throw new IllegalArgumentException("maxRegexSteps must be at least 1, got " + maxRegexSteps);
        }
    }

    public EngineOptions withAttackRelease(String release) {
        return new EngineOptions(release, clock, maxSearchLength, maxRegexSteps, prefilter);
    }

    public EngineOptions withClock(Clock c) {
        return new EngineOptions(attackRelease, c, maxSearchLength, maxRegexSteps, prefilter);
    }

    public EngineOptions withMaxSearchLength(int chars) {
        return new EngineOptions(attackRelease, clock, chars, maxRegexSteps, prefilter);
    }

    public EngineOptions withMaxRegexSteps(long steps) {
        return new EngineOptions(attackRelease, clock, maxSearchLength, steps, prefilter);
    }

    public EngineOptions withPrefilter(boolean on) {
        return new EngineOptions(attackRelease, clock, maxSearchLength, maxRegexSteps, on);
    }
}
