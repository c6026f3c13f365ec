package org.ttp4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.ttp4j.rule.CompileResult;
import org.ttp4j.rule.Match;
import org.ttp4j.rule.PythonRegex;
import org.ttp4j.rule.RegexTable;
import org.ttp4j.rule.RuleCompiler;

/** The ASCII automaton (docs/engine.md §9) gives Python's answer: the regex table's, and the translation's. */
class AsciiAutomatonTest {

    private static final Path PACK = Path.of("../..", "rules", "ttp");

    private static int search(String pattern, String text) {
        Pattern regex = PythonRegex.compile(pattern);
        AsciiNfa nfa = AsciiNfa.of(pattern, regex);
        return nfa == null ? LazyDfa.UNKNOWN : new LazyDfa(nfa).search(text);
    }

    private static boolean ascii(String s) {
        return s.chars().allMatch(c -> c < 128);
    }

    @Test
    void everyAsciiRowOfTheRegexTableGetsPythonsAnswer() {
        int decided = 0;
        int rows = 0;
        List<String> wrong = new ArrayList<>();
        for (RegexTable.Case c : RegexTable.cases()) {
            if (c.expected().equals("error") || !ascii(c.input())) {
                continue;
            }
            rows++;
            int answer = search(c.pattern(), c.input());
            if (answer == LazyDfa.UNKNOWN) {
                continue;
            }
            decided++;
            boolean python = !c.expected().equals("-");
            if ((answer == LazyDfa.YES) != python) {
                wrong.add("regex-table.tsv:" + c.line() + ": /" + c.pattern() + "/ on \"" + c.input() + "\": python "
                        + c.expected() + ", automaton " + (answer == LazyDfa.YES ? "match" : "none"));
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(decided > rows * 3 / 4, "the automaton takes most of the table: " + decided + " of " + rows);
    }

    @Test
    void ourPacksPatternsAgreeWithTheirTranslationOnRandomAsciiText() throws Exception {
        List<String> patterns = packPatterns();
        assertTrue(patterns.size() >= 50, "our pack's patterns: " + patterns.size());
        Random r = new Random(7);
        int taken = 0;
        int matched = 0;
        for (String p : patterns) {
            Pattern regex = PythonRegex.compile(p);
            AsciiNfa nfa = AsciiNfa.of(p, regex);
            if (nfa == null) {
                continue;
            }
            taken++;
            LazyDfa dfa = new LazyDfa(nfa);
            String words = p.replaceAll("[^A-Za-z0-9/._ -]", " ");
            for (int k = 0; k < 3_000; k++) {
                String text = text(r, words);
                int answer = dfa.search(text);
                boolean java = regex.matcher(text).find();
                assertEquals(java ? LazyDfa.YES : LazyDfa.NO, answer, () -> "/" + p + "/ on \"" + text + "\"");
                matched += java ? 1 : 0;
            }
        }
        assertTrue(taken >= patterns.size() - 4, "the automaton takes all but a few of our patterns: " + taken);
        assertTrue(matched > 5_000, "the texts reach matches: " + matched);
    }

    @Test
    void randomPatternsGetPythonsAnswerOnRandomText() throws Exception {
        // automaton-table.tsv (core/core/src/test/python/automaton_table.py): Python's re.search over random patterns
        // of what the automaton takes and random ASCII texts
        int patterns = 0;
        int taken = 0;
        int decided = 0;
        int matches = 0;
        List<String> wrong = new ArrayList<>();
        List<String> lines;
        try (var in = AsciiAutomatonTest.class.getResourceAsStream("automaton-table.tsv")) {
            lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        }
        assertTrue(lines.get(0).startsWith("# Generated") && lines.get(1).startsWith("# pattern"), "the header");
        for (int n = 2; n < lines.size(); n++) { // a pattern may start with '#'
            String[] f = lines.get(n).split("\t", -1);
            String p = RegexTable.unescape(f[0]);
            patterns++;
            Pattern regex = PythonRegex.compile(p);
            AsciiNfa nfa = AsciiNfa.of(p, regex);
            if (nfa == null) {
                continue;
            }
            taken++;
            LazyDfa dfa = new LazyDfa(nfa);
            for (int k = 1; k < f.length; k++) {
                boolean python = f[k].charAt(0) == '1';
                String text = RegexTable.unescape(f[k].substring(2));
                int answer = dfa.search(text);
                if (answer == LazyDfa.UNKNOWN) {
                    continue;
                }
                decided++;
                matches += python ? 1 : 0;
                if ((answer == LazyDfa.YES) != python) {
                    wrong.add("automaton-table.tsv:" + (n + 1) + ": /" + p + "/ on \"" + text + "\": python "
                            + (python ? "match" : "none"));
                }
            }
        }
        assertEquals(List.of(), wrong.subList(0, Math.min(wrong.size(), 20)), wrong.size() + " wrong");
        assertTrue(patterns >= 2_000, "the table's patterns: " + patterns);
        assertTrue(taken > patterns * 9 / 10, "the automaton takes nearly all: " + taken + " of " + patterns);
        assertTrue(matches > decided / 5 && matches < decided * 4 / 5, "both answers are common: " + matches
                + " matches of " + decided);
    }

    private static final String PUNCTUATION = ";&|\n\t'\"$(){}=+%@#-/.";

    /** Pieces of the pattern's own words, separators and line breaks, so that matches and near misses both occur. */
    private static String text(Random r, String words) {
        String[] parts = words.trim().split(" +");
        StringBuilder b = new StringBuilder();
        for (int n = r.nextInt(8); n >= 0; n--) {
            switch (r.nextInt(9)) {
                case 0 -> b.append(' ');
                case 1 -> b.append(PUNCTUATION.charAt(r.nextInt(PUNCTUATION.length())));
                case 2 -> b.append((char) r.nextInt(128));
                case 3 -> b.append(Integer.toHexString(r.nextInt(4096)));
                default -> {
                    String w = parts[r.nextInt(parts.length)];
                    b.append(r.nextInt(4) == 0 ? w.toUpperCase() : w);
                }
            }
            if (r.nextBoolean()) {
                b.append(' ');
            }
        }
        return b.toString();
    }

    private static List<String> packPatterns() throws Exception {
        RuleCompiler compiler = new RuleCompiler();
        List<String> patterns = new ArrayList<>();
        try (Stream<Path> files = Files.list(PACK)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                if (compiler.compile(f) instanceof CompileResult.Compiled c && c.rule().match() instanceof Match.Regex m) {
                    assertTrue(m.translated(), "the compiler's match holds the translation of its pattern");
                    patterns.add(m.pattern());
                }
            }
        }
        return patterns;
    }

    @Test
    void lineEndsWordEdgesAndTrailingLookAheadsAsPythonHasThem() {
        // $ also before a final newline, (?m)$ before any; \B never in an empty string; ^ only at the start
        assertEquals(LazyDfa.YES, search("a$", "a\n"));
        assertEquals(LazyDfa.NO, search("a$", "a\n\n"));
        assertEquals(LazyDfa.YES, search("(?m)a$", "a\nb"));
        assertEquals(LazyDfa.NO, search("a\\Z", "a\n"));
        assertEquals(LazyDfa.NO, search("\\B", ""));
        assertEquals(LazyDfa.YES, search("\\B", " "));
        assertEquals(LazyDfa.NO, search("\\b", ""));
        assertEquals(LazyDfa.NO, search("^b", "ab"));
        assertEquals(LazyDfa.YES, search("(?m)^b", "a\nb"));
        assertEquals(LazyDfa.YES, search("(?m)^\\Z", "a\n"));
        assertEquals(LazyDfa.YES, search("\\bid\\b", "x;id"));
        assertEquals(LazyDfa.NO, search("\\bid\\b", "idx"));
        // an anchored pattern stops reading once no match can follow; (?m)^ can match again after a newline
        assertEquals(LazyDfa.NO, search("^abc", "xabc"));
        assertEquals(LazyDfa.YES, search("^abc", "abcx"));
        assertEquals(LazyDfa.NO, search("^\\s*[a-z]{3}\\s+\\d{2}$", "abc 12 " + "x".repeat(10_000)));
        assertEquals(LazyDfa.YES, search("(?m)^abc", "x\nabc"));
        assertEquals(LazyDfa.YES, search("\\Aa|b", "xxb"));
        // the loop of a repeat whose body grows the NFA's arrays: no match before a 'b' (a lost write once matched)
        assertEquals(LazyDfa.NO, search("(?:a{70})*b", "x"));
        assertEquals(LazyDfa.YES, search("(?:a{70})*b", "b"));
        // a trailing look-ahead, positive and negative (a run of single-char atoms)
        assertEquals(LazyDfa.YES, search("(?:^|;)id(?=\\s|$|[;&])", "x;id;"));
        assertEquals(LazyDfa.NO, search("(?:^|;)id(?=\\s|$|[;&])", "x;idx"));
        assertEquals(LazyDfa.NO, search("\\bid_rsa\\b(?!\\.pub)", "cat id_rsa.pub"));
        assertEquals(LazyDfa.YES, search("\\bid_rsa\\b(?!\\.pub)", "cat id_rsa.pu"));
        assertEquals(LazyDfa.YES, search("\\bid_rsa\\b(?!\\.pub)", "cat id_rsa.pub id_rsa"));
        assertEquals(LazyDfa.NO, search("/etc/passwd(?![\\w.-])", "/etc/passwd-"));
        assertEquals(LazyDfa.YES, search("/etc/passwd(?![\\w.-])", "/etc/passwd"));
        // (?i) folds what Python folds: the Kelvin sign and the long s match ASCII k and s
        assertEquals(LazyDfa.YES, search("(?i)\u212a", "k"));
        assertEquals(LazyDfa.YES, search("(?i)\u017f", "S"));
        assertEquals(LazyDfa.NO, search("\u212a", "k"));
        assertEquals(LazyDfa.NO, search("(?i)[^a-z]", "A"));
        // Python's \s holds U+001C..U+001F; (?a)'s does not
        assertEquals(LazyDfa.YES, search("a\\sb", "a\u001cb"));
        assertEquals(LazyDfa.NO, search("(?a)a\\sb", "a\u001cb"));
    }

    @Test
    void whatItDoesNotTakeIsLeftToTheRegex() {
        for (String p : List.of("(a)\\1", "(?<=a)b", "(?<!a)b", "a(?=b)c", "(?:a(?!b))c", "(?i:a)b", "(?x) a b",
                "(?>ab)", "a*+", "\\N{LATIN SMALL LETTER A}", "(?P<g>a)(?P=g)", "a{1000}{1000}", "(?(1)a|b)")) {
            Pattern regex;
            try {
                regex = PythonRegex.compile(p);
            } catch (RuntimeException e) {
                continue; // Python rejects it too
            }
            assertNull(AsciiNfa.of(p, regex), p);
        }
        // a pattern compiled elsewhere (not the compiler's translation of the text) keeps its own regex
        Match.Regex foreign = new Match.Regex(null, "a.c", Pattern.compile("a.c"), java.util.Map.of());
        assertTrue(!foreign.translated());
        assertNull(AsciiNfa.of(foreign));
        Match.Regex same = new Match.Regex(null, "a.c", PythonRegex.compile("a.c"), java.util.Map.of());
        assertNotNull(AsciiNfa.of(same), "a regex from elsewhere that is the translation is checked and taken");
    }

    @Test
    void aTableFullOfStatesStartsAgainAndSaysUnknown() {
        // each distinct window of the last 12 chars is a state: random text fills the table
        String p = "a[ab]{12}c";
        Pattern regex = PythonRegex.compile(p);
        LazyDfa dfa = new LazyDfa(AsciiNfa.of(p, regex));
        Random r = new Random(1);
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < 200_000; k++) {
            b.append(r.nextBoolean() ? 'a' : 'b');
        }
        assertEquals(LazyDfa.UNKNOWN, dfa.search(b.toString()));
        assertEquals(LazyDfa.YES, dfa.search("xx" + "a".repeat(13) + "c"), "it works again after the reset");
        assertEquals(LazyDfa.NO, dfa.search("xx" + "a".repeat(11) + "c"));
        // few states, but each holds a state per count of the repeat: their sets together fill the table too
        String wide = "[a-z]{1,1000}!";
        Pattern wideRegex = PythonRegex.compile(wide);
        LazyDfa counted = new LazyDfa(AsciiNfa.of(wide, wideRegex));
        assertEquals(LazyDfa.UNKNOWN, counted.search("a".repeat(5_000)));
        assertEquals(LazyDfa.YES, counted.search("ab!"));
    }
}
