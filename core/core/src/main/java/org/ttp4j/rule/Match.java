package org.ttp4j.rule;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a rule's {@code match} mapping means, decided at compile time (docs/rules.md §4).
 * Every variant keeps the mapping verbatim and deep-immutable in {@link #raw()}.
 */
public sealed interface Match {

    /** The {@code match} mapping as written in the file, deep-immutable. */
    Map<String, Object> raw();

    /**
     * Engine-owned: a Python {@code re} pattern searched (unanchored) in one payload field. A final class with a
     * record's accessors, equality and text: the compiler's {@link #literals()} are learned on first read (the
     * index's prefilter asks for them), so that validating or storing a rule skips the analysis.
     */
    final class Regex implements Match {
        private final String field;
        private final String pattern;
        private final Pattern regex;
        private final Map<String, Object> raw;
        private final PatternLiterals literals;
        private final boolean translated;

        /**
         * @param field    the payload key, or null for the source kind's default field
         * @param pattern  the pattern as written (Python syntax)
         * @param regex    its Java translation, compiled once
         * @param literals what every match contains (the index's prefilter)
         * @param raw      the {@code match} mapping as written
         */
        public Regex(String field, String pattern, Pattern regex, RequiredLiterals literals, Map<String, Object> raw) {
            this(field, pattern, regex, new PatternLiterals(Objects.requireNonNull(literals, "literals")), raw, false);
        }

        /** A match on a pattern compiled elsewhere, with nothing known of its literals (it always runs). */
        public Regex(String field, String pattern, Pattern regex, Map<String, Object> raw) {
            this(field, pattern, regex, RequiredLiterals.NONE, raw);
        }

        /** The compiler's: literals learned from {@code pattern} when first read, shared by its versions. */
        Regex(String field, String pattern, Pattern regex, PatternLiterals literals, Map<String, Object> raw) {
            this(field, pattern, regex, literals, raw, true);
        }

        private Regex(String field, String pattern, Pattern regex, PatternLiterals literals, Map<String, Object> raw,
                      boolean translated) {
            this.field = field;
            this.pattern = pattern;
            this.regex = regex;
            this.literals = literals;
            this.raw = raw;
            this.translated = translated;
        }

        /** The payload key, or null for the source kind's default field. */
        public String field() {
            return field;
        }

        /** The pattern as written (Python syntax). */
        public String pattern() {
            return pattern;
        }

        /** Its Java translation, compiled once. */
        public Pattern regex() {
            return regex;
        }

        /**
         * True when the compiler made this match, so that {@link #regex()} is {@link PythonRegex}'s translation of
         * {@link #pattern()}; false for one built with a public constructor around a {@code Pattern} from elsewhere.
         */
        public boolean translated() {
            return translated;
        }

        /** What every match contains (docs/engine.md §3), learned from the pattern on first read. */
        public RequiredLiterals literals() {
            return literals.get();
        }

        @Override
        public Map<String, Object> raw() {
            return raw;
        }

        /** True once {@link #literals()} are known (a test's view of whether something read them). */
        boolean literalsKnown() {
            return literals.known();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Regex r && Objects.equals(field, r.field) && Objects.equals(pattern, r.pattern)
                    && Objects.equals(regex, r.regex) && Objects.equals(raw, r.raw) && literals().equals(r.literals());
        }

        @Override
        public int hashCode() {
            return Objects.hash(field, pattern, regex, literals(), raw);
        }

        @Override
        public String toString() {
            return "Regex[field=" + field + ", pattern=" + pattern + ", regex=" + regex + ", literals=" + literals()
                    + ", raw=" + raw + "]";
        }
    }

    /** Lifter-owned: {@code kind} starts with {@code lifter:}; never fired by the engine. */
    record Lifter(String kind, Map<String, Object> raw) implements Match {}

    /** Neither engine- nor lifter-owned: valid, never fires. */
    record None(Map<String, Object> raw) implements Match {}

    /**
     * Stateful (docs/stateful.md): the events that {@code counts} selects, grouped by {@code groupBy}, fire the rule
     * once per group when {@code holds} first holds over the last {@code windowMillis} of event time.
     *
     * @param windowMillis the window's length, at least one second
     * @param groupBy      event ids ({@code attacker_uuid}, ...) or payload keys whose values make the group
     * @param counts       which events the rule counts
     * @param holds        what must hold in the window
     */
    record Window(long windowMillis, List<String> groupBy, Filter counts, Condition holds, Map<String, Object> raw)
            implements Match {
        public Window {
            groupBy = List.copyOf(groupBy);
            Objects.requireNonNull(counts, "counts");
            Objects.requireNonNull(holds, "holds");
        }

        /**
         * True when {@code other} keeps the same per-group state: same window, groups and kind of condition
         * (thresholds and filters may differ). A hot swap keeps the counts then and resets them otherwise.
         */
        public boolean sameState(Window other) {
            return windowMillis == other.windowMillis && groupBy.equals(other.groupBy)
                    && holds.stateShape().equals(other.holds.stateShape());
        }
    }

    /**
     * Which events a stateful rule counts: every listed field equals one of its values, and, with a pattern, the
     * pattern is found in {@code field} (a string). Field names are event ids or payload keys (docs/stateful.md §2).
     *
     * @param where   field to the values it may take (JSON scalars: String, Long, Double, Boolean, null)
     * @param field   the field {@code regex} searches, or null for the source kind's default field
     * @param pattern the pattern as written (Python syntax), or null for none
     * @param regex   its Java translation, or null
     */
    record Filter(Map<String, List<Object>> where, String field, String pattern, Pattern regex) {
        public static final Filter ALL = new Filter(Map.of(), null, null, null);

        public Filter {
            where = Map.copyOf(where);
        }
    }

    /** What must hold over a group's window. */
    sealed interface Condition {
        /** What the per-group state looks like: equal shapes can share state across a hot swap. */
        Object stateShape();
    }

    /** At least {@code minCount} counted events in the window. */
    record Count(int minCount) implements Condition {
        @Override
        public Object stateShape() {
            return "count";
        }
    }

    /** At least {@code minDistinct} distinct values of {@code fields} (a tuple when several) in the window. */
    record Distinct(List<String> fields, int minDistinct) implements Condition {
        public Distinct {
            fields = List.copyOf(fields);
        }

        @Override
        public Object stateShape() {
            return List.of("distinct", fields);
        }
    }

    /**
     * At least {@code minCount} counted events, then an event {@code then} selects, within the window; the
     * completing event's group is read from {@code thenGroupBy} (same length as the rule's {@code group_by}).
     */
    record Sequence(int minCount, Filter then, List<String> thenGroupBy) implements Condition {
        public Sequence {
            Objects.requireNonNull(then, "then");
            thenGroupBy = List.copyOf(thenGroupBy);
        }

        @Override
        public Object stateShape() {
            return List.of("sequence", thenGroupBy);
        }
    }

    /**
     * Regular timing: the last {@code minEvents} counted events lie in the window, their mean interval is at least
     * {@code minIntervalSeconds}, and every interval is within {@code maxJitterPct} percent of that mean.
     */
    record Beacon(int minEvents, double maxJitterPct, double minIntervalSeconds) implements Condition {
        @Override
        public Object stateShape() {
            return "beacon";
        }
    }
}
