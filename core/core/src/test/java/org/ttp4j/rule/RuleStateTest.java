package org.ttp4j.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RuleState's written-out equality is a record's: every component, each by {@code Objects.equals}. */
class RuleStateTest {

    @Test
    void equalExactlyWhenEveryComponentIs() {
        Instant t = Instant.parse("2026-12-02T06:00:00Z");
        RuleState base = new RuleState(RuleState.Mode.CLIPPED, 0.5, t, "noisy", "ops", t);
        List<RuleState> others = new ArrayList<>(List.of(
                new RuleState(RuleState.Mode.DISABLED, 0.5, t, "noisy", "ops", t),
                new RuleState(RuleState.Mode.CLIPPED, 0.25, t, "noisy", "ops", t),
                new RuleState(RuleState.Mode.CLIPPED, null, t, "noisy", "ops", t),
                new RuleState(RuleState.Mode.CLIPPED, 0.5, t.plusNanos(1), "noisy", "ops", t),
                new RuleState(RuleState.Mode.CLIPPED, 0.5, null, "noisy", "ops", t),
                new RuleState(RuleState.Mode.CLIPPED, 0.5, t, "Noisy", "ops", t),
                new RuleState(RuleState.Mode.CLIPPED, 0.5, t, null, "ops", t),
                new RuleState(RuleState.Mode.CLIPPED, 0.5, t, "noisy", "dev", t),
                new RuleState(RuleState.Mode.CLIPPED, 0.5, t, "noisy", null, t),
                new RuleState(RuleState.Mode.CLIPPED, 0.5, t, "noisy", "ops", t.minusSeconds(1)),
                new RuleState(RuleState.Mode.CLIPPED, 0.5, t, "noisy", "ops", null)));
        for (RuleState other : others) {
            assertNotEquals(base, other);
            assertNotEquals(other, base);
        }
        RuleState copy = new RuleState(RuleState.Mode.CLIPPED, Double.valueOf("0.5"), Instant.parse(t.toString()),
                new String("noisy"), new String("ops"), Instant.ofEpochSecond(t.getEpochSecond()));
        assertEquals(base, copy);
        assertEquals(base.hashCode(), copy.hashCode());
        assertEquals(RuleState.DEFAULT, RuleState.of(RuleState.Mode.ENABLED));
        assertNotEquals(new RuleState(RuleState.Mode.CLIPPED, 0.0, null, null, null, null),
                new RuleState(RuleState.Mode.CLIPPED, -0.0, null, null, null, null), "Double.equals, as a record's");
        assertNotEquals(base, "not a state");
        assertNotEquals(base, null);
    }
}
