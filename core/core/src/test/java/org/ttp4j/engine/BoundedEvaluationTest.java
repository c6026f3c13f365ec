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

    private static final String HOSTILE = "a".repeat(100 * 1024) + "!";

    @Test
    void catastrophicPatternsHitTheBoundAndDoNotFire() {
        RuleIndex index = new RuleIndex();
        List<String> redos = List.of("(a+)+$", "(a|a)*$", "(a|aa)+$", "(.*a){12}$", "^(a+)+b", "(\\w+\\s?)*$");
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
        assertTrue(engine.boundHits("R0") == 1, "(a+)+$ on 100 KB of a's backtracks without bound");
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
}
