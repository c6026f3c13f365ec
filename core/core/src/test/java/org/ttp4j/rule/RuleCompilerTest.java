package org.ttp4j.rule;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every field rule and every error path of {@link RuleCompiler}, each asserting the exact one-line problem
 * {@code path:line:column: field.path: message}.
 */
class RuleCompilerTest {

    static final RuleCompiler COMPILER = new RuleCompiler();

    static final String VALID = """
            rule_id: R0001
            rule_version: 2
            name: Download
            applies_to: [command]
            match:
              pattern: '\\bwget\\b'
            emits:
              - technique_id: T1105
                tactic: TA0011
                confidence: 0.6
            """;

    static CompileResult compile(String yaml) {
        return COMPILER.compile("r.yaml", yaml.getBytes(UTF_8));
    }

    static CompiledRule compiled(String yaml) {
        CompileResult r = compile(yaml);
        assertInstanceOf(CompileResult.Compiled.class, r, () -> "expected to compile, got " + r.problems());
        return ((CompileResult.Compiled) r).rule();
    }

    static List<String> lines(CompileResult r) {
        return r.problems().stream().map(Problem::toString).toList();
    }

    /** The file fails, and {@code expected} is exactly its only problem. */
    static void assertOnlyProblem(String yaml, String expected) {
        CompileResult r = compile(yaml);
        assertInstanceOf(CompileResult.Failed.class, r, () -> "expected to fail, got " + r);
        assertEquals(List.of(expected), lines(r));
    }

    // ---- a valid rule ------------------------------------------------------------------------------

    @Test
    void validRuleCompilesToAnImmutableRule() throws Exception {
        String yaml = """
                rule_id: R0001
                rule_version: 2
                name: Download
                description: fetches a file
                applies_to: [command, http_request, command]
                match:
                  field: command_text
                  pattern: '\\bwget\\b'
                  extra: {nested: [1, two, null]}
                emits:
                  - technique_id: T1105
                    tactic: TA0011
                    confidence: 0.6
                  - technique_id: T1059
                    sub_technique_id: T1059.004
                    tactic: TA0002
                    confidence: 0
                evidence_fields: [command_text, uid, src]
                """;
        CompileResult r = COMPILER.compile("rules/ttp/R0001.yaml", yaml.getBytes(UTF_8));
        CompiledRule rule = ((CompileResult.Compiled) r).rule();
        assertEquals(List.of(), r.problems());
        assertEquals("R0001", rule.ruleId());
        assertEquals(2, rule.ruleVersion());
        assertEquals("Download", rule.name());
        assertEquals("fetches a file", rule.description());
        assertEquals(List.of("command", "http_request"), List.copyOf(rule.appliesTo()));
        assertEquals(List.of(new Emit("T1105", null, "TA0011", 0.6), new Emit("T1059", "T1059.004", "TA0002", 0.0)),
                rule.emits());
        assertEquals(List.of("command_text", "uid", "src"), rule.evidenceFields());
        for (String field : rule.evidenceFields()) { // interned, as a parsed payload's keys: found by identity
            assertSame(new String(field).intern(), field); // a copy: intern() cannot take it
        }
        assertEquals(RuleState.DEFAULT, rule.state());
        assertEquals("rules/ttp/R0001.yaml", rule.sourcePath());
        assertEquals(yaml, rule.yaml());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(yaml.getBytes(UTF_8))),
                rule.contentHash());
        assertTrue(rule.engineOwned());
        Match.Regex m = (Match.Regex) rule.match();
        assertEquals("command_text", m.field());
        assertEquals("\\bwget\\b", m.pattern());
        assertTrue(m.regex().matcher("cd /tmp; wget x").find());
        assertEquals(Map.of("nested", java.util.Arrays.asList(1L, "two", null)), m.raw().get("extra"));
        assertThrows(UnsupportedOperationException.class, () -> m.raw().put("x", 1));
        @SuppressWarnings("unchecked")
        Map<String, Object> extra = (Map<String, Object>) m.raw().get("extra");
        assertThrows(UnsupportedOperationException.class, () -> extra.put("x", 1));
        @SuppressWarnings("unchecked")
        List<Object> nested = (List<Object>) extra.get("nested");
        assertThrows(UnsupportedOperationException.class, () -> nested.add(3));
        assertThrows(UnsupportedOperationException.class, () -> rule.appliesTo().add("x"));
    }

    @Test
    void optionalFieldsTakeTheirDefaults() {
        CompiledRule rule = compiled(VALID);
        assertEquals("", rule.description());
        assertEquals(List.of(), rule.evidenceFields());
        assertNull(((Match.Regex) rule.match()).field());
        assertEquals("", compiled(VALID + "description: null\n").description());
        assertEquals(List.of(), compiled(VALID + "evidence_fields: null\n").evidenceFields());
    }

    @Test
    void ruleWithAByteOrderMarkCompiles() {
        byte[] withBom = ("\uFEFF" + VALID).getBytes(UTF_8);
        CompileResult r = COMPILER.compile("r.yaml", withBom);
        assertEquals("R0001", ((CompileResult.Compiled) r).rule().ruleId());
    }

    // ---- rule_id ----------------------------------------------------------------------------------

    @Test
    void ruleIdIsRequired() {
        assertOnlyProblem(VALID.replace("rule_id: R0001\n", ""), "r.yaml:1:1: rule_id: is required");
    }

    @Test
    void ruleIdCharset() {
        assertOnlyProblem(VALID.replace("R0001", "R-1"),
                "r.yaml:1:10: rule_id: must be letters, digits and _ only ([A-Za-z0-9_]+), found 'R-1'");
        assertOnlyProblem(VALID.replace("R0001", "'R 1'"),
                "r.yaml:1:10: rule_id: must be letters, digits and _ only ([A-Za-z0-9_]+), found 'R 1'");
        assertOnlyProblem(VALID.replace("R0001", "'Ré1'"),
                "r.yaml:1:10: rule_id: must be letters, digits and _ only ([A-Za-z0-9_]+), found 'Ré1'");
        assertEquals("r_0001_X", compiled(VALID.replace("R0001", "r_0001_X")).ruleId());
    }

    @Test
    void ruleIdMustBeAString() {
        // YAML 1.1 reads 0015 as octal 13: the author has to quote it
        assertOnlyProblem(VALID.replace("R0001", "0015"), "r.yaml:1:10: rule_id: must be a string, found an integer 13");
        assertOnlyProblem(VALID.replace("R0001", "[a]"), "r.yaml:1:10: rule_id: must be a string, found a list");
        assertEquals("0015", compiled(VALID.replace("R0001", "'0015'")).ruleId());
    }

    // ---- rule_version -------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {"2|2", "'2'|2", "2.0|2", "' 7 '|7", "0x10|16", "1_000|1000"})
    void ruleVersionAcceptedSpellings(String spelling, int expected) {
        assertEquals(expected, compiled(VALID.replace("rule_version: 2", "rule_version: " + spelling)).ruleVersion());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "2.5|must be a whole number, found 2.5",
            "null|must be a whole number such as 2, found null",
            "~|must be a whole number such as 2, found null",
            "true|must be a whole number such as 2, found a boolean true",
            "yes|must be a whole number such as 2, found a boolean true",
            "'two'|must be a whole number such as 2, found a string 'two'",
            "'2.0'|must be a whole number such as 2, found a string '2.0'",
            "[2]|must be a whole number such as 2, found a list",
            "0|must be at least 1, found 0",
            "-3|must be at least 1, found -3",
            "4294967296|is too large (at most 2147483647)"})
    void ruleVersionRejected(String spelling, String message) {
        assertOnlyProblem(VALID.replace("rule_version: 2", "rule_version: " + spelling), "r.yaml:2:15: rule_version: " + message);
    }

    @Test
    void ruleVersionIsRequired() {
        assertOnlyProblem(VALID.replace("rule_version: 2\n", ""), "r.yaml:1:1: rule_version: is required");
    }

    // ---- name, description ----------------------------------------------------------------------------

    @Test
    void nameIsARequiredNonBlankString() {
        assertOnlyProblem(VALID.replace("name: Download\n", ""), "r.yaml:1:1: name: is required");
        assertOnlyProblem(VALID.replace("name: Download", "name: '  '"), "r.yaml:3:7: name: must not be blank, found '  '");
        assertOnlyProblem(VALID.replace("name: Download", "name: 12"), "r.yaml:3:7: name: must be a string, found an integer 12");
        assertOnlyProblem(VALID.replace("name: Download", "name:"), "r.yaml:3:6: name: must be a string, found null");
    }

    @Test
    void descriptionMustBeAString() {
        assertOnlyProblem(VALID + "description: {a: b}\n", "r.yaml:11:14: description: must be a string, found a mapping");
    }

    // ---- applies_to --------------------------------------------------------------------------------------

    @Test
    void appliesToBareStringIsAnError() {
        assertOnlyProblem(VALID.replace("[command]", "command"),
                "r.yaml:4:13: applies_to: must be a list of strings (write [a, b] or one '- a' per line), found a string 'command'");
    }

    @Test
    void appliesToRules() {
        assertOnlyProblem(VALID.replace("applies_to: [command]\n", ""), "r.yaml:1:1: applies_to: is required");
        assertOnlyProblem(VALID.replace("[command]", "[]"), "r.yaml:4:13: applies_to: must list at least one source kind");
        assertOnlyProblem(VALID.replace("[command]", "[command, 3]"),
                "r.yaml:4:23: applies_to[1]: must be a string, found an integer 3");
        assertOnlyProblem(VALID.replace("[command]", "[command, '']"),
                "r.yaml:4:23: applies_to[1]: must not be blank, found ''");
        assertOnlyProblem(VALID.replace("[command]", "null"),
                "r.yaml:4:13: applies_to: must be a list of strings (write [a, b] or one '- a' per line), found null");
        assertEquals(Set.of("command", "http_request"),
                compiled(VALID.replace("[command]", "[command, http_request, command]")).appliesTo());
        // an open set: a future kind is fine when the rule names its field
        assertEquals(Set.of("future_kind"), compiled(VALID.replace("[command]", "[future_kind]")
                .replace("  pattern:", "  field: f\n  pattern:")).appliesTo());
    }

    // ---- match -----------------------------------------------------------------------------------------------

    @Test
    void matchIsARequiredMapping() {
        assertOnlyProblem(VALID.replace("match:\n  pattern: '\\bwget\\b'\n", ""), "r.yaml:1:1: match: is required");
        assertOnlyProblem(VALID.replace("match:\n  pattern: '\\bwget\\b'\n", "match: wget\n"),
                "r.yaml:5:8: match: must be a mapping, found a string 'wget'");
    }

    @Test
    void matchKeysMustBeStrings() {
        assertOnlyProblem(VALID.replace("  pattern:", "  1: x\n  pattern:"),
                "r.yaml:6:3: match.1: keys must be strings, found an integer 1 (quote it: '1')");
    }

    @Test
    void lifterOwnedRule() {
        CompiledRule rule = compiled(VALID.replace("  pattern: '\\bwget\\b'", "  kind: 'lifter:brute_force'\n  threshold: 10"));
        Match.Lifter lifter = assertInstanceOf(Match.Lifter.class, rule.match());
        assertEquals("lifter:brute_force", lifter.kind());
        assertEquals(10L, lifter.raw().get("threshold"));
        assertTrue(!rule.engineOwned());
    }

    @Test
    void ruleWithNeitherPatternNorLifterIsValidWithAWarning() {
        CompileResult r = compile(VALID.replace("  pattern: '\\bwget\\b'", "  note: none"));
        assertInstanceOf(Match.None.class, ((CompileResult.Compiled) r).rule().match());
        assertEquals(List.of("warning: r.yaml:6:3: match: has neither pattern nor a 'lifter:' kind: the rule never fires"),
                lines(r));
    }

    @Test
    void nonLifterKindBesidePatternIsIgnoredWithAWarning() {
        CompileResult r = compile(VALID.replace("  pattern:", "  kind: regex\n  pattern:"));
        assertInstanceOf(Match.Regex.class, ((CompileResult.Compiled) r).rule().match());
        assertEquals(List.of("warning: r.yaml:6:9: match.kind: 'regex' is not a 'lifter:' kind; ignored, the rule is"
                + " engine-owned (it has a pattern)"), lines(r));
    }

    @Test
    void matchKindMustBeAString() {
        assertOnlyProblem(VALID.replace("  pattern:", "  kind: [a]\n  pattern:"),
                "r.yaml:6:9: match.kind: must be a string, found a list");
    }

    @Test
    void patternMustBeAString() {
        assertOnlyProblem(VALID.replace("'\\bwget\\b'", "12"),
                "r.yaml:6:12: match.pattern: must be a string (a Python regular expression), found an integer 12");
        assertOnlyProblem(VALID.replace("'\\bwget\\b'", "null"), "r.yaml:6:12: match.pattern: must be a string, found null");
    }

    @Test
    void badRegexIsACompileErrorWithItsPosition() {
        assertOnlyProblem(VALID.replace("'\\bwget\\b'", "'wget(\\d+'"),
                "r.yaml:6:12: match.pattern: invalid regular expression: missing ), unterminated subpattern at offset 4"
                        + " in /wget(\\d+/");
        assertOnlyProblem(VALID.replace("'\\bwget\\b'", "'a**'"),
                "r.yaml:6:12: match.pattern: invalid regular expression: multiple repeat at offset 2 in /a**/");
    }

    @Test
    void pythonOnlySyntaxCompiles() {
        Match.Regex m = (Match.Regex) compiled(VALID.replace("'\\bwget\\b'", "'\\${[^}]*}|(?P<q>x)(?P=q)\\Z'")).match();
        assertTrue(m.regex().matcher("a ${jndi:x}").find());
        assertTrue(m.regex().matcher("xx").find());
    }

    @Test
    void fieldIsRequiredForAKindWithoutDefaultField() {
        assertOnlyProblem(VALID.replace("[command]", "[command, session]"),
                "r.yaml:6:3: match.field: is required: source kind 'session' has no default field to search");
        CompiledRule rule = compiled(VALID.replace("[command]", "[session]").replace("  pattern:", "  field: banner\n  pattern:")
                .replace("\\bwget\\b", "ssh"));
        assertEquals("banner", ((Match.Regex) rule.match()).field());
    }

    @Test
    void fieldMustBeANonBlankString() {
        assertOnlyProblem(VALID.replace("  pattern:", "  field: 3\n  pattern:"),
                "r.yaml:6:10: match.field: must be a string (a payload key), found an integer 3");
        assertOnlyProblem(VALID.replace("  pattern:", "  field: ''\n  pattern:"), "r.yaml:6:10: match.field: must not be blank");
    }

    // ---- emits -------------------------------------------------------------------------------------------------

    @Test
    void emitsIsARequiredNonEmptyListOfMappings() {
        String noEmits = VALID.substring(0, VALID.indexOf("emits:"));
        assertOnlyProblem(noEmits, "r.yaml:1:1: emits: is required");
        assertOnlyProblem(noEmits + "emits: []\n", "r.yaml:7:8: emits: must list at least one technique");
        assertOnlyProblem(noEmits + "emits: T1105\n",
                "r.yaml:7:8: emits: must be a list of mappings (technique_id, tactic, confidence), found a string 'T1105'");
        assertOnlyProblem(VALID + "  - T1059\n",
                "r.yaml:11:5: emits[1]: must be a mapping with technique_id, tactic and confidence, found a string 'T1059'");
    }

    @Test
    void techniqueIdFormat() {
        assertOnlyProblem(VALID.replace("T1105", "T105"),
                "r.yaml:8:19: emits[0].technique_id: must be a technique id such as T1059 (T and four digits), found 'T105'");
        assertOnlyProblem(VALID.replace("T1105", "T1105.001"),
                "r.yaml:8:19: emits[0].technique_id: must be a technique id such as T1059 (T and four digits), found 'T1105.001'");
        assertOnlyProblem(VALID.replace("  - technique_id: T1105\n    tactic", "  - tactic"),
                "r.yaml:8:5: emits[0].technique_id: is required");
    }

    @Test
    void tacticFormat() {
        assertOnlyProblem(VALID.replace("TA0011", "TA11"),
                "r.yaml:9:13: emits[0].tactic: must be a tactic id such as TA0002 (TA and four digits), found 'TA11'");
        assertOnlyProblem(VALID.replace("    tactic: TA0011\n", ""), "r.yaml:8:5: emits[0].tactic: is required");
    }

    @Test
    void subTechniqueFormatAndParent() {
        String withSub = VALID.replace("    tactic:", "    sub_technique_id: SUB\n    tactic:");
        assertEquals("T1105.002", compiled(withSub.replace("SUB", "T1105.002")).emits().get(0).subTechniqueId());
        assertNull(compiled(withSub.replace("SUB", "''")).emits().get(0).subTechniqueId());
        assertNull(compiled(withSub.replace("SUB", "null")).emits().get(0).subTechniqueId());
        assertOnlyProblem(withSub.replace("SUB", "T1105.1"), "r.yaml:9:23: emits[0].sub_technique_id: must be a sub-technique id"
                + " such as T1059.004 (T, four digits, dot, three digits), found 'T1105.1'");
        assertOnlyProblem(withSub.replace("SUB", "T1059.004"),
                "r.yaml:9:23: emits[0].sub_technique_id: 'T1059.004' is not a sub-technique of T1105 (expected T1105.NNN)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"0|0.0", "0.0|0.0", "1|1.0", "1.0|1.0", "0.35|0.35", "1e-1|0.1"})
    void confidenceAccepted(String spelling, double expected) {
        assertEquals(expected, compiled(VALID.replace("0.6", spelling)).emits().get(0).confidence());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "1.5|must be between 0 and 1, found 1.5",
            "-0.1|must be between 0 and 1, found -0.1",
            "2|must be between 0 and 1, found 2.0",
            ".nan|must be a number between 0 and 1",
            "'0.5'|must be a number between 0 and 1, found a string '0.5'",
            "true|must be a number between 0 and 1, found a boolean true",
            "null|must be a number between 0 and 1, found null"})
    void confidenceRejected(String spelling, String message) {
        assertOnlyProblem(VALID.replace("0.6", spelling), "r.yaml:10:17: emits[0].confidence: " + message);
    }

    @Test
    void extraEmitKeysAreIgnored() {
        assertEquals(List.of(), compile(VALID + "    comment: anything\n").problems());
    }

    // ---- evidence_fields, unknown keys -------------------------------------------------------------------------

    @Test
    void evidenceFieldsIsAListOfStrings() {
        assertOnlyProblem(VALID + "evidence_fields: uid\n",
                "r.yaml:11:18: evidence_fields: must be a list of strings (write [a, b] or one '- a' per line), found a string 'uid'");
        assertOnlyProblem(VALID + "evidence_fields: [uid, {a: 1}]\n",
                "r.yaml:11:24: evidence_fields[1]: must be a string, found a mapping");
    }

    @Test
    void unknownTopLevelKeysAreWarnings() {
        CompileResult r = compile(VALID + "reviewed: 2024-05-01\nowner: soc\n");
        assertInstanceOf(CompileResult.Compiled.class, r);
        assertEquals(List.of("warning: r.yaml:11:1: reviewed: unknown key, ignored",
                "warning: r.yaml:12:1: owner: unknown key, ignored"), lines(r));
    }

    @Test
    void decnetsReviewDatesAreKnownKeysAndNoWarning() {
        CompileResult r = compile(VALID + "last_reviewed: 2024-05-01\nnext_review: '2025-05-01'\nowner: soc\n");
        assertInstanceOf(CompileResult.Compiled.class, r);
        assertEquals(List.of("warning: r.yaml:13:1: owner: unknown key, ignored"), lines(r));
    }

    // ---- YAML-level errors ----------------------------------------------------------------------------------

    @Test
    void duplicateKeysAreErrorsAtTheSecondKey() {
        assertOnlyProblem(VALID + "name: Again\n", "r.yaml:11:1: name: duplicate key 'name' (first at line 3, column 1)");
        assertOnlyProblem(VALID + "    tactic: TA0002\n",
                "r.yaml:11:5: emits[0].tactic: duplicate key 'tactic' (first at line 9, column 5)");
        assertOnlyProblem(VALID.replace("  pattern:", "  field: a\n  field: b\n  pattern:"),
                "r.yaml:7:3: match.field: duplicate key 'field' (first at line 6, column 3)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|r.yaml:1:1: -: the file holds no YAML document (empty or only comments); a rule is a mapping with rule_id,"
                    + " rule_version, name, applies_to, match and emits",
            "'# only a comment\n\n'|r.yaml:1:1: -: the file holds no YAML document (empty or only comments); a rule is a"
                    + " mapping with rule_id, rule_version, name, applies_to, match and emits",
            "'- a\n- b\n'|r.yaml:1:1: -: the top level must be a mapping (rule_id: ..., name: ...), found a list",
            "'just text\n'|r.yaml:1:1: -: the top level must be a mapping (rule_id: ..., name: ...), found a string 'just text'",
            "'---\n~\n'|r.yaml:2:1: -: the top level must be a mapping (rule_id: ..., name: ...), found null",
            "'  \n   \n'|r.yaml:1:1: -: the file holds no YAML document (empty or only comments); a rule is a mapping with"
                    + " rule_id, rule_version, name, applies_to, match and emits"})
    void topLevelMustBeAMapping(String text, String expected) {
        assertOnlyProblem(text.replace("\\n", "\n").replace("\\t", "\t"), expected);
    }

    @Test
    void syntaxErrorHasItsPosition() {
        assertOnlyProblem("rule_id: R1\nname: [unclosed\nrule_version: 1\n",
                "r.yaml:3:13: -: invalid YAML: expected ',' or ']', but got : (while parsing a flow sequence)");
        assertOnlyProblem("rule_id: R1\n\tname: x\n",
                "r.yaml:2:1: -: invalid YAML: found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for"
                        + " indentation) (while scanning for the next token)");
    }

    @Test
    void parserFailuresOnMalformedEscapesAreInvalidYaml() {
        // found by the fuzzer: SnakeYAML throws NumberFormatException for this truncated escape
        CompileResult r = compile("rule_id: R1\nname: \"\\x");
        assertEquals(List.of("r.yaml:2:1: -: invalid YAML: the parser failed with java.lang.NumberFormatException:"
                + " For input string: \"\" under radix 16"), lines(r));
    }

    @Test
    void moreThanOneDocumentIsAnError() {
        assertOnlyProblem(VALID + "---\nrule_id: R2\n",
                "r.yaml:11:1: -: invalid YAML: but found another document (expected a single document in the stream)");
    }

    @Test
    void invalidUtf8IsPositioned() {
        byte[] bytes = "rule_id: R1\nname: caf\u00e9\n".getBytes(UTF_8);
        bytes[bytes.length - 3] = (byte) 0xFF;
        CompileResult r = COMPILER.compile("r.yaml", bytes);
        assertEquals(List.of("r.yaml:2:10: -: the file is not valid UTF-8 (byte 0xff at offset 21)"), lines(r));
    }

    @Test
    void unsafeTagsAreRejected() {
        assertOnlyProblem(VALID + "x: !!python/object:os.system [ls]\n", "r.yaml:11:4: -: invalid YAML: Global tag is not allowed:"
                + " tag:yaml.org,2002:python/object:os.system");
        assertOnlyProblem(VALID.replace("'\\bwget\\b'", "!custom wget"),
                "r.yaml:6:12: match.pattern: tag !custom is not allowed (safe loading: strings, numbers, booleans, null, lists and mappings only)");
    }

    @Test
    void mergeKeysAreRejected() {
        assertOnlyProblem(VALID.replace("  pattern:", "  <<: {field: a}\n  pattern:"),
                "r.yaml:6:3: -: merge keys (<<) are not supported in rule files");
    }

    @Test
    void everyViolationOfAFileIsReportedAtOnce() {
        String yaml = """
                rule_id: R-1
                rule_version: 0
                name: ''
                applies_to: command
                match:
                  pattern: '(unclosed'
                emits:
                  - technique_id: X
                    tactic: TA1
                    confidence: 7
                extra: 1
                """;
        assertEquals(List.of(
                "r.yaml:1:10: rule_id: must be letters, digits and _ only ([A-Za-z0-9_]+), found 'R-1'",
                "r.yaml:2:15: rule_version: must be at least 1, found 0",
                "r.yaml:3:7: name: must not be blank, found ''",
                "r.yaml:4:13: applies_to: must be a list of strings (write [a, b] or one '- a' per line), found a string 'command'",
                "r.yaml:6:12: match.pattern: invalid regular expression: missing ), unterminated subpattern at offset 0 in /(unclosed/",
                "r.yaml:8:19: emits[0].technique_id: must be a technique id such as T1059 (T and four digits), found 'X'",
                "r.yaml:9:13: emits[0].tactic: must be a tactic id such as TA0002 (TA and four digits), found 'TA1'",
                "r.yaml:10:17: emits[0].confidence: must be between 0 and 1, found 7.0",
                "warning: r.yaml:11:1: extra: unknown key, ignored"), lines(compile(yaml)));
    }

    // ---- examples ---------------------------------------------------------------------------------------------

    static final String WITH_EXAMPLES = VALID + """
            examples:
              match:
                - wget http://x/a
                - {command_text: 'cd /tmp; wget x'}
              no_match:
                - wgetx
                - {other_field: wget}
            """;

    @Test
    void passingExamplesCompile() {
        assertEquals(List.of(), compile(WITH_EXAMPLES).problems());
    }

    @Test
    void failingMatchExampleFailsTheRule() {
        assertOnlyProblem(WITH_EXAMPLES.replace("wget http://x/a", "curl http://x/a"),
                "r.yaml:13:7: examples.match[0]: example 'curl http://x/a' does not match the pattern (searched field 'command_text')");
        assertOnlyProblem(WITH_EXAMPLES.replace("{command_text: 'cd /tmp; wget x'}", "{uid: 0}"),
                "r.yaml:14:7: examples.match[1]: example {command_text: <no string value>} does not match the pattern"
                        + " (searched field 'command_text')");
    }

    @Test
    void failingNoMatchExampleFailsTheRule() {
        assertOnlyProblem(WITH_EXAMPLES.replace("- wgetx", "- sudo wget -q x"),
                "r.yaml:16:7: examples.no_match[0]: example 'sudo wget -q x' matches the pattern at 5..9 ('wget') but is listed under no_match");
    }

    @Test
    void examplesUseTheRuleFieldOrTheFirstKindWithADefault() {
        String onField = WITH_EXAMPLES.replace("  pattern:", "  field: other_field\n  pattern:");
        // now {other_field: wget} matches and {command_text: ...} does not
        assertEquals(List.of(
                        "r.yaml:15:7: examples.match[1]: example {other_field: <no string value>} does not match the pattern"
                                + " (searched field 'other_field')",
                        "r.yaml:18:7: examples.no_match[1]: example {other_field: 'wget'} matches the pattern at 0..4 ('wget')"
                                + " but is listed under no_match"),
                lines(compile(onField)));
        String httpFirst = WITH_EXAMPLES.replace("[command]", "[http_request, command]")
                .replace("command_text:", "raw_url:");
        assertEquals(List.of(), compile(httpFirst).problems());
    }

    @Test
    void exampleMustBeAStringOrAMapping() {
        assertOnlyProblem(WITH_EXAMPLES.replace("- wgetx", "- [wgetx]"),
                "r.yaml:16:7: examples.no_match[0]: must be a string (the default field's value) or a mapping of payload fields, found a list");
        assertOnlyProblem(WITH_EXAMPLES.replace("- wgetx", "- 42"),
                "r.yaml:16:7: examples.no_match[0]: must be a string (the default field's value) or a mapping of payload fields, found an integer 42");
    }

    @Test
    void examplesBlockShape() {
        assertOnlyProblem(VALID + "examples: [a]\n", "r.yaml:11:11: examples: must be a mapping with match: and no_match: lists, found a list");
        assertOnlyProblem(VALID + "examples:\n  match: wget\n", "r.yaml:12:10: examples.match: must be a list of examples, found a string 'wget'");
        CompileResult r = compile(VALID + "examples:\n  matches: [wget]\n");
        assertEquals(List.of("warning: r.yaml:12:3: examples.matches: unknown key, ignored (examples has match and no_match)"), lines(r));
    }

    @Test
    void examplesOnALifterRuleAreIgnoredWithAWarning() {
        CompileResult r = compile(WITH_EXAMPLES.replace("  pattern: '\\bwget\\b'", "  kind: 'lifter:x'"));
        assertInstanceOf(CompileResult.Compiled.class, r);
        assertEquals(List.of("warning: r.yaml:12:3: examples: ignored: the rule is not engine-owned (it has no pattern)"), lines(r));
    }

    @Test
    void catastrophicBacktrackingInAnExampleIsBoundedAndReported() {
        // Java memoises the textbook ^(a+)+$, not this one: 30 characters take billions of steps
        String yaml = VALID.replace("'\\bwget\\b'", "'(.*a){20}x'") + "examples:\n  no_match:\n    - short\n    - '"
                + "a".repeat(30) + "!'\n";
        RuleCompiler small = new RuleCompiler(RuleCompiler.Options.DEFAULTS.withExampleStepBudget(100_000));
        CompileResult r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                () -> small.compile("r.yaml", yaml.getBytes(UTF_8)));
        assertEquals(List.of("r.yaml:14:7: examples.no_match[1]: evaluating this example took more than 100000 steps:"
                + " the pattern backtracks catastrophically on it"), lines(r));
    }

    // ---- files and limits -------------------------------------------------------------------------------------

    @Nested
    class FromFiles {
        @TempDir
        Path dir;

        @Test
        void compileOfAPathEqualsCompileOfItsBytes() throws Exception {
            Path file = dir.resolve("R0001.yaml");
            Files.writeString(file, VALID);
            CompiledRule fromFile = ((CompileResult.Compiled) COMPILER.compile(file)).rule();
            CompiledRule fromBytes = ((CompileResult.Compiled) COMPILER.compile(file.toString(), VALID.getBytes(UTF_8))).rule();
            assertEquals(file.toString(), fromFile.sourcePath());
            assertEquals(fromBytes.contentHash(), fromFile.contentHash());
            assertEquals(fromBytes.yaml(), fromFile.yaml());
        }

        @Test
        void missingFileIsAProblemNotAnException() {
            Path file = dir.resolve("gone.yaml");
            assertEquals(List.of(file + ":1:1: -: cannot read the file: it does not exist"), lines(COMPILER.compile(file)));
        }

        @Test
        void directoryIsAProblemNotAnException() {
            assertEquals(List.of(dir + ":1:1: -: cannot read the file: it is not a regular file"), lines(COMPILER.compile(dir)));
        }

        @Test
        void fifoIsRejectedWithoutBlocking() throws Exception {
            Path fifo = dir.resolve("R0001.yaml");
            assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
            CompileResult r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                    () -> COMPILER.compile(fifo));
            assertEquals(List.of(fifo + ":1:1: -: cannot read the file: it is not a regular file"), lines(r));
        }

        @Test
        void fileSizeLimitIsConfigurable() throws Exception {
            Path file = dir.resolve("R0001.yaml");
            Files.writeString(file, VALID);
            RuleCompiler tiny = new RuleCompiler(RuleCompiler.Options.DEFAULTS.withMaxFileBytes(100));
            assertEquals(List.of(file + ":1:1: -: the file is " + VALID.length() + " bytes, more than the limit of 100"
                    + " bytes for a rule file"), lines(tiny.compile(file)));
        }
    }

    @Test
    void optionsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> RuleCompiler.Options.DEFAULTS.withMaxFileBytes(0));
        assertThrows(IllegalArgumentException.class, () -> RuleCompiler.Options.DEFAULTS.withMaxNodes(0));
        assertEquals(1L << 20, new RuleCompiler().options().maxFileBytes());
    }

    @Test
    void oneCompilerIsSharedSafelyByManyThreads() throws Exception {
        List<byte[]> inputs = List.of(VALID.getBytes(UTF_8), WITH_EXAMPLES.getBytes(UTF_8),
                VALID.replace("T1105", "T15").getBytes(UTF_8), "- a".getBytes(UTF_8));
        List<List<String>> expected = inputs.stream().map(b -> lines(COMPILER.compile("r.yaml", b))).toList();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            List<java.util.concurrent.Future<Boolean>> futures = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        int k = i % inputs.size();
                        if (!lines(COMPILER.compile("r.yaml", inputs.get(k))).equals(expected.get(k))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (var f : futures) {
                assertTrue(f.get());
            }
        }
    }

    @Nested
    class RecentPatterns {
        private static Match.Regex match(RuleCompiler compiler, String yaml) {
            CompileResult r = compiler.compile("r.yaml", yaml.getBytes(UTF_8));
            assertInstanceOf(CompileResult.Compiled.class, r, () -> "expected to compile, got " + r.problems());
            return (Match.Regex) ((CompileResult.Compiled) r).rule().match();
        }

        private static String withPattern(String pattern) {
            return VALID.replace("'\\bwget\\b'", "'" + pattern + "'");
        }

        @Test
        void aNewVersionWithTheSamePatternReusesItsTranslation() {
            RuleCompiler compiler = new RuleCompiler();
            Match.Regex first = match(compiler, VALID);
            Match.Regex next = match(compiler, VALID.replace("rule_version: 2", "rule_version: 3")
                    .replace("confidence: 0.6", "confidence: 0.7"));
            assertSame(first.regex(), next.regex());
            // the literals are learned on first read, once for both versions, as the full translation has them
            assertFalse(first.literalsKnown());
            assertFalse(next.literalsKnown());
            assertEquals(PythonRegex.translate("\\bwget\\b").literals(), next.literals());
            assertTrue(first.literalsKnown());
            assertSame(first.literals(), next.literals());
            // a changed pattern is translated afresh
            Match.Regex other = match(compiler, withPattern("\\bcurl\\b"));
            assertNotSame(first.regex(), other.regex());
            assertTrue(other.regex().matcher("curl x").find());
            assertTrue(!other.regex().matcher("wget x").find());
        }

        @Test
        void theLeastRecentlyUsedPatternGoesFirstAndNoneAreKeptAtZero() {
            RuleCompiler two = new RuleCompiler(RuleCompiler.Options.DEFAULTS.withRecentPatterns(2));
            Match.Regex wget = match(two, VALID);
            Match.Regex curl = match(two, withPattern("curl"));
            assertSame(wget.regex(), match(two, VALID).regex()); // wget used last
            match(two, withPattern("fetch")); // evicts curl, the least recently used
            assertSame(wget.regex(), match(two, VALID).regex());
            assertNotSame(curl.regex(), match(two, withPattern("curl")).regex());

            RuleCompiler none = new RuleCompiler(RuleCompiler.Options.DEFAULTS.withRecentPatterns(0));
            assertNotSame(match(none, VALID).regex(), match(none, VALID).regex());
            assertThrows(IllegalArgumentException.class, () -> RuleCompiler.Options.DEFAULTS.withRecentPatterns(-1));
        }

        @Test
        void aHugePatternIsNotKeptAndTheKeptTextIsBounded() {
            org.ttp4j.rule.RecentPatterns cache = new org.ttp4j.rule.RecentPatterns(256);
            var compiled = new org.ttp4j.rule.RecentPatterns.Compiled(java.util.regex.Pattern.compile("x"),
                    new PatternLiterals(RequiredLiterals.NONE));
            int max = org.ttp4j.rule.RecentPatterns.MAX_CHARS;
            cache.put("a".repeat(max / 16 + 1), compiled);
            assertEquals(0, cache.size());
            List<String> patterns = new java.util.ArrayList<>();
            for (int k = 0; k < 40; k++) {
                patterns.add(k + "b".repeat(max / 16 - 10)); // 16 of these fit in the bound, 17 do not
                cache.put(patterns.get(k), compiled);
            }
            assertEquals(16, cache.size());
            assertSame(compiled, cache.get(patterns.get(39)));
            assertSame(compiled, cache.get(patterns.get(24)));
            assertNull(cache.get(patterns.get(23)));
        }

        /** Python's own parser gives up past 495 nested groups; a deeper pattern is a problem, not a crash. */
        @Test
        void groupsNestedDeeperThanPythonAcceptsAreAProblem() {
            RuleCompiler compiler = new RuleCompiler();
            int max = PythonRegex.MAX_NESTING;
            String deepest = "(?:".repeat(max) + "wget" + ")".repeat(max);
            Match.Regex m = match(compiler, withPattern(deepest));
            assertTrue(m.regex().matcher("x wget y").find());
            assertFalse(m.literals().none(), "the analysis reaches the innermost group too");
            CompileResult r = compiler.compile("r.yaml", withPattern("(" + deepest + ")").getBytes(UTF_8));
            assertInstanceOf(CompileResult.Failed.class, r);
            assertTrue(lines(r).get(0).contains("nested more than 495 deep"), lines(r).toString());
        }

        @Test
        void anInvalidPatternIsReportedEveryTime() {
            RuleCompiler compiler = new RuleCompiler();
            for (int k = 0; k < 2; k++) {
                CompileResult r = compiler.compile("r.yaml", withPattern("a(b").getBytes(UTF_8));
                assertInstanceOf(CompileResult.Failed.class, r);
                assertTrue(lines(r).get(0).contains("invalid regular expression"), lines(r).toString());
            }
        }
    }
}
