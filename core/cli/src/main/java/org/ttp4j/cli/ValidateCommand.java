package org.ttp4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ttp4j.rule.Problem;
import org.ttp4j.rule.RuleCompiler;
import org.ttp4j.rule.RuleFileNames;
import org.ttp4j.rule.RuleSource;
import org.ttp4j.store.fs.RuleLinks;

/**
 * {@code ttp4j validate [--strict] PATH...}: compiles rule files and prints every problem, then a summary
 * (docs/cli.md §2). Fit for a CI job guarding a rule repository.
 *
 * <p>A directory contributes the rule files directly in it whose names pass the allowlist (docs/rules.md §8), in
 * name order; other entries are not mentioned. A file named on the command line is always checked, and a name
 * the stores would ignore is a warning. Files are checked in argument order, each once. A rule id defined by
 * an earlier checked file makes a later file invalid (a store would ignore it). Output: every error, then
 * every warning ({@code warning: }-prefixed), in file order, then
 * {@code checked N files: V valid, I invalid, W warnings}. With {@code --strict} a file with a warning counts
 * as invalid. No rule file at all is said on stderr and exits 1 unless {@code --allow-empty}. In a directory, a
 * symbolic link the filesystem store would refuse is an error; a link loop is skipped there, and named on the
 * command line it is a usage error saying so (docs/cli.md §11).
 */
final class ValidateCommand implements Callable<Integer> {

    static final Syntax SYNTAX = Syntax.command("validate",
                    "Check rule files: print every problem as path:line:column: field.path: message, errors before"
                            + " warnings, then a summary line.",
                    "Exit status: 0 when every file is valid, 1 when any is invalid, 2 on a usage error.")
            .flag("--strict", "Treat warnings as failures: a file with a warning is invalid.")
            .flag("--allow-empty", "Exit 0 when the paths hold no rule file at all (by default that is said on"
                    + " stderr and the exit status is 1: a mistyped path must not look green).")
            .parameters("PATH", 1, Syntax.MANY,
                    "Rule files, or directories whose rule files (names matching [A-Za-z0-9_]+.ya?ml) are checked.")
            .action(args -> new ValidateCommand(args).call());

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean strict;
    private final boolean allowEmpty;
    private final List<Path> paths;

    private ValidateCommand(Args args) {
        out = args.out;
        err = args.err;
        strict = args.flag("--strict");
        allowEmpty = args.flag("--allow-empty");
        paths = args.paths();
    }

    @Override
    public Integer call() {
        List<Path> files = filesToCheck();
        VerdictCache cache = VerdictCache.fromEnvironment(System.getenv());
        List<Problem> errors = new ArrayList<>();
        List<Problem> warnings = new ArrayList<>();
        Map<String, Path> firstById = new HashMap<>();
        int valid = 0;
        int invalid = 0;
        // compiled on every core, judged in order: the output is the same as one by one (docs/cli.md §12)
        List<VerdictCache.Verdict> verdicts = files.parallelStream().map(f -> judge(f, cache)).toList();
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            VerdictCache.Verdict verdict = verdicts.get(i);
            List<Problem> problems = new ArrayList<>(verdict.problems());
            String fileName = file.getFileName() == null ? "" : file.getFileName().toString();
            String refusal = linkRefusals.get(file);
            if (refusal != null) {
                problems.add(Problem.error(file.toString(), 1, 1, "-", refusal));
            }
            if (!RuleFileNames.matches(fileName)) {
                problems.add(Problem.warning(file.toString(), 1, 1, "-", "the stores ignore this file: a rule file's"
                        + " name must match [A-Za-z0-9_]+.yaml or [A-Za-z0-9_]+.yml"));
            }
            if (verdict.ruleId() != null) {
                String id = verdict.ruleId();
                Path first = firstById.putIfAbsent(id, file);
                if (first != null) {
                    int line = verdict.ruleIdLine();
                    problems.add(Problem.error(file.toString(), line, 1, "rule_id", "rule id " + id
                            + " is already defined by " + first + "; a store keeps one file per rule id (the first"
                            + " by name) and ignores this one: give it another rule_id or remove one of the files"));
                }
            }
            boolean fileHasError = false;
            boolean fileHasWarning = false;
            for (Problem p : problems) {
                if (p.isError()) {
                    errors.add(p);
                    fileHasError = true;
                } else {
                    warnings.add(p);
                    fileHasWarning = true;
                }
            }
            if (fileHasError || (strict && fileHasWarning)) {
                invalid++;
            } else {
                valid++;
            }
        }
        if (files.isEmpty() && !allowEmpty) {
            err.println("validate: no rule files in " + String.join(", ", paths.stream().map(Path::toString).toList())
                    + " (a directory's own [A-Za-z0-9_]+.yaml/.yml files are checked, not its subdirectories);"
                    + " --allow-empty accepts that");
            err.flush();
        }
        errors.forEach(out::println);
        warnings.forEach(out::println);
        out.println("checked " + files.size() + " files: " + valid + " valid, " + invalid + " invalid, "
                + warnings.size() + " warnings");
        out.flush();
        return invalid == 0 && (allowEmpty || !files.isEmpty()) ? 0 : 1;
    }

    private final Map<Path, String> linkRefusals = new HashMap<>();
    private volatile RuleCompiler compiler;

    /** The verdict on {@code file}: the cache's when it has one for these bytes, else compiled (and kept). */
    private VerdictCache.Verdict judge(Path file, VerdictCache cache) {
        if (cache != null) {
            RuleSource source;
            try {
                source = RuleSource.read(file, RuleCompiler.Options.DEFAULTS.maxFileBytes());
            } catch (IOException e) {
                source = null; // the compiler reads it again and says why it cannot
            }
            if (source != null) {
                return cache.judge(source, s -> compiler().compile(s));
            }
        }
        return VerdictCache.Verdict.of(compiler().compile(file));
    }

    /** The compiler, made on the first file the cache does not know (the schema validator is built then). */
    private RuleCompiler compiler() {
        RuleCompiler c = compiler;
        if (c == null) {
            synchronized (this) {
                c = compiler;
                if (c == null) {
                    RuleCompiler.prepare();
                    compiler = c = new RuleCompiler();
                }
            }
        }
        return c;
    }

    /** The files the arguments name, each once, in argument order (a directory's rule files by name). */
    private List<Path> filesToCheck() {
        Set<Path> seen = new LinkedHashSet<>();
        List<Path> files = new ArrayList<>();
        for (Path arg : paths) {
            List<Path> found;
            if (Files.isDirectory(arg)) {
                found = ruleFilesIn(arg);
            } else if (Files.exists(arg)) {
                found = List.of(arg);
            } else if (RuleLinks.isLoop(arg)) {
                throw new UsageException("symlink loop: " + arg);
            } else {
                throw new UsageException("no such file or directory: " + arg);
            }
            for (Path f : found) {
                if (seen.add(f.toAbsolutePath().normalize())) {
                    files.add(f);
                }
            }
        }
        return files;
    }

    private List<Path> ruleFilesIn(Path dir) {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (RuleFileNames.matches(entry.getFileName().toString()) && Files.isRegularFile(entry)) {
                    found.add(entry);
                    String refusal = RuleLinks.refusal(dir, entry); // what the store would refuse, validate rejects
                    if (refusal != null) {
                        linkRefusals.put(entry, refusal);
                    }
                }
            }
        } catch (IOException e) {
            throw new UsageException("cannot list directory " + dir + ": " + e.getMessage());
        }
        found.sort(null);
        return found;
    }

    private static final Pattern RULE_ID_KEY = Pattern.compile("^(?:rule_id|\"rule_id\"|'rule_id')\\s*:", Pattern.MULTILINE);

    /** The line of the top-level {@code rule_id} key in block style, or 1 when it is written some other way. */
    static int ruleIdLine(String yaml) {
        if (yaml == null) {
            return 1;
        }
        Matcher m = RULE_ID_KEY.matcher(yaml);
        if (!m.find()) {
            return 1;
        }
        int line = 1;
        for (int i = 0; i < m.start(); i++) {
            if (yaml.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
