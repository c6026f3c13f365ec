package org.ttp4j.http;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bearer tokens of {@code TTP4J_API_TOKENS_FILE} (docs/http.md §2): one {@code ROLE TOKEN [NAME]} per line
 * ({@code viewer} or {@code admin}; {@code #} starts a comment). A presented token is compared with every
 * entry in constant time (SHA-256 digests, {@link MessageDigest#isEqual}), so timing tells nothing about how
 * much of it was right. The file is re-read when its modification time or size changes; a bad edit is
 * logged with its position and the tokens that were in force stay.
 */
public final class ApiTokens {
    private static final System.Logger LOG = System.getLogger(ApiTokens.class.getName());

    /** The environment variable naming the tokens file. */
    public static final String ENV = "TTP4J_API_TOKENS_FILE";

    /** A token's holder: its role and the name stamped as {@code set_by}. */
    public record Holder(Role role, String name) {}

    private record Entry(byte[] digest, Holder holder) {}

    private final Path file;
    private volatile List<Entry> entries;
    private volatile FileTime readTime;
    private volatile long readSize;

    private ApiTokens(Path file, List<Entry> entries, FileTime time, long size) {
        this.file = file;
        this.entries = entries;
        this.readTime = time;
        this.readSize = size;
    }

    /**
     * Reads {@code file}.
     *
     * @throws IllegalArgumentException naming {@code file:line:column} on a bad line, or when it holds no token
     */
    public static ApiTokens read(Path file) throws IOException {
        FileTime time = Files.getLastModifiedTime(file);
        long size = Files.size(file);
        return new ApiTokens(file, parse(file, Files.readString(file, StandardCharsets.UTF_8)), time, size);
    }

    public Path file() {
        return file;
    }

    /** The holder of {@code token}, or null when no entry has it. */
    public Holder check(String token) {
        refresh();
        byte[] presented = sha256(token);
        Holder found = null;
        for (Entry e : entries) { // every entry, whatever matched: no early exit
            if (MessageDigest.isEqual(presented, e.digest()) && found == null) {
                found = e.holder();
            }
        }
        return found;
    }

    private void refresh() {
        try {
            FileTime time = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (time.equals(readTime) && size == readSize) {
                return;
            }
            synchronized (this) {
                entries = parse(file, Files.readString(file, StandardCharsets.UTF_8));
                readTime = time;
                readSize = size;
                LOG.log(Level.INFO, "re-read the API tokens file " + file);
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(Level.WARNING, "keeping the API tokens in force: " + e.getMessage());
        }
    }

    static List<Entry> parse(Path file, String text) {
        List<Entry> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            int column = lines[i].indexOf(line) + 1;
            Role role;
            try {
                role = Role.valueOf(words[0].toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ":" + column
                        + ": unknown role '" + words[0] + "' (known: viewer, admin); a line is ROLE TOKEN [NAME]");
            }
            if (words.length < 2 || words.length > 3) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ":" + column + ": a line is ROLE TOKEN [NAME]");
            }
            String name = words.length == 3 ? words[2] : role.name().toLowerCase(Locale.ROOT);
            out.add(new Entry(sha256(words[1]), new Holder(role, name)));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ":1:1: no token (a line is ROLE TOKEN [NAME], ROLE viewer or admin)");
        }
        return List.copyOf(out);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
