package org.ttp4j.rule;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a rule's {@code match} mapping means, decided at compile time (docs/rules.md §4).
 * Every variant keeps the mapping verbatim and deep-immutable in {@link #raw()}.
 */
public sealed interface Match {

    /** The {@code match} mapping as written in the file, deep-immutable. */
    Map<String, Object> raw();

    /**
     * Engine-owned: a Python {@code re} pattern searched (unanchored) in one payload field.
     *
     * @param field   the payload key, or null for the source kind's default field
     * @param pattern the pattern as written (Python syntax)
     * @param regex   its Java translation, compiled once
     */
    record Regex(String field, String pattern, Pattern regex, Map<String, Object> raw) implements Match {}

    /** Lifter-owned: {@code kind} starts with {@code lifter:}; never fired by the engine. */
    record Lifter(String kind, Map<String, Object> raw) implements Match {}

    /** Neither engine- nor lifter-owned: valid, never fires. */
    record None(Map<String, Object> raw) implements Match {}
}
