package org.ttp4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where file-latency benchmarks put their files: {@code /dev/shm} (tmpfs), so that creating a file costs
 * microseconds rather than the 60 µs to 1 ms of a disk-backed temp dir, which would drown what we measure.
 * Falls back to {@code java.io.tmpdir} where there is no {@code /dev/shm}.
 */
final class Tmpfs {
    private Tmpfs() {}

    static Path root() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    static Path newDirectory(String prefix) throws IOException {
        return Files.createTempDirectory(root(), prefix);
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
