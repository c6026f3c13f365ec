package org.ttp4j.rule;

import java.time.Instant;
import java.util.Objects;

/**
 * The operator's knobs on one rule, keyed by rule id (docs/state.md).
 *
 * @param mode          enabled, disabled (never fires) or clipped (fires, confidence capped)
 * @param confidenceMax with {@link Mode#CLIPPED}: the ceiling on emitted confidence; otherwise ignored; may be null
 * @param expiresAt     instant after which the state reverts to {@link #DEFAULT}; null for never
 * @param reason        operator note, may be null
 * @param setBy         stamped by the store on every write
 * @param setAt         stamped by the store on every write
 */
public record RuleState(Mode mode, Double confidenceMax, Instant expiresAt, String reason, String setBy, Instant setAt) {

    /** The state of every rule nobody has touched: enabled, no overrides. */
    public static final RuleState DEFAULT = new RuleState(Mode.ENABLED, null, null, null, null, null);

    public enum Mode {
        ENABLED, DISABLED, CLIPPED;

        /** The wire spelling: {@code enabled}, {@code disabled}, {@code clipped}. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Parses the wire spelling; anything else is an {@link IllegalArgumentException} naming the known values. */
        public static Mode parse(String s) {
            if (s != null) {
                switch (s) {
                    case "enabled": return ENABLED;
                    case "disabled": return DISABLED;
                    case "clipped": return CLIPPED;
                    default: break;
                }
            }
            throw new IllegalArgumentException("unknown state '" + s + "' (known: enabled, disabled, clipped)");
        }
    }

    public RuleState {
        Objects.requireNonNull(mode, "mode");
        if (confidenceMax != null && !(confidenceMax >= 0.0 && confidenceMax <= 1.0)) {
            throw new IllegalArgumentException("confidence_max must be in [0, 1], got " + confidenceMax);
        }
    }

    /** A state with the given mode and no overrides. */
    public static RuleState of(Mode mode) {
        return new RuleState(mode, null, null, null, null, null);
    }

    /** True when {@code expiresAt} is set and not after {@code now}. */
    public boolean isExpiredAt(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }

    /** This state, or {@link #DEFAULT} once it has expired: what every consumer acts on. */
    public RuleState effectiveAt(Instant now) {
        return isExpiredAt(now) ? DEFAULT : this;
    }

    /** True when this is the default state in effect (enabled, no ceiling, no expiry). */
    public boolean isDefault() {
        return mode == Mode.ENABLED && confidenceMax == null && expiresAt == null;
    }

    /** The same state stamped by a store. */
    public RuleState stamped(String by, Instant at) {
        return new RuleState(mode, confidenceMax, expiresAt, reason, by, at);
    }

    /** The emitted confidence for a base confidence under this state (never raises it). */
    public double cap(double base) {
        return mode == Mode.CLIPPED && confidenceMax != null ? Math.min(base, confidenceMax) : base;
    }

    /**
     * A record's equality (every component by {@link Objects#equals}), written out: every store compares states as it
     * publishes the rules it loads, and the generated method's bootstrap costs a cold JVM tens of milliseconds
     * (docs/cli.md §12).
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof RuleState s && mode == s.mode && Objects.equals(confidenceMax, s.confidenceMax)
                && Objects.equals(expiresAt, s.expiresAt) && Objects.equals(reason, s.reason)
                && Objects.equals(setBy, s.setBy) && Objects.equals(setAt, s.setAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, confidenceMax, expiresAt, reason, setBy, setAt);
    }
}
