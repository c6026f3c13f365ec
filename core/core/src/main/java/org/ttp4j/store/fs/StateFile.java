package org.ttp4j.store.fs;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.ttp4j.rule.RuleIds;
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.StateAuditEntry;
import org.ttp4j.store.StateStore;
import org.ttp4j.store.StoreException;

/**
 * The filesystem store's operator state on disk (docs/stores.md §6): one JSON file, by default beside the rules
 * directory ({@code rules/ttp.state.json} for {@code rules/ttp}), replaced atomically (write a temporary file,
 * then rename it over), and an append-only history file beside it ({@code rules/ttp.state.history.jsonl}, one
 * JSON line per write, never rewritten). Writers in any process take an exclusive lock on
 * {@code rules/ttp.state.lock} for the read-modify-write, so a {@code ttp4j state set} and a serving process's
 * HTTP write never lose each other's entries. A serving {@link FilesystemRuleStore} watches the file and makes
 * every change live; this class alone (what {@code ttp4j state} uses) reads and writes it without loading a rule.
 */
public final class StateFile implements StateStore {
    private static final System.Logger LOG = System.getLogger(StateFile.class.getName());

    /** Who an expiry's history entry names, as in the database store. */
    public static final String EXPIRY_SETTER = "ttp4j-expiry";

    // FileLock excludes other processes only; writers in this JVM queue on this first (keyed by absolute path).
    private static final Map<Path, ReentrantLock> LOCAL_LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final Path history;
    private final Path lock;
    private final Path temp;
    private final Clock clock;

    /** The default state file for a rules directory: its sibling {@code NAME.state.json}. */
    public static Path defaultFor(Path rulesDirectory) {
        Path dir = rulesDirectory.toAbsolutePath().normalize();
        Path name = dir.getFileName();
        return dir.resolveSibling((name == null ? "rules" : name.toString()) + ".state.json");
    }

    public StateFile(Path file) {
        this(file, Clock.systemUTC());
    }

    /** {@code file} cannot be a state file: it has no file name ({@code /}) or is an existing directory. */
    public static boolean namesNoFile(Path file) {
        return file.toAbsolutePath().normalize().getFileName() == null || Files.isDirectory(file);
    }

    /** The state file {@code file}, its expiries decided on {@code clock}; a directory is refused. */
    public StateFile(Path file, Clock clock) {
        if (namesNoFile(file)) {
            throw new IllegalArgumentException("the state file " + file + " is a directory, not a file");
        }
        this.file = file.toAbsolutePath().normalize();
        this.clock = Objects.requireNonNull(clock, "clock");
        String name = this.file.getFileName().toString();
        String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        this.history = this.file.resolveSibling(base + ".history.jsonl");
        this.lock = this.file.resolveSibling(base + ".lock");
        this.temp = this.file.resolveSibling("." + name + ".tmp");
    }

    /** The state file (absolute). */
    public Path path() {
        return file;
    }

    /** The append-only history file beside it. */
    public Path historyPath() {
        return history;
    }

    @Override
    public RuleState getState(String ruleId) {
        RuleState s = readOrThrow().get(ruleId);
        return s == null ? RuleState.DEFAULT : s.effectiveAt(clock.instant());
    }

    @Override
    public Map<String, RuleState> states() {
        Instant now = clock.instant();
        Map<String, RuleState> out = new TreeMap<>();
        readOrThrow().forEach((id, s) -> out.put(id, s.effectiveAt(now)));
        return out;
    }

    @Override
    public RuleState setState(String ruleId, RuleState state, String setBy) {
        RuleIds.requireValid(ruleId);
        Objects.requireNonNull(state, "state");
        RuleState stamped = state.stamped(setBy, clock.instant());
        write(ruleId, null, stamped);
        return stamped;
    }

    @Override
    public List<StateAuditEntry> stateHistory(String ruleId) {
        List<String> lines;
        try {
            lines = Files.readAllLines(history, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new StoreException("reading the state history " + history + " failed: " + e.getMessage(), e);
        }
        List<StateAuditEntry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                StateJson.AuditLine a = StateJson.parseAuditLine(line, history.toString(), i + 1);
                if (a.ruleId().equals(ruleId)) {
                    out.add(new StateAuditEntry(i + 1, ruleId, a.before(), a.after()));
                }
            } catch (StateJson.Malformed e) {
                LOG.log(Level.WARNING, "skipping a bad history line: " + e.getMessage());
            }
        }
        return out;
    }

    /**
     * Removes {@code ruleId}'s entry if it is still {@code expired} (another process may have replaced or already
     * expired it) and records the expiry in the history; returns whether it did.
     */
    boolean expire(String ruleId, RuleState expired) {
        return write(ruleId, expired, RuleState.DEFAULT.stamped(EXPIRY_SETTER, clock.instant()));
    }

    /** The file as it is on disk, expired entries included; no file is no state. */
    Map<String, RuleState> read() throws IOException, StateJson.Malformed {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new TreeMap<>();
        }
        return StateJson.parseStates(text, file.toString());
    }

    private Map<String, RuleState> readOrThrow() {
        try {
            return read();
        } catch (IOException e) {
            throw new StoreException("reading the state file " + file + " failed: " + e.getMessage(), e);
        } catch (StateJson.Malformed e) {
            throw new StoreException(e.getMessage() + " (fix or remove the state file)", e);
        }
    }

    /**
     * Under the lock: reads the file, replaces {@code ruleId}'s entry by {@code after} (an expiry removes it),
     * writes the file atomically and appends the history line. With {@code onlyIf}, does nothing unless the
     * entry is that state.
     */
    private boolean write(String ruleId, RuleState onlyIf, RuleState after) {
        ReentrantLock local = LOCAL_LOCKS.computeIfAbsent(file, f -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel lockChannel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock held = lockChannel.lock()) {
                Map<String, RuleState> states = readOrThrow(); // a bad file is never overwritten: it may hold the operator's work
                RuleState before = states.get(ruleId);
                if (onlyIf != null && !onlyIf.equals(before)) {
                    return false;
                }
                if (onlyIf != null) {
                    states.remove(ruleId);
                } else {
                    states.put(ruleId, after);
                }
                replace(StateJson.states(states));
                append(StateJson.auditLine(ruleId, before == null ? RuleState.DEFAULT : before, after) + "\n");
                return true;
            }
        } catch (IOException e) {
            throw new StoreException("writing the state of " + ruleId + " to " + file + " failed: " + e.getMessage(), e);
        } finally {
            local.unlock();
        }
    }

    private void replace(String content) throws IOException {
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, content);
            ch.force(true); // the bytes are on disk before the name points at them
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + temp + " onto " + file + " atomically", e);
        }
    }

    private void append(String line) throws IOException {
        try (FileChannel ch = FileChannel.open(history, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            writeFully(ch, line);
            ch.force(false);
        }
    }

    private static void writeFully(FileChannel ch, String content) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            ch.write(bytes);
        }
    }

    @Override
    public String toString() {
        return "StateFile[" + file + "]";
    }
}
