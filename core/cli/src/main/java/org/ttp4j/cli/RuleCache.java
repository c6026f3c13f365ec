package org.ttp4j.cli;

import java.util.Map;
import org.ttp4j.rule.CompileCache;
import org.ttp4j.rule.RuleCompiler;

/**
 * The compiler's entries on disk (docs/cli.md §12, docs/rules.md §10), for the commands that load a store
 * ({@code run}, {@code tag}, {@code watch}, {@code sync}): a rule file unchanged since it was last compiled under
 * this build is built again from its entry, without parsing, validating or self-testing it. The directory is
 * {@code TTP4J_RULE_CACHE} (unset or {@code off}: no cache); entries are kept by path and bytes per build
 * ({@link BuildCache}).
 */
final class RuleCache implements CompileCache {

    static final String VARIABLE = "TTP4J_RULE_CACHE";
    private static final String FORMAT = "ttp4j rule cache 1";

    private final BuildCache entries;

    private RuleCache(BuildCache entries) {
        this.entries = entries;
    }

    /** A compiler with the cache {@code TTP4J_RULE_CACHE} names for this build, or a plain one when there is none. */
    static RuleCompiler compiler(Map<String, String> env) {
        BuildCache entries = BuildCache.fromEnvironment(env, VARIABLE, FORMAT);
        return new RuleCompiler(RuleCompiler.Options.DEFAULTS, entries == null ? null : new RuleCache(entries));
    }

    /** True when {@code TTP4J_RULE_CACHE} asks for a cache (whether this build can keep one or not). */
    static boolean requested(Map<String, String> env) {
        return BuildCache.requested(env, VARIABLE);
    }

    @Override
    public byte[] get(String path, String sha256) {
        return entries.read(BuildCache.key(path, sha256));
    }

    @Override
    public void put(String path, String sha256, byte[] entry) {
        entries.write(BuildCache.key(path, sha256), entry);
    }
}
