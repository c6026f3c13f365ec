package org.ttp4j.rule;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One rule file's bytes as read, with their SHA-256: what a store compares to tell a real edit from a save of
 * identical bytes, and what the compiler stamps on the rule ({@link CompiledRule#contentHash()}), so the bytes
 * are read once and hashed once on their way to a live rule. The array is shared, not copied: do not change it.
 *
 * @param path    names the file in problems and in the compiled rule
 * @param content the file's bytes (UTF-8 YAML)
 * @param sha256  lower-case hex SHA-256 of {@code content}
 */
public record RuleSource(String path, byte[] content, String sha256) {

    public RuleSource {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(sha256, "sha256");
    }

    /** {@code content} named {@code path}, hashed. */
    public static RuleSource of(String path, byte[] content) {
        return new RuleSource(path, content, sha256(content));
    }

    /**
     * Reads {@code file} (following symbolic links), never more than {@code maxBytes} + 1 bytes of it.
     *
     * @throws NoSuchFileException when it does not exist
     * @throws Unreadable when it is not a regular file (a directory; a FIFO would block the reader until a writer
     *     came), is larger than {@code maxBytes}, or cannot be read; its message is one line for an operator
     */
    public static RuleSource read(Path file, long maxBytes) throws IOException {
        if (!Files.isRegularFile(file)) {
            if (!Files.exists(file)) {
                throw new NoSuchFileException(file.toString());
            }
            throw new Unreadable("cannot read the file: it is not a regular file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 16));
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            throw new Unreadable("cannot read the file: " + e);
        }
        if (bytes.length > maxBytes) {
            throw new Unreadable(tooLarge(Math.max(bytes.length, sizeOrZero(file)), maxBytes));
        }
        return of(file.toString(), bytes);
    }

    static String tooLarge(long size, long maxBytes) {
        return "the file is " + size + " bytes, more than the limit of " + maxBytes + " bytes for a rule file";
    }

    private static long sizeOrZero(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A rule file that exists but cannot be taken: its message says why, on one line. */
    public static final class Unreadable extends IOException {
        private static final long serialVersionUID = 1L;

        public Unreadable(String message) {
            super(message);
        }
    }
}
