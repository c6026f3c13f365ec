package org.ttp4j.store.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ttp4j.rule.CompileCache;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Match;
import org.ttp4j.rule.Problem;
import org.ttp4j.rule.RuleCompiler;
import org.ttp4j.store.StoreReporter;

/** The startup's early compile (docs/stores.md §4): its results are taken only for files still holding the same bytes. */
class RuleDirectoryTest {

    @TempDir
    Path dir;

    static String rule(String id, String pattern) {
        return "rule_id: " + id + "\nrule_version: 1\nname: n\napplies_to: [command]\nmatch: {pattern: '" + pattern
                + "'}\nemits: [{technique_id: T1059, tactic: TA0002, confidence: 0.5}]\n";
    }

    /** A compiler that counts its compiles (it asks its cache once for each). */
    static RuleCompiler counting(AtomicInteger compiles) {
        return new RuleCompiler(RuleCompiler.Options.DEFAULTS, new CompileCache() {
            @Override
            public byte[] get(String path, String sha256) {
                compiles.incrementAndGet();
                return null;
            }

            @Override
            public void put(String path, String sha256, byte[] entry) {
            }
        });
    }

    @Test
    void aDirectoryOfOneFileTakesItsEarlyResultOrCompilesItsEdit() throws Exception {
        for (boolean edited : new boolean[] {false, true}) {
            Path one = Files.createDirectories(dir.resolve("one-" + edited));
            Files.writeString(one.resolve("A.yaml"), rule("A", "wget"));
            AtomicInteger compiles = new AtomicInteger();
            RuleDirectory directory = new RuleDirectory(one, counting(compiles), StoreReporter.LOG);
            directory.compileEarly();
            if (edited) {
                Files.writeString(one.resolve("A.yaml"), rule("A", "curl"));
            }
            directory.rescan(new ArrayList<>());
            assertEquals(edited ? 2 : 1, compiles.get());
            assertEquals(edited ? "curl" : "wget", ((Match.Regex) directory.snapshot().get("A").match()).pattern());
        }
    }

    @Test
    void aFileEditedAfterTheEarlyCompileIsCompiledAgainAndTheOthersAreTaken() throws Exception {
        Files.writeString(dir.resolve("A.yaml"), rule("A", "wget"));
        Files.writeString(dir.resolve("B.yaml"), rule("B", "curl"));
        Files.writeString(dir.resolve("C.yaml"), rule("C", "nc"));
        AtomicInteger compiles = new AtomicInteger();
        List<Problem> reported = new ArrayList<>();
        RuleDirectory directory = new RuleDirectory(dir, counting(compiles), new StoreReporter() {
            @Override
            public void problem(Problem problem) {
                reported.add(problem);
            }
        });
        directory.compileEarly();
        assertEquals(3, compiles.get());
        assertEquals(Map.of(), directory.snapshot(), "the early compile changes nothing");

        Files.writeString(dir.resolve("A.yaml"), rule("A", "socat"));
        Files.delete(dir.resolve("C.yaml"));
        assertEquals(2, directory.rescan(new ArrayList<>()).size());
        assertEquals(4, compiles.get(), "only the edited file is compiled again");
        Map<String, CompiledRule> rules = directory.snapshot();
        assertEquals(List.of("A", "B"), List.copyOf(rules.keySet()));
        assertEquals("socat", ((Match.Regex) rules.get("A").match()).pattern());
        assertEquals("curl", ((Match.Regex) rules.get("B").match()).pattern());
        assertEquals(List.of(), reported);

        Files.writeString(dir.resolve("B.yaml"), rule("B", "nc"));
        directory.rescan(new ArrayList<>());
        Files.writeString(dir.resolve("B.yaml"), rule("B", "curl")); // the bytes the early compile saw
        directory.rescan(new ArrayList<>());
        assertEquals(6, compiles.get(), "the early results served one refresh only");
        assertEquals("curl", ((Match.Regex) directory.snapshot().get("B").match()).pattern());
    }
}
