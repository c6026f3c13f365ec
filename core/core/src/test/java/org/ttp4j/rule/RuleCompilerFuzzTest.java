package org.ttp4j.rule;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzing the loader: random text and bytes, and mutations of our real rule files, must always give a
 * {@link CompileResult} (never an exception), fast, with well-formed problems.
 */
class RuleCompilerFuzzTest {

    static final RuleCompiler COMPILER = new RuleCompiler();
    static final List<byte[]> SEEDS = seeds();

    static List<byte[]> seeds() {
        try (var files = Files.list(RulePackTest.PACK)) {
            List<byte[]> seeds = new ArrayList<>();
            for (Path p : files.sorted().toList()) {
                seeds.add(Files.readAllBytes(p));
            }
            seeds.add(RuleCompilerTest.VALID.getBytes(UTF_8));
            seeds.add(RuleCompilerTest.WITH_EXAMPLES.getBytes(UTF_8));
            return seeds;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What every result must satisfy, whatever the input. */
    static void checkWellFormed(byte[] input) {
        CompileResult r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> COMPILER.compile("fuzz.yaml", input));
        for (Problem p : r.problems()) {
            String line = p.toString();
            assertTrue(line.matches("(warning: )?fuzz\\.yaml:\\d+:\\d+: \\S.*: \\S.*"), line);
            assertFalse(line.contains("\n"), "one line: " + line);
        }
        if (r instanceof CompileResult.Failed f) {
            assertTrue(f.problems().stream().anyMatch(Problem::isError), "a failure names at least one error");
        } else {
            CompileResult.Compiled c = (CompileResult.Compiled) r;
            assertTrue(c.problems().stream().noneMatch(Problem::isError), "a compiled rule carries no error");
            assertTrue(c.rule().ruleId().matches("[A-Za-z0-9_]+"));
            assertTrue(c.rule().ruleVersion() >= 1);
        }
    }

    @Property(tries = 300)
    void randomText(@ForAll("yamlishText") String text) {
        checkWellFormed(text.getBytes(UTF_8));
    }

    @Property(tries = 200)
    void randomBytes(@ForAll byte[] bytes) {
        checkWellFormed(bytes);
    }

    @Property(tries = 1000)
    void mutatedRuleFiles(@ForAll("mutants") byte[] mutant) {
        checkWellFormed(mutant);
    }

    @Provide
    Arbitrary<String> yamlishText() {
        Arbitrary<String> tokens = Arbitraries.of("rule_id: ", "rule_version: ", "name: ", "applies_to: ", "match:\n",
                "  pattern: ", "  kind: ", "emits:\n", "  - technique_id: T1059\n", "    tactic: TA0002\n",
                "    confidence: ", "examples:\n", "  match: ", "  no_match: ", "\n", "  ", "- ", "[", "]", "{", "}",
                ", ", ": ", "&a ", "*a", "!!str ", "!!int ", "!!python/object ", "<<: ", "? ", "'", "\"", "\\", "|\n",
                ">\n", "#", "---\n", "...\n", "~", "null", "yes", "0x1F", "0o17", "1_000", "1:30", ".inf", ".nan",
                "2.5", "-1", "R0001", "(?P<n>a)", "\\${[^}]*}", "(", "*", "\t", "\u2028", "\u00e9", "\ufeff",
                "\"a\\nb\": 1\n", "rule_id: \"R\\n1\"\n", "\"\\u2028\": x\n");
        return tokens.list().ofMaxSize(60).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<byte[]> mutants() {
        Arbitrary<Integer> seedIndex = Arbitraries.integers().between(0, SEEDS.size() - 1);
        Arbitrary<Long> randomSeed = Arbitraries.longs();
        Arbitrary<Integer> mutations = Arbitraries.integers().between(1, 8);
        return Combinators.combine(seedIndex, randomSeed, mutations).as((i, seed, n) -> mutate(SEEDS.get(i), new Random(seed), n));
    }

    private static final byte[][] INSERTS = {
            "\n".getBytes(UTF_8), " ".getBytes(UTF_8), ":".getBytes(UTF_8), "- ".getBytes(UTF_8), "[".getBytes(UTF_8),
            "{".getBytes(UTF_8), "'".getBytes(UTF_8), "\"".getBytes(UTF_8), "&x ".getBytes(UTF_8), "*x".getBytes(UTF_8),
            "\t".getBytes(UTF_8), "#".getBytes(UTF_8), "\\".getBytes(UTF_8), "(".getBytes(UTF_8), "{2,1}".getBytes(UTF_8),
            "!!binary ".getBytes(UTF_8), "\nname: dup\n".getBytes(UTF_8), new byte[] {(byte) 0xC3}, new byte[] {0}};

    static byte[] mutate(byte[] seed, Random random, int mutations) {
        List<Byte> b = new ArrayList<>(seed.length + 64);
        for (byte x : seed) {
            b.add(x);
        }
        for (int m = 0; m < mutations; m++) {
            int at = b.isEmpty() ? 0 : random.nextInt(b.size());
            switch (random.nextInt(6)) {
                case 0 -> { // flip a byte
                    if (!b.isEmpty()) {
                        b.set(at, (byte) random.nextInt(256));
                    }
                }
                case 1 -> { // delete a run
                    int len = Math.min(b.size() - at, 1 + random.nextInt(12));
                    for (int k = 0; k < len; k++) {
                        b.remove(at);
                    }
                }
                case 2 -> { // insert a YAML-significant token
                    byte[] ins = INSERTS[random.nextInt(INSERTS.length)];
                    for (int k = ins.length - 1; k >= 0; k--) {
                        b.add(at, ins[k]);
                    }
                }
                case 3 -> { // duplicate a run
                    int len = Math.min(b.size() - at, 1 + random.nextInt(40));
                    List<Byte> run = new ArrayList<>(b.subList(at, at + len));
                    b.addAll(at, run);
                }
                case 4 -> { // truncate
                    b.subList(at, b.size()).clear();
                }
                default -> { // swap two lines' worth of bytes
                    int other = b.isEmpty() ? 0 : random.nextInt(b.size());
                    if (!b.isEmpty()) {
                        Byte t = b.get(at);
                        b.set(at, b.get(other));
                        b.set(other, t);
                    }
                }
            }
        }
        byte[] out = new byte[b.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = b.get(k);
        }
        return out;
    }
}
