package org.ttp4j.index.internal;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Emit;
import org.ttp4j.rule.Match;
import org.ttp4j.rule.RequiredLiterals;
import org.ttp4j.rule.RuleState;
import org.ttp4j.rule.SourceKinds;

/**
 * A compiled rule as the index holds it: the rule plus what evaluation needs precomputed once per
 * definition (its prefilter literals, its operator state as plain numbers, its tags' MITRE URLs) and a
 * small integer slot, unique among live rules, that per-thread caches (e.g. of {@code Matcher}s) key on.
 */
public final class IndexedRule {

    private final CompiledRule rule;
    private final int slot;
    private final Pattern regex;
    private final String field;
    private final String[] literals;
    private final RequiredLiterals.Edges[] edges;
    private final LiteralAutomaton[] confirm;
    private final RequiredLiterals.Chars[] chars;
    private final boolean disabled;
    private final Instant expiresAt;
    private final long expiresAtFloorMillis;
    private final String[] mitreUrls;
    private final RequiredLiterals.Chars start;

    private static final LiteralAutomaton[] NO_CONFIRM = {};
    private static final RequiredLiterals.Chars[] NO_CHARS = {};

    private IndexedRule(CompiledRule rule, int slot, String[] literals, RequiredLiterals.Edges[] edges,
                        LiteralAutomaton[] confirm, RequiredLiterals.Chars[] chars, String[] mitreUrls) {
        this.rule = rule;
        this.slot = slot;
        if (rule.match() instanceof Match.Regex r) {
            this.regex = r.regex();
            this.field = r.field();
        } else {
            this.regex = null;
            this.field = null;
        }
        this.literals = literals;
        this.edges = edges;
        this.confirm = confirm;
        this.chars = chars;
        this.mitreUrls = mitreUrls;
        this.start = rule.match() instanceof Match.Regex r ? r.literals().start() : null;
        RuleState state = rule.state();
        this.disabled = state.mode() == RuleState.Mode.DISABLED;
        this.expiresAt = state.expiresAt();
        this.expiresAtFloorMillis = expiresAt == null ? Long.MAX_VALUE : expiresAt.toEpochMilli();
    }

    public static IndexedRule of(CompiledRule rule, int slot, IndexedRule previous) {
        String[] literals = null;
        RequiredLiterals.Edges[] edges = null;
        LiteralAutomaton[] confirm = NO_CONFIRM;
        RequiredLiterals.Chars[] chars = NO_CHARS;
        if (rule.match() instanceof Match.Regex r) {
            boolean same = previous != null && previous.rule.match() instanceof Match.Regex was
                    && was.literals().equals(r.literals());
            if (same) {
                literals = previous.literals;
                edges = previous.edges;
                confirm = previous.confirm;
                chars = previous.chars;
            } else if (!r.literals().none()) {
                chars = r.literals().chars().toArray(RequiredLiterals.Chars[]::new);
                // the most selective set feeds the segment's automaton; the others confirm its candidates
                List<List<String>> sets = r.literals().allOf();
                List<List<RequiredLiterals.Edges>> setEdges = r.literals().edges();
                literals = sets.isEmpty() ? null : sets.get(0).toArray(String[]::new);
                edges = sets.isEmpty() ? null : setEdges.get(0).toArray(RequiredLiterals.Edges[]::new);
                confirm = new LiteralAutomaton[Math.max(0, sets.size() - 1)];
                for (int k = 1; k < sets.size(); k++) {
                    long[] bits = new long[sets.get(k).size()];
                    Arrays.fill(bits, 1L);
                    confirm[k - 1] = new LiteralAutomaton(sets.get(k).toArray(String[]::new), bits,
                            setEdges.get(k).toArray(RequiredLiterals.Edges[]::new));
                }
            }
        }
        String[] urls = new String[rule.emits().size()];
        for (int k = 0; k < urls.length; k++) {
            urls[k] = rule.emits().get(k).mitreUrl();
        }
        return new IndexedRule(rule, slot, literals, edges, confirm, chars, urls);
    }

    /** The same rule restamped with another state (prefilter data shared). */
    public IndexedRule withState(RuleState state) {
        return new IndexedRule(rule.withState(state), slot, literals, edges, confirm, chars, mitreUrls);
    }

    public CompiledRule rule() {
        return rule;
    }

    public String ruleId() {
        return rule.ruleId();
    }

    /** Unique among the rules live in one index; reused after a rule is removed. */
    public int slot() {
        return slot;
    }

    /** The compiled pattern of an engine-owned rule, else null. */
    public Pattern regex() {
        return regex;
    }

    /** The payload key this rule searches in events of {@code kind}, or null when it searches none there. */
    public String fieldFor(String kind) {
        if (regex == null) {
            return null;
        }
        return field != null ? field : SourceKinds.defaultField(kind);
    }

    /** The prefilter literals (case-folded, one of which every match contains), or null: always run. */
    String[] literals() {
        return literals;
    }

    /**
     * The set every match's first char is a member of, or null when unknown: a search need only try the
     * positions holding one (docs/engine.md §8).
     */
    public RequiredLiterals.Chars start() {
        return start;
    }

    /** The required char sets (checked by {@link #confirmed} too). */
    RequiredLiterals.Chars[] chars() {
        return chars;
    }

    /** What must hold around each of {@link #literals()} (parallel to it), or null when it is null. */
    RequiredLiterals.Edges[] edges() {
        return edges;
    }

    /**
     * True unless the first {@code length} chars of {@code value} miss one of the rule's required char sets or
     * one of its other required literal sets (the first one is the segment automaton's): then the rule cannot
     * match (docs/engine.md §3). {@code presence} caches the value's characters across the event's rules.
     */
    public boolean confirmed(String value, int length, CharPresence presence) {
        return charsPresent(value, length, presence) && literalsPresent(value, length);
    }

    /** The first half of {@link #confirmed}: the required char sets, O(1) each once the value has been read. */
    public boolean charsPresent(String value, int length, CharPresence presence) {
        for (RequiredLiterals.Chars c : chars) {
            if (!presence.meets(c, value, length)) {
                return false;
            }
        }
        return true;
    }

    /** The second half of {@link #confirmed}: the other required literal sets, a scan of the value each. */
    public boolean literalsPresent(String value, int length) {
        for (LiteralAutomaton a : confirm) {
            if (a.scan(value, length) == 0) {
                return false;
            }
        }
        return true;
    }

    /** The literals for tests and diagnostics (a copy), or null when the rule always runs. */
    public String[] prefilterLiterals() {
        return literals == null ? null : Arrays.copyOf(literals, literals.length);
    }

    /** True when the state has an expiry (evaluating it needs the time). */
    public boolean hasExpiry() {
        return expiresAt != null;
    }

    /**
     * True when the state has expired at {@code nowMillis} (then the default state is in effect). Exact to the
     * nanosecond: inside the one millisecond that holds the expiry it asks {@code clock} for the instant.
     */
    public boolean expiredAt(long nowMillis, java.time.Clock clock) {
        if (expiresAt == null || nowMillis < expiresAtFloorMillis) {
            return false;
        }
        return nowMillis > expiresAtFloorMillis || !expiresAt.isAfter(clock.instant());
    }

    /** True when the rule's own state disables it (ignoring expiry). */
    public boolean disabled() {
        return disabled;
    }

    /** The emitted confidence for emit {@code k}: capped by a clipped state unless that state has expired. */
    public double confidence(int k, boolean expired) {
        double base = rule.emits().get(k).confidence();
        return expired ? base : rule.state().cap(base);
    }

    /** The MITRE ATT&CK URL of emit {@code k}. */
    public String mitreUrl(int k) {
        return mitreUrls[k];
    }
}
