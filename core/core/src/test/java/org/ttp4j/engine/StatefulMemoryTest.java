package org.ttp4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.ttp4j.testkit.ModulePaths;

/** A flood of distinct attacker ids stays within the group cap: two million groups through a 64 MiB heap. */
class StatefulMemoryTest {

    @Test
    void millionsOfDistinctGroupsUnderASmallHeap() throws Exception {
        String classPath = String.join(File.pathSeparator, Path.of("target/classes").toAbsolutePath().toString(),
                Path.of("target/test-classes").toAbsolutePath().toString(), ModulePaths.read("runtime-module-path.txt"));
        int events = 2_000_000;
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp", classPath, GroupFlood.class.getName(),
                Path.of("../../rules/ttp").toAbsolutePath().toString(), String.valueOf(events)))
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the flood did not finish");
        }
        assertEquals(0, p.exitValue(), out);
        int cap = StatefulOptions.DEFAULTS.maxGroupsPerRule();
        // every group past the cap evicted one; the stuffing rule kept one group, fired once and stayed quiet
        String lastLine = out.lines().reduce((a, b) -> b).orElse("");
        assertEquals(cap + " " + (events - cap) + " 1", lastLine, out);
    }
}
