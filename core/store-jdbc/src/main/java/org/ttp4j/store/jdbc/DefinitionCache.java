package org.ttp4j.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.ttp4j.rule.CompileResult;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Problem;
import org.ttp4j.rule.RuleCompiler;
import org.ttp4j.rule.RuleSource;
import org.ttp4j.store.jdbc.RuleRows.RuleRow;

/**
 * Rule rows compiled into rules, remembering the last good definition of each rule id whoever compiled it: a
 * cache (an unchanged row is not compiled again), and what a bad edit keeps live.
 */
final class DefinitionCache {
    /** A compiled definition with the source path and the hash of the text it came from. */
    record Known(CompiledRule rule, String sourcePath, String hash) {
        boolean sameAs(RuleSource source, String rowSourcePath) {
            return hash.equals(source.sha256()) && Objects.equals(sourcePath, rowSourcePath);
        }
    }

    private final RuleCompiler compiler;
    private final Map<String, Known> compiled = new ConcurrentHashMap<>();
    private final Consumer<? super Problem> problems;

    DefinitionCache(Consumer<? super Problem> problems, RuleCompiler compiler) {
        this.problems = problems;
        this.compiler = compiler;
    }

    /** The last good definition of {@code ruleId}, or null. */
    Known lastGood(String ruleId) {
        return compiled.get(ruleId);
    }

    /** A row's text as the compiler reads it, hashed once: the path names the row when it has none of its own. */
    static RuleSource sourceOf(RuleRow row) {
        String path = row.sourcePath() == null || row.sourcePath().isEmpty() ? "ttp_rule/" + row.ruleId() : row.sourcePath();
        return RuleSource.of(path, row.yaml() == null ? new byte[0] : row.yaml().getBytes(StandardCharsets.UTF_8));
    }

    /** Compiles a row, remembering the last good definition per rule; reports and returns null when malformed. */
    CompiledRule compile(RuleRow row) {
        return compile(row, sourceOf(row));
    }

    /** {@link #compile(RuleRow)} of a row whose source is already made. */
    CompiledRule compile(RuleRow row, RuleSource source) {
        Known known = compiled.get(row.ruleId());
        if (known != null && known.sameAs(source, row.sourcePath())) {
            return known.rule();
        }
        String path = source.path();
        CompileResult result;
        synchronized (compiler) {
            result = compiler.compile(source);
        }
        for (Problem p : result.problems()) {
            if (p.isError() || result instanceof CompileResult.Compiled) {
                problems.accept(p);
            }
        }
        if (!(result instanceof CompileResult.Compiled ok)) {
            return null;
        }
        CompiledRule rule = ok.rule();
        if (!rule.ruleId().equals(row.ruleId())) {
            problems.accept(Problem.error(path, 1, 1, "rule_id", "the rule defines '" + rule.ruleId()
                    + "' but is stored in the ttp_rule row of '" + row.ruleId() + "'; skipped"));
            return null;
        }
        compiled.put(row.ruleId(), new Known(rule, row.sourcePath(), source.sha256()));
        return rule;
    }

    /**
     * Remembers {@code rule}, just written to its row by this store, as that row's compiled form, so the catch-up that
     * reads the row back does not compile it again (a row whose text hashes differently still is).
     */
    void remember(CompiledRule rule) {
        compiled.put(rule.ruleId(), new Known(rule, rule.sourcePath() == null ? "" : rule.sourcePath(), rule.contentHash()));
    }

    /** Puts {@code before} (null: nothing) back as the last good definition of {@code ruleId}. */
    void restore(String ruleId, Known before) {
        if (before == null) {
            compiled.remove(ruleId);
        } else {
            compiled.put(ruleId, before);
        }
    }

    CompileResult compileText(String path, String yaml) {
        synchronized (compiler) {
            return compiler.compile(path, yaml == null ? new byte[0] : yaml.getBytes(StandardCharsets.UTF_8));
        }
    }
}
