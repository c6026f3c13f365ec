package org.ttp4j.rule;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile YAML is rejected quickly with one clear error, never by exhausting memory, stack or CPU. */
class YamlBombTest {

    static final Duration QUICKLY = Duration.ofSeconds(10);
    static final RuleCompiler COMPILER = new RuleCompiler();

    static List<String> compileQuickly(RuleCompiler compiler, String yaml) {
        CompileResult r = assertTimeoutPreemptively(QUICKLY, () -> compiler.compile("bomb.yaml", yaml.getBytes(UTF_8)));
        return r.problems().stream().map(Problem::toString).toList();
    }

    /** Nine levels of nine aliases each: hundreds of millions of strings if expanded; the 51st alias is at 8:23. */
    static String billionLaughs() {
        StringBuilder b = new StringBuilder("rule_id: R1\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'i'; c++) {
            char p = (char) (c - 1);
            b.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                b.append(i == 0 ? "" : ",").append('*').append(p);
            }
            b.append("]\n");
        }
        return b.toString();
    }

    @Test
    void billionLaughsIsRejectedByTheAliasLimit() {
        assertEquals(List.of("bomb.yaml:8:23: -: invalid YAML: Number of aliases for non-scalar nodes exceeds the specified max=50"),
                compileQuickly(COMPILER, billionLaughs()));
    }

    @Test
    void aliasExpansionUnderTheAliasLimitIsStoppedByTheNodeLimit() {
        // 5 levels of 9 aliases = 45 aliases (under the limit) but 9^5 = 59,049 leaves under match
        StringBuilder b = new StringBuilder("match:\n  a: &a [x,x,x,x,x,x,x,x,x]\n");
        for (char c = 'b'; c <= 'f'; c++) {
            b.append("  ").append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                b.append(i == 0 ? "" : ",").append('*').append((char) (c - 1));
            }
            b.append("]\n");
        }
        RuleCompiler small = new RuleCompiler(RuleCompiler.Options.DEFAULTS.withMaxNodes(20_000));
        assertEquals(List.of("bomb.yaml:1:1: -: the document expands to more than 20000 nodes (through aliases?)"),
                compileQuickly(small, b.toString()));
    }

    @Test
    void deepNestingIsRejected() {
        String deep = "rule_id: R1\nmatch: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n";
        List<String> problems = compileQuickly(COMPILER, deep);
        assertEquals(List.of("bomb.yaml:2:71: -: invalid YAML: Nesting Depth exceeded max 64"), problems);
        String deepBlock = "rule_id: R1\nmatch:\n" + buildBlockNesting(200);
        assertEquals(1, compileQuickly(COMPILER, deepBlock).size());
    }

    private static String buildBlockNesting(int depth) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            b.append("  ".repeat(i + 1)).append("k").append(i).append(":\n");
        }
        return b.append("  ".repeat(depth + 1)).append("leaf\n").toString();
    }

    @Test
    void recursiveAliasIsRejected() {
        List<String> problems = compileQuickly(COMPILER, "rule_id: R1\nmatch: &m\n  self: *m\n");
        assertEquals(List.of("bomb.yaml:1:1: -: the document nests deeper than 64 levels (through recursive aliases?)"),
                problems);
    }

    @Test
    void tenMegabyteFileIsRejectedBeforeReading(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.yaml");
        try (var out = Files.newOutputStream(big)) {
            byte[] line = "# padding padding padding padding padding padding padding padding padding\n".getBytes(UTF_8);
            for (long written = 0; written < 10L << 20; written += line.length) {
                out.write(line);
            }
        }
        long size = Files.size(big);
        CompileResult r = assertTimeoutPreemptively(QUICKLY, () -> COMPILER.compile(big));
        assertEquals(List.of(big + ":1:1: -: the file is " + size + " bytes, more than the limit of 1048576 bytes for a rule file"),
                r.problems().stream().map(Problem::toString).toList());
        byte[] bytes = Files.readAllBytes(big);
        assertEquals(List.of("big.yaml:1:1: -: the file is " + size + " bytes, more than the limit of 1048576 bytes for a rule file"),
                assertTimeoutPreemptively(QUICKLY, () -> COMPILER.compile("big.yaml", bytes)).problems().stream()
                        .map(Problem::toString).toList());
    }

    @Test
    void manyProblemsAreCappedWithASummaryLine() {
        StringBuilder b = new StringBuilder(RuleCompilerTest.VALID);
        for (int i = 0; i < 5000; i++) {
            b.append("unknown_").append(i).append(": x\n").append("name: again\n");
        }
        List<String> problems = compileQuickly(COMPILER, b.toString());
        assertEquals(100, problems.size());
        assertEquals("bomb.yaml:12:1: name: duplicate key 'name' (first at line 3, column 1)", problems.get(0));
        assertEquals("bomb.yaml:1:1: -: 9901 more problems not shown", problems.get(99));
    }

    @Test
    void hugeScalarJustUnderTheLimitIsHandled() {
        String yaml = "rule_id: R1\nname: '" + "x".repeat((1 << 20) - 100) + "'\n";
        List<String> problems = compileQuickly(COMPILER, yaml);
        assertEquals(List.of("bomb.yaml:1:1: applies_to: is required", "bomb.yaml:1:1: emits: is required",
                "bomb.yaml:1:1: match: is required", "bomb.yaml:1:1: rule_version: is required"), problems);
    }
}
