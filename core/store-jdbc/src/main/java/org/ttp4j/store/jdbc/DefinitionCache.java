package org.ttp4j.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.ttp4j.rule.CompileResult;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Problem;
import org.ttp4j.rule.RuleCompiler;
import org.ttp4j.store.jdbc.RuleRows.RuleRow;

/**
 * Rule rows compiled into rules, remembering the last good definition of each rule id whoever compiled it: a
 * cache (an unchanged row is not compiled again), and what a bad edit keeps live.
 */
final class DefinitionCache {
    /** A compiled definition with the source path and the hash of the text it came from. */
    record Known(CompiledRule rule, String sourcePath, String hash) {
        boolean sameAs(RuleRow row) {
            return hash.equals(sha256(row.yaml())) && Objects.equals(sourcePath, row.sourcePath());
        }
    }

    private final RuleCompiler compiler = new RuleCompiler();
    private final Map<String, Known> compiled = new ConcurrentHashMap<>();
    private final Consumer<? super Problem> problems;

    DefinitionCache(Consumer<? super Problem> problems) {
        this.problems = problems;
    }

    /** The last good definition of {@code ruleId}, or null. */
    Known lastGood(String ruleId) {
        return compiled.get(ruleId);
    }

    /** Compiles a row, remembering the last good definition per rule; reports and returns null when malformed. */
    CompiledRule compile(RuleRow row) {
        String hash = sha256(row.yaml());
        Known known = compiled.get(row.ruleId());
        if (known != null && known.hash().equals(hash) && Objects.equals(known.sourcePath(), row.sourcePath())) {
            return known.rule();
        }
        String path = row.sourcePath() == null || row.sourcePath().isEmpty() ? "ttp_rule/" + row.ruleId() : row.sourcePath();
        CompileResult result = compileText(path, row.yaml());
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
        compiled.put(row.ruleId(), new Known(rule, row.sourcePath(), hash));
        return rule;
    }

    CompileResult compileText(String path, String yaml) {
        synchronized (compiler) {
            return compiler.compile(path, yaml == null ? new byte[0] : yaml.getBytes(StandardCharsets.UTF_8));
        }
    }

    static String sha256(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is part of every JDK", e);
        }
    }
}
