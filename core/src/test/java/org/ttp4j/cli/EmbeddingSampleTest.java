package org.ttp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's embedding sample ({@code core/src/test/embedding/com.example.tagger}) is a module of its own that
 * {@code requires org.ttp4j.core}: compiled with {@code javac} against the built module path and run, it tags.
 */
class EmbeddingSampleTest {

    private static final Path SAMPLE = Path.of("src/test/embedding/com.example.tagger").toAbsolutePath();

    @TempDir
    Path work;

    @Test
    void theSampleCompilesAsItsOwnModuleAndTags() throws Exception {
        String modulePath = System.getProperty("jdk.module.path");
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        Path classes = work.resolve("classes");
        List<String> javac = new ArrayList<>(List.of(bin.resolve("javac").toString(), "-Xlint:all,-try", "-Werror",
                "--module-path", modulePath, "-d", classes.toString()));
        try (Stream<Path> sources = Files.walk(SAMPLE)) {
            sources.filter(p -> p.toString().endsWith(".java")).forEach(p -> javac.add(p.toString()));
        }
        assertEquals("", exec(javac, 0));

        Path rules = Files.createDirectories(work.resolve("rules"));
        Files.writeString(rules.resolve("R0015.yaml"), RuleTexts.commandRule("R0015", 1, "cat\\s+/etc/shadow", "T1003", "TA0006", 0.8));
        String out = exec(List.of(bin.resolve("java").toString(), "--enable-native-access=org.ttp4j.inotify",
                "-p", modulePath + java.io.File.pathSeparator + classes, "-m", "com.example.tagger/com.example.tagger.Tagger",
                rules.toString()), 0);
        assertEquals("R0015 T1003 0.8 2f36925b-1542-59c1-aafc-ad01db5c498e\n", out);
    }

    private String exec(List<String> command, int expectedExit) throws Exception {
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not finish: " + command);
        }
        assertEquals(expectedExit, p.exitValue(), out);
        return out;
    }
}
