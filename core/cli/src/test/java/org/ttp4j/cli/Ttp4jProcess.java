package org.ttp4j.cli;


import java.io.BufferedReader;
import java.io.IOException;
import org.ttp4j.testkit.ModulePaths;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code ttp4j} command in a child JVM, on the module path {@code scripts/ttp4j} uses: the built
 * {@code org.ttp4j.cli} classes and their runtime dependencies ({@link ModulePaths#runtime()}).
 */
final class Ttp4jProcess implements AutoCloseable {

    /** What a finished command gave. */
    record Result(int exit, String out, String err) {}

    private static final Duration FINISH = Duration.ofSeconds(60);

    private final Process process;
    private final BlockingQueue<String> outLines = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> errLines = new LinkedBlockingQueue<>();
    private final Thread outPump;
    private final Thread errPump;

    private Ttp4jProcess(Process process) {
        this.process = process;
        this.outPump = pump(process.getInputStream(), outLines, "stdout");
        this.errPump = pump(process.getErrorStream(), errLines, "stderr");
    }

    /** The command line that runs {@code ttp4j args...}. */
    static List<String> commandLine(List<String> args) {
        String modulePath = ModulePaths.runtime();
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "--enable-native-access=org.ttp4j.inotify" + (modulePath.contains("sqlite-jdbc") ? ",org.xerial.sqlitejdbc" : ""),
                "-p", modulePath,
                "-m", "org.ttp4j.cli/org.ttp4j.cli.Ttp4jCommand"));
        cmd.addAll(args);
        return cmd;
    }

    /** Starts {@code ttp4j args...} in {@code dir} with {@code env} added to this JVM's environment. */
    static Ttp4jProcess start(Path dir, Map<String, String> env, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(commandLine(List.of(args))).directory(dir.toFile());
        pb.environment().remove("DECNET_TTP_RULE_STORE_TYPE");
        pb.environment().remove("TTP4J_RULES_DIR");
        pb.environment().remove("TTP4J_STATE_FILE"); // each test names its own, or takes the default beside its rules
        pb.environment().remove("TTP4J_VALIDATE_CACHE"); // no verdicts of the developer's; a test names its own
        pb.environment().remove("TTP4J_RULE_CACHE"); // nor compiled rules
        pb.environment().putAll(env);
        return new Ttp4jProcess(pb.start());
    }

    /** Runs {@code ttp4j args...} to completion with {@code stdin} as its input. */
    static Result run(Path dir, Map<String, String> env, String stdin, String... args) throws Exception {
        try (Ttp4jProcess p = start(dir, env, args)) {
            try (OutputStream in = p.stdin()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            return p.finish();
        }
    }

    static Result run(Path dir, String... args) throws Exception {
        return run(dir, Map.of(), "", args);
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    long pid() {
        return process.pid();
    }

    /** The next stdout line, waiting up to {@code timeout}; null on timeout. */
    String nextOut(Duration timeout) throws InterruptedException {
        return outLines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next stderr line, waiting up to {@code timeout}; null on timeout. */
    String nextErr(Duration timeout) throws InterruptedException {
        return errLines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits for the exit (closing stdin first) and returns the exit status with the output not yet taken. */
    Result finish() throws Exception {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already closed by the child
        }
        if (!process.waitFor(FINISH.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("ttp4j did not finish within " + FINISH + "; stderr so far: " + drain(errLines));
        }
        outPump.join(FINISH.toMillis());
        errPump.join(FINISH.toMillis());
        return new Result(process.exitValue(), drain(outLines), drain(errLines));
    }

    /**
     * Waits for the exit with stdin left open, as after a signal: closing it too would race the signal with the end
     * of the input, and either may win.
     */
    Result awaitExit() throws Exception {
        if (!process.waitFor(FINISH.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("ttp4j did not exit within " + FINISH + "; stderr so far: " + drain(errLines));
        }
        outPump.join(FINISH.toMillis());
        errPump.join(FINISH.toMillis());
        return new Result(process.exitValue(), drain(outLines), drain(errLines));
    }

    /**
     * Sends SIGTERM, by the process handle: {@link Process#destroy()} would also close our ends of its stdout and
     * stderr, and the lines the command prints on its way out would be lost.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private static String drain(BlockingQueue<String> lines) {
        List<String> rest = new ArrayList<>();
        lines.drainTo(rest);
        StringBuilder sb = new StringBuilder();
        rest.forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    private static Thread pump(InputStream in, BlockingQueue<String> lines, String name) {
        Thread t = Thread.ofPlatform().daemon().name("ttp4j-" + name).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return t;
    }
}
