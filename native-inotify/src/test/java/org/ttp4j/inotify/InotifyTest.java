package org.ttp4j.inotify;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.ttp4j.inotifyprobe.AvailabilityProbe;

class InotifyTest {
    @Test
    void availableOnLinuxWithNativeAccess() {
        assertNull(Inotify.unavailabilityCause());
        assertTrue(Inotify.isAvailable());
        assertDoesNotThrow(Inotify::ensureAvailability);
    }

    @Test
    void withoutNativeAccessTheAnswerIsOneReadableLine() throws Exception {
        String line = "native access is not enabled for module org.ttp4j.inotify: run java with "
                + "--enable-native-access=org.ttp4j.inotify (ALL-UNNAMED on the class path)";
        assertEquals(line + "\nUnsupportedOperationException: " + line, childJvm("--illegal-native-access=deny"));
        assertEquals("available\nwatcher open: true", childJvm("--enable-native-access=org.ttp4j.inotify"));
    }

    private static String childJvm(String nativeAccessFlag) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path module = Path.of(Inotify.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path probe = Path.of(AvailabilityProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> command = new ArrayList<>(List.of(java, nativeAccessFlag, "-p", module.toString(),
                "--add-modules", "org.ttp4j.inotify", "-cp", probe.toString(), AvailabilityProbe.class.getName()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
