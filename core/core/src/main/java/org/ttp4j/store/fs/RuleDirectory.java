package org.ttp4j.store.fs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.ttp4j.rule.RuleCompiler;
import org.ttp4j.rule.RuleFileNames;
import org.ttp4j.rule.RuleSource;
import org.ttp4j.store.StoreReporter;

/**
 * The rules directory as the store last saw it, and the per-rule differences when it changes.
 *
 * <p>Per rule file: the hash of its bytes (so identical bytes are no change, docs/stores.md §5) and its last good
 * compiled rule (an invalid edit keeps it). Per rule id: the files defining it; the first by file name owns
 * it, the others are reported. {@link #refresh} re-reads some files, {@link #rescan} all of them; both return
 * exactly the rules whose definition changed. Not thread-safe: only the store's compile thread calls it.
 */
final class RuleDirectory {

    /** One rule's new definition, or {@code rule == null} for its removal. */
    record Update(String ruleId, CompiledRule rule) {}

    /** A rule file's last read: the SHA-256 of its bytes and its last good rule (null if it never compiled). */
    private record FileEntry(String sha256, CompiledRule rule) {}

    private record Live(CompiledRule rule, String sha256, String file) {}

    private final Path dir;
    private final RuleCompiler compiler;
    private final StoreReporter reporter;
    private final Map<String, FileEntry> files = new HashMap<>();
    private final Map<String, TreeSet<String>> definers = new HashMap<>();
    private final Map<String, Live> live = new TreeMap<>(); // rule id order, which the snapshot keeps
    private Map<String, CompiledRule> snapshot = Map.of();

    RuleDirectory(Path dir, RuleCompiler compiler, StoreReporter reporter) {
        this.dir = dir;
        this.compiler = compiler;
        this.reporter = reporter;
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
        try {
            names.addAll(ruleFileNames());
        } catch (IOException e) {
            reporter.problem(Problem.error(dir.toString(), 1, 1, "-", "cannot list the rules directory: " + e));
            return List.of();
        }
        return refresh(names, Set.of(), problems);
    }

    /** The names of the directory's rule files (none when it is missing). */
    private List<String> ruleFileNames() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (RuleFileNames.matches(name)) {
                    names.add(name);
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            // gone: every known file is now absent
        }
        return names;
    }

    /**
     * Compiles every rule file now, before the store watches the directory, so that a startup compiles while
     * another thread links the inotify calls (docs/stores.md §4); the next {@link #refresh} takes each result whose
     * file it reads with the same bytes, and compiles a file edited in between again. Reports and changes nothing.
     */
    void compileEarly() {
        try {
            early = compileAhead(ruleFileNames());
        } catch (IOException e) {
            // the rescan lists the directory again and reports what it finds
        }
    }

    /**
     * Re-reads the rule files {@code names} (absent ones are removed) and returns the rules whose definition
     * changed, in rule id order. A file in {@code quiet} may be half-written (it was only created, not yet
     * closed): if it does not compile, nothing is reported and nothing is remembered, so its close reports.
     */
    List<Update> refresh(Collection<String> names, Set<String> quiet, List<Problem> problems) {
        TreeSet<String> touched = new TreeSet<>();
        ahead = names.size() > 1 ? compileAhead(names) : early;
        try {
            for (String name : names) {
                readOne(name, quiet.contains(name), touched, problems);
            }
        } finally {
            ahead = Map.of();
            early = Map.of();
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
            Live after = new Live(entry.rule(), entry.sha256(), owner);
            if (by.size() > 1) {
                reportDuplicates(id, by, before == null ? null : before.file(), names, problems);
            }
            if (before != null && before.rule() == after.rule()) {
                continue;
            }
            live.put(id, after);
            snapshotChanged = true;
            // Same bytes under another name (a rename, a copy taking over): the rule is unchanged, only its path.
            if (before == null || !before.sha256().equals(after.sha256())) {
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

    /** A file compiled ahead of {@link #readOne}, which takes the result when it reads the same bytes. */
    private record Ahead(String sha256, CompileResult result) {}

    /** The current refresh's files compiled ahead, by name. */
    private Map<String, Ahead> ahead = Map.of();
    /** The files {@link #compileEarly} compiled, by name, until the next refresh. */
    private Map<String, Ahead> early = Map.of();

    /**
     * Compiles the readable, changed files among {@code names} on every core (a startup or rescan of many files):
     * a compile depends only on the path and the bytes, so {@link #readOne} then decides everything in order as
     * before, only without waiting for the compiler. Nothing here reports or changes the directory's state.
     */
    private Map<String, Ahead> compileAhead(Collection<String> names) {
        Map<String, Ahead> compiled = new java.util.concurrent.ConcurrentHashMap<>();
        names.parallelStream().forEach(name -> {
            Path path = dir.resolve(name);
            FileEntry old = files.get(name);
            try {
                if (RuleLinks.refusal(dir, path) != null || !Files.isRegularFile(path)) {
                    return;
                }
                RuleSource source = RuleSource.read(path, compiler.options().maxFileBytes());
                if (source.content().length > 0 && (old == null || !old.sha256().equals(source.sha256()))) {
                    Ahead before = early.get(name);
                    compiled.put(name, before != null && before.sha256().equals(source.sha256()) ? before
                            : new Ahead(source.sha256(), compiler.compile(source)));
                }
            } catch (IOException | RuntimeException e) {
                // readOne reads it again and reports what it finds
            }
        });
        return compiled;
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
        RuleSource source;
        try {
            // a dangling link or a link loop is no file: skipped quietly, like a missing one
            boolean nowhere = Files.isSymbolicLink(path) && !Files.exists(path);
            source = nowhere ? null : RuleSource.read(path, compiler.options().maxFileBytes());
        } catch (NoSuchFileException e) {
            source = null;
        } catch (RuleSource.Unreadable e) {
            if (Files.exists(path) && !Files.isRegularFile(path)) {
                source = null; // a directory or FIFO under a rule file's name: not a rule file
            } else {
                if (!quiet) {
                    report(Problem.error(path.toString(), 1, 1, "-", e.getMessage()), problems);
                }
                return; // keep the last good version
            }
        } catch (IOException e) {
            if (!quiet) {
                report(Problem.error(path.toString(), 1, 1, "-", "cannot read the rule file: " + e), problems);
            }
            return; // keep the last good version
        }
        if (source == null) { // deleted, moved out, renamed to a scratch name, or not a file
            if (old != null) {
                files.remove(name);
                undefine(old.rule(), name, touched);
            }
            return;
        }
        if (source.content().length == 0 && problems == null) {
            return; // touched, not written yet: nothing to say until it has content
        } // at startup an empty file is what validate says it is: invalid (and fails a strict start)
        if (old != null && old.sha256().equals(source.sha256())) {
            return; // identical bytes
        }
        CompiledRule previous = old == null ? null : old.rule();
        Ahead read = ahead.get(name);
        switch (read != null && read.sha256().equals(source.sha256()) ? read.result() : compiler.compile(source)) {
            case CompileResult.Compiled c -> {
                if (!quiet) {
                    c.problems().forEach(reporter::problem);
                }
                CompiledRule rule = c.rule();
                files.put(name, new FileEntry(source.sha256(), rule));
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
                files.put(name, new FileEntry(source.sha256(), previous)); // the last good version stays live
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
}
