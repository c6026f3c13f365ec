package org.ttp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ttp4j validate} run as a real command on a directory of good, flawed and bad rules (docs/cli.md §2). */
class ValidateEndToEndTest {

    @TempDir
    Path work;
    Path rules;

    @BeforeEach
    void writeRules() throws Exception {
        rules = Files.createDirectories(work.resolve("rules"));
        Files.writeString(rules.resolve("R0001.yaml"), RuleTexts.commandRule("R0001", 1, "whoami", "T1033", "TA0007", 0.5));
        Files.writeString(rules.resolve("R0002.yml"), RuleTexts.commandRule("R0002", 2, "uname -a", "T1082", "TA0007", 0.4)
                + "last_reviewed: 2025-01-01\nreviewer: soc\n"); // DECNET's review date is no warning; an unknown key is
        Files.writeString(rules.resolve("R0003.yaml"), """
                rule_id: R0003
                rule_version: 1
                name: broken
                applies_to: [command]
                match:
                  pattern: 'curl (http'
                emits:
                  - technique_id: T1105
                    tactic: XX0011
                    confidence: 1.5
                """);
        // Same rule id as R0001.yaml: a store would ignore this file.
        Files.writeString(rules.resolve("R0004.yaml"), RuleTexts.commandRule("R0001", 3, "id", "T1033", "TA0007", 0.5));
        // Not rule files by name: never read, never mentioned.
        Files.writeString(rules.resolve(".R0001.yaml.swp"), "\0\0binary");
        Files.writeString(rules.resolve("R0001.yaml~"), "rule_id: [");
        Files.writeString(rules.resolve("notes.txt"), "not a rule");
        Files.writeString(rules.resolve("4913"), "");
    }

    @Test
    void printsErrorsThenWarningsThenTheSummaryAndFails() throws Exception {
        Ttp4jProcess.Result r = Ttp4jProcess.run(work, "validate", "rules");
        assertEquals("""
                rules/R0003.yaml:6:12: match.pattern: invalid regular expression: missing ), unterminated subpattern at offset 5 in /curl (http/
                rules/R0003.yaml:9:13: emits[0].tactic: must be a tactic id such as TA0002 (TA and four digits), found 'XX0011'
                rules/R0003.yaml:10:17: emits[0].confidence: must be between 0 and 1, found 1.5
                rules/R0004.yaml:1:1: rule_id: rule id R0001 is already defined by rules/R0001.yaml; a store keeps one file per rule id (the first by name) and ignores this one: give it another rule_id or remove one of the files
                warning: rules/R0002.yml:12:1: reviewer: unknown key, ignored
                checked 4 files: 2 valid, 2 invalid, 1 warnings
                """, r.out());
        assertEquals("", r.err());
        assertEquals(1, r.exit());
    }

    @Test
    void cleanFilesPassAndStrictTurnsAWarningIntoAFailure() throws Exception {
        Ttp4jProcess.Result clean = Ttp4jProcess.run(work, "validate", "rules/R0001.yaml", "rules/R0002.yml");
        assertEquals("warning: rules/R0002.yml:12:1: reviewer: unknown key, ignored\n"
                + "checked 2 files: 2 valid, 0 invalid, 1 warnings\n", clean.out());
        assertEquals(0, clean.exit());

        Ttp4jProcess.Result strict = Ttp4jProcess.run(work, "validate", "--strict", "rules/R0001.yaml", "rules/R0002.yml");
        assertEquals("warning: rules/R0002.yml:12:1: reviewer: unknown key, ignored\n"
                + "checked 2 files: 1 valid, 1 invalid, 1 warnings\n", strict.out());
        assertEquals(1, strict.exit());
    }

    @Test
    void aFileNamedOnTheCommandLineIsCheckedAndAnIgnoredNameIsAWarning() throws Exception {
        Ttp4jProcess.Result r = Ttp4jProcess.run(work, "validate", "rules/R0001.yaml", "rules/R0001.yaml", "rules/notes.txt");
        assertEquals("""
                rules/notes.txt:1:1: -: the top level must be a mapping (rule_id: ..., name: ...), found a string 'not a rule'
                warning: rules/notes.txt:1:1: -: the stores ignore this file: a rule file's name must match [A-Za-z0-9_]+.yaml or [A-Za-z0-9_]+.yml
                checked 2 files: 1 valid, 1 invalid, 1 warnings
                """, r.out());
        assertEquals(1, r.exit());
    }

    @Test
    void usageErrorsExitTwoWithOneLine() throws Exception {
        Ttp4jProcess.Result missing = Ttp4jProcess.run(work, "validate", "no/such/dir");
        assertEquals(2, missing.exit());
        assertEquals("ttp4j validate: no such file or directory: no/such/dir (see 'ttp4j validate --help')\n", missing.err());
        assertEquals("", missing.out());

        Ttp4jProcess.Result none = Ttp4jProcess.run(work, "validate");
        assertEquals(2, none.exit());
        assertEquals(1, none.err().lines().count(), none.err());

        Ttp4jProcess.Result unknown = Ttp4jProcess.run(work, "validate", "--frobnicate", "rules");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().startsWith("ttp4j validate: Unknown option: '--frobnicate'"), unknown.err());
    }

    @Test
    void anEmptyDirectoryIsCleanOnlyWithAllowEmpty() throws Exception {
        Files.createDirectories(work.resolve("empty"));
        Ttp4jProcess.Result r = Ttp4jProcess.run(work, "validate", "--allow-empty", "empty");
        assertEquals("checked 0 files: 0 valid, 0 invalid, 0 warnings\n", r.out());
        assertEquals(0, r.exit());
        assertEquals(1, Ttp4jProcess.run(work, "validate", "empty").exit());
    }

    @Test
    void aDirectoryWithNoRuleFileIsSaidAndFailsUnlessAllowed() throws Exception {
        Path empty = Files.createDirectories(work.resolve("empty/ttp"));
        Files.writeString(empty.resolve("notes.txt"), "not a rule");
        Ttp4jProcess.Result r = Ttp4jProcess.run(work, "validate", "empty");
        assertEquals(1, r.exit(), "a mistyped path must not look green");
        assertEquals("checked 0 files: 0 valid, 0 invalid, 0 warnings\n", r.out());
        assertEquals("validate: no rule files in empty (a directory's own [A-Za-z0-9_]+.yaml/.yml files are checked,"
                + " not its subdirectories); --allow-empty accepts that\n", r.err());
        Ttp4jProcess.Result allowed = Ttp4jProcess.run(work, "validate", "--allow-empty", "empty");
        assertEquals(0, allowed.exit());
        assertEquals("", allowed.err());
        assertEquals(0, Ttp4jProcess.run(work, "validate", "empty/ttp", "rules/R0001.yaml").exit());
    }

    @Test
    void symlinksAreJudgedAsTheStoreJudgesThemAndALoopIsNamed() throws Exception {
        Files.createSymbolicLink(rules.resolve("R0005.yaml"), Path.of("R0006.yaml"));
        Files.createSymbolicLink(rules.resolve("R0006.yaml"), Path.of("R0005.yaml"));
        Ttp4jProcess.Result loop = Ttp4jProcess.run(work, "validate", "rules/R0005.yaml");
        assertEquals(2, loop.exit());
        assertEquals("ttp4j validate: symlink loop: rules/R0005.yaml (see 'ttp4j validate --help')\n", loop.err());

        Path good = Files.createDirectories(work.resolve("good"));
        Files.writeString(good.resolve("R0001.yaml"), RuleTexts.commandRule("R0001", 1, "whoami", "T1033", "TA0007", 0.5));
        Files.createSymbolicLink(good.resolve("R0005.yaml"), Path.of("R0006.yaml"));
        Files.createSymbolicLink(good.resolve("R0006.yaml"), Path.of("R0005.yaml"));
        Path outside = Files.writeString(work.resolve("R0009.yaml"), RuleTexts.commandRule("R0009", 1, "id", "T1033", "TA0007", 0.5));
        Ttp4jProcess.Result loops = Ttp4jProcess.run(work, "validate", "good");
        assertEquals("checked 1 files: 1 valid, 0 invalid, 0 warnings\n", loops.out(), "a loop in a directory is skipped");
        assertEquals(0, loops.exit());
        Files.createSymbolicLink(good.resolve("R0009.yaml"), outside);
        Ttp4jProcess.Result linked = Ttp4jProcess.run(work, "validate", "good");
        assertEquals("good/R0009.yaml:1:1: -: a symbolic link to " + outside.toRealPath() + ", which the store does not"
                + " watch (only the rules directory and its ..data-style links are), so an edit there would never apply:"
                + " refused; copy the file into the rules directory, or link the whole directory\n"
                + "checked 2 files: 1 valid, 1 invalid, 0 warnings\n", linked.out());
        assertEquals(1, linked.exit());
    }

    /**
     * validate's verdict cache (docs/cli.md §12): cold and warm runs print exactly what an uncached run prints, with
     * and without --strict; a kept verdict is what a warm run prints (a planted one shows); an edited file is judged
     * again; damaged entries are judged again; another build's directory is removed.
     */
    @Test
    void theVerdictCacheChangesNothingButTheWork() throws Exception {
        Path cache = work.resolve("verdicts");
        Path otherBuild = Files.createDirectories(cache.resolve("ttp4j-build-" + "0".repeat(64)).resolve("old"));
        Path notOurs = Files.createDirectories(cache.resolve("f".repeat(64)));
        Map<String, String> cached = Map.of("TTP4J_VALIDATE_CACHE", cache.toString());
        Map<String, String> uncached = Map.of("TTP4J_VALIDATE_CACHE", "off");
        List<String[]> lines = List.of(new String[] {"validate", "rules"},
                new String[] {"validate", "--strict", "rules", "rules/R0001.yaml~"});
        for (String[] args : lines) {
            Ttp4jProcess.Result expected = Ttp4jProcess.run(work, uncached, "", args);
            for (String pass : List.of("cold", "warm")) {
                Ttp4jProcess.Result r = Ttp4jProcess.run(work, cached, "", args);
                assertEquals(expected, r, pass + " " + String.join(" ", args));
            }
        }
        assertFalse(Files.exists(otherBuild.getParent()), "another build's verdicts are removed");
        assertTrue(Files.isDirectory(notOurs), "and nothing else");
        List<Path> entries = entries(cache);
        assertEquals(5, entries.size(), "one verdict per file and bytes: " + entries);

        Path r0002 = entries.stream().filter(e -> lines(e).get(1).equals("R0002")).findFirst().orElseThrow();
        Files.writeString(r0002, Files.readString(r0002).replace("unknown key, ignored", "planted"));
        assertTrue(Ttp4jProcess.run(work, cached, "", "validate", "rules").out()
                .contains("warning: rules/R0002.yml:12:1: reviewer: planted\n"), "the kept verdict is read");

        Files.writeString(rules.resolve("R0002.yml"), RuleTexts.commandRule("R0002", 3, "uname -a", "T1082", "TA0007", 0.4)
                + "owner: soc\n");
        Ttp4jProcess.Result edited = Ttp4jProcess.run(work, uncached, "", "validate", "rules");
        assertTrue(edited.out().contains("warning: rules/R0002.yml:11:1: owner: unknown key, ignored\n"), edited.out());
        assertEquals(edited, Ttp4jProcess.run(work, cached, "", "validate", "rules"), "the edited file is judged again");

        for (Path e : entries(cache)) {
            Files.writeString(e, lines(e).get(0) + "\nR0001\n"); // cut short: no end line
        }
        assertEquals(edited, Ttp4jProcess.run(work, cached, "", "validate", "rules"), "damaged verdicts are judged again");
    }

    private static List<Path> entries(Path cache) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(cache)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
