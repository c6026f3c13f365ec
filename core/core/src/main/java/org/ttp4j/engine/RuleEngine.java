package org.ttp4j.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ttp4j.index.internal.CharPresence;
import org.ttp4j.index.internal.FoldedFields;
import org.ttp4j.index.internal.IndexedRule;
import org.ttp4j.index.internal.KindBucket;
import org.ttp4j.index.RuleIndex;
import org.ttp4j.index.internal.Segment;
import org.ttp4j.index.internal.SnapshotInternals;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Emit;
import org.ttp4j.rule.Match;
import org.ttp4j.rule.RequiredLiterals;

/**
 * Events in, tags out (docs/engine.md §2, docs/events.md §3), over the current snapshot of a {@link RuleIndex}.
 *
 * <p>For an event of kind K, every engine-owned rule applying to K whose state lets it fire and whose pattern
 * is found in the event's field value (a string; anything else does not match) gives one tag per emit, rules
 * in rule-id order, emits in file order. The literal prefilter skips rules whose required literals are absent;
 * it never changes the result. Each rule's regex searches the whole value (up to
 * {@link EngineOptions#maxSearchLength()} chars, by default more than the command line's longest event line) and
 * may read at most {@link EngineOptions#maxRegexSteps()} chars per event: a rule that hits a bound does not fire
 * for the event, is counted per rule ({@link #boundHits(String)}) and is reported as a {@link BoundHit} (at most
 * once a second; docs/cli.md §8).
 *
 * <p>Thread-safe; evaluation takes no lock. An event that matches nothing allocates nothing.
 */
public final class RuleEngine {

    private static final System.Logger LOG = System.getLogger(RuleEngine.class.getName());
    private static final String[] COMMAND_AUX = {"uid", "user", "src", "pwd"};
    private static final Object ABSENT = new Object();
    private static final long REPORT_INTERVAL_MILLIS = 1_000L;

    private static final SnapshotInternals.Access SNAPSHOTS = SnapshotInternals.access();

    private final RuleIndex index;
    private final EngineOptions options;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
    private final LongAdder boundHits = new LongAdder();
    private final Map<String, LongAdder> boundHitsByRule = new ConcurrentHashMap<>();
    private final AtomicLong nextLogAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong unlogged = new AtomicLong();
    private final Consumer<BoundHit> boundReports;

    public RuleEngine(RuleIndex index) {
        this(index, EngineOptions.DEFAULTS);
    }

    /** An engine whose bound hits are logged (a warning, at most once a second). */
    public RuleEngine(RuleIndex index, EngineOptions options) {
        this(index, options, hit -> LOG.log(System.Logger.Level.WARNING, hit::toString));
    }

    /** An engine whose bound hits go to {@code boundReports} (at most one a second, on the evaluating thread). */
    public RuleEngine(RuleIndex index, EngineOptions options, Consumer<BoundHit> boundReports) {
        this.index = Objects.requireNonNull(index, "index");
        this.options = Objects.requireNonNull(options, "options");
        this.boundReports = Objects.requireNonNull(boundReports, "boundReports");
    }

    public RuleIndex index() {
        return index;
    }

    public EngineOptions options() {
        return options;
    }

    /** The tags for {@code event}, in order; an immutable empty list when nothing matches. */
    public List<Tag> evaluate(Event event) {
        Scratch sc = scratch.get();
        if (run(event, sc) == 0) {
            return List.of();
        }
        List<Tag> tags = List.copyOf(sc.tags);
        sc.tags.clear();
        return tags;
    }

    /** Appends the tags for {@code event} to {@code out}, in order, and returns how many there were. */
    public int evaluateInto(Event event, Collection<? super Tag> out) {
        Scratch sc = scratch.get();
        int n = run(event, sc);
        if (n > 0) {
            out.addAll(sc.tags);
            sc.tags.clear();
        }
        return n;
    }

    /**
     * How many times a rule's regex hit the step bound, or failed inside {@code java.util.regex}, and so did not
     * fire for an event, since start.
     */
    public long boundHits() {
        return boundHits.sum();
    }

    /** {@link #boundHits()} for one rule. */
    public long boundHits(String ruleId) {
        LongAdder a = boundHitsByRule.get(ruleId);
        return a == null ? 0 : a.sum();
    }

    /** {@link #boundHits(String)} of every rule that has hit a bound since start, by rule id (a copy, for metrics). */
    public Map<String, Long> boundHitsByRule() {
        Map<String, Long> copy = new TreeMap<>();
        boundHitsByRule.forEach((id, n) -> copy.put(id, n.sum()));
        return copy;
    }

    private int run(Event event, Scratch sc) {
        sc.tags.clear();
        KindBucket bucket = SNAPSHOTS.bucket(index.snapshot(), event.sourceKind());
        if (bucket == null) {
            return 0;
        }
        int fields = bucket.fieldCount();
        String[] values = sc.values(fields);
        Map<String, Object> payload = event.payload();
        boolean any = false;
        for (int f = 0; f < fields; f++) {
            String v = payload.get(bucket.field(f)) instanceof String s ? s : null;
            values[f] = v;
            any |= v != null;
        }
        if (!any) {
            return 0;
        }
        int limit = options.maxSearchLength();
        // A value past the cut: every rule runs its regex, so that each one the cut stops is counted.
        boolean prefilter = options.prefilter() && !anyLongerThan(values, fields, limit);
        int segments = bucket.segmentCount();
        boolean foldOnce = prefilter && segments > 1;
        sc.now = Long.MIN_VALUE;
        sc.createdAt = null;
        int count = 0;
        boolean complete = false;
        try {
            if (foldOnce) {
                // one pass over the folded fields for all segments; only those with a candidate are visited
                sc.folded.reset(fields);
                for (int f = 0; f < fields; f++) {
                    sc.folded.set(f, values[f], limit);
                }
                long[] masks = sc.masks(segments);
                long[] touched = sc.touched((segments + 63) >>> 6);
                bucket.candidates(sc.folded, sc.presence, masks, touched);
                for (int w = 0, words = (segments + 63) >>> 6; w < words; w++) {
                    long marked = touched[w];
                    touched[w] = 0;
                    while (marked != 0) {
                        int s = (w << 6) + Long.numberOfTrailingZeros(marked);
                        marked &= marked - 1;
                        long candidates = masks[s];
                        masks[s] = 0;
                        count += fire(event, sc, bucket.segment(s), candidates, values, true, limit);
                    }
                }
            } else {
                for (int s = 0; s < segments; s++) {
                    Segment seg = bucket.segment(s);
                    long candidates = prefilter ? seg.candidates(values, limit) : seg.searchable(values);
                    count += fire(event, sc, seg, candidates, values, prefilter, limit);
                }
            }
            complete = true;
        } finally {
            for (int f = 0; f < fields; f++) {
                values[f] = null;
            }
            sc.text.clear();
            sc.presence.clear();
            sc.createdAt = null;
            sc.lastEvidenceFields = null;
            sc.lastEvidence = null;
            if (foldOnce) {
                sc.folded.clear();
                if (!complete) {
                    sc.clearMasks(segments);
                }
            }
        }
        return count;
    }

    /** Runs the candidate rules {@code candidates} of {@code seg} on the event; returns the tags added. */
    private int fire(Event event, Scratch sc, Segment seg, long candidates, String[] values, boolean prefilter,
                     int limit) {
        int count = 0;
        while (candidates != 0) {
            int k = Long.numberOfTrailingZeros(candidates);
            candidates &= candidates - 1;
            IndexedRule rule = seg.rule(k);
            boolean expired = false;
            if (rule.hasExpiry()) {
                if (sc.now == Long.MIN_VALUE) {
                    sc.now = options.clock().millis();
                }
                expired = rule.expiredAt(sc.now, options.clock());
            }
            String value = values[seg.fieldOf(k)];
            if ((rule.disabled() && !expired) || !matches(sc, rule, value, limit, prefilter, event)) {
                continue;
            }
            if (sc.createdAt == null) {
                sc.createdAt = options.clock().instant();
            }
            count += emit(event, rule, expired, sc);
        }
        return count;
    }

    /** Whether the rule's pattern is found in {@code value}: the prefilter's checks, then the automaton or the regex. */
    private boolean matches(Scratch sc, IndexedRule rule, String value, int limit, boolean prefilter, Event event) {
        if (!prefilter) {
            return found(sc, rule, value, limit, false, event);
        }
        int end = Math.min(limit, value.length());
        if (!rule.charsPresent(value, end, sc.presence)) {
            return false;
        }
        LazyDfa dfa = automaton(sc, rule, value, limit);
        int answer = dfa == null ? LazyDfa.UNKNOWN : search(sc, rule, dfa, value);
        if (answer != LazyDfa.UNKNOWN) {
            return answer == LazyDfa.YES;
        }
        // the rule's other literal sets cost a scan each: worth it before a regex, not before an automaton (§9)
        return (dfa != null || rule.literalsPresent(value, end)) && found(sc, rule, value, limit, true, event);
    }

    /**
     * The rule's automaton when it may decide {@code value} (§9): an ASCII value within the cut and the budget, and a
     * pattern the automaton takes; else null, and the regex decides.
     */
    private LazyDfa automaton(Scratch sc, IndexedRule rule, String value, int limit) {
        int n = value.length();
        return n <= limit && n <= options.maxRegexSteps() && sc.presence.ascii(value, n) ? sc.dfa(rule) : null;
    }

    /** The automaton's answer; a failure inside it (a bug of ours) retires it for the rule, and the regex decides. */
    private static int search(Scratch sc, IndexedRule rule, LazyDfa dfa, String value) {
        try {
            return dfa.search(value);
        } catch (RuntimeException e) {
            sc.retire(rule);
            LOG.log(System.Logger.Level.WARNING, () -> "rule " + rule.ruleId() + ": automaton failure, the regex decides: "
                    + e);
            return LazyDfa.UNKNOWN;
        }
    }

    private static boolean anyLongerThan(String[] values, int fields, int limit) {
        for (int f = 0; f < fields; f++) {
            if (values[f] != null && values[f].length() > limit) {
                return true;
            }
        }
        return false;
    }

    private boolean found(Scratch sc, IndexedRule rule, String value, int limit, boolean prefilter, Event event) {
        BoundedText text = sc.text;
        text.aim(value, options.maxRegexSteps());
        Matcher m = sc.matcher(rule, text);
        int end = Math.min(limit, value.length());
        RequiredLiterals.Chars start = prefilter ? rule.start() : null;
        try {
            // a match must lie in the first `limit` chars; anchors and lookarounds still see the real text
            // an ASCII value and a known first char: only the positions holding one can start a match (§8)
            boolean skip = start != null && sc.presence.ascii(value, end);
            if (skip ? startsAt(m, start, value, end, text) : m.region(0, end).find()) {
                return true;
            }
            if (value.length() > limit) {
                cutOff(rule, event, "search length " + limit);
            }
            return false;
        } catch (BoundedText.Exhausted e) {
            cutOff(rule, event, options.maxRegexSteps() + " char reads");
            return false;
        } catch (StackOverflowError e) {
            cutOff(rule, event, "stack depth");
            return false;
        } catch (RuntimeException e) {
            // Defensive: a failure inside java.util.regex on one rule (a JDK bug) must not lose the event's other tags.
            cutOff(rule, event, "regex engine failure: " + e);
            return false;
        }
    }

    private int emit(Event event, IndexedRule indexed, boolean expired, Scratch sc) {
        CompiledRule rule = indexed.rule();
        Map<String, Object> evidence = sc.evidence(rule.evidenceFields(), event);
        List<Emit> emits = rule.emits();
        for (int k = 0; k < emits.size(); k++) {
            sc.tags.add(Tag.of(event, rule, emits.get(k), indexed.confidence(k, expired), evidence,
                    options.attackRelease(), indexed.mitreUrl(k), sc.createdAt));
        }
        return emits.size();
    }

    /** {@code evidence_fields} present in the payload (a present null stays null), then command aux fields. */
    static Map<String, Object> evidence(List<String> fields, Event event) {
        boolean command = "command".equals(event.sourceKind());
        if (fields.isEmpty() && !command) {
            return Map.of();
        }
        Map<String, Object> payload = event.payload();
        int max = fields.size() + (command ? COMMAND_AUX.length : 0);
        String[] keys = new String[max];
        Object[] values = new Object[max];
        int n = 0;
        for (int k = 0; k < fields.size(); k++) {
            n = put(payload, fields.get(k), keys, values, n);
        }
        if (command) {
            for (String f : COMMAND_AUX) {
                n = put(payload, f, keys, values, n);
            }
        }
        return n == 0 ? Map.of() : new Evidence(keys, values, n);
    }

    /** Adds {@code key} when the payload has it and it is not in {@code keys[0, n)} yet; returns the new size. */
    private static int put(Map<String, Object> payload, String key, String[] keys, Object[] values, int n) {
        Object v = payload.getOrDefault(key, ABSENT); // one look-up: most keys asked of a payload are not in it
        if (v == ABSENT) {
            return n;
        }
        for (int k = 0; k < n; k++) {
            if (keys[k].equals(key)) {
                values[k] = v; // as a map's put: the first position, the last value (the same value here)
                return n;
            }
        }
        keys[n] = key;
        values[n] = v;
        return n + 1;
    }

    /**
     * Whether a match starts at one of the positions of {@code value[0, end)} holding a member of {@code start},
     * the set every match's first char is in (an ASCII value: a char is a code point): the same answer as
     * {@code find()}, without trying the other positions (docs/engine.md §8).
     */
    private boolean startsAt(Matcher m, RequiredLiterals.Chars start, String value, int end, BoundedText text) {
        try {
            for (int i = 0; i < end; i++) {
                if (start.contains(value.charAt(i)) && m.region(i, end).lookingAt()) {
                    return true;
                }
            }
            return false;
        } catch (BoundedText.Exhausted e) {
            // its reads can exceed find()'s only where find() skips (a literal's Boyer-Moore): search as before,
            // on a fresh budget, so that the skip never costs a tag or adds a bound hit
            text.aim(value, options.maxRegexSteps());
            return m.region(0, end).find();
        }
    }

    private void cutOff(IndexedRule rule, Event event, String why) {
        boundHits.increment();
        boundHitsByRule.computeIfAbsent(rule.ruleId(), id -> new LongAdder()).increment();
        long t = options.clock().millis(); // the options' clock, so that a test can step the rate limit
        long next = nextLogAt.get();
        if ((next == Long.MIN_VALUE || t - next >= 0) && nextLogAt.compareAndSet(next, t + REPORT_INTERVAL_MILLIS)) {
            long suppressed = unlogged.getAndSet(0);
            boundReports.accept(new BoundHit(rule.ruleId(), event.sourceKind(), event.sourceId(), why, suppressed));
        } else {
            unlogged.incrementAndGet();
        }
    }

    /** Per-thread reusable state: field values, matchers by rule slot, the bounded text, the tag buffer. */
    private static final class Scratch {
        private String[] values = new String[4];
        private Matcher[] matchers = new Matcher[64];
        final BoundedText text = new BoundedText();
        final FoldedFields folded = new FoldedFields();
        final CharPresence presence = new CharPresence();
        // candidate masks by segment and the bit set of segments with one: all 0 between events
        private long[] masks = new long[16];
        private long[] touched = new long[1];
        long now;
        Instant createdAt;
        // the evidence of the event's previous matching rule: the next one with the same fields shares it
        List<String> lastEvidenceFields;
        Map<String, Object> lastEvidence;

        Map<String, Object> evidence(List<String> fields, Event event) {
            if (lastEvidence == null || !fields.equals(lastEvidenceFields)) {
                lastEvidence = RuleEngine.evidence(fields, event);
                lastEvidenceFields = fields;
            }
            return lastEvidence;
        }

        long[] masks(int n) {
            if (masks.length < n) {
                masks = new long[Math.max(n, masks.length * 2)];
            }
            return masks;
        }

        long[] touched(int n) {
            if (touched.length < n) {
                touched = new long[Math.max(n, touched.length * 2)];
            }
            return touched;
        }

        /** After an event that did not finish (an exception): no candidate may stay for the next one. */
        void clearMasks(int segments) {
            java.util.Arrays.fill(masks, 0, Math.min(segments, masks.length), 0L);
            java.util.Arrays.fill(touched, 0L);
        }
        final List<Tag> tags = new ArrayList<>();

        String[] values(int n) {
            if (values.length < n) {
                values = new String[Math.max(n, values.length * 2)];
            }
            return values;
        }

        // automata by rule slot and the regex each was built for (a null automaton: the pattern has none)
        private LazyDfa[] dfas = new LazyDfa[64];
        private Pattern[] dfaOf = new Pattern[64];

        LazyDfa dfa(IndexedRule rule) {
            int slot = rule.slot();
            if (slot >= dfas.length) {
                int m = Math.max(slot + 1, dfas.length * 2);
                dfas = java.util.Arrays.copyOf(dfas, m);
                dfaOf = java.util.Arrays.copyOf(dfaOf, m);
            }
            if (dfaOf[slot] != rule.regex()) {
                AsciiNfa nfa = AsciiNfa.of((Match.Regex) rule.rule().match());
                dfas[slot] = nfa == null ? null : new LazyDfa(nfa);
                dfaOf[slot] = rule.regex();
            }
            return dfas[slot];
        }

        /** No automaton for this rule on this thread until its pattern changes. */
        void retire(IndexedRule rule) {
            dfas[rule.slot()] = null;
        }

        Matcher matcher(IndexedRule rule, BoundedText text) {
            int slot = rule.slot();
            if (slot >= matchers.length) {
                matchers = java.util.Arrays.copyOf(matchers, Math.max(slot + 1, matchers.length * 2));
            }
            Matcher m = matchers[slot];
            if (m == null || m.pattern() != rule.regex()) {
                m = rule.regex().matcher(text);
                m.useTransparentBounds(true).useAnchoringBounds(false);
                matchers[slot] = m;
                return m;
            }
            return m.reset(text);
        }
    }
}
