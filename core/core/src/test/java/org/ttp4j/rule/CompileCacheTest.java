package org.ttp4j.rule;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * A compiler with a {@link CompileCache} gives, from an entry, exactly what it gives from the source: the same rule
 * (every component, the compiled regex's text and flags) and the same problems, for every rule of our pack, hand-made
 * documents of every kind of match, and random edits of them; a damaged entry is passed over.
 */
class CompileCacheTest {

    /** A real cache in memory: entries by path and hash, with counts of what the compiler asked. */
    static final class MemoryCache implements CompileCache {
        final Map<String, byte[]> entries = new HashMap<>();
        int gets;
        int puts;

        @Override
        public byte[] get(String path, String sha256) {
            gets++;
            byte[] e = entries.get(path + "\0" + sha256);
            return e == null ? null : e.clone();
        }

        @Override
        public void put(String path, String sha256, byte[] entry) {
            puts++;
            entries.put(path + "\0" + sha256, entry.clone());
        }

        void replaceOnly(java.util.function.UnaryOperator<byte[]> edit) {
            assertEquals(1, entries.size());
            entries.replaceAll((k, v) -> edit.apply(v));
        }
    }

    static final List<String> DOCUMENTS = List.of(
            // lone surrogates, from a YAML escape and from a regex escape, survive the entry
            RuleCompilerTest.VALID.replace("name: Download", "name: \"a\\ud800b\"")
                    .replace("'\\bwget\\b'", "'\\bx\\udc00y'"),
            RuleCompilerTest.VALID,
            RuleCompilerTest.WITH_EXAMPLES,
            // warnings kept with their lines and columns: an unknown key, a kind beside a pattern, a field
            RuleCompilerTest.VALID.replace("match:\n", "owner: me\nmatch:\n  kind: regex\n  field: command_text\n"),
            "\uFEFF" + RuleCompilerTest.VALID.replace("Download", "Téléchargement \"ü\" \\u00e9"),
            """
            rule_id: L1
            rule_version: 9007199254740993
            name: lifted
            description: |
              two
              lines
            applies_to: [http]
            match: {kind: 'lifter:http_paths', paths: [/a, {b: [1, 2.5, -0.0, .nan, .inf, true, null, 123456789012345678901234567890]}]}
            emits:
              - {technique_id: T1190, tactic: TA0001, confidence: 0.25, sub_technique_id: ''}
            evidence_fields: [path, method]
            """.replace("9007199254740993", "3"),
            """
            rule_id: N1
            rule_version: 1
            name: never
            applies_to: [command]
            match: {kind: something}
            emits: [{technique_id: T1059, sub_technique_id: T1059.004, tactic: TA0002, confidence: 1}]
            """,
            """
            rule_id: W1
            rule_version: 1
            name: window of every kind
            applies_to: [auth]
            match:
              where: {success: [false, null]}
              pattern: '(?i)root|admin'
              field: username
              group_by: [attacker_uuid]
              distinct: [username, password]
              min_distinct: 3
              window: 90s
            emits: [{technique_id: T1110, sub_technique_id: T1110.003, tactic: TA0006, confidence: 0.7}]
            """,
            """
            rule_id: W2
            rule_version: 1
            name: sequence
            applies_to: [auth]
            match:
              where: {success: false}
              group_by: [attacker_uuid]
              min_count: 5
              then: {where: {success: true}, pattern: '^r', field: username}
              window: 10m
            emits: [{technique_id: T1078, tactic: TA0001, confidence: 0.9}]
            """,
            """
            rule_id: W3
            rule_version: 1
            name: beacon
            applies_to: [http]
            match: {group_by: [attacker_uuid, path], min_events: 6, max_jitter_pct: 12.5, min_interval_s: 2, window: 1h}
            emits: [{technique_id: T1071, sub_technique_id: T1071.001, tactic: TA0011, confidence: 0.5}]
            """);

    static List<RuleSource> sources() throws IOException {
        List<RuleSource> sources = new ArrayList<>();
        for (Path p : RulePackTest.packFiles()) {
            sources.add(RuleSource.of(p.toString(), Files.readAllBytes(p)));
        }
        for (int i = 0; i < DOCUMENTS.size(); i++) {
            sources.add(RuleSource.of("doc" + i + ".yaml", DOCUMENTS.get(i).getBytes(UTF_8)));
        }
        return sources;
    }

    /**
     * The whole of a result as text: every component of the rule (the regex's flags too, the match mapping's values
     * with their types, strings char by char) and its problems.
     */
    static String describe(CompileResult r) {
        StringBuilder b = new StringBuilder(r.getClass().getSimpleName()).append(r.problems());
        if (r instanceof CompileResult.Compiled c) {
            b.append(c.rule()).append(" raw=");
            typed(c.rule().match().raw(), b);
            if (c.rule().match() instanceof Match.Regex regex) {
                b.append(" flags=").append(regex.regex().flags());
            }
            b.append(" chars=").append(Arrays.toString(c.rule().name().chars().toArray()))
                    .append(Arrays.toString(c.rule().toString().chars().toArray()));
        }
        return b.toString();
    }

    private static void typed(Object v, StringBuilder b) {
        if (v instanceof Map<?, ?> m) {
            b.append(m.getClass().getSimpleName()).append('{');
            m.forEach((k, x) -> {
                b.append(k).append('=');
                typed(x, b);
                b.append(',');
            });
            b.append('}');
        } else if (v instanceof List<?> l) {
            b.append(l.getClass().getSimpleName()).append('[');
            l.forEach(x -> {
                typed(x, b);
                b.append(',');
            });
            b.append(']');
        } else {
            b.append(v == null ? "null" : v.getClass().getSimpleName() + ":" + v);
        }
    }

    /** Compiles {@code source} fresh, then through a cache (a miss that puts, then a hit), and compares. */
    static void assertSameFromEntry(RuleSource source) {
        String fresh = describe(new RuleCompiler().compile(source));
        MemoryCache cache = new MemoryCache();
        CompileResult first = new RuleCompiler(RuleCompiler.Options.DEFAULTS, cache).compile(source);
        assertEquals(fresh, describe(first), source.path());
        if (!(first instanceof CompileResult.Compiled)) {
            assertEquals(0, cache.puts, "a failed compile is not kept: " + source.path());
            return;
        }
        assertEquals(1, cache.puts, source.path());
        CompileResult again = new RuleCompiler(RuleCompiler.Options.DEFAULTS, cache).compile(source);
        assertEquals(1, cache.puts, "a hit is not put again: " + source.path());
        if (((CompileResult.Compiled) again).rule().match() instanceof Match.Regex regex) {
            assertTrue(regex.literalsKnown(), "a hit's literals come from its entry, not an analysis");
        }
        assertEquals(fresh, describe(again), source.path());
    }

    @Test
    void everyRuleOfThePackAndEveryKindOfMatchIsTheSameFromItsEntry() throws IOException {
        List<RuleSource> sources = sources();
        for (RuleSource s : sources) {
            assertSameFromEntry(s);
        }
        long compiled = sources.stream().filter(s -> new RuleCompiler().compile(s) instanceof CompileResult.Compiled)
                .count();
        assertEquals(sources.size(), compiled, "every source here compiles (the failures are the fuzz's)");
        CompiledRule lifted = ((CompileResult.Compiled) new RuleCompiler().compile(sources.get(sources.size() - 5)))
                .rule();
        assertInstanceOf(Match.Lifter.class, lifted.match());
        CompiledRule surrogates = ((CompileResult.Compiled) new RuleCompiler().compile(
                sources.get(sources.size() - DOCUMENTS.size()))).rule();
        assertEquals("a\ud800b", surrogates.name());
        assertTrue(((Match.Regex) surrogates.match()).regex().matcher("x\udc00y").find());
    }

    @Property(tries = 300)
    void randomEditsOfRealRulesAreTheSameFromTheirEntries(@ForAll @IntRange(min = 0, max = 10_000) int seed)
            throws IOException {
        List<RuleSource> sources = sources();
        Random random = new Random(seed);
        String text = new String(sources.get(random.nextInt(sources.size())).content(), UTF_8);
        String[] edits = {"\nowner: x\n", "\n  extra: 1\n", " ", "\n", ":", "'", "(?i)", "\\b", "1", "-0.5", "[]",
                "{a: b}", "\n  - {technique_id: T1059, tactic: TA0002, confidence: 0.1}\n", "\nexamples: {match: [x]}\n"};
        for (int i = random.nextInt(3); i >= 0; i--) {
            int at = random.nextInt(text.length() + 1);
            text = text.substring(0, at) + edits[random.nextInt(edits.length)] + text.substring(at);
        }
        assertSameFromEntry(RuleSource.of("edited.yaml", text.getBytes(UTF_8)));
    }

    @Test
    void aHitTakesTheBoundValuesFromTheEntryNotTheSource() {
        // the entry is trusted once its header and checksum hold: proof that a hit reads it, not the source
        MemoryCache cache = new MemoryCache();
        RuleSource source = RuleSource.of("r.yaml", RuleCompilerTest.VALID.getBytes(UTF_8));
        new RuleCompiler(RuleCompiler.Options.DEFAULTS, cache).compile(source);
        String limits = RuleCompiler.Options.DEFAULTS.toString();
        CompiledEntry real = CompiledEntry.decode(cache.entries.values().iterator().next(), "r.yaml", source.sha256(),
                limits);
        CompiledEntry planted = new CompiledEntry(real.ruleId(), real.ruleVersion(), "Other", real.description(),
                real.appliesTo(), real.match(), real.literals(), real.emits(), real.evidenceFields(), real.problems());
        cache.replaceOnly(e -> planted.encode(source.sha256(), limits));
        CompiledRule rule = ((CompileResult.Compiled) new RuleCompiler(RuleCompiler.Options.DEFAULTS, cache)
                .compile(source)).rule();
        assertEquals("Other", rule.name());
        assertEquals(source.sha256(), rule.contentHash(), "the text and hash are the source's");
        assertEquals(RuleCompilerTest.VALID, rule.yaml());

        // another source's entry filed under this one's key is not read
        byte[] otherEntry = entryOf(RuleSource.of("r.yaml", RuleCompilerTest.VALID.replace("Download", "Other")
                .getBytes(UTF_8)));
        cache.replaceOnly(e -> otherEntry);
        assertEquals("Download", ((CompileResult.Compiled) new RuleCompiler(RuleCompiler.Options.DEFAULTS, cache)
                .compile(source)).rule().name());
    }

    static byte[] entryOf(RuleSource source) {
        MemoryCache cache = new MemoryCache();
        new RuleCompiler(RuleCompiler.Options.DEFAULTS, cache).compile(source);
        return cache.entries.values().iterator().next();
    }

    @Test
    void aDamagedEntryIsPassedOverAndTheSourceCompiled() throws IOException {
        for (RuleSource source : List.of(sources().get(0), RuleSource.of("w.yaml", DOCUMENTS.get(6).getBytes(UTF_8)))) {
            String fresh = describe(new RuleCompiler().compile(source));
            byte[] entry = entryOf(source);
            Random random = new Random(7);
            List<byte[]> damaged = new ArrayList<>();
            for (int n = 0; n < entry.length; n += Math.max(1, entry.length / 97)) {
                damaged.add(Arrays.copyOf(entry, n)); // cut short
            }
            damaged.add(Arrays.copyOf(entry, entry.length + 1)); // a byte too many
            for (int i = 0; i < 300; i++) {
                byte[] flipped = entry.clone();
                flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
                damaged.add(flipped);
            }
            for (byte[] d : damaged) {
                MemoryCache cache = new MemoryCache();
                cache.entries.put(source.path() + "\0" + source.sha256(), d);
                CompileResult r = new RuleCompiler(RuleCompiler.Options.DEFAULTS, cache).compile(source);
                assertEquals(fresh, describe(r), "fell back to the source (the checksum sees every flipped bit)");
                assertEquals(1, cache.puts, "and kept the fresh entry");
            }
        }
    }

    @Test
    void noEntryIsKeptForAFailedCompileAndNoneIsAskedForAnOversizedFile() {
        MemoryCache cache = new MemoryCache();
        RuleCompiler compiler = new RuleCompiler(RuleCompiler.Options.DEFAULTS.withMaxFileBytes(64), cache);
        CompileResult broken = compiler.compile("b.yaml", "rule_id: [".getBytes(UTF_8));
        assertInstanceOf(CompileResult.Failed.class, broken);
        assertEquals(0, cache.puts);
        CompileResult large = compiler.compile("l.yaml", RuleCompilerTest.VALID.getBytes(UTF_8));
        assertInstanceOf(CompileResult.Failed.class, large);
        assertEquals(1, cache.gets, "only the small file was looked up");
        assertTrue(cache.entries.isEmpty());
    }

    @Test
    void theLimitsTextNamesEveryComponentAsARecordWould() throws ReflectiveOperationException {
        // the caches' build fingerprint holds it: a limit missing from it would let an entry outlive a change
        RuleCompiler.Options o = new RuleCompiler.Options(1000, 2, 3, 4, 5, 6, 7);
        StringBuilder expected = new StringBuilder("Options[");
        for (java.lang.reflect.RecordComponent c : RuleCompiler.Options.class.getRecordComponents()) {
            expected.append(expected.length() > 8 ? ", " : "").append(c.getName()).append('=')
                    .append(c.getAccessor().invoke(o));
        }
        assertEquals(expected.append(']').toString(), o.toString());
    }

    @Test
    void anEntryIsReadOnlyByACompilerWithTheSameLimitsForTheSameBytes() {
        RuleSource source = RuleSource.of("r.yaml", RuleCompilerTest.VALID.getBytes(UTF_8));
        MemoryCache cache = new MemoryCache();
        new RuleCompiler(RuleCompiler.Options.DEFAULTS, cache).compile(source);
        new RuleCompiler(RuleCompiler.Options.DEFAULTS.withMaxProblems(50), cache).compile(source);
        assertEquals(2, cache.puts, "other limits: compiled again");
        byte[] entry = cache.entries.values().iterator().next();
        RuleSource other = RuleSource.of("r.yaml", RuleCompilerTest.VALID.replace("2", "3").getBytes(UTF_8));
        cache.entries.put("r.yaml\0" + other.sha256(), entry); // an entry filed under other bytes
        new RuleCompiler(RuleCompiler.Options.DEFAULTS.withMaxProblems(50), cache).compile(other);
        assertEquals(3, cache.puts, "an entry of other bytes: compiled again");
    }

    @Test
    void oneCompilerAndOneCacheSharedByManyThreadsGiveEveryRuleAsCompiled() throws Exception {
        List<RuleSource> sources = sources();
        Map<String, String> fresh = new HashMap<>();
        for (RuleSource s : sources) {
            fresh.put(s.path(), describe(new RuleCompiler().compile(s)));
        }
        Map<String, byte[]> entries = new java.util.concurrent.ConcurrentHashMap<>();
        CompileCache shared = new CompileCache() {
            @Override
            public byte[] get(String path, String sha256) {
                return entries.get(path + "\0" + sha256);
            }

            @Override
            public void put(String path, String sha256, byte[] entry) {
                entries.put(path + "\0" + sha256, entry);
            }
        };
        RuleCompiler compiler = new RuleCompiler(RuleCompiler.Options.DEFAULTS, shared);
        for (int round = 0; round < 3; round++) { // misses racing, then hits
            List<RuleSource> many = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                many.addAll(sources);
            }
            many.parallelStream().forEach(s -> assertEquals(fresh.get(s.path()), describe(compiler.compile(s)), s.path()));
        }
        assertEquals(sources.size(), entries.size());
    }

    @Test
    void anEntryIsReadOnlyForTheExactSourceItWasPutFor() {
        MemoryCache cache = new MemoryCache();
        RuleCompiler compiler = new RuleCompiler(RuleCompiler.Options.DEFAULTS, cache);
        compiler.compile("r.yaml", RuleCompilerTest.VALID.getBytes(UTF_8));
        CompileResult edited = compiler.compile("r.yaml", RuleCompilerTest.VALID.replace("wget", "curl").getBytes(UTF_8));
        assertEquals("\\bcurl\\b", ((Match.Regex) ((CompileResult.Compiled) edited).rule().match()).pattern());
        assertEquals(2, cache.puts);
        assertNull(new MemoryCache().get("r.yaml", "0".repeat(64)));
    }
}
