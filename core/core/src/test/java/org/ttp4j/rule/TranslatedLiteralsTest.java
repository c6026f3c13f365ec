package org.ttp4j.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.PatternSyntaxException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The literals the translation hands the prefilter (docs/engine.md §3): what they are for typical patterns, and
 * that they are sound: whenever the translated pattern finds a match, the folded text holds a member of every set.
 */
class TranslatedLiteralsTest {

    @Test
    void theFoldIsLowerOfUpperForEveryCharAndSurrogatesStay() {
        for (int cp = 0; cp <= Character.MAX_VALUE; cp++) {
            char c = (char) cp;
            int f = Character.isSurrogate(c) ? c : Character.toLowerCase(Character.toUpperCase((int) c));
            char expected = f <= Character.MAX_VALUE ? (char) f : c;
            assertEquals(expected, RequiredLiterals.fold(c), () -> "fold of U+" + Integer.toHexString(c));
        }
        assertEquals('k', RequiredLiterals.fold('\u212A')); // the Kelvin sign folds into ASCII
        assertEquals('s', RequiredLiterals.fold('\u017F')); // as does the long s
    }

    private static List<List<String>> of(String python) {
        return PythonRegex.translate(python).literals().allOf();
    }

    private static void assertSets(String python, List<?>... expected) {
        assertEquals(List.of(expected), of(python), python);
    }

    @Test
    void literalsRunsAndCaseFolding() {
        assertSets("wget", List.of("wget"));
        assertSets("(?i)WGET\\s+http", List.of("wget"), List.of("http"));
        assertSets("cat\\s+/etc/passwd", List.of("/etc/passwd"), List.of("cat"));
        assertSets("/etc/(passwd|shadow)", List.of("/etc/passwd", "/etc/shadow"));
        assertSets("https?://", List.of("https://", "http://"));
        assertSets("[Cc]url ", List.of("curl "));
        assertSets("\\bchmod\\s+\\+x\\b", List.of("chmod"), List.of("+x"));
        assertSets("(?:wget|curl)\\s", List.of("wget", "curl"));
        assertSets("\\d+\\.\\d+", List.of("."));
        assertSets("ab+c", List.of("ab"), List.of("bc"));
        assertSets("(?i)\\b(whoami|id)\\s*$", List.of("whoami", "id"));
        assertSets("bash\\s+-i\\s+>&\\s*/dev/tcp/", List.of("/dev/tcp/"), List.of("bash"), List.of("-i"), List.of(">&"));
    }

    /** An alternation: the union of each branch's best set, and of each branch's next best (or best) a second. */
    @Test
    void anAlternationOfSequencesGivesASecondSetFromEachBranchsNextBest() {
        assertSets("\\bxxd\\s+-r\\b|\\bprintf\\s+x41|\\becho\\s+-e\\s+zz", List.of("xxd", "printf", "echo"),
                List.of("-r", "x41", "zz"), List.of("-r", "x41", "-e")); // every branch holds one of each
        // a branch with one set gives it again: "http" without wget or curl is no candidate
        assertSets("(?:wget|curl)\\s+http|scp", List.of("http", "scp"), List.of("wget", "curl", "scp"));
        assertSets("echo\\s+-e|echo\\s+-n", List.of("echo"), List.of("-e", "-n"));
    }

    @Test
    void aRunLongerThanTheTrackedLengthStartsANewSetAtItsLimit() {
        // 256 characters are tracked per string: the 257th starts a new run; each set is clipped to 32 characters
        String a32 = "a".repeat(32);
        assertSets("a".repeat(256) + "b", List.of(a32), List.of("b"));
        assertSets("(?:x|y)" + "a".repeat(255) + "b", List.of("x" + "a".repeat(31), "y" + "a".repeat(31)), List.of("b"));
        assertSets("a".repeat(300), List.of(a32));
    }

    @Test
    void aLongPieceOfALargeProductReplacesIt() {
        // 2 x 2 x 3 = 12 strings of 18+ chars cost the automaton ~200 states; "?v=4983" is in every one of
        // them; "frpc.", implied by the product but not by "?v=4983", stays to confirm
        assertSets("(?i)(drop|install)[_-]frpc\\.(sh|py|bin)\\?v=4983", List.of("?v=4983"), List.of("frpc."));
        // a product of two strings keeps its place: twice the score of "://" outweighs its size
        assertSets("https?://", List.of("https://", "http://"));
        assertSets("(?:ba|z)sh -c", List.of("bash -c", "zsh -c"));
    }

    @Test
    void gapsGiveOneSetPerSide() {
        // a text needs both sides: "cat README.md" holds neither passwd nor shadow
        assertSets("\\b(?:cat|less)\\b.*\\b(?:passwd|shadow)\\b", List.of("passwd", "shadow"), List.of("cat", "less"));
        assertSets("(?i)\\b(?:wget|curl)\\b[^|]{0,512}\\|\\s*sh\\b", List.of("wget", "curl"), List.of("sh"),
                List.of("|"));
    }

    @Test
    void patternsWithoutAUsableLiteralAlwaysRun() {
        assertSets(".*");
        assertSets("\\d+\\s\\d+");
        assertSets("a|\\d");
        assertSets("(a)\\1", List.of("a")); // the group is required; what the reference repeats is not known
        assertSets("(\\w+)\\1");
        assertSets("x*");
    }

    @Test
    void optionalPartsAreNotRequiredAndVerboseSpacesAreNotText() {
        assertSets("x(foo)*y", List.of("x"), List.of("y"));
        assertSets("(foo)?bar", List.of("bar")); // foobar contains bar
        assertSets("(?x) a b  c # comment", List.of("abc"));
        assertSets("(?=abc)d", List.of("d")); // a look-ahead need not lie in the searched region
    }

    @Test
    void caseInsensitiveLiteralsCoverPythonsCasePartners() {
        String text = "\u212A\u017F"; // KELVIN SIGN, LONG S: Python's (?i) matches them to k and s
        assertTrue(PythonRegex.compile("(?i)ks").matcher(text).find());
        assertTrue(holdsEverySet(of("(?i)ks"), text));
        assertTrue(!PythonRegex.compile("(?ai)ks").matcher(text).find());
    }

    private static boolean holdsEverySet(List<List<String>> sets, String text) {
        StringBuilder folded = new StringBuilder();
        for (char c : text.toCharArray()) {
            folded.append(RequiredLiterals.fold(c));
        }
        return sets.stream().allMatch(set -> set.stream().anyMatch(folded.toString()::contains));
    }

    /**
     * True when {@code text} holds every set of literals, each at a place where its edges hold, and a member of
     * every char set of {@code literals}.
     */
    private static boolean holdsAll(RequiredLiterals literals, String text) {
        StringBuilder b = new StringBuilder();
        for (char c : text.toCharArray()) {
            b.append(RequiredLiterals.fold(c));
        }
        String folded = b.toString();
        for (int k = 0; k < literals.allOf().size(); k++) {
            List<String> set = literals.allOf().get(k);
            boolean found = false;
            for (int j = 0; j < set.size() && !found; j++) {
                String s = set.get(j);
                RequiredLiterals.Edges e = literals.edges().get(k).get(j);
                for (int at = folded.indexOf(s); at >= 0 && !found; at = folded.indexOf(s, at + 1)) {
                    found = e.holds(text, text.length(), at, at + s.length());
                }
            }
            if (!found) {
                return false;
            }
        }
        return literals.chars().stream().allMatch(set -> text.chars().anyMatch(c -> set.contains((char) c)));
    }

    @Test
    void boundariesAnchorsAndOneCharLookAheadsBecomeEdges() {
        RequiredLiterals w = PythonRegex.translate("\\b(id|w|who)\\b\\s*($|;)").literals();
        assertEquals(List.of(List.of("id", "w", "who")), w.allOf());
        assertTrue(!holdsAll(w, "cd /var/www/html"), "w inside www is no word");
        assertTrue(!holdsAll(w, "pwd"));
        assertTrue(holdsAll(w, "w"));
        assertTrue(holdsAll(w, "x; w;"));
        assertTrue(holdsAll(w, "\u00e9w"), "a non-ASCII neighbour never rules a boundary out");
        RequiredLiterals after = PythonRegex.translate("(?:^|[;&|]\\s*)(?:id|w)(?=\\s|$|[;&|)])").literals();
        assertTrue(!holdsAll(after, "cd /var/www/html && git status --short"));
        assertTrue(holdsAll(after, "ls; w"));
        assertTrue(holdsAll(after, "w\n"));
        assertTrue(!holdsAll(after, "wx"));
        RequiredLiterals anchored = PythonRegex.translate("^abc$").literals();
        assertTrue(!holdsAll(anchored, "xabc"));
        assertTrue(!holdsAll(anchored, "abcx"));
        assertTrue(holdsAll(anchored, "abc\n"), "$ also matches before a final newline");
        assertTrue(!holdsAll(anchored, "abc\n\n"));
        RequiredLiterals lines = PythonRegex.translate("(?m)^abc$").literals();
        assertTrue(holdsAll(lines, "x\nabc\ny"));
        assertTrue(!holdsAll(PythonRegex.translate("\\Aabc\\Z").literals(), "abc\n"));
        assertTrue(holdsAll(PythonRegex.translate("(?i)\\bk\\b").literals(), "\u212a"), "KELVIN SIGN");
        assertTrue(!holdsAll(PythonRegex.translate("(?i)\\bk\\b").literals(), "kk"));
        assertTrue(!holdsAll(PythonRegex.translate("\\b-c").literals(), " -c"), "a boundary before a non-word char");
        assertTrue(holdsAll(PythonRegex.translate("\\b-c").literals(), "a-c"));
        RequiredLiterals ps = PythonRegex.translate("\\bps\\s+-?[aux]+\\b").literals();
        assertTrue(!holdsAll(ps, "docker ps"), "a class item after ps: something must follow it");
        assertTrue(!holdsAll(ps, "psaux"));
        assertTrue(holdsAll(ps, "ps\u3000aux"), "a non-ASCII space");
        RequiredLiterals digits = PythonRegex.translate("(?i)\\d+FOO").literals();
        assertTrue(!holdsAll(digits, "xfoo 1"));
        assertTrue(holdsAll(digits, "1Foo"));
    }

    @Test
    void classesRepeatedAtLeastOnceAreRequiredCharSets() {
        RequiredLiterals digits = PythonRegex.translate("^\\s*[a-z]{3}\\s+\\d{6}$").literals();
        assertEquals(List.of(), digits.allOf());
        assertTrue(!holdsAll(digits, "cd /var/www/html && git status --short"), "no digit: cannot match");
        assertTrue(holdsAll(digits, "abc 123456"));
        assertTrue(holdsAll(PythonRegex.translate("\\d+").literals(), "\u0663"), "ARABIC-INDIC THREE is \\d");
        assertEquals(List.of(), PythonRegex.translate("[a-f]?x*").literals().chars(), "optional classes");
        assertEquals(List.of(), PythonRegex.translate("[^a]").literals().chars(), "a negated class: no set");
        assertTrue(holdsAll(PythonRegex.translate("(?ai)[k]").literals(), "K"));
        assertTrue(holdsAll(PythonRegex.translate("(?i)[k]").literals(), "\u212a"), "KELVIN SIGN");
        assertTrue(holdsAll(PythonRegex.translate("(?i)[a-c]|\\d").literals(), "7"));
    }

    /** The positions where a match starts, as find() would try them: each must hold a member of the start set. */
    private static String unsoundStart(PythonRegex.Translation t, String python, String text) {
        RequiredLiterals.Chars start = t.literals().start();
        if (start == null) {
            return null;
        }
        Matcher m = PythonRegex.compile(t, python).matcher(text);
        m.useTransparentBounds(true).useAnchoringBounds(false);
        for (int i = 0; i <= text.length(); i++) {
            if (m.region(i, text.length()).lookingAt() && (i == text.length() || !start.contains(text.charAt(i)))) {
                return "/" + python + "/ matches \"" + text + "\" from " + i + " but " + start + " says no";
            }
        }
        return null;
    }

    private static boolean starts(String python, String chars) {
        RequiredLiterals.Chars start = PythonRegex.translate(python).literals().start();
        if (start == null) {
            return chars == null;
        }
        for (char c = 0; c < 128; c++) {
            if (start.contains(c) != (chars != null && chars.indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void aCaseGroupJoiningNonAsciiAndAsciiCharsCountsAllOfThemAsAFirstChar() {
        // Python: (?i)ſ matches s and S, KELVIN SIGN matches k and K; a look-ahead's edge must let them through
        assertTrue(PythonRegex.compile("(?i)x(?=\u017f)").matcher("xs").find());
        assertTrue(holdsAll(PythonRegex.translate("(?i)x(?=\u017f)").literals(), "xs"));
        assertTrue(holdsAll(PythonRegex.translate("(?i)x(?=\u212a)").literals(), "xK"));
        assertTrue(starts("(?i)\u212a", "kK"));
    }

    @Test
    void theFirstCharOfEveryMatchIsKnownPastZeroWidthItems() {
        assertTrue(starts("\\bps\\s+-?[aux]+\\b|\\bpstree\\b|\\btop\\s+-b", "pt"));
        assertTrue(starts("\\b(?:cat|less)\\b.*passwd", "cl"));
        assertTrue(starts("(?i)wget", "wW"));
        assertTrue(starts("(?<![;&])(?=x)x+", "x"));
        assertTrue(starts("^\\$(?:1|2)\\$", "$"));
        assertTrue(starts("[0-9a-f]{32}", "0123456789abcdef"));
        assertTrue(starts("a?b", null), "the first item may be absent");
        assertTrue(starts("x*", null));
        assertTrue(starts("(?:a|)b", null), "a group that may be empty");
        assertTrue(starts("^\\s*[a-z]{3}", null));
        assertTrue(starts("(a)\\1|b", "ab"));
        assertTrue(starts("(a)|\\1b", null), "a back-reference first: unknown");
        assertTrue(starts("(?P<g>a)(?P=g)", "a"));
        assertTrue(starts("(?:^|;)\\s*id", null), "an alternative that consumes nothing");
        assertTrue(starts(".x", null));
        assertTrue(starts("\\b$", null), "an empty match");
    }

    private record Translated(RegexTable.Case c, PythonRegex.Translation t) {}

    /** The regex table's cases whose pattern translates (the others are the table's syntax errors). */
    private static List<Translated> translatedTable() {
        List<Translated> out = new ArrayList<>();
        for (RegexTable.Case c : RegexTable.cases()) {
            try {
                out.add(new Translated(c, PythonRegex.translate(c.pattern())));
            } catch (PatternSyntaxException e) {
                // Python rejects it too: the table checks that elsewhere
            }
        }
        return out;
    }

    @Test
    void everyTranslatedMatchOfTheRegexTableStartsWithAMemberOfItsStartSet() {
        List<String> failures = new ArrayList<>();
        int known = 0;
        for (Translated tc : translatedTable()) {
            RegexTable.Case c = tc.c();
            PythonRegex.Translation t = tc.t();
            known += t.literals().start() == null ? 0 : 1;
            String failure = unsoundStart(t, c.pattern(), c.input());
            if (failure != null) {
                failures.add(failure);
            }
        }
        assertTrue(known > 100, "many table patterns have a known first char: " + known);
        assertTrue(failures.isEmpty(), failures.size() + " unsound start sets:\n" + String.join("\n", failures));
    }

    @Test
    void everyTranslatedMatchOfTheRegexTableHoldsEverySet() {
        List<String> failures = new ArrayList<>();
        int matched = 0;
        int prefiltered = 0;
        for (Translated tc : translatedTable()) {
            RegexTable.Case c = tc.c();
            PythonRegex.Translation t = tc.t();
            Matcher m = PythonRegex.compile(t, c.pattern()).matcher(c.input());
            if (!m.find()) {
                continue;
            }
            matched++;
            if (t.literals().none()) {
                continue;
            }
            prefiltered++;
            if (!holdsAll(t.literals(), c.input())) {
                failures.add("/" + c.pattern() + "/ matched \"" + c.input() + "\" but not every one of "
                        + t.literals() + " occurs");
            }
        }
        assertTrue(matched > 500, "the table exercised the prefilter: " + matched + " matches");
        assertTrue(prefiltered > 100, "many translated patterns have literals: " + prefiltered);
        assertTrue(failures.isEmpty(), failures.size() + " unsound extractions:\n" + String.join("\n", failures));
    }

    @Property(tries = 3000)
    void everyMatchHoldsEverySet(@ForAll("patterns") String python, @ForAll("texts") String text) {
        PythonRegex.Translation t;
        try {
            t = PythonRegex.translate(python);
        } catch (PatternSyntaxException e) {
            return;
        }
        if (PythonRegex.compile(t, python).matcher(text).find()) {
            assertTrue(holdsAll(t.literals(), text),
                    () -> python + " matched '" + text + "' but not every one of " + t.literals() + " occurs");
        }
        String failure = unsoundStart(t, python, text);
        assertTrue(failure == null, failure);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withChars("abcABC/-. xyzK\u212A\u017Fs\u0130\u0131iI07\u0663_\t\né\u4e2d")
                .ofMaxLength(24);
    }

    @Provide
    Arbitrary<String> patterns() {
        Arbitrary<String> atom = Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcxyzABCs/-iI").ofMinLength(1).ofMaxLength(4),
                Arbitraries.of(".", "\\s", "\\d", "\\w", "[abc]", "[aA]", "[a-c]", "[^a]", "[i-k]", "\\b", "^", "$",
                        "[\\d_]", "[\\s.]", "[0-9]", "[\\W]", "(?a:\\d)", "(?a:\\w)", "[\\u0663x]",
                        "(?=\\s|$)", "(?=[a/]|b)", "\\A", "\\Z", "(?=é)",
                        "\\.", "\\x41", "\\u0062", "k", "(?=a)", "(?!b)", "(?<=a)", "\\B", "(?i:k)", "(?a:s)"));
        Arbitrary<String> quantified = Combinators.combine(atom,
                Arbitraries.of("", "", "", "?", "*", "+", "{2}", "{1,3}", "{0,2}", "+?", "{,2}")).as((a, q) -> {
            if (a.startsWith("(?") || a.equals("^") || a.equals("$") || a.startsWith("\\b") || a.equals("\\B")
                    || a.equals("\\A") || a.equals("\\Z")) {
                return a;
            }
            return a.length() > 1 && !a.startsWith("\\") && !a.startsWith("[") ? "(?:" + a + ")" + q : a + q;
        });
        Arbitrary<String> seq = quantified.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("", l));
        Arbitrary<String> group = Combinators.combine(seq, seq, Arbitraries.of("(", "(?:", "(?i:", "(?P<g>", "(?="))
                .as((a, b, open) -> open + a + "|" + b + ")");
        return Arbitraries.oneOf(seq, group, Combinators.combine(seq, group, seq).as((a, b, c) -> a + b + c),
                Combinators.combine(seq, seq).as((a, b) -> "(?i)" + a + "|" + b),
                Combinators.combine(seq, seq).as((a, b) -> "(?ai)" + a + b),
                Combinators.combine(seq, seq).as((a, b) -> "(?m)" + a + "|" + b),
                Combinators.combine(seq, seq).as((a, b) -> "\\b" + a + "\\b|" + b + "$"));
    }
}
