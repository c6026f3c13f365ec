package org.ttp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to {@code run} and {@code tag} while events flood in (docs/cli.md §9): the process exits 143, and
 * every line of its stdout is a whole tag, in input order with none skipped, the last one ending in a newline.
 */
@Timeout(180)
class ShutdownEndToEndTest {

    /** Output seen before the signal: enough that the writer is busy mid-stream (several of its buffers). */
    private static final int BEFORE_SIGNAL = 256 * 1024;
    private static final Pattern TAG = Pattern.compile(
            "\\{\"uuid\":\"[0-9a-f-]{36}\",\"source_kind\":\"command\",\"source_id\":\"cmd_(\\d+)\",.*"
                    + "\"created_at\":\"[^\"]+\"}");

    @TempDir
    Path work;

    @BeforeEach
    void writeRules() throws Exception {
        Path rules = Files.createDirectories(work.resolve("rules"));
        RuleTexts.save(rules, "R0001.yaml", RuleTexts.commandRule("R0001", 1, "\\bwhoami\\b", "T1033", "TA0007", 0.6));
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "tag"})
    void sigtermUnderAFloodWritesOnlyWholeLinesAndExits143(String command) throws Exception {
        Process p = new ProcessBuilder(Ttp4jProcess.commandLine(List.of(command, "--rules", "rules")))
                .directory(work.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread flood = Thread.ofPlatform().daemon().start(() -> feed(p.getOutputStream()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CountDownLatch enough = new CountDownLatch(1);
        AtomicReference<IOException> readFailure = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> drain(p.getInputStream(), out, enough, readFailure));
        assertTrue(enough.await(120, TimeUnit.SECONDS), "no flood of tags: " + out.size() + " bytes");
        // SIGTERM while the events keep coming; by the handle, as Process.destroy() also closes our end of the
        // child's stdout, and the lines it flushes after the signal would be lost to the reader
        p.toHandle().destroy();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ttp4j " + command + " did not stop on SIGTERM");
        reader.join(60_000);
        flood.join(60_000);
        assertFalse(reader.isAlive(), "stdout reached its end");
        assertEquals(null, readFailure.get(), "stdout read to its end");
        assertEquals(143, p.exitValue(), "128 + SIGTERM");

        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.length() > BEFORE_SIGNAL, "tags were written");
        assertTrue(text.endsWith("\n"), "the last line is whole: ..." + text.substring(text.length() - Math.min(200, text.length())));
        long expected = 0;
        for (String line : text.split("\n")) {
            Matcher m = TAG.matcher(line);
            assertTrue(m.matches(), "not a whole tag line: " + line);
            assertEquals(expected++, Long.parseLong(m.group(1)), "tags in input order, none lost in between");
        }
        assertFalse(flood.isAlive());
    }

    /** Writes events until the process stops reading. */
    private static void feed(OutputStream in) {
        byte[] chunk;
        long n = 0;
        try (in) {
            while (true) {
                StringBuilder sb = new StringBuilder(64 * 1024);
                for (int k = 0; k < 256; k++, n++) {
                    sb.append("{\"source_kind\":\"command\",\"source_id\":\"cmd_").append(n)
                            .append("\",\"attacker_uuid\":\"a1\",\"payload\":{\"command_text\":\"whoami\"}}\n");
                }
                chunk = sb.toString().getBytes(StandardCharsets.UTF_8);
                in.write(chunk);
            }
        } catch (IOException e) {
            // the process has gone: the flood ends
        }
    }

    private static void drain(InputStream in, ByteArrayOutputStream out, CountDownLatch enough,
            AtomicReference<IOException> failure) {
        byte[] buf = new byte[64 * 1024];
        try (in) {
            for (int r; (r = in.read(buf)) >= 0; ) {
                synchronized (out) {
                    out.write(buf, 0, r);
                    if (out.size() >= BEFORE_SIGNAL) {
                        enough.countDown();
                    }
                }
            }
        } catch (IOException e) {
            failure.set(e);
        }
    }
}
