package org.ttp4j.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;

/**
 * The differential table: every (pattern, input) case of {@code regex-table.tsv}, whose expected column
 * Python's own {@code re.search} computed (see {@code core/src/test/python/regex_table.py}), run through
 * {@link PythonRegex}. All disagreements are reported together.
 */
class PythonRegexTableTest {

    record Case(int line, String group, String pattern, String input, String expected) {}

    static List<Case> table() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = PythonRegexTableTest.class.getResourceAsStream("regex-table.tsv");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                assertEquals(4, f.length, "table line " + n);
                cases.add(new Case(n, f[0], unescape(f[1]), unescape(f[2]), f[3]));
            }
        }
        return cases;
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case '\\' -> b.append('\\');
                case 't' -> b.append('\t');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 'u' -> {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> throw new IllegalArgumentException("bad escape in table: " + s);
            }
        }
        return b.toString();
    }

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
    void everyCaseAgreesWithPython() throws IOException {
        List<Case> cases = table();
        assertTrue(cases.size() >= 300, "the table has at least 300 cases, has " + cases.size());
        List<String> disagreements = new ArrayList<>();
        for (Case c : cases) {
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
