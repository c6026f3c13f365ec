package org.ttp4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.ttp4j.index.RuleIndex;
import org.ttp4j.rule.Emit;
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.RuleChange;

/** Tag is a class with a lazily computed UUID and Evidence a compact map: both behave exactly as before. */
class TagValueTest {

    /** The record Tag used to be: its equality, hash code and text are the reference. */
    record AsRecord(UUID uuid, String sourceKind, String sourceId, String attackerUuid, String identityUuid,
                    String sessionId, String deckyId, String tactic, String techniqueId, String subTechniqueId,
                    double confidence, String ruleId, int ruleVersion, Map<String, Object> evidence,
                    String attackRelease, String mitreUrl, Instant createdAt) {
        static AsRecord of(Tag t) {
            return new AsRecord(t.uuid(), t.sourceKind(), t.sourceId(), t.attackerUuid(), t.identityUuid(),
                    t.sessionId(), t.deckyId(), t.tactic(), t.techniqueId(), t.subTechniqueId(), t.confidence(),
                    t.ruleId(), t.ruleVersion(), t.evidence(), t.attackRelease(), t.mitreUrl(), t.createdAt());
        }
    }

    private final RuleIndex index = new RuleIndex(RuleIndex.engineOwned());
    private final RuleEngine engine = new RuleEngine(index, EngineOptions.DEFAULTS.withClock(RuleEngineTest.CLOCK));

    private List<Tag> twoRulesOnSudo() {
        for (String id : List.of("R0015", "R0016")) {
            index.apply(new RuleChange.Definition(id, RuleEngineTest.rule(id, 1, "sudo\\s+-l", null,
                    List.of("command"),
                    List.of(new Emit("T1548", "T1548.001", "TA0004", 0.8), new Emit("T1083", null, "TA0007", 0.6)),
                    List.of("command_text", "cwd"), RuleState.DEFAULT)));
        }
        Map<String, Object> p = new HashMap<>();
        p.put("command_text", "sudo -l");
        p.put("cwd", null);
        p.put("user", "root");
        return engine.evaluate(new Event("command", "cmd_42", "att-1", null, "sess-1", "decky-1", p));
    }

    private static Tag eager(Tag t) {
        return new Tag(t.uuid(), t.sourceKind(), t.sourceId(), t.attackerUuid(), t.identityUuid(), t.sessionId(),
                t.deckyId(), t.tactic(), t.techniqueId(), t.subTechniqueId(), t.confidence(), t.ruleId(),
                t.ruleVersion(), new LinkedHashMap<>(t.evidence()), t.attackRelease(), t.mitreUrl(), t.createdAt());
    }

    @Test
    void anEngineTagEqualsHashesAndPrintsAsTheRecordItWas() {
        List<Tag> tags = twoRulesOnSudo();
        assertEquals(4, tags.size());
        for (Tag t : tags) {
            AsRecord r = AsRecord.of(t);
            assertEquals(r.toString().replace("AsRecord[", "Tag["), t.toString());
            assertEquals(r.hashCode(), t.hashCode());
            assertEquals(TagUuid.of("command", "cmd_42", t.ruleId(), 1, t.techniqueId(), t.subTechniqueId()),
                    t.uuid());
            Tag copy = eager(t);
            assertEquals(copy, t);
            assertEquals(t, copy);
            assertEquals(copy.hashCode(), t.hashCode());
            assertEquals(copy.toString(), t.toString());
        }
        assertEquals("4fd57b14-c135-544c-97d9-4fabc1051584", tags.get(0).uuid().toString());
        assertEquals("68fb11d9-e52c-5751-9b99-75877c5465ba", tags.get(1).uuid().toString());
        assertNotEquals(tags.get(0), tags.get(1));
    }

    @Test
    void theUuidIsComputedOnFirstReadAndFromAnotherThreadTheSame() throws Exception {
        Tag t = twoRulesOnSudo().get(0);
        UUID[] seen = new UUID[1];
        Thread other = new Thread(() -> seen[0] = t.uuid());
        other.start();
        other.join();
        assertEquals(UUID.fromString("4fd57b14-c135-544c-97d9-4fabc1051584"), seen[0]);
        assertSame(t.uuid(), t.uuid());
    }

    @Test
    void aTagMadeWithANullUuidKeepsIt() {
        Tag t = new Tag(null, "command", "c", "a", null, null, null, "TA0004", "T1548", null, 0.5, "R1", 1, Map.of(),
                "v15.1", "u", Instant.EPOCH);
        assertNull(t.uuid());
        assertEquals(t, new Tag(null, "command", "c", "a", null, null, null, "TA0004", "T1548", null, 0.5, "R1", 1,
                Map.of(), "v15.1", "u", Instant.EPOCH));
    }

    @Test
    void evidenceIsAReadOnlyOrderedMapSharedByTheRulesWithTheSameFields() {
        List<Tag> tags = twoRulesOnSudo();
        Map<String, Object> evidence = tags.get(0).evidence();
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("command_text", "sudo -l");
        expected.put("cwd", null);
        expected.put("user", "root");
        assertEquals(expected, evidence);
        assertEquals(evidence, expected);
        assertEquals(expected.hashCode(), evidence.hashCode());
        assertEquals(expected.toString(), evidence.toString());
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(evidence.keySet()));
        assertEquals(3, evidence.size());
        assertEquals(true, evidence.containsKey("cwd"));
        assertNull(evidence.get("cwd"));
        assertEquals(false, evidence.containsKey("uid"));
        Map<String, Object> walked = new LinkedHashMap<>();
        evidence.forEach(walked::put);
        assertEquals(List.copyOf(expected.entrySet()), List.copyOf(walked.entrySet()));
        assertThrows(UnsupportedOperationException.class, () -> evidence.put("x", 1));
        assertThrows(UnsupportedOperationException.class, () -> evidence.remove("cwd"));
        assertThrows(UnsupportedOperationException.class, () -> evidence.entrySet().iterator().next().setValue(2));
        for (Tag t : tags) {
            assertSame(evidence, t.evidence(), "one map per event for rules with the same evidence fields");
        }
    }

    @Test
    void aFieldNamedTwiceAppearsOnceAtItsFirstPlace() {
        index.apply(new RuleChange.Definition("R1", RuleEngineTest.rule("R1", 1, "x", null, List.of("command"),
                List.of(new Emit("T1548", null, "TA0004", 0.8)), List.of("user", "command_text", "user"),
                RuleState.DEFAULT)));
        Map<String, Object> p = new HashMap<>();
        p.put("command_text", "x");
        p.put("user", "root");
        Map<String, Object> evidence = engine.evaluate(new Event("command", "c", "a", null, null, null, p)).get(0)
                .evidence();
        assertEquals(List.of("user", "command_text"), List.copyOf(evidence.keySet()));
        assertEquals(Map.of("user", "root", "command_text", "x"), evidence);
    }
}
