package org.ttp4j.rule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The translation's API, its error messages and positions, and the documented gaps. */
class PythonRegexTest {

    @Test
    void theAsciiCaseGroupsWrittenOutAreThoseOfTheScanOfTheJdksCaseTables() {
        for (int cp = 0; cp < 128; cp++) {
            assertArrayEquals(PythonRegex.Full.of(cp), PythonRegex.CaseGroups.of(cp), "group of " + cp);
            assertEquals(PythonRegex.Full.foldsToOne(cp), PythonRegex.CaseGroups.foldsToOne(cp), "folds to one: " + cp);
        }
        int ranges = 0;
        for (int lo = 0; lo < 128; lo += 3) {
            for (int hi = lo; hi < 128; hi += 5) {
                List<Integer> full = new ArrayList<>();
                List<Integer> ascii = new ArrayList<>();
                PythonRegex.Full.partnersOutside(lo, hi, full::add);
                PythonRegex.CaseGroups.partnersOutside(lo, hi, ascii::add);
                assertEquals(full, ascii, "partners of [" + lo + "-" + hi + "]");
                ranges++;
            }
        }
        List<Integer> ik = new ArrayList<>();
        PythonRegex.CaseGroups.partnersOutside('i', 'k', ik::add);
        assertEquals(List.of((int) 'I', 0x130, 0x131, (int) 'J', (int) 'K', 0x212a), ik);
        assertTrue(ranges > 500);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "a**|multiple repeat|2",
            "*a|nothing to repeat|0",
            "(ab|missing ), unterminated subpattern|0",
            "ab)|unbalanced parenthesis|2",
            "[ab|unterminated character set|0",
            "[z-a]|bad character range z-a|1",
            "a{3,1}|min repeat greater than max repeat|1",
            "\\q|bad escape \\q|0",
            "\\p{L}|bad escape \\p|0",
            "\\z|bad escape \\z|0",
            "(?<n>a)|unknown extension ?<n|3",
            "(?P=nope)|unknown group name 'nope'|0",
            "(a)\\2|invalid group reference 2|4",
            "(a\\1)|cannot refer to an open group|2",
            "\\x4|incomplete escape \\x4|0",
            "\\400|octal escape value \\400 outside of range 0-0o377|0",
            "a(?i)b|global flags not at the start of the expression|1",
            "(?L)a|bad inline flags: cannot use 'L' flag with a str pattern|2",
            "(?P<a>x)(?P<a>y)|redefinition of group name 'a' as group 2; was group 1|8",
            "\\N{NO SUCH THING}|undefined character name 'NO SUCH THING'|0"})
    void rejectsWhatPythonRejectsWithAPosition(String pattern, String description, int index) {
        PatternSyntaxException e = assertThrows(PatternSyntaxException.class, () -> PythonRegex.compile(pattern));
        assertEquals(description, e.getDescription());
        assertEquals(index, e.getIndex());
        assertEquals(pattern, e.getPattern());
    }

    @Test
    void ignoreCaseFollowsPythonsFoldingNotJavas() {
        // Java's UNICODE_CASE alone misses each of these; Python matches them
        assertTrue(PythonRegex.compile("(?i)[A-Z]").matcher("\u212a").matches()); // Kelvin sign
        assertTrue(PythonRegex.compile("(?i)[A-Z]").matcher("\u0130").matches()); // I with dot above
        assertTrue(PythonRegex.compile("(?i)[J-L]").matcher("\u212a").matches());
        assertTrue(PythonRegex.compile("(?i)[\u2129-\u212b]").matcher("k").matches());
        assertTrue(PythonRegex.compile("(?i)\u00df").matcher("\u1e9e").matches());
        assertTrue(PythonRegex.compile("(?i)\u0390").matcher("\u1fd3").matches());
        assertTrue(PythonRegex.compile("(?i)\ufb05").matcher("\ufb06").matches());
        assertTrue(!PythonRegex.compile("(?i)[^A-Z]").matcher("\u212a").matches());
        assertTrue(!PythonRegex.compile("(?ai)[A-Z]").matcher("\u212a").matches());
        assertEquals("[A-Zabcdefghi\u0130\u0131jk\u212almnopqrs\u017ftuvwxyz]", PythonRegex.translate("(?i)[A-Z]").javaRegex());
    }

    @Test
    void aBoundaryNextToALiteralWordCharacterIsOneLookAround() {
        // Java tries a pattern's first node at every start position: two look-arounds there instead of four matter.
        // The regex table proves the answers equal Python's; this pins the cheaper form.
        String w = "[\\p{L}\\p{N}_]";
        assertEquals("(?<!" + w + ")ifconfig(?!" + w + ")", PythonRegex.translate("\\bifconfig\\b").javaRegex());
        assertEquals("(?<![a-zA-Z0-9_])id(?![a-zA-Z0-9_])", PythonRegex.translate("(?a)\\bid\\b").javaRegex());
        // an optional neighbour may be absent: the full boundary stays
        String full = PythonRegex.translate("\\b").javaRegex();
        assertEquals("a?" + full + "-", PythonRegex.translate("a?\\b-").javaRegex());
        assertEquals(full + "x{0,2}", PythonRegex.translate("\\bx{0,2}").javaRegex());
    }

    @Test
    void backReferenceUnderIgnoreCaseIsAKnownGap() {
        // Python compares a back-reference by simple lowercase only, so "I" and dotless i differ there;
        // Java's case folding equates them. Pinned so that a change is noticed.
        assertTrue(PythonRegex.compile("(?i)(.)\\1").matcher("Ii").matches());
        assertTrue(PythonRegex.compile("(?i)(.)\\1").matcher("I\u0131").matches());
    }

    @Test
    void conditionalGroupsAreAKnownGapRejectedClearly() {
        // Python accepts (?(1)b|c); java.util.regex has no conditional, so the rule fails at load time
        PatternSyntaxException e = assertThrows(PatternSyntaxException.class, () -> PythonRegex.compile("(a)?(?(1)b|c)"));
        assertEquals("conditional groups (?(id)yes|no) are not supported", e.getDescription());
        assertEquals(4, e.getIndex());
    }

    @Test
    void backReferenceInALookBehindIsAKnownGapRejectedClearly() {
        // Python accepts it (group 1 has a fixed width); Java cannot bound a back-reference in a look-behind
        PatternSyntaxException e = assertThrows(PatternSyntaxException.class, () -> PythonRegex.compile("(ab)(?<=\\1)d"));
        assertTrue(e.getDescription().startsWith("Java cannot compile the translation /(ab)(?<=(?:\\1))d/: "),
                e.getDescription());
    }

    @Test
    void lookBehindMustHaveAFixedWidthAsInPython() {
        // Java alone would accept these bounded widths
        for (String p : new String[] {"(?<=a|bc)d", "(?<!a{1,2})b", "(?<=x(?:a|bc))d", "(a|bc)(?<=\\1)d"}) {
            PatternSyntaxException e = assertThrows(PatternSyntaxException.class, () -> PythonRegex.compile(p), p);
            assertEquals("look-behind requires fixed-width pattern", e.getDescription(), p);
        }
        assertTrue(PythonRegex.compile("(?<=ab|cd|\\w\\s)e").matcher("cde").find());
        assertTrue(PythonRegex.compile("(?<=(?:ab){2})c").matcher("ababc").find());
    }

    @Test
    void translationUsesUnixLinesAndUnicodeCaseOnlyWhereAsked() {
        PythonRegex.Translation plain = PythonRegex.translate("a.b$");
        assertEquals("a.b$", plain.javaRegex());
        assertEquals(Pattern.UNIX_LINES, plain.flags());
        // Unicode (?i) is spelled out in the translation, since Java's own folding differs from Python's
        PythonRegex.Translation ci = PythonRegex.translate("(?i)wget");
        assertEquals(Pattern.UNIX_LINES, ci.flags());
        assertEquals("[Ww]get", PythonRegex.translate("(?i)w").javaRegex() + "get");
        assertEquals(Pattern.UNIX_LINES | Pattern.CASE_INSENSITIVE, PythonRegex.translate("(?ai)wget").flags());
        assertEquals(Pattern.UNIX_LINES | Pattern.DOTALL, PythonRegex.translate("(?s).").flags());
    }

    @Test
    void pythonSpellingsTranslate() {
        assertEquals("\\$\\{[^}]*\\}", PythonRegex.translate("\\${[^}]*}").javaRegex());
        assertEquals("a{0,3}", PythonRegex.translate("a{,3}").javaRegex());
        assertEquals("(a)(?:\\1)", PythonRegex.translate("(?P<x>a)(?P=x)").javaRegex());
        assertEquals("a\\z", PythonRegex.translate("a\\Z").javaRegex());
        assertEquals("\\x{b}", PythonRegex.translate("\\v").javaRegex());
        // a backreference followed by a digit stays a backreference in Java
        assertEquals("(a)(?:\\1)1", PythonRegex.translate("(a)\\1\\x31").javaRegex());
    }

    @Test
    void namedGroupsKeepTheirNumbers() {
        var m = PythonRegex.compile("(?P<user>\\w+)@(?P<host>[\\w.]+)").matcher("mail alice@example.org now");
        assertTrue(m.find());
        assertEquals("alice", m.group(1));
        assertEquals("example.org", m.group(2));
    }

    @Test
    void compiledPatternsAreSharedSafely() {
        Pattern p = PythonRegex.compile("(?i)\\bwget\\b");
        assertTrue(p.matcher("WGET x").find());
        assertTrue(!p.matcher("wgetx").find());
    }

    /** Python 3's re.match(r'\s', chr(c)) over all code points (str.isspace(): Unicode White_Space and U+001C..1F). */
    private static final int[] PYTHON_SPACE = {0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0,
        0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028,
        0x2029, 0x202f, 0x205f, 0x3000};

    @Test
    void unicodeSpaceIsPythonsSetOverEveryCodePointInEveryPlaceAClassCanStand() {
        java.util.Set<Integer> space = new java.util.HashSet<>();
        for (int c : PYTHON_SPACE) {
            space.add(c);
        }
        Pattern s = PythonRegex.compile("\\s");
        Pattern notS = PythonRegex.compile("\\S");
        Pattern inClass = PythonRegex.compile("[\\s]");
        Pattern negated = PythonRegex.compile("[^\\s]");
        Pattern mixed = PythonRegex.compile("[x\\s]");
        Pattern notSInClass = PythonRegex.compile("[\\S]");
        for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
            String text = Character.toString(c);
            boolean expected = space.contains(c);
            assertEquals(expected, s.matcher(text).matches(), () -> "\\s on U+" + Integer.toHexString(text.codePointAt(0)));
            assertEquals(!expected, notS.matcher(text).matches(), () -> "\\S on U+" + Integer.toHexString(text.codePointAt(0)));
            assertEquals(expected, inClass.matcher(text).matches());
            assertEquals(!expected, negated.matcher(text).matches());
            assertEquals(expected || c == 'x', mixed.matcher(text).matches());
            assertEquals(!expected, notSInClass.matcher(text).matches());
        }
    }
}
