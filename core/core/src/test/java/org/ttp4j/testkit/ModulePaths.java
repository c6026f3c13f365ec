package org.ttp4j.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The module path a child JVM of a test runs on: the module's own {@code target/classes} and the runtime
 * dependencies Maven resolved for it ({@code target/runtime-module-path.txt}, written by the
 * {@code embedding-module-path} execution of maven-dependency-plugin), and nothing else.
 */
public final class ModulePaths {
    private ModulePaths() {}

    /** {@code target/classes} of the module under test, then its runtime dependencies. */
    public static String runtime() {
        return Path.of("target/classes").toAbsolutePath() + File.pathSeparator + read("runtime-module-path.txt");
    }

    /** A class-path list Maven wrote to {@code target/NAME}. */
    public static String read(String name) {
        try {
            return Files.readString(Path.of("target", name)).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("run the tests through Maven: it writes target/" + name, e);
        }
    }

    /** The bytes of the jars on {@code modulePath} (directories of classes do not count). */
    public static long jarBytes(String modulePath) {
        return Arrays.stream(modulePath.split(File.pathSeparator)).map(Path::of).filter(p -> p.toString().endsWith(".jar"))
                .mapToLong(p -> p.toFile().length()).sum();
    }

    /** Compiles the sample module at {@code sample} against {@code modulePath}, runs {@code main} and returns its output. */
    public static String compileAndRun(Path sample, Path work, String modulePath, String nativeAccess, String main, String... args)
            throws Exception {
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        Path classes = work.resolve("classes");
        List<String> javac = new ArrayList<>(List.of(bin.resolve("javac").toString(), "-Xlint:all,-try", "-Werror",
                "--module-path", modulePath, "-d", classes.toString()));
        try (Stream<Path> sources = Files.walk(sample)) {
            sources.filter(p -> p.toString().endsWith(".java")).forEach(p -> javac.add(p.toString()));
        }
        exec(javac, work); // -Werror: a warning fails
        List<String> java = new ArrayList<>(List.of(bin.resolve("java").toString(), "--enable-native-access=" + nativeAccess,
                "-p", modulePath + File.pathSeparator + classes, "-m", main));
        java.addAll(List.of(args));
        return exec(java, work);
    }

    /** Runs {@code command} in {@code dir} and returns its stdout; a non-zero exit fails with its stderr. */
    private static String exec(List<String> command, Path dir) throws Exception {
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not finish: " + command);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("exit " + p.exitValue() + ": " + command + "\n" + out + Files.readString(err));
        }
        return out;
    }
}
