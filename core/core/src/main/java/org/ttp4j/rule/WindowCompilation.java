package org.ttp4j.rule;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.ttp4j.store.internal.Durations;

/**
 * Compiles a stateful {@code match} mapping (one with {@code window:}) into a {@link Match.Window}
 * (docs/stateful.md §1), reporting every problem at its field. Returns null when anything is wrong.
 */
final class WindowCompilation {

    /** Where problems go; positions come from the field path. */
    interface Problems {
        void error(String fieldPath, String message);

        void warning(String fieldPath, String message);

        String show(Object value);

        Pattern pythonRegex(String pattern, String fieldPath);
    }

    /** Largest threshold: each group keeps at most this many events or values. */
    static final int MAX_THRESHOLD = 1000;
    static final long MAX_WINDOW_MILLIS = 30L * 24 * 3600 * 1000;
    static final int MAX_GROUP_FIELDS = 8;

    private static final Set<String> KEYS = Set.of("window", "group_by", "where", "pattern", "field", "min_count",
            "distinct", "min_distinct", "then", "min_events", "max_jitter_pct", "min_interval_s");
    private static final Set<String> THEN_KEYS = Set.of("where", "pattern", "field", "group_by");

    private final Problems problems;
    private final Map<String, Object> match;
    private final List<String> appliesTo;
    private boolean failed;

    WindowCompilation(Problems problems, Map<String, Object> match, List<String> appliesTo) {
        this.problems = problems;
        this.match = match;
        this.appliesTo = appliesTo;
    }

    Match.Window compile() {
        for (String key : match.keySet()) {
            if (!KEYS.contains(key)) {
                problems.warning("match." + key, "unknown key, ignored (a stateful match has window, group_by,"
                        + " where, pattern, field, and one of min_count, distinct + min_distinct, then, min_events)");
            }
        }
        long window = window(match.get("window"));
        List<String> groupBy = fields(match.get("group_by"), "match.group_by", true);
        Match.Filter counts = filter(match, "match");
        Match.Condition holds = condition(groupBy);
        if (failed || holds == null || counts == null || groupBy == null) {
            return null;
        }
        return new Match.Window(window, groupBy, counts, holds, match);
    }

    private Match.Condition condition(List<String> groupBy) {
        boolean count = match.containsKey("min_count");
        boolean distinct = match.containsKey("distinct") || match.containsKey("min_distinct");
        boolean then = match.containsKey("then");
        boolean beacon = match.containsKey("min_events") || match.containsKey("max_jitter_pct")
                || match.containsKey("min_interval_s");
        int kinds = (count && !then ? 1 : 0) + (distinct ? 1 : 0) + (then ? 1 : 0) + (beacon ? 1 : 0);
        if (kinds != 1) {
            error("match", kinds == 0
                    ? "a stateful match (it has window) needs what must hold: min_count, distinct with min_distinct,"
                        + " then (a sequence), or min_events (beaconing)"
                    : "names more than one condition: use one of min_count, distinct with min_distinct, then,"
                        + " min_events");
            return null;
        }
        if (then) {
            int min = match.containsKey("min_count") ? threshold("match.min_count", 1) : 1;
            if (!(match.get("then") instanceof Map<?, ?> m)) {
                error("match.then", "must be a mapping (where, pattern, field, group_by) selecting the event that"
                        + " completes the sequence, found " + problems.show(match.get("then")));
                return null;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> step = (Map<String, Object>) m;
            for (String key : step.keySet()) {
                if (!THEN_KEYS.contains(key)) {
                    problems.warning("match.then." + key, "unknown key, ignored (then has where, pattern, field,"
                            + " group_by)");
                }
            }
            Match.Filter thenFilter = filter(step, "match.then");
            List<String> thenGroup = step.containsKey("group_by")
                    ? fields(step.get("group_by"), "match.then.group_by", true) : groupBy;
            if (thenGroup != null && groupBy != null && thenGroup.size() != groupBy.size()) {
                error("match.then.group_by", "must name as many fields as match.group_by (" + groupBy.size()
                        + "), found " + thenGroup.size());
                return null;
            }
            return thenFilter == null || thenGroup == null ? null : new Match.Sequence(min, thenFilter, thenGroup);
        }
        if (count) {
            return new Match.Count(threshold("match.min_count", 1));
        }
        if (distinct) {
            if (!match.containsKey("distinct")) {
                error("match", "min_distinct needs distinct: the field (or list of fields) whose values are counted");
                return null;
            }
            if (!match.containsKey("min_distinct")) {
                error("match", "distinct needs min_distinct: how many distinct values must be seen in the window");
                return null;
            }
            Object d = match.get("distinct");
            List<String> fields = d instanceof String s ? fields(List.of(s), "match.distinct", false)
                    : fields(d, "match.distinct", false);
            int min = threshold("match.min_distinct", 1);
            return fields == null ? null : new Match.Distinct(fields, min);
        }
        if (!match.containsKey("min_events")) {
            error("match", "beaconing needs min_events: how many regularly spaced events make a beacon");
            return null;
        }
        int events = threshold("match.min_events", 3);
        double jitter = number("match.max_jitter_pct", match.getOrDefault("max_jitter_pct", 20L), 0, 100);
        double interval = number("match.min_interval_s", match.getOrDefault("min_interval_s", 1L), 0.001, 86_400);
        return new Match.Beacon(events, jitter, interval);
    }

    /** The window: whole seconds, or 90s, 5m, 1h, 1d. */
    private long window(Object value) {
        long millis;
        if (value instanceof Long seconds) {
            millis = seconds > MAX_WINDOW_MILLIS / 1000 ? -1 : seconds * 1000;
        } else if (value instanceof String s && s.trim().matches("\\d{1,9}[smhd]")) {
            millis = Durations.parse(s).toMillis();
        } else {
            error("match.window", "must be a number of seconds or a duration such as 90s, 5m, 1h, 1d, found "
                    + problems.show(value));
            return 0;
        }
        if (millis < 1000 || millis > MAX_WINDOW_MILLIS) {
            error("match.window", "must be between 1 second and 30 days, found " + problems.show(value));
        }
        return millis;
    }

    /** A list of field names (a bare string only where {@code listOnly} is false). */
    private List<String> fields(Object value, String path, boolean listOnly) {
        if (!(value instanceof List<?> list)) {
            error(path, value == null
                    ? "is required: the fields whose values make a group, such as [attacker_uuid, username]"
                    : "must be a list of field names such as [attacker_uuid, username], found "
                        + problems.show(value));
            return null;
        }
        if (list.isEmpty() || list.size() > MAX_GROUP_FIELDS) {
            error(path, "must name between 1 and " + MAX_GROUP_FIELDS + " fields, found " + list.size());
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String s) || s.isBlank()) {
                error(listOnly ? path + "[" + i + "]" : path, "must be a field name (an event id such as"
                        + " attacker_uuid or a payload key), found " + problems.show(list.get(i)));
                return null;
            }
            out.add(s);
        }
        if (Set.copyOf(out).size() != out.size()) {
            error(path, "names a field twice: " + out);
            return null;
        }
        return out;
    }

    /** The event filter of a mapping: {@code where}, and {@code pattern} with an optional {@code field}. */
    private Match.Filter filter(Map<String, Object> m, String path) {
        Map<String, List<Object>> equals = new LinkedHashMap<>();
        Object where = m.get("where");
        if (where != null || m.containsKey("where")) {
            if (!(where instanceof Map<?, ?> w) || w.isEmpty()) {
                error(path + ".where", "must be a mapping of field to value, such as {success: false}, found "
                        + problems.show(where));
                return null;
            }
            for (Map.Entry<?, ?> e : w.entrySet()) {
                String fieldPath = path + ".where." + e.getKey();
                List<?> values = e.getValue() instanceof List<?> l ? l : Collections.singletonList(e.getValue());
                if (values.isEmpty()) {
                    error(fieldPath, "must list at least one value");
                    return null;
                }
                for (Object v : values) {
                    if (v instanceof List || v instanceof Map) {
                        error(fieldPath, "must be a value (string, number, true/false, null) or a list of values,"
                                + " found " + problems.show(v));
                        return null;
                    }
                }
                List<Object> normalized = new ArrayList<>();
                for (Object v : values) {
                    normalized.add(v instanceof BigInteger b ? b.doubleValue() : v);
                }
                equals.put((String) e.getKey(), Collections.unmodifiableList(normalized));
            }
        }
        Object pattern = m.get("pattern");
        Object field = m.get("field");
        if (pattern == null) {
            if (m.containsKey("pattern")) {
                error(path + ".pattern", "must be a string (a Python regular expression), found null");
                return null;
            }
            if (field != null) {
                problems.warning(path + ".field", "ignored: there is no pattern to search it with");
            }
            return new Match.Filter(equals, null, null, null);
        }
        if (!(pattern instanceof String p)) {
            error(path + ".pattern", "must be a string (a Python regular expression), found "
                    + problems.show(pattern));
            return null;
        }
        if (field != null && (!(field instanceof String f) || f.isBlank())) {
            error(path + ".field", "must be a payload key, found " + problems.show(field));
            return null;
        }
        if (field == null && appliesTo != null) {
            for (String kind : appliesTo) {
                if (kind != null && !kind.isBlank() && SourceKinds.defaultField(kind) == null) {
                    error(path + ".field", "is required: source kind '" + kind + "' has no default field to search");
                    return null;
                }
            }
        }
        Pattern regex = problems.pythonRegex(p, path + ".pattern");
        return regex == null ? null : new Match.Filter(equals, (String) field, p, regex);
    }

    private int threshold(String path, int min) {
        Object v = match.get(path.substring("match.".length()));
        if (!(v instanceof Long n) || n < min || n > MAX_THRESHOLD) {
            error(path, "must be a whole number between " + min + " and " + MAX_THRESHOLD + ", found "
                    + problems.show(v));
            return min;
        }
        return (int) (long) n;
    }

    private double number(String path, Object v, double min, double max) {
        double d = v instanceof Long l ? l : v instanceof Double x ? x : Double.NaN;
        if (!(d >= min && d <= max)) {
            error(path, "must be a number between " + (min < 1 ? String.valueOf(min) : String.valueOf((long) min))
                    + " and " + (long) max + ", found " + problems.show(v));
        }
        return d;
    }

    private void error(String path, String message) {
        failed = true;
        problems.error(path, message);
    }
}
