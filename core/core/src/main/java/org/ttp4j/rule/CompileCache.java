package org.ttp4j.rule;

/**
 * Where a {@link RuleCompiler} keeps what compiling a rule source gave, so that the same bytes under the same path
 * are not parsed, validated and self-tested again (docs/rules.md §10). An entry is opaque bytes of the compiler's
 * own format, put after a clean compile and read back before the next compile of that source; the compiler then
 * builds the rule again from the entry's bound values (its regular expression compiled anew) and reports the
 * entry's problems. A cache only ever saves time: an entry that cannot be read back is passed over, and the source
 * compiled as if there were none.
 *
 * <p>The cache is responsible for keeping entries apart by build: an entry must only be handed to the compiler
 * that wrote it (the same ttp4j jars and JVM), as the entry holds no rule text and its format may change.
 * Implementations are called from the compiling thread and must be safe to share between compilers.
 */
public interface CompileCache {

    /** The entry last put for a source with this path and content hash (lower-case hex SHA-256), or null. */
    byte[] get(String path, String sha256);

    /** Keeps {@code entry} for the source with this path and content hash; may drop it (never throws). */
    void put(String path, String sha256, byte[] entry);
}
