package org.ttp4j.engine;

/**
 * A rule that did not fire for an event because a bound of the engine stopped its search (docs/cli.md §8):
 * its budget of character reads ran out, the regex recursed too deep, or the value was longer than
 * {@link EngineOptions#maxSearchLength()} and no match lay before the cut. Reported at most once a second; the
 * reports skipped in between are counted in {@code suppressed} of the next one.
 *
 * @param ruleId     the rule that did not fire
 * @param sourceKind the event's kind
 * @param sourceId   the event's id
 * @param bound      which bound: {@code "1000000 char reads"}, {@code "stack depth"}, {@code "search length 65536"}, ...
 * @param suppressed bound hits since the previous report that were counted but not reported
 */
public record BoundHit(String ruleId, String sourceKind, String sourceId, String bound, long suppressed) {

    /** One readable line, for a log. */
    @Override
    public String toString() {
        return "rule " + ruleId + " exceeded its regex bound (" + bound + ") on event " + sourceKind + "/" + sourceId
                + " and did not fire for it" + (suppressed > 0 ? "; " + suppressed + " similar reports suppressed" : "");
    }
}
