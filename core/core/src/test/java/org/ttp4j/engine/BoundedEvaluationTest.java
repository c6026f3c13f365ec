package org.ttp4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ttp4j.index.RuleIndex;
import org.ttp4j.index.TestRules;
import org.ttp4j.store.RuleChange;

/** One hostile event or pattern cannot stall the engine. No timing assertion: only that it returns. */
class BoundedEvaluationTest {

    // a non-ASCII char: the automaton leaves the value to the regexes (docs/engine.md §9)
    private static final String HOSTILE = "a".repeat(100 * 1024) + "!\u00e9";
    private static final List<String> REDOS = List.of("(a+)+$", "(a|a)*$", "(a|aa)+$", "(.*a){12}$", "^(a+)+b",
            "(\\w+\\s?)*$");

    @Test
    void onAsciiTextTheAutomatonGivesPythonsAnswerWithoutBacktracking() {
        RuleIndex index = new RuleIndex();
        for (int k = 0; k < REDOS.size(); k++) {
            String id = "R" + k;
            index.apply(new RuleChange.Definition(id, TestRules.regex(id, REDOS.get(k), "command")));
        }
        RuleEngine engine = new RuleEngine(index, EngineOptions.DEFAULTS);
        List<Tag> tags = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> engine.evaluate(RuleEngineTest.command("a".repeat(100 * 1024) + "!")));
        // Python's re.search: (a|a)*$ and (\w+\s?)*$ match the empty string at the end, the others find nothing
        assertEquals(List.of("R1", "R5"), tags.stream().map(Tag::ruleId).toList());
        assertEquals(0, engine.boundHits(), "each rule read the value once");
        RuleEngine plain = new RuleEngine(index, EngineOptions.DEFAULTS.withPrefilter(false));
        assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> plain.evaluate(RuleEngineTest.command("a".repeat(100 * 1024) + "!")));
        assertEquals(1, plain.boundHits("R1"), "the regex alone backtracks until the budget stops it");
    }

    @Test
    void catastrophicPatternsHitTheBoundAndDoNotFire() {
        RuleIndex index = new RuleIndex();
        List<String> redos = REDOS;
        for (int k = 0; k < redos.size(); k++) {
            String id = "R" + k;
            index.apply(new RuleChange.Definition(id, TestRules.regex(id, redos.get(k), "command")));
        }
        index.apply(new RuleChange.Definition("R9", TestRules.regex("R9", "aaaa!", "command")));
        RuleEngine engine = new RuleEngine(index, EngineOptions.DEFAULTS.withMaxSearchLength(200 * 1024));
        List<Tag> tags = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> engine.evaluate(RuleEngineTest.command(HOSTILE)));
        assertEquals(List.of("R9"), tags.stream().map(Tag::ruleId).toList(), "a sane rule still fires on the event");
        assertTrue(engine.boundHits() >= 1, "the bound was reported");
        assertEquals(engine.boundHits(), java.util.stream.IntStream.range(0, redos.size())
                .mapToLong(k -> engine.boundHits("R" + k)).sum());
        assertEquals(1, engine.boundHits("R1"), "(a|a)*$ on 100 KB of a's backtracks without bound");
        assertEquals(0, engine.boundHits("R0"), "(a+)+$ needs an a at the very end: the prefilter's edges skip it");
        RuleEngine plain = new RuleEngine(index, EngineOptions.DEFAULTS.withMaxSearchLength(200 * 1024)
                .withPrefilter(false));
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> plain.evaluate(RuleEngineTest.command(HOSTILE)));
        assertEquals(1, plain.boundHits("R0"), "without the prefilter (a+)+$ backtracks without bound");
        long before = engine.boundHits();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> engine.evaluate(RuleEngineTest.command(HOSTILE)));
        assertEquals(2 * before, engine.boundHits(), "each event is bounded and counted again");
    }

    @Test
    void theSearchedLengthIsCapped() {
        RuleIndex index = new RuleIndex();
        index.apply(new RuleChange.Definition("R1", TestRules.regex("R1", "needle", "command")));
        index.apply(new RuleChange.Definition("R2", TestRules.regex("R2", "ne+dle$", "command")));
        RuleEngine engine = new RuleEngine(index, EngineOptions.DEFAULTS.withMaxSearchLength(1000));
        String late = "x".repeat(995) + "needle";
        assertEquals(List.of(), engine.evaluate(RuleEngineTest.command(late)), "the needle ends past char 1000");
        assertEquals(List.of("R1"), engine.evaluate(RuleEngineTest.command("x".repeat(900) + "needle" + "y".repeat(200)))
                .stream().map(Tag::ruleId).toList(), "$ does not match at the cap, only at the real end");
        assertEquals(List.of("R1", "R2"), engine.evaluate(RuleEngineTest.command("x".repeat(994) + "needle"))
                .stream().map(Tag::ruleId).toList());
        RuleEngine plain = new RuleEngine(index, EngineOptions.DEFAULTS.withMaxSearchLength(1000).withPrefilter(false));
        assertEquals(List.of(), plain.evaluate(RuleEngineTest.command(late)), "the plain loop sees the same cap");
    }

    @Test
    void aSmallStepBudgetCutsOffEvenSaneRulesOnLongInput() {
        RuleIndex index = new RuleIndex();
        index.apply(new RuleChange.Definition("R1", TestRules.regex("R1", "a.*z", "command")));
        RuleEngine engine = new RuleEngine(index, EngineOptions.DEFAULTS.withMaxRegexSteps(1000));
        assertEquals(0, engine.evaluate(RuleEngineTest.command("a".repeat(5000) + "z")).size());
        assertEquals(1, engine.boundHits("R1"));
        assertEquals(1, engine.evaluate(RuleEngineTest.command("a z")).size());
    }

    @Test
    void paddingBeforeTheAttackDoesNotHideIt() {
        RuleIndex index = new RuleIndex();
        index.apply(new RuleChange.Definition("R1", TestRules.regex("R1", "\\bcat\\s+/etc/shadow\\b", "command")));
        RuleEngine engine = new RuleEngine(index);
        String padded = " ".repeat(70_000) + "cat /etc/shadow";
        assertEquals(List.of("R1"), engine.evaluate(RuleEngineTest.command(padded)).stream().map(Tag::ruleId).toList(),
                "the whole value is searched, not its first 64 Ki chars");
        RuleEngine plain = new RuleEngine(index, EngineOptions.DEFAULTS.withPrefilter(false));
        assertEquals(1, plain.evaluate(RuleEngineTest.command(padded)).size());
        assertEquals(0, engine.boundHits());
    }

    @Test
    void positionsThatCannotStartAMatchCostNoBudgetAndASkipThatRunsOutSearchesAsBefore() {
        RuleIndex index = new RuleIndex();
        index.apply(new RuleChange.Definition("R1", TestRules.regex("R1", "cat\\s+/etc/shadow", "command")));
        index.apply(new RuleChange.Definition("R2", TestRules.regex("R2", "shadow", "command")));
        EngineOptions small = EngineOptions.DEFAULTS.withMaxRegexSteps(50_000);
        RuleEngine engine = new RuleEngine(index, small);
        RuleEngine plain = new RuleEngine(index, small.withPrefilter(false));
        String padded = "x".repeat(200_000) + " cat /etc/shadow";
        assertEquals(List.of("R1", "R2"), engine.evaluate(RuleEngineTest.command(padded)).stream()
                .map(Tag::ruleId).toList(), "every match of R1 starts with c (docs/engine.md §8)");
        assertEquals(0, engine.boundHits());
        assertEquals(List.of("R2"), plain.evaluate(RuleEngineTest.command(padded)).stream().map(Tag::ruleId)
                .toList(), "the plain loop tries every position and runs out");
        assertEquals(1, plain.boundHits("R1"));
        // each s is a possible start of R2 (two reads each), where Boyer-Moore reads one char in six
        String esses = "s".repeat(120_000) + "shadow";
        assertEquals(List.of("R2"), engine.evaluate(RuleEngineTest.command(esses)).stream().map(Tag::ruleId)
                .toList());
        assertEquals(0, engine.boundHits(), "the skip ran out, the search as before did not");
    }

    @Test
    void aBudgetThatRunsOutIsCountedPerRuleAndReported() {
        RuleIndex index = new RuleIndex();
        index.apply(new RuleChange.Definition("R1", TestRules.regex("R1", "cat\\s+/etc/shadow", "command")));
        index.apply(new RuleChange.Definition("R2", TestRules.regex("R2", "shadow", "command")));
        List<BoundHit> reports = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicLong millis = new java.util.concurrent.atomic.AtomicLong(1_000_000);
        java.time.Clock clock = new java.time.Clock() {
            @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
            @Override public java.time.Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public java.time.Instant instant() { return java.time.Instant.ofEpochMilli(millis.get()); }
        };
        RuleEngine engine = new RuleEngine(index, EngineOptions.DEFAULTS.withMaxRegexSteps(50_000).withClock(clock),
                reports::add);
        // each c could start a match of R1 (docs/engine.md §8): it reads at least one char at each of them
        String padded = "c".repeat(200_000) + " cat /etc/shadow";
        List<Tag> tags = engine.evaluate(RuleEngineTest.command(padded));
        assertEquals(1, engine.boundHits("R1"), "R1 reads a char per start position: 200,000 > 50,000");
        assertEquals(java.util.Map.of("R1", 1L), engine.boundHitsByRule());
        assertEquals(List.of("R2"), tags.stream().map(Tag::ruleId).toList(), "a literal search (Boyer-Moore) skips");
        assertEquals(1, reports.size());
        BoundHit hit = reports.get(0);
        assertEquals(new BoundHit("R1", "command", "cmd_42", "50000 char reads", 0), hit);
        engine.evaluate(RuleEngineTest.command(padded));
        assertEquals(2, engine.boundHits("R1"), "counted every time");
        assertEquals(1, reports.size(), "reported at most once a second");
        millis.addAndGet(1_000);
        engine.evaluate(RuleEngineTest.command(padded));
        assertEquals(new BoundHit("R1", "command", "cmd_42", "50000 char reads", 1), reports.get(1),
                "a second later: reported again, with the one suppressed in between");
    }

    @Test
    void aValueLongerThanTheSearchLengthCountsEveryRuleTheCutStopped() {
        RuleIndex index = new RuleIndex();
        index.apply(new RuleChange.Definition("R1", TestRules.regex("R1", "needle", "command")));
        index.apply(new RuleChange.Definition("R2", TestRules.regex("R2", "x{3}", "command")));
        List<BoundHit> reports = new java.util.ArrayList<>();
        RuleEngine engine = new RuleEngine(index, EngineOptions.DEFAULTS.withMaxSearchLength(1000), reports::add);
        assertEquals(List.of("R2"), engine.evaluate(RuleEngineTest.command("x".repeat(2000) + "needle"))
                .stream().map(Tag::ruleId).toList());
        assertEquals(java.util.Map.of("R1", 1L), engine.boundHitsByRule(), "the prefilter did not hide the cut");
        assertEquals("search length 1000", reports.get(0).bound());
        assertEquals(0, engine.evaluate(RuleEngineTest.command("short")).size());
        assertEquals(1, engine.boundHits(), "a value within the length is no bound hit");
    }
}
