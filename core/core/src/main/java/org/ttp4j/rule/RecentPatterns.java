package org.ttp4j.rule;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The translations of the patterns a {@link RuleCompiler} compiled last, least recently used out first: saving a
 * new version of a rule whose pattern did not change (a confidence, a tag, a version bump) then skips the Python
 * translation and {@link Pattern#compile}, which are most of a compile, and shares the literal analysis the index
 * made of an earlier version (docs/rules.md §6). Both values are safe to share between rules and threads. Bounded
 * by count and by the patterns' total length, so that a few huge patterns cannot pin much memory.
 */
final class RecentPatterns {

    /** Total pattern text kept, in chars: 256 patterns of 1 KiB, a long rule pattern. */
    static final int MAX_CHARS = 256 * 1024;

    /** A pattern as the compiler hands it on: the compiled Java regex and what its matches must contain. */
    record Compiled(Pattern regex, PatternLiterals literals) {}

    private final int capacity;
    private final LinkedHashMap<String, Compiled> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long chars;

    RecentPatterns(int capacity) {
        this.capacity = capacity;
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
        if (capacity == 0 || python.length() > MAX_CHARS / 16) {
            return; // a pattern this long is kept by no one: recompiling it is the lesser cost
        }
        synchronized (entries) {
            if (entries.put(python, compiled) == null) {
                chars += python.length();
            }
            Iterator<String> eldest = entries.keySet().iterator();
            while (entries.size() > capacity || chars > MAX_CHARS) {
                chars -= eldest.next().length();
                eldest.remove();
            }
        }
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
