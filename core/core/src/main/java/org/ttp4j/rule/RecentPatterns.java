package org.ttp4j.rule;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The translations of the patterns a {@link RuleCompiler} compiled last, least recently used out first: saving a
 * new version of a rule whose pattern did not change (a confidence, a tag, a version bump) then skips the Python
 * translation, its literal analysis and {@link Pattern#compile}, which are most of a compile (docs/rules.md §6).
 * Both values are immutable and safe to share between rules and threads.
 */
final class RecentPatterns {

    /** A pattern as the compiler hands it on: the compiled Java regex and what its matches must contain. */
    record Compiled(Pattern regex, RequiredLiterals literals) {}

    private final int capacity;
    private final LinkedHashMap<String, Compiled> entries;

    RecentPatterns(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Compiled> eldest) {
                return size() > RecentPatterns.this.capacity;
            }
        };
    }

    /** The translation of Python pattern {@code python}, or null when it was not compiled lately. */
    Compiled get(String python) {
        if (capacity == 0) {
            return null;
        }
        synchronized (entries) {
            return entries.get(python);
        }
    }

    void put(String python, Compiled compiled) {
        if (capacity > 0) {
            synchronized (entries) {
                entries.put(python, compiled);
            }
        }
    }
}
