package org.ttp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ttp4j.testkit.ModulePaths;

/**
 * The launcher's startup caches (docs/cli.md §12), with the real {@code scripts/ttp4j} in a scratch copy of the
 * repository's layout: the built modules as jars in {@code core/cli/target}, our pack, the example events.
 * On JDK 25 and later, the first use of a command records its AOT cache, later uses map that file unchanged, a
 * rebuilt jar makes the next use record it again, concurrent first uses record it once, and the command's
 * output is the same with the cache as without. On JDK 22-24 the first use records a dynamic CDS archive.
 */
class LauncherCacheTest {

    private static final Path REPO = Path.of("../..").toAbsolutePath().normalize();
    private static final boolean AOT = Runtime.version().feature() >= 25;

    @TempDir
    Path root;
    private Path target;
    private Path jar;

    @BeforeEach
    void layOutTheRepository() throws Exception {
        Files.createDirectories(root.resolve("scripts"));
        for (String script : List.of("ttp4j", "java-env.sh")) {
            Files.copy(REPO.resolve("scripts").resolve(script), root.resolve("scripts").resolve(script),
                    StandardCopyOption.COPY_ATTRIBUTES);
        }
        copyTree(REPO.resolve("rules/ttp"), root.resolve("rules/ttp"));
        Files.createDirectories(root.resolve("examples"));
        Files.copy(REPO.resolve("examples/events.jsonl"), root.resolve("examples/events.jsonl"));
        Files.createDirectories(root.resolve("native-inotify"));
        Files.writeString(root.resolve("pom.xml"), "");
        Files.setLastModifiedTime(root.resolve("pom.xml"), FileTime.from(Instant.now().minusSeconds(3600)));
        target = Files.createDirectories(root.resolve("core/cli/target"));
        Path lib = Files.createDirectories(target.resolve("lib"));
        // the module path the tests run on, as the jars the build puts there (CDS maps jars, not directories)
        String[] entries = ModulePaths.runtime().split(File.pathSeparator);
        jar = target.resolve("ttp4j-cli-0.1.0-SNAPSHOT.jar");
        jarOf(Path.of(entries[0]), jar);
        for (int i = 1; i < entries.length; i++) {
            Path entry = Path.of(entries[i]);
            if (Files.isDirectory(entry)) {
                jarOf(entry, lib.resolve("module-" + i + ".jar"));
            } else {
                Files.copy(entry, lib.resolve(entry.getFileName()));
            }
        }
    }

    @Test
    void theFirstUseRecordsTheCacheLaterUsesMapItAndARebuiltJarRecordsItAgain() throws Exception {
        Result plain = launch(Map.of("TTP4J_CDS", "off"), "validate", "rules/ttp");
        assertEquals(0, plain.exit(), plain.err());
        assertTrue(plain.out().endsWith("checked 60 files: 60 valid, 0 invalid, 0 warnings\n"), plain.out());
        assertEquals(List.of(), caches(), "TTP4J_CDS=off records nothing");
        assertTrue(Files.notExists(target.resolve("validate-cache")), "nor keeps validate's verdicts");
        Result tagged = launch(Map.of("TTP4J_CDS", "off"), "tag", "--rules", "rules/ttp", "--events", "examples/events.jsonl");
        assertEquals(0, tagged.exit(), tagged.err());
        assertTrue(Files.notExists(target.resolve("rule-cache")), "nor compiled rules");

        Result first = launch(Map.of(), "validate", "rules/ttp");
        assertEquals(plain, first, "the output with the cache is the output without");
        Path cache = onlyCache("validate");
        Object recorded = fileKey(cache);
        try (Stream<Path> verdicts = Files.walk(target.resolve("validate-cache"));
             Stream<Path> scratch = Files.list(target)) {
            assertEquals(60, verdicts.filter(Files::isRegularFile).count(), "one verdict per file of the pack");
            assertEquals(List.of(), scratch.filter(f -> f.toString().endsWith(".verdicts")).toList(),
                    "the training's verdicts are not kept");
        }

        Result second = launch(Map.of(), "validate", "rules/ttp");
        assertEquals(plain, second);
        assertEquals(List.of(cache), caches("validate"));
        assertEquals(recorded, fileKey(cache), "the second use maps the cache the first recorded");

        Instant rebuiltAt = Files.getLastModifiedTime(cache).toInstant().plusSeconds(1); // what a build does: touch
        Files.setLastModifiedTime(jar, FileTime.from(rebuiltAt.isAfter(Instant.now()) ? rebuiltAt : Instant.now()));
        Result rebuilt = launch(Map.of(), "validate", "rules/ttp");
        assertEquals(plain, rebuilt);
        Path again = onlyCache("validate");
        assertNotEquals(recorded, fileKey(again), "a jar newer than the cache makes the launcher record it again");
        assertTrue(Files.getLastModifiedTime(again).compareTo(Files.getLastModifiedTime(jar)) > 0);
    }

    @Test
    void concurrentFirstUsesOfRunRecordOneCacheAndBothMapIt() throws Exception {
        List<Process> runs = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                runs.add(start(Map.of(), "run", "--rules", "rules/ttp"));
            }
            List<String> cacheMappings = new ArrayList<>();
            for (Process p : runs) {
                BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
                assertEquals("{\"kind\":\"ready\",\"rules\":60}", err.readLine(), "nothing but change lines on stderr");
                cacheMappings.add(mapped(p.pid()));
                try (OutputStream in = p.getOutputStream()) {
                    in.write(Files.readAllBytes(root.resolve("examples/events.jsonl")));
                }
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, p.exitValue(), out);
                assertTrue(out.contains("\"source_id\":\"auth_1001\""), out);
                assertEquals(null, err.readLine());
            }
            if (AOT) {
                Path cache = onlyCache("run");
                assertEquals(List.of(cache.toString(), cache.toString()), cacheMappings, "both runs map the one cache");
            }
            try (Stream<Path> compiled = Files.walk(target.resolve("rule-cache"));
                 Stream<Path> scratch = Files.list(target)) {
                assertEquals(60, compiled.filter(Files::isRegularFile).count(), "one compiled rule per file of the pack");
                assertEquals(List.of(), scratch.filter(f -> f.toString().endsWith(".rules")).toList(),
                        "the training's compiled rules are not kept");
            }
        } finally {
            runs.forEach(Process::destroyForcibly);
        }
    }

    /**
     * The short commands have caches of their own, trained on a read-only use: {@code state} (on the pack's state
     * file, which the training does not create), {@code help}, and anything else (an option, a typo) one shared.
     */
    @Test
    void theShortCommandsRecordTheirOwnCachesAndPrintTheSame() throws Exception {
        for (String[] args : List.of(new String[] {"state", "get", "R0001"}, new String[] {"--version"},
                new String[] {"help", "state"}, new String[] {"valdate"})) {
            Result plain = launch(Map.of("TTP4J_CDS", "off"), args);
            Result cached = launch(Map.of(), args);
            assertEquals(plain, cached, String.join(" ", args));
            assertEquals(cached, launch(Map.of(), args), String.join(" ", args));
        }
        assertTrue(launch(Map.of(), "state", "get", "R0001").out().startsWith("{\"kind\":\"state\",\"rule_id\":\"R0001\""));
        if (AOT) {
            onlyCache("state");
            onlyCache("help");
            onlyCache("other"); // --version and the typo
        }
        assertTrue(Files.notExists(root.resolve("rules/ttp.state.json")), "the training wrote no state file");
    }

    /** What one launch printed. */
    record Result(int exit, String out, String err) {}

    private Result launch(Map<String, String> env, String... args) throws Exception {
        Process p = start(env, args);
        p.getOutputStream().close();
        Path err = Files.createTempFile(root, "stderr", ".txt");
        Thread errPump = Thread.ofPlatform().start(() -> {
            try {
                Files.write(err, p.getErrorStream().readAllBytes());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the launcher did not finish");
        errPump.join();
        String errText = Files.readString(err);
        Files.delete(err);
        return new Result(p.exitValue(), out, errText);
    }

    private Process start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(root.resolve("scripts/ttp4j").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("TTP4J_") || k.startsWith("DECNET_"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        return pb.start();
    }

    /** The one cache the launcher keeps for {@code command}, with no scratch file of a recording left behind. */
    private Path onlyCache(String command) throws IOException {
        List<Path> caches = caches(command);
        assertEquals(1, caches.size(), "one cache for " + command + ": " + caches);
        try (Stream<Path> files = Files.list(target)) {
            List<Path> scratch = files.filter(f -> f.toString().endsWith(".tmp") || f.toString().endsWith(".config")
                    || f.toString().endsWith(".failed")).toList();
            assertEquals(List.of(), scratch);
        }
        return caches.getFirst();
    }

    private List<Path> caches(String command) throws IOException {
        String prefix = AOT ? "aot-" + command + "-" : "cds-" + command;
        return caches().stream().filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
    }

    private List<Path> caches() throws IOException {
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(f -> f.toString().endsWith(".aot") || f.toString().endsWith(".jsa")).sorted().toList();
        }
    }

    private static Object fileKey(Path p) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        return List.of(a.fileKey(), a.lastModifiedTime());
    }

    /** The startup cache process {@code pid} has mapped, by /proc/PID/maps, or "" when none. */
    private static String mapped(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
            int slash = line.indexOf('/');
            if (slash > 0 && (line.endsWith(".aot") || line.endsWith(".jsa")) && line.contains("/core/cli/target/")) {
                return line.substring(slash);
            }
        }
        return "";
    }

    private static void jarOf(Path classes, Path jarFile) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jarFile)); Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path dest = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(f, dest);
                }
            }
        }
    }
}
