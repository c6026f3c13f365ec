package org.ttp4j.inotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ttp4j.inotify.linux.inotify_event;

/**
 * Compiles a C probe with gcc against this machine's headers and checks that the Java side agrees on
 * the layout of {@code struct inotify_event}, every {@code IN_*} constant and every errno we name.
 * Without gcc the test is skipped with a reason, except in CI (env {@code CI} set), where it fails.
 */
class AbiTest {
    @TempDir
    static Path dir;
    static Map<String, String> probe;
    static java.util.Set<String> headerConstants;

    @BeforeAll
    static void compileAndRunTheProbe() throws Exception {
        boolean ci = System.getenv("CI") != null && !System.getenv("CI").isEmpty();
        if (!onPath("gcc")) {
            if (ci) {
                fail("gcc is not installed: the ABI check must run in CI (apt-get install gcc)");
            }
            Assumptions.abort("gcc is not installed: could not check the inotify ABI against the C headers");
        }
        Path header = Files.writeString(dir.resolve("names.c"), "#include <sys/inotify.h>\n");
        headerConstants = new java.util.TreeSet<>();
        for (String line : run("gcc", "-dM", "-E", header.toString()).split("\n")) {
            if (line.startsWith("#define IN_")) {
                headerConstants.add(line.split("[ (]")[1]);
            }
        }
        List<String> constants = new ArrayList<>(javaConstants());
        StringBuilder c = new StringBuilder("""
                #include <errno.h>
                #include <stddef.h>
                #include <stdio.h>
                #include <string.h>
                #include <sys/inotify.h>
                int main(void) {
                  printf("sizeof %zu\\n", sizeof(struct inotify_event));
                  printf("offsetof.wd %zu\\n", offsetof(struct inotify_event, wd));
                  printf("offsetof.mask %zu\\n", offsetof(struct inotify_event, mask));
                  printf("offsetof.cookie %zu\\n", offsetof(struct inotify_event, cookie));
                  printf("offsetof.len %zu\\n", offsetof(struct inotify_event, len));
                  printf("offsetof.name %zu\\n", offsetof(struct inotify_event, name));
                """);
        for (String name : constants) {
            c.append("  printf(\"").append(name).append(" %u\\n\", (unsigned) (").append(name).append("));\n");
        }
        for (Errno e : Errno.values()) {
            c.append("  printf(\"").append(e.name()).append(" %d %s\\n\", ").append(e.name()).append(", strerror(").append(e.name()).append("));\n");
        }
        c.append("  return 0;\n}\n");
        Path source = Files.writeString(dir.resolve("probe.c"), c);
        Path exe = dir.resolve("probe");
        String compiled = run("gcc", "-Wall", "-Werror", "-o", exe.toString(), source.toString());
        probe = new LinkedHashMap<>();
        for (String line : run(exe.toString()).split("\n")) {
            int space = line.indexOf(' ');
            probe.put(line.substring(0, space), line.substring(space + 1));
        }
        assertTrue(compiled.isBlank(), compiled);
    }

    @Test
    void structInotifyEventLayoutMatches() {
        assertEquals(probe.get("sizeof"), String.valueOf(InotifyEvent.HEADER_LENGTH));
        assertEquals(probe.get("sizeof"), String.valueOf(inotify_event.layout().byteSize()));
        assertEquals(probe.get("offsetof.wd"), String.valueOf(inotify_event.wd$offset()));
        assertEquals(probe.get("offsetof.mask"), String.valueOf(inotify_event.mask$offset()));
        assertEquals(probe.get("offsetof.cookie"), String.valueOf(inotify_event.cookie$offset()));
        assertEquals(probe.get("offsetof.len"), String.valueOf(inotify_event.len$offset()));
        assertEquals(probe.get("offsetof.name"), String.valueOf(InotifyEvent.HEADER_LENGTH));
    }

    @Test
    void everyInConstantMatches() throws Exception {
        int checked = 0;
        for (Field f : Inotify.class.getFields()) {
            if (f.getName().startsWith("IN_")) {
                assertEquals(probe.get(f.getName()), Integer.toUnsignedString(f.getInt(null)), f.getName());
                checked++;
            }
        }
        assertEquals(headerConstants, javaConstants(), "every IN_* macro of <sys/inotify.h> has a Java constant");
        assertEquals(headerConstants.size(), checked);
    }

    @Test
    void everyErrnoNameAndMessageMatches() {
        for (Errno e : Errno.values()) {
            assertEquals(e.number + " " + e.message, probe.get(e.name()), e.name());
        }
    }

    private static java.util.Set<String> javaConstants() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (Field f : Inotify.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getName().startsWith("IN_")) {
                names.add(f.getName());
            }
        }
        return names;
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
