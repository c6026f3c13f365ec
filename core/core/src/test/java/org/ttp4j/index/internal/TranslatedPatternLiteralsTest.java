package org.ttp4j.index.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;
import org.ttp4j.rule.PythonRegex;
import org.ttp4j.rule.RegexTable;

/**
 * The prefilter over the rule compiler's real output: for every case of the Python-computed regex table
 * ({@code org/ttp4j/rule/regex-table.tsv}) whose translated pattern matches its input, the case-folded input
 * must contain one of the literals extracted from the translation.
 */
class TranslatedPatternLiteralsTest {

    @Test
    void everyTranslatedMatchContainsAnExtractedLiteral() {
        List<String> failures = new ArrayList<>();
        int matched = 0;
        int prefiltered = 0;
        for (RegexTable.Case c : RegexTable.cases()) {
            Pattern p;
            try {
                p = PythonRegex.compile(c.pattern());
            } catch (PatternSyntaxException e) {
                continue;
            }
            Matcher m = p.matcher(c.input());
            if (!m.find()) {
                continue;
            }
            matched++;
            String[] lits = RequiredLiterals.of(p);
            if (lits == null) {
                continue;
            }
            prefiltered++;
            String folded = CaseFold.fold(c.input());
            if (Arrays.stream(lits).noneMatch(folded::contains)) {
                failures.add("/" + c.pattern() + "/ -> /" + p.pattern() + "/ matched \"" + c.input() + "\" but none of "
                        + Arrays.toString(lits) + " occurs");
            }
        }
        assertTrue(matched > 500, "the table exercised the prefilter: " + matched + " matches");
        assertTrue(prefiltered > 100, "many translated patterns have literals: " + prefiltered);
        assertTrue(failures.isEmpty(), failures.size() + " unsound extractions:\n" + String.join("\n", failures));
    }
}
