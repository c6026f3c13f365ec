package org.ttp4j.store.fs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.ttp4j.rule.CompileResult;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Problem;
import org.ttp4j.rule.RuleFileNames;
import org.ttp4j.store.StoreReporter;

/**
 * The rules directory as the store last saw it, and the per-rule differences when it changes.
 *
 * <p>Per rule file: the hash of its bytes (so identical bytes are no change, CONTRACT §5.1) and its last good
 * compiled rule (an invalid edit keeps it). Per rule id: the files defining it; the first by file name owns
 * it, the others are reported. {@link #refresh} re-reads some files, {@link #rescan} all of them; both return
 * exactly the rules whose definition changed. Not thread-safe: only the store's compile thread calls it.
 */
final class RuleDirectory {

    /** Compiles one rule file's bytes (the store passes the real compiler). */
    @FunctionalInterface
    interface Compiler {
        CompileResult compile(String sourcePath, byte[] content);
    }

    /** One rule's new definition, or {@code rule == null} for its removal. */
    record Update(String ruleId, CompiledRule rule) {}

    /** The largest rule file read (the compiler's default limit); a larger one is reported, not read. */
    static final int MAX_FILE_BYTES = 1 << 20;

    private record FileEntry(byte[] hash, CompiledRule rule) {}

    private record Live(CompiledRule rule, byte[] hash, String file) {}

    private final Path dir;
    private final Compiler compiler;
    private final StoreReporter reporter;
    private final MessageDigest sha256;
    private final Map<String, FileEntry> files = new HashMap<>();
    private final Map<String, TreeSet<String>> definers = new HashMap<>();
    private final Map<String, Live> live = new TreeMap<>(); // rule id order, which the snapshot keeps
    private Map<String, CompiledRule> snapshot = Map.of();

    RuleDirectory(Path dir, Compiler compiler, StoreReporter reporter) {
        this.dir = dir;
        this.compiler = compiler;
        this.reporter = reporter;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    Path directory() {
        return dir;
    }

    /** The live rules by id, in id order (unstamped state), immutable: what readers see. */
    Map<String, CompiledRule> snapshot() {
        return snapshot;
    }

    /**
     * Re-reads every rule file in the directory and every file known before (a missing directory means no
     * files). With {@code problems} non-null, every error found is also added there (for strict startup).
     */
    List<Update> rescan(List<Problem> problems) {
        Set<String> names = new TreeSet<>(files.keySet());
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (RuleFileNames.matches(name)) {
                    names.add(name);
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            // gone: every known file is now absent
        } catch (IOException e) {
            reporter.problem(Problem.error(dir.toString(), 1, 1, "-", "cannot list the rules directory: " + e));
            return List.of();
        }
        return refresh(names, Set.of(), problems);
    }

    /**
     * Re-reads the rule files {@code names} (absent ones are removed) and returns the rules whose definition
     * changed, in rule id order. A file in {@code quiet} may be half-written (it was only created, not yet
     * closed): if it does not compile, nothing is reported and nothing is remembered, so its close reports.
     */
    List<Update> refresh(Collection<String> names, Set<String> quiet, List<Problem> problems) {
        TreeSet<String> touched = new TreeSet<>();
        for (String name : names) {
            readOne(name, quiet.contains(name), touched, problems);
        }
        if (touched.isEmpty()) {
            return List.of();
        }
        List<Update> updates = new ArrayList<>();
        boolean snapshotChanged = false;
        for (String id : touched) {
            TreeSet<String> by = definers.get(id);
            Live before = live.get(id);
            if (by == null || by.isEmpty()) {
                definers.remove(id);
                if (before != null) {
                    live.remove(id);
                    updates.add(new Update(id, null));
                    snapshotChanged = true;
                }
                continue;
            }
            String owner = by.first();
            FileEntry entry = files.get(owner);
            Live after = new Live(entry.rule(), entry.hash(), owner);
            if (by.size() > 1) {
                reportDuplicates(id, by, before == null ? null : before.file(), names, problems);
            }
            if (before != null && before.rule() == after.rule()) {
                continue;
            }
            live.put(id, after);
            snapshotChanged = true;
            // Same bytes under another name (a rename, a copy taking over): the rule is unchanged, only its path.
            if (before == null || !Arrays.equals(before.hash(), after.hash())) {
                updates.add(new Update(id, after.rule()));
            }
        }
        if (snapshotChanged) {
            Map<String, CompiledRule> next = new LinkedHashMap<>(live.size() * 2);
            live.forEach((id, l) -> next.put(id, l.rule()));
            snapshot = Collections.unmodifiableMap(next);
        }
        return updates;
    }

    private void readOne(String name, boolean quiet, Set<String> touched, List<Problem> problems) {
        Path path = dir.resolve(name);
        FileEntry old = files.get(name);
        String refusal = RuleLinks.refusal(dir, path);
        if (refusal != null) { // a link whose target the store cannot watch would go stale: not loaded
            report(Problem.error(path.toString(), 1, 1, "-", refusal), problems); // a new link is never half-written
            if (old != null) {
                files.remove(name);
                undefine(old.rule(), name, touched);
            }
            return;
        }
        byte[] content;
        try {
            content = Files.isRegularFile(path) ? read(path) : null;
        } catch (NoSuchFileException e) {
            content = null;
        } catch (IOException e) {
            if (!quiet) {
                report(Problem.error(path.toString(), 1, 1, "-", "cannot read the rule file: " + e), problems);
            }
            return; // keep the last good version
        }
        if (content == null) { // deleted, moved out, renamed to a scratch name, or not a file
            if (old != null) {
                files.remove(name);
                undefine(old.rule(), name, touched);
            }
            return;
        }
        if (content.length > MAX_FILE_BYTES) {
            if (!quiet) {
                report(Problem.error(path.toString(), 1, 1, "-", "the file is larger than the limit of "
                        + MAX_FILE_BYTES + " bytes for a rule file"), problems);
            }
            return; // keep the last good version
        }
        if (content.length == 0 && problems == null) {
            return; // touched, not written yet: nothing to say until it has content
        } // at startup an empty file is what validate says it is: invalid (and fails a strict start)
        byte[] hash = sha256.digest(content);
        if (old != null && Arrays.equals(old.hash(), hash)) {
            return; // identical bytes
        }
        CompiledRule previous = old == null ? null : old.rule();
        switch (compiler.compile(path.toString(), content)) {
            case CompileResult.Compiled c -> {
                if (!quiet) {
                    c.problems().forEach(reporter::problem);
                }
                CompiledRule rule = c.rule();
                files.put(name, new FileEntry(hash, rule));
                if (previous != null && !previous.ruleId().equals(rule.ruleId())) {
                    undefine(previous, name, touched);
                }
                definers.computeIfAbsent(rule.ruleId(), k -> new TreeSet<>()).add(name);
                touched.add(rule.ruleId());
            }
            case CompileResult.Failed f -> {
                if (quiet) {
                    return; // probably half-written: its IN_CLOSE_WRITE will tell
                }
                f.problems().forEach(p -> report(p, problems));
                files.put(name, new FileEntry(hash, previous)); // the last good version stays live
            }
        }
    }

    private void undefine(CompiledRule rule, String name, Set<String> touched) {
        if (rule == null) {
            return;
        }
        TreeSet<String> by = definers.get(rule.ruleId());
        if (by != null) {
            by.remove(name);
        }
        touched.add(rule.ruleId());
    }

    private void reportDuplicates(String id, TreeSet<String> by, String previousOwner, Collection<String> refreshed,
                                  List<Problem> problems) {
        String owner = by.first();
        boolean ownerChanged = !owner.equals(previousOwner);
        for (String other : by.tailSet(owner, false)) {
            if (ownerChanged || refreshed.contains(other)) {
                report(Problem.error(dir.resolve(other).toString(), 1, 1, "rule_id",
                        "rule id " + id + " is also defined by " + dir.resolve(owner)
                                + ", which wins (the first file by name); this file is ignored while that one defines it"),
                        problems); // a strict start fails on it, as validate does
            }
        }
    }

    private void report(Problem p, List<Problem> problems) {
        reporter.problem(p);
        if (problems != null && p.isError()) {
            problems.add(p);
        }
    }

    private static byte[] read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(MAX_FILE_BYTES + 1);
        }
    }
}
