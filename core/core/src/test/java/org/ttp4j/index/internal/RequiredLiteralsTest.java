package org.ttp4j.index.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class RequiredLiteralsTest {

    private static String[] of(String regex) {
        return RequiredLiterals.of(Pattern.compile(regex));
    }

    private static void assertLiterals(String regex, String... expected) {
        String[] got = of(regex);
        assertArrayEquals(expected, got, () -> regex + " gave " + Arrays.toString(got));
    }

    @Test
    void plainLiteralsAndCaseFolding() {
        assertLiterals("wget", "wget");
        assertLiterals("(?i)WGET\\s+http", "wget");
        assertLiterals("cat\\s+/etc/passwd", "/etc/passwd");
        assertLiterals("/etc/(passwd|shadow)", "/etc/passwd", "/etc/shadow");
        assertLiterals("https?://", "http://", "https://");
        assertLiterals("[Cc]url ", "curl ");
        assertLiterals("\\bchmod\\s+\\+x\\b", "chmod");
        assertLiterals("\\Q$(\\E", "$(");
        assertLiterals("(?:wget|curl)\\s", "wget", "curl");
        assertLiterals("\\d+\\.\\d+", ".");
        assertLiterals("ab+c", "ab");
    }

    @Test
    void translatedPythonPatternsKeepTheirLiterals() {
        // the compiler spells \s and \b as wide Unicode classes and lookarounds, with escaped range ends
        assertArrayEquals(new String[] {"/etc/passwd", "/etc/shadow"},
                RequiredLiterals.of(org.ttp4j.rule.PythonRegex.compile("cat\\s+/etc/(passwd|shadow)")));
        assertArrayEquals(new String[] {"/dev/tcp/"},
                RequiredLiterals.of(org.ttp4j.rule.PythonRegex.compile("bash\\s+-i\\s+>&\\s*/dev/tcp/")));
        assertArrayEquals(new String[] {"whoami", "id"},
                RequiredLiterals.of(org.ttp4j.rule.PythonRegex.compile("(?i)\\b(whoami|id)\\s*$")));
    }

    @Test
    void patternsWithoutAUsableLiteralAlwaysRun() {
        assertNull(of(".*"));
        assertNull(of("\\d+\\s\\d+"));
        assertNull(of("a|\\d"));
        assertNull(of("(?x) a b c"));
    }

    @Test
    void optionalPartsAreNotRequired() {
        assertLiterals("x(foo)*y", "x");
        assertLiterals("(foo)?bar", "bar"); // foobar contains bar: dropped as redundant
    }

    // --- soundness: whenever the regex finds a match, the folded text contains a literal -------------------

    @Property(tries = 3000)
    void everyMatchContainsAnExtractedLiteral(@ForAll("patterns") String regex, @ForAll("texts") String text) {
        Pattern p;
        try {
            p = Pattern.compile(regex);
        } catch (RuntimeException e) {
            return;
        }
        String[] lits = RequiredLiterals.of(p);
        Matcher m = p.matcher(text);
        if (lits == null || !m.find()) {
            return;
        }
        String folded = CaseFold.fold(text);
        assertTrue(Arrays.stream(lits).anyMatch(folded::contains),
                () -> regex + " matched '" + text + "' but none of " + Arrays.toString(lits) + " occurs");
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withChars("abcABC/-. xyzK\u212A\u017Fs").ofMaxLength(24);
    }

    @Provide
    Arbitrary<String> patterns() {
        Arbitrary<String> atom = Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcxyzABCs/-").ofMinLength(1).ofMaxLength(4),
                Arbitraries.of(".", "\\s", "\\d", "\\w", "[abc]", "[aA]", "[a-c]", "[^a]", "\\b", "^", "$", "\\.",
                        "\\x41", "\\u0062", "\\Qa.b\\E", "(?i)", "(?-i)", "k"));
        Arbitrary<String> quantified = Combinators.combine(atom,
                Arbitraries.of("", "", "", "?", "*", "+", "{2}", "{1,3}", "{0,2}", "+?", "*+")).as((a, q) -> {
            if (a.startsWith("(?") || a.equals("^") || a.equals("$") || a.equals("\\b")) {
                return a;
            }
            return a.length() > 1 && !a.startsWith("\\") && !a.startsWith("[") ? "(?:" + a + ")" + q : a + q;
        });
        Arbitrary<String> seq = quantified.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("", l));
        Arbitrary<String> group = Combinators.combine(seq, seq, Arbitraries.of("(", "(?:", "(?i:", "(?<g>", "(?="))
                .as((a, b, open) -> open + a + "|" + b + ")");
        return Arbitraries.oneOf(seq, group, Combinators.combine(seq, group, seq).as((a, b, c) -> a + b + c),
                Combinators.combine(seq, seq).as((a, b) -> "(?i)" + a + "|" + b));
    }

    @Test
    void aQuantifierAfterAQuoteRepeatsItsLastCharOnly() {
        // Java reads \Qab\E? as ab?: "xay" matches, so "xaby" alone would drop the rule
        assertTrue(Pattern.compile("x\\Qab\\E?y").matcher("xay").find());
        assertLiterals("x\\Qab\\E?y", "xay", "xaby");
        assertLiterals("\\Qa.b\\E{2}", "a.bb");
        assertLiterals("\\Qa.b\\E*c", "a.");
        assertLiterals("\\Q(a|b)*\\E", "(a|b)*"); // quoted metacharacters are plain chars
        assertLiterals("\\Qab", "ab"); // a quote may run to the end
    }

    @Test
    void caseInsensitivePatternsFoldLikeJavaRegex() {
        Pattern p = Pattern.compile("(?iu)ks");
        String text = "\u212A\u017F"; // KELVIN SIGN, LONG S
        assertTrue(p.matcher(text).find());
        String[] lits = RequiredLiterals.of(p);
        assertTrue(List.of(lits).stream().anyMatch(CaseFold.fold(text)::contains));
    }
}
