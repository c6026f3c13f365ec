package org.ttp4j.rule;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;

/**
 * The differential table: every (pattern, input) case of {@link RegexTable}, whose expected column Python's
 * own {@code re.search} computed, run through {@link PythonRegex}. All disagreements are reported together.
 */
class PythonRegexTableTest {

    static String javaAnswer(String pattern, String input) {
        java.util.regex.Pattern compiled;
        try {
            compiled = PythonRegex.compile(pattern);
        } catch (PatternSyntaxException e) {
            return "error";
        }
        Matcher m = compiled.matcher(input);
        return m.find() ? m.start() + ":" + m.end() : "-";
    }

    @Test
    void everyCaseAgreesWithPython() {
        List<RegexTable.Case> cases = RegexTable.cases();
        assertTrue(cases.size() >= 300, "the table has at least 300 cases, has " + cases.size());
        List<String> disagreements = new ArrayList<>();
        for (RegexTable.Case c : cases) {
            String actual = javaAnswer(c.pattern(), c.input());
            if (!actual.equals(c.expected())) {
                String translation;
                try {
                    translation = PythonRegex.translate(c.pattern()).javaRegex();
                } catch (PatternSyntaxException e) {
                    translation = "(rejected: " + e.getDescription() + ")";
                }
                disagreements.add("line " + c.line() + " [" + c.group() + "] /" + c.pattern() + "/ on \""
                        + escapeForReport(c.input()) + "\": python " + c.expected() + ", java " + actual
                        + "   java regex: " + translation);
            }
        }
        assertTrue(disagreements.isEmpty(), disagreements.size() + " of " + cases.size()
                + " cases disagree:\n" + String.join("\n", disagreements));
    }

    /** The compiler's translation (no literal analysis) writes what the full one writes, and rejects alike. */
    @Test
    void theTranslationWithoutLiteralsWritesTheSameJava() {
        List<String> differ = new ArrayList<>();
        for (RegexTable.Case c : RegexTable.cases()) {
            String full = javaOf(c.pattern(), true);
            String regexOnly = javaOf(c.pattern(), false);
            if (!full.equals(regexOnly)) {
                differ.add("line " + c.line() + " /" + c.pattern() + "/: " + full + " against " + regexOnly);
            }
        }
        assertTrue(differ.isEmpty(), String.join("\n", differ));
    }

    private static String javaOf(String pattern, boolean literals) {
        try {
            PythonRegex.Translation t = literals ? PythonRegex.translate(pattern) : PythonRegex.translateRegex(pattern);
            return t.javaRegex() + " flags " + t.flags();
        } catch (PatternSyntaxException e) {
            return "rejected at " + e.getIndex() + ": " + e.getDescription();
        }
    }

    private static String escapeForReport(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7f) {
                b.appendCodePoint(cp);
            } else {
                b.append(String.format("\\u%04x", cp));
            }
        });
        return b.toString();
    }
}
