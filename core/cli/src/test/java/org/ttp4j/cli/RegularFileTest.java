package org.ttp4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An events file that is a regular file: read whole, what is left known without a system call, growth read too. */
class RegularFileTest {

    @Test
    void aRegularFileIsReadToItsEndAndWhatIsLeftCountsDown(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("events.jsonl");
        byte[] first = "{\"a\":1}\n".repeat(10_000).getBytes(StandardCharsets.UTF_8);
        Files.write(file, first);
        try (InputStream in = TagCommand.openEvents(file.toString())) {
            assertInstanceOf(TagCommand.RegularFile.class, in);
            assertEquals(first.length, in.available());
            byte[] some = new byte[1000];
            assertEquals(1000, in.readNBytes(some, 0, 1000));
            assertEquals(first.length - 1000, in.available());
            Files.write(file, "{\"b\":2}\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            in.transferTo(rest);
            assertEquals(0, in.available());
            assertEquals(-1, in.read());
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.write(some);
            all.write(rest.toByteArray());
            assertArrayEquals(Files.readAllBytes(file), all.toByteArray()); // what was appended after opening too
        }
    }

    @Test
    @Timeout(60) // the writer's open waits for a reader: a failure to open must not hang the build
    void aFifoIsNotTakenForARegularFile(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("events.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Thread writer = new Thread(() -> {
            try {
                Files.write(fifo, "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        writer.setDaemon(true);
        writer.start();
        try (InputStream in = TagCommand.openEvents(fifo.toString())) {
            assertEquals("{\"a\":1}\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            assertFalse(in instanceof TagCommand.RegularFile);
        }
        writer.join();
    }
}
