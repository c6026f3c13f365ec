package org.ttp4j.store.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.ttp4j.rule.RuleState;
import org.ttp4j.rule.RuleState.Mode;

/** The state file's strict JSON: what it writes reads back; every malformation is positioned. */
class StateJsonTest {

    @Test
    void whatIsWrittenReadsBack() throws Exception {
        Map<String, RuleState> states = new TreeMap<>();
        states.put("R0002", new RuleState(Mode.CLIPPED, 1.0E-4, Instant.parse("2026-12-01T08:00:00.123456789Z"),
                "quote \" backslash \\ tab \t line\u2028 ctl \u0001 é 😀", "alice", Instant.parse("2026-11-30T08:00:00Z")));
        states.put("R0001", RuleState.of(Mode.DISABLED));
        assertEquals(states, StateJson.parseStates(StateJson.states(states), "f"));
        assertEquals(Map.of(), StateJson.parseStates(StateJson.states(Map.of()), "f"));
        assertEquals(Map.of(), StateJson.parseStates(" \n", "f"));
        StateJson.AuditLine line = StateJson.parseAuditLine(
                StateJson.auditLine("R0002", RuleState.DEFAULT, states.get("R0002")), "h", 7);
        assertEquals(new StateJson.AuditLine("R0002", RuleState.DEFAULT, states.get("R0002")), line);
    }

    @Test
    void aZonelessInstantMeansUtc() throws Exception {
        Map<String, RuleState> s = StateJson.parseStates(
                "{\"version\":1,\"states\":{\"R1\":{\"state\":\"disabled\",\"expires_at\":\"2026-12-01T08:00\"}}}", "f");
        assertEquals(Instant.parse("2026-12-01T08:00:00Z"), s.get("R1").expiresAt());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[]| f:1:1: -: the state file must be one JSON object {\"version\": 1, \"states\": {...}}, found '['",
        "{\"states\":{}} x| f:1:15: -: unexpected text after the end of the JSON object",
        "{\"states\":{},\"states\":{}}| f:1:14: states: duplicate key",
        "{\"version\":2,\"states\":{}}| f:1:12: version: this ttp4j reads version 1, found 2.0",
        "{\"version\":1}| f:1:1: states: missing",
        "{\"extra\":1}| f:1:2: extra: unknown key (known: version, states)",
        "{\"states\":{\"R-1\":{\"state\":\"enabled\"}}}| f:1:12: states: 'R-1' is not a rule id ([A-Za-z0-9_]+)",
        "{\"states\":{\"R1\":{\"reason\":\"x\"}}}| f:1:17: states.R1.state: missing (enabled, disabled or clipped)",
        "{\"states\":{\"R1\":{\"state\":\"clipped\",\"confidence_max\":1.5}}}| f:1:53: states.R1.confidence_max: must be null or a number in [0, 1], found 1.5",
        "{\"states\":{\"R1\":{\"state\":\"clipped\",\"confidence_max\":01}}}| f:1:53: states.R1.confidence_max: malformed number",
        "{\"states\":{\"R1\":{\"state\":\"clipped\",\"expires_at\":\"soon\"}}}| f:1:49: states.R1.expires_at: must be an ISO-8601 instant such as 2026-12-01T08:00:00Z, or null, found 'soon'",
        "{\"states\":{\"R1\":{\"state\":true}}}| f:1:26: states.R1.state: expected a string, a number or null, found 't'",
        "{\"states\":{\"R1\":{\"state\":\"enabled\",\"why\":null}}}| f:1:36: states.R1.why: unknown key (known: state, confidence_max, expires_at, reason, set_by, set_at)",
        "{\"states\":{\"R1\":{\"state\":\"enab| f:1:26: -: unterminated string",
        "{\"states\":{\"R1\":{\"state\":\"enabled\"}}| f:1:37: -: expected ',' or '}', found the end",
    })
    void malformationsArePositioned(String text, String expected) {
        StateJson.Malformed e = assertThrows(StateJson.Malformed.class, () -> StateJson.parseStates(text, "f"));
        assertEquals(expected.strip(), e.problem().toString());
    }

    @Test
    void aHistoryLineIsPositionedOnItsLine() {
        StateJson.Malformed e = assertThrows(StateJson.Malformed.class,
                () -> StateJson.parseAuditLine("{\"rule_id\": \"R1\", \"before\": {}}", "h", 12));
        assertEquals("h:12:29: before.state: missing (enabled, disabled or clipped)", e.problem().toString());
    }
}
