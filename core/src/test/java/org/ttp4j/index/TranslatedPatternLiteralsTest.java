package org.ttp4j.index;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;
import org.ttp4j.rule.PythonRegex;

/**
 * The prefilter over the rule compiler's real output: for every case of the Python-computed regex table
 * ({@code org/ttp4j/rule/regex-table.tsv}) whose translated pattern matches its input, the case-folded input
 * must contain one of the literals extracted from the translation.
 */
class TranslatedPatternLiteralsTest {

    @Test
    void everyTranslatedMatchContainsAnExtractedLiteral() throws IOException {
        List<String> failures = new ArrayList<>();
        int matched = 0;
        int prefiltered = 0;
        try (InputStream in = getClass().getResourceAsStream("/org/ttp4j/rule/regex-table.tsv");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                Pattern p;
                try {
                    p = PythonRegex.compile(unescape(f[1]));
                } catch (PatternSyntaxException e) {
                    continue;
                }
                String input = unescape(f[2]);
                Matcher m = p.matcher(input);
                if (!m.find()) {
                    continue;
                }
                matched++;
                String[] lits = RequiredLiterals.of(p);
                if (lits == null) {
                    continue;
                }
                prefiltered++;
                String folded = CaseFold.fold(input);
                if (Arrays.stream(lits).noneMatch(folded::contains)) {
                    failures.add("/" + f[1] + "/ -> /" + p.pattern() + "/ matched \"" + f[2] + "\" but none of "
                            + Arrays.toString(lits) + " occurs");
                }
            }
        }
        assertTrue(matched > 500, "the table exercised the prefilter: " + matched + " matches");
        assertTrue(prefiltered > 100, "many translated patterns have literals: " + prefiltered);
        assertTrue(failures.isEmpty(), failures.size() + " unsound extractions:\n" + String.join("\n", failures));
    }

    /** The table's escapes: backslash, tab, newline, carriage return, uXXXX. */
    private static String unescape(String s) {
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
}
