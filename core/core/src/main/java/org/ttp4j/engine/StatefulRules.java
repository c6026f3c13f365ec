package org.ttp4j.engine;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Emit;
import org.ttp4j.rule.Match;
import org.ttp4j.rule.RuleState;
import org.ttp4j.rule.SourceKinds;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.RuleStore;

/**
 * The stateful rules ({@link Match.Window}): windows, thresholds, distinct counts, sequences and beaconing over
 * event time (docs/stateful.md). Beside the stateless {@link RuleEngine}: feed both the same store changes and
 * both the same events.
 *
 * <p>A rule fires once per group when its condition first holds, and again only once it has held on no event for a
 * whole window. The tag names the event that completed the condition ({@code source_id}, and the UUID over the
 * same six fields as any tag); its evidence names the group, the count or distinct count and the first and last
 * counted event ids. Operator state applies. A definition change keeps the groups' state when
 * {@link Match.Window#sameState} says it can and resets it otherwise ({@link Outcome#RESET}); a removal frees it.
 *
 * <p>Thread-safe: each rule's groups have their own lock; rule changes swap an immutable table. An event that no
 * stateful rule counts allocates nothing.
 */
public final class StatefulRules {

    private static final System.Logger LOG = System.getLogger(StatefulRules.class.getName());
    private static final long NO_TIME = Long.MIN_VALUE;
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    /** What one change did to a rule's window state. */
    public enum Outcome {
        /** A new stateful rule, with empty state. */
        ADDED,
        /** A definition change that kept the groups' counts (same window, groups and kind of condition). */
        KEPT,
        /** A definition change that dropped the groups' counts (the window definition changed). */
        RESET,
        /** The rule was removed or is no longer stateful: its state is freed. */
        REMOVED,
        /** A state change (enabled, disabled, clipped): counts kept. */
        RESTAMPED,
        /** Nothing to do here (not a stateful rule). */
        IGNORED
    }

    /** The result of {@link #apply}: {@code groupsDropped} counts the groups a reset or a removal freed. */
    public record Applied(String ruleId, Outcome outcome, int groupsDropped) {}

    private final StatefulOptions options;
    private final long latenessMillis;
    private final Object writeLock = new Object();
    private final Map<String, Live> byId = new HashMap<>();
    private volatile Map<String, Live[]> byKind = Map.of();
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
    private final LongAdder evictions = new LongAdder();
    private final LongAdder late = new LongAdder();
    private final LongAdder resets = new LongAdder();
    private final LongAdder badTimes = new LongAdder();
    private final LongAdder boundHits = new LongAdder();
    private final AtomicLong nextLogAt = new AtomicLong(Long.MIN_VALUE);

    public StatefulRules() {
        this(StatefulOptions.DEFAULTS);
    }

    public StatefulRules(StatefulOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.latenessMillis = options.lateness().toMillis();
    }

    public StatefulOptions options() {
        return options;
    }

    // ---- rule changes ------------------------------------------------------------------------------------

    /** Applies one change from a store and says what it did to the rule's window state. */
    public Applied apply(RuleChange change) {
        synchronized (writeLock) {
            Applied applied = switch (change) {
                case RuleChange.Definition d -> define(d.rule());
                case RuleChange.Removed r -> remove(r.ruleId());
                case RuleChange.State s -> restamp(s.ruleId(), s.state());
            };
            if (applied.outcome() != Outcome.IGNORED) {
                publish();
            }
            if (applied.outcome() == Outcome.RESET) {
                resets.increment();
                LOG.log(System.Logger.Level.INFO, () -> "stateful rule " + applied.ruleId() + ": the window definition"
                        + " changed, " + applied.groupsDropped() + " groups reset");
            }
            return applied;
        }
    }

    /** Replaces every rule with the stateful ones of {@code rules}; rules kept keep their state as {@link #apply} would. */
    public List<Applied> replaceAll(Collection<CompiledRule> rules) {
        synchronized (writeLock) {
            List<Applied> out = new ArrayList<>();
            Map<String, CompiledRule> fresh = new HashMap<>();
            for (CompiledRule r : rules) {
                fresh.put(r.ruleId(), r);
            }
            for (String id : List.copyOf(byId.keySet())) {
                if (!fresh.containsKey(id)) {
                    out.add(remove(id));
                }
            }
            for (CompiledRule r : fresh.values()) {
                Applied a = define(r);
                if (a.outcome() != Outcome.IGNORED) {
                    out.add(a);
                }
                if (a.outcome() == Outcome.RESET) {
                    resets.increment();
                }
            }
            publish();
            return out;
        }
    }

    /**
     * Keeps these rules current from {@code store}: subscribes, loads, then applies every change in order (as
     * {@code RuleIndex.watch} does). Resets are logged. Closing the handle stops following.
     */
    public RuleStore.Subscription watch(RuleStore store) {
        return store.follow(new RuleStore.Follower() {
            @Override
            public void loaded(List<CompiledRule> rules) {
                replaceAll(rules);
            }

            @Override
            public void change(RuleChange change) {
                apply(change);
            }
        });
    }

    private Applied define(CompiledRule rule) {
        String id = rule.ruleId();
        if (!(rule.match() instanceof Match.Window window)) {
            return byId.containsKey(id) ? remove(id) : new Applied(id, Outcome.IGNORED, 0);
        }
        Live old = byId.get(id);
        if (old != null && old.window.sameState(window)) {
            byId.put(id, new Live(rule, window, old.groups));
            return new Applied(id, Outcome.KEPT, 0);
        }
        byId.put(id, new Live(rule, window, new WindowGroups()));
        return old == null ? new Applied(id, Outcome.ADDED, 0) : new Applied(id, Outcome.RESET, old.groupCount());
    }

    private Applied remove(String id) {
        Live old = byId.remove(id);
        return old == null ? new Applied(id, Outcome.IGNORED, 0) : new Applied(id, Outcome.REMOVED, old.groupCount());
    }

    private Applied restamp(String id, RuleState state) {
        Live old = byId.get(id);
        if (old == null) {
            return new Applied(id, Outcome.IGNORED, 0);
        }
        byId.put(id, new Live(old.rule.withState(state), old.window, old.groups));
        return new Applied(id, Outcome.RESTAMPED, 0);
    }

    private void publish() {
        Map<String, List<Live>> kinds = new HashMap<>();
        for (Live live : new TreeMap<>(byId).values()) {
            for (String kind : live.rule.appliesTo()) {
                kinds.computeIfAbsent(kind, k -> new ArrayList<>()).add(live);
            }
        }
        Map<String, Live[]> table = new HashMap<>();
        kinds.forEach((k, list) -> table.put(k, list.toArray(Live[]::new)));
        byKind = Map.copyOf(table);
    }

    // ---- evaluation ----------------------------------------------------------------------------------------

    /** The tags {@code event} completes, in rule-id order then emit order; an immutable empty list when none. */
    public List<Tag> evaluate(Event event) {
        Scratch sc = scratch.get();
        if (evaluateInto(event, sc.tags) == 0) {
            return List.of();
        }
        List<Tag> tags = List.copyOf(sc.tags);
        sc.tags.clear();
        return tags;
    }

    /** Counts {@code event} in every stateful rule that counts it; appends the tags it completes, returns how many. */
    public int evaluateInto(Event event, Collection<? super Tag> out) {
        Live[] rules = byKind.get(event.sourceKind());
        if (rules == null) {
            return 0;
        }
        Scratch sc = scratch.get();
        long time = NO_TIME;
        long now = NO_TIME;
        int n = 0;
        for (Live live : rules) {
            RuleState state = live.rule.state();
            boolean expired = false;
            if (state.expiresAt() != null) {
                if (now == NO_TIME) {
                    now = options.clock().millis();
                }
                expired = state.expiresAt().toEpochMilli() <= now;
            }
            if (state.mode() == RuleState.Mode.DISABLED && !expired) {
                continue;
            }
            boolean counted = live.counts.test(event, sc, this);
            boolean completes = live.then != null && live.then.test(event, sc, this);
            if (!counted && !completes) {
                continue;
            }
            Object key = counted ? key(event, live.groupFields, live.groupCodes) : null;
            Object value = counted && live.distinctFields != null
                    ? key(event, live.distinctFields, live.distinctCodes) : null;
            counted &= key != null && (live.distinctFields == null || value != null);
            Object thenKey = completes ? key(event, live.thenFields, live.thenCodes) : null;
            completes &= thenKey != null;
            if (!counted && !completes) {
                continue;
            }
            if (time == NO_TIME) {
                time = eventTime(event);
            }
            n += live.accept(event, time, counted ? key : null, value, thenKey, expired, out);
        }
        return n;
    }

    /** Groups dropped because a rule had {@link StatefulOptions#maxGroupsPerRule()} already, since start. */
    public long evictions() {
        return evictions.sum();
    }

    /** {@link #evictions()} of one rule's current state (0 for an unknown rule). */
    public long evictions(String ruleId) {
        Live live = liveOf(ruleId);
        if (live == null) {
            return 0;
        }
        synchronized (live.groups) {
            return live.groups.evictions;
        }
    }

    /** The groups one rule holds now (0 for an unknown rule). */
    public int groups(String ruleId) {
        Live live = liveOf(ruleId);
        return live == null ? 0 : live.groupCount();
    }

    /** Events dropped because they arrived more than the lateness behind their rule's newest event, since start. */
    public long late() {
        return late.sum();
    }

    /** Definition changes that reset a rule's window state, since start. */
    public long resets() {
        return resets.sum();
    }

    /** Events whose time field could not be read (arrival time was used), since start. */
    public long badTimes() {
        return badTimes.sum();
    }

    /** Pattern evaluations cut off by {@link StatefulOptions#maxRegexSteps()} (treated as not matching), since start. */
    public long boundHits() {
        return boundHits.sum();
    }

    /** The stateful rules held, by id. */
    public List<String> ruleIds() {
        synchronized (writeLock) {
            return List.copyOf(new TreeMap<>(byId).keySet());
        }
    }

    /** The definition (with its state) one stateful rule has now, if it is held. */
    public java.util.Optional<CompiledRule> rule(String ruleId) {
        Live live = liveOf(ruleId);
        return live == null ? java.util.Optional.empty() : java.util.Optional.of(live.rule);
    }

    private Live liveOf(String ruleId) {
        synchronized (writeLock) {
            return byId.get(ruleId);
        }
    }

    /** The event time in epoch milliseconds: the time field, else arrival time. */
    private long eventTime(Event event) {
        Object v = event.payload().get(options.timeField());
        if (v == null) {
            return options.clock().millis();
        }
        try {
            if (v instanceof Number number) {
                double seconds = number.doubleValue();
                if (Double.isFinite(seconds) && Math.abs(seconds) < 1e14) {
                    return Math.round(seconds * 1000);
                }
            } else if (v instanceof String s) {
                return parseTime(s);
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        badTimes.increment();
        rateLimited(() -> "event " + event.sourceKind() + "/" + event.sourceId() + ": " + options.timeField() + " "
                + v + " is not an ISO-8601 time or a number of epoch seconds; its arrival time was used");
        return options.clock().millis();
    }

    static long parseTime(String s) {
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeParseException e) {
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toEpochMilli();
        }
    }

    private void rateLimited(java.util.function.Supplier<String> message) {
        long t = System.nanoTime();
        long next = nextLogAt.get();
        if ((next == Long.MIN_VALUE || t - next >= 0) && nextLogAt.compareAndSet(next, t + LOG_INTERVAL_NANOS)) {
            LOG.log(System.Logger.Level.WARNING, message);
        }
    }

    /** Event ids by name: a field of these names is read from the event, any other from the payload. */
    private static int code(String field) {
        return switch (field) {
            case "source_kind" -> 0;
            case "source_id" -> 1;
            case "attacker_uuid" -> 2;
            case "identity_uuid" -> 3;
            case "session_id" -> 4;
            case "decky_id" -> 5;
            default -> -1;
        };
    }

    private static Object field(Event e, String name, int code) {
        return switch (code) {
            case 0 -> e.sourceKind();
            case 1 -> e.sourceId();
            case 2 -> e.attackerUuid();
            case 3 -> e.identityUuid();
            case 4 -> e.sessionId();
            case 5 -> e.deckyId();
            default -> e.payload().get(name);
        };
    }

    private static int[] codes(List<String> fields) {
        int[] c = new int[fields.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = code(fields.get(i));
        }
        return c;
    }

    /** The value of one field, or a tuple of several; null when any is missing or null. */
    private static Object key(Event e, String[] fields, int[] codes) {
        if (fields.length == 1) {
            return field(e, fields[0], codes[0]);
        }
        for (int i = 0; i < fields.length; i++) {
            if (field(e, fields[i], codes[i]) == null) {
                return null; // checked first: an event a rule does not count allocates nothing
            }
        }
        Object[] values = new Object[fields.length];
        for (int i = 0; i < fields.length; i++) {
            values[i] = field(e, fields[i], codes[i]);
        }
        return new Tuple(values);
    }

    /** Equality for {@code where}: JSON numbers compare by value (22 equals 22.0), everything else by equals. */
    static boolean same(Object expected, Object actual) {
        if (expected instanceof Number a && actual instanceof Number b) {
            boolean floating = a instanceof Double || a instanceof Float || b instanceof Double || b instanceof Float;
            return floating ? a.doubleValue() == b.doubleValue() : a.longValue() == b.longValue();
        }
        return Objects.equals(expected, actual);
    }

    /** Several fields' values as one group key or distinct value. */
    private record Tuple(Object[] values) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Tuple t && Arrays.equals(values, t.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return Arrays.toString(values);
        }
    }

    /** A compiled {@link Match.Filter}. */
    private static final class EventTest {
        private final String[] fields;
        private final int[] codes;
        private final Object[][] values;
        private final String regexField;
        private final int regexCode;
        private final java.util.regex.Pattern regex;
        private final ThreadLocal<Matcher> matchers;

        EventTest(Match.Filter f) {
            fields = f.where().keySet().toArray(String[]::new);
            codes = codes(List.of(fields));
            values = new Object[fields.length][];
            for (int i = 0; i < fields.length; i++) {
                values[i] = f.where().get(fields[i]).toArray();
            }
            regexField = f.field();
            regexCode = f.field() == null ? -1 : code(f.field());
            regex = f.regex();
            matchers = regex == null ? null : ThreadLocal.withInitial(() -> regex.matcher(""));
        }

        boolean test(Event e, Scratch sc, StatefulRules rules) {
            for (int i = 0; i < fields.length; i++) {
                Object v = field(e, fields[i], codes[i]);
                boolean any = false;
                for (Object expected : values[i]) {
                    if (same(expected, v)) {
                        any = true;
                        break;
                    }
                }
                if (!any) {
                    return false;
                }
            }
            if (regex == null) {
                return true;
            }
            String name = regexField != null ? regexField : SourceKinds.defaultField(e.sourceKind());
            if (name == null || !(field(e, name, regexField != null ? regexCode : -1) instanceof String s)) {
                return false;
            }
            sc.text.aim(s, rules.options.maxRegexSteps());
            try {
                return matchers.get().reset(sc.text).find();
            } catch (BoundedText.Exhausted | StackOverflowError ex) {
                rules.boundHits.increment();
                return false;
            } finally {
                sc.text.clear();
            }
        }
    }

    /** One stateful rule as evaluated: its definition and compiled tests, and its groups (shared across swaps). */
    private final class Live {
        final CompiledRule rule;
        final Match.Window window;
        final WindowGroups groups;
        final EventTest counts;
        final EventTest then;
        final String[] groupFields;
        final int[] groupCodes;
        final String[] thenFields;
        final int[] thenCodes;
        final String[] distinctFields;
        final int[] distinctCodes;
        final String[] mitreUrls;

        Live(CompiledRule rule, Match.Window window, WindowGroups groups) {
            this.rule = rule;
            this.window = window;
            this.groups = groups;
            counts = new EventTest(window.counts());
            groupFields = window.groupBy().toArray(String[]::new);
            groupCodes = codes(window.groupBy());
            if (window.holds() instanceof Match.Sequence s) {
                then = new EventTest(s.then());
                thenFields = s.thenGroupBy().toArray(String[]::new);
                thenCodes = codes(s.thenGroupBy());
            } else {
                then = null;
                thenFields = null;
                thenCodes = null;
            }
            if (window.holds() instanceof Match.Distinct d) {
                distinctFields = d.fields().toArray(String[]::new);
                distinctCodes = codes(d.fields());
            } else {
                distinctFields = null;
                distinctCodes = null;
            }
            mitreUrls = rule.emits().stream().map(Emit::mitreUrl).toArray(String[]::new);
        }

        int groupCount() {
            synchronized (groups) {
                return groups.size();
            }
        }

        /** Counts one accepted event (and checks it as a sequence's last step); returns the tags emitted. */
        int accept(Event event, long time, Object key, Object value, Object thenKey, boolean expired,
                   Collection<? super Tag> out) {
            long w = window.windowMillis();
            int cap = options.maxGroupsPerRule();
            int emitted = 0;
            synchronized (groups) {
                if (groups.maxSeen != NO_TIME && time < groups.maxSeen - latenessMillis) {
                    groups.late++;
                    late.increment();
                    return 0;
                }
                groups.maxSeen = Math.max(groups.maxSeen, time);
                if (thenKey != null) {
                    Match.Sequence s = (Match.Sequence) window.holds();
                    WindowGroup g = groups.get(thenKey);
                    // the M latest counted events all precede the completing one, within the window
                    if (g != null && g.fullAfter(s.minCount(), time - w) && g.times[g.size - 1] <= time) {
                        boolean fire = g.lastHeld == NO_TIME || time - g.lastHeld >= w;
                        g.lastHeld = Math.max(g.lastHeld, time);
                        if (fire) {
                            emitted += emit(event, thenKey, g, s.minCount(), "count", expired, out);
                        }
                    }
                }
                if (key != null) {
                    long evictedBefore = groups.evictions;
                    WindowGroup g = groups.getOrCreate(key, cap);
                    boolean holds = switch (window.holds()) {
                        case Match.Count c -> {
                            g.add(time, event.sourceId(), c.minCount());
                            yield g.fullAfter(c.minCount(), g.latest - w);
                        }
                        case Match.Distinct d -> {
                            g.addValue(value, time, event.sourceId(), d.minDistinct());
                            yield g.fullAfter(d.minDistinct(), g.latest - w);
                        }
                        case Match.Beacon b -> {
                            g.add(time, event.sourceId(), b.minEvents());
                            yield g.fullAfter(b.minEvents(), g.latest - w) && regular(g, b);
                        }
                        case Match.Sequence s -> {
                            g.add(time, event.sourceId(), s.minCount());
                            yield false;
                        }
                    };
                    evictions.add(groups.evictions - evictedBefore);
                    if (holds) {
                        boolean fire = g.lastHeld == NO_TIME || g.latest - g.lastHeld >= w;
                        g.lastHeld = Math.max(g.lastHeld, g.latest);
                        if (fire) {
                            emitted += emit(event, key, g, threshold(), window.holds() instanceof Match.Distinct
                                    ? "distinct" : "count", expired, out);
                        }
                    }
                }
                groups.expire(groups.maxSeen - latenessMillis - w);
            }
            return emitted;
        }

        private int threshold() {
            return switch (window.holds()) {
                case Match.Count c -> c.minCount();
                case Match.Distinct d -> d.minDistinct();
                case Match.Beacon b -> b.minEvents();
                case Match.Sequence s -> s.minCount();
            };
        }

        private int emit(Event event, Object key, WindowGroup g, int n, String countName, boolean expired,
                         Collection<? super Tag> out) {
            Map<String, Object> evidence = new LinkedHashMap<>();
            Map<String, Object> group = new LinkedHashMap<>();
            Object[] keyValues = key instanceof Tuple t ? t.values() : new Object[] {key};
            for (int i = 0; i < groupFields.length; i++) {
                group.put(groupFields[i], keyValues[i]);
            }
            evidence.put("group", Collections.unmodifiableMap(group));
            evidence.put(countName, n);
            if (window.holds() instanceof Match.Beacon) {
                double mean = (double) (g.times[g.size - 1] - g.times[g.size - n]) / (n - 1) / 1000.0;
                evidence.put("interval_s", mean);
            }
            evidence.put("first_event_id", g.ids[g.size - n]);
            evidence.put("last_event_id", g.ids[g.size - 1]);
            Map<String, Object> payload = event.payload();
            for (String f : rule.evidenceFields()) {
                if (payload.containsKey(f)) {
                    evidence.put(f, payload.get(f));
                }
            }
            Map<String, Object> frozen = Collections.unmodifiableMap(evidence);
            Instant createdAt = options.clock().instant();
            RuleState state = expired ? RuleState.DEFAULT : rule.state();
            List<Emit> emits = rule.emits();
            for (int k = 0; k < emits.size(); k++) {
                out.add(Tag.of(event, rule, emits.get(k), state.cap(emits.get(k).confidence()), frozen,
                        options.attackRelease(), mitreUrls[k], createdAt));
            }
            return emits.size();
        }
    }

    /** Every interval of the last {@code minEvents} entries within the jitter of their mean, the mean long enough. */
    static boolean regular(WindowGroup g, Match.Beacon b) {
        int n = b.minEvents();
        int first = g.size - n;
        double mean = (double) (g.times[g.size - 1] - g.times[first]) / (n - 1);
        if (mean < b.minIntervalSeconds() * 1000) {
            return false;
        }
        double tolerance = mean * b.maxJitterPct() / 100;
        for (int i = first + 1; i < g.size; i++) {
            if (Math.abs((g.times[i] - g.times[i - 1]) - mean) > tolerance) {
                return false;
            }
        }
        return true;
    }

    /** Per-thread reusable state. */
    private static final class Scratch {
        final BoundedText text = new BoundedText();
        final List<Tag> tags = new ArrayList<>();
    }
}
