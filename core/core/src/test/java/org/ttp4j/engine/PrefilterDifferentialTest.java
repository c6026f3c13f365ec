package org.ttp4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ttp4j.index.RuleIndex;
import org.ttp4j.index.TestRules;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Emit;
import org.ttp4j.rule.Match;
import org.ttp4j.rule.RuleState;

/**
 * The prefilter must never change a result: the engine with it and the plain loop over every rule (what
 * DECNET does) give identical tags on a large generated set of rules and events.
 */
class PrefilterDifferentialTest {

    private static final String[] WORDS = {"wget", "curl", "http", "https", "://", "/etc/passwd", "/etc/shadow",
            "chmod", "+x", "nc", "-e", "/bin/sh", "bash", "-i", "base64", "-d", "sudo", "-l", "uname", "-a", "whoami",
            "id", "cat", "ls", "/tmp/", ".sh", "python", "-c", "import", "socket", "crontab", "ssh", "authorized_keys",
            "xmrig", "stratum+tcp", "../", "%2e%2e", "select", "union", "admin", "${jndi:", "ldap", "passwd", "root"};
    private static final String[] FIELDS = {null, null, null, "cwd", "user"};
    private static final String[] KINDS = {"command", "http_request", "email"};

    private static String field(Random r) {
        return FIELDS[r.nextInt(FIELDS.length)];
    }

    private static String word(Random r) {
        String w = WORDS[r.nextInt(WORDS.length)];
        return switch (r.nextInt(6)) {
            case 0 -> w.toUpperCase();
            case 1 -> w.substring(0, Math.max(1, w.length() - 1));
            default -> w;
        };
    }

    /** Python's re.escape, more or less: every character but a word character escaped. */
    private static String quote(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(Character.isLetterOrDigit(c) || c == '_' ? "" : "\\").append(c);
        }
        return b.toString();
    }

    private static String pattern(Random r) {
        return switch (r.nextInt(16)) {
            case 0 -> quote(word(r));
            case 1 -> "(?i)" + quote(word(r)) + "\\s+" + quote(word(r));
            case 2 -> "(?:" + quote(word(r)) + "|" + quote(word(r)) + ")\\s*" + quote(word(r));
            case 3 -> "\\b" + quote(word(r)) + "\\b";
            case 4 -> "^" + quote(word(r));
            case 5 -> quote(word(r)) + "$";
            case 6 -> "[Ww]get|[Cc]url";
            case 7 -> "https?://[^\\s]+\\.sh";
            case 8 -> "\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}"; // no literal but "." : prefiltered on "."
            case 9 -> "(?i)(" + quote(word(r)) + ")?" + quote(word(r));
            case 10 -> r.nextBoolean() ? "^\\s*$" : "(?:\\d{3}){2}"; // no literal: always run
            case 11 -> "(?iu)k" + quote(word(r).toLowerCase());
            case 12 -> quote(word(r)) + ".{0,20}" + quote(word(r));
            // alternations of sequences: each branch's next best literal joins a second set (a word both share)
            case 14 -> "\\b" + quote(word(r)) + "\\s+" + quote(word(r)) + "|" + quote(word(r)) + ".*" + quote(word(r))
                    + "|" + quote(word(r));
            case 15 -> "(?i)(?:" + quote(word(r)) + "\\s*" + quote(word(r)) + "|" + quote(word(r)) + "\\s+-"
                    + quote(word(r)) + ")\\b";
            default -> "(?i)" + quote(word(r)) + "+";
        };
    }

    private static List<CompiledRule> rules(Random r, int n) {
        List<CompiledRule> rules = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            String p = pattern(r);
            Match.Regex match;
            try {
                match = TestRules.match(field(r), p, Map.of("pattern", p));
            } catch (PatternSyntaxException e) {
                continue;
            }
            List<String> kinds = new ArrayList<>(List.of(KINDS[r.nextInt(KINDS.length)]));
            if (r.nextInt(4) == 0) {
                kinds.add(KINDS[r.nextInt(KINDS.length)]);
            }
            RuleState state = switch (r.nextInt(10)) {
                case 0 -> RuleState.of(RuleState.Mode.DISABLED);
                case 1 -> new RuleState(RuleState.Mode.CLIPPED, 0.3, null, null, null, null);
                case 2 -> new RuleState(RuleState.Mode.DISABLED, null, Instant.parse("2020-01-01T00:00:00Z"),
                        null, null, null); // expired: fires
                default -> RuleState.DEFAULT;
            };
            rules.add(TestRules.rule(String.format("R%05d", r.nextInt(100_000)), 1 + r.nextInt(3),
                    match, kinds,
                    List.of(new Emit("T1059", r.nextBoolean() ? "T1059.004" : null, "TA0002", 0.5 + r.nextInt(5) / 10.0)),
                    List.of("cwd"), state));
        }
        return rules;
    }

    private static String text(Random r) {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(8);
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                b.append(r.nextInt(5) == 0 ? "" : " ");
            }
            switch (r.nextInt(12)) {
                case 0 -> b.append(r.nextInt(256)).append('.').append(r.nextInt(256)).append(".1.").append(r.nextInt(9));
                case 1 -> b.append('\u212A'); // KELVIN SIGN: matches k under (?iu)
                case 2 -> b.append("x\u00e9\u4e2d");
                default -> b.append(word(r));
            }
        }
        return b.toString();
    }

    private static Event event(Random r, int k) {
        String kind = KINDS[r.nextInt(KINDS.length)];
        Map<String, Object> p = new HashMap<>();
        String main = switch (kind) {
            case "command" -> "command_text";
            case "http_request" -> "raw_url";
            default -> "subject";
        };
        p.put(main, r.nextInt(20) == 0 ? Integer.valueOf(7) : text(r));
        if (r.nextBoolean()) {
            p.put("cwd", text(r));
        }
        if (r.nextInt(3) == 0) {
            p.put("user", r.nextBoolean() ? "root" : text(r));
        }
        return new Event(kind, "ev_" + k, "att", null, null, null, p);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void prefilterGivesTheSameTagsAsThePlainLoop(long seed) {
        Random r = new Random(seed);
        RuleIndex index = new RuleIndex(RuleIndex.engineOwned());
        index.replaceAll(rules(r, 200));
        // changes after the bulk build: some segments leave the bucket-wide scan, some split
        for (CompiledRule changed : rules(r, 120)) {
            index.apply(new org.ttp4j.store.RuleChange.Definition(changed.ruleId(), changed));
        }
        EngineOptions base = EngineOptions.DEFAULTS.withClock(RuleEngineTest.CLOCK);
        RuleEngine fast = new RuleEngine(index, base);
        RuleEngine plain = new RuleEngine(index, base.withPrefilter(false));
        int tagged = 0;
        int tags = 0;
        for (int k = 0; k < 20_000; k++) {
            Event e = event(r, k);
            List<Tag> expected = plain.evaluate(e);
            assertEquals(expected, fast.evaluate(e), () -> "event " + e);
            tagged += expected.isEmpty() ? 0 : 1;
            tags += expected.size();
        }
        assertTrue(tagged > 1_000 && tagged < 19_500, "a meaningful mix of matching and non-matching events: " + tagged);
        assertTrue(tags > tagged, "some events match several rules");
    }

    // --- adversarial Python patterns: the constructs where a literal extraction goes wrong -----------------

    /** Case pairs Java folds under (?i) (Kelvin sign, long s, dotted/dotless i, micro, sigma, titlecase), escapes. */
    private static final String[] PY_LITERALS = {"a", "b", "k", "K", "s", "S", "\u017f", "\u212a", "\u00df",
            "\u1e9e", "i", "I", "\u0130", "\u0131", "\u00b5", "\u03bc", "\u03c3", "\u03c2", "\u03a3", "\u01c5",
            "\u01c6", "ab", "ss", "kk", "\\x41", "\\x6b", "\\u212a", "\\N{LATIN SMALL LETTER A}", "\\101", "\\.",
            "\\\\", "\\n", "\\{", "{", "}", "]", "-", "\ud801\udc00"};
    private static final String[] PY_ATOMS = {".", "\\s", "\\d", "\\w", "\\W", "\\b", "\\B", "^", "$", "\\A",
            "\\Z", "[ab]", "[aA]", "[a-c]", "[^a]", "[k]", "[\u212a]", "[j-l]", "[R-T]", "[\u017f]", "[]a]", "[a-]",
            "[\\x41-\\x43]", "[\\w.]", "(?i:k)", "(?-i:k)", "(?s:.)", "(?a:k)", "(?x: a b )", "(?#c)", "(?=a)",
            "(?!a)", "(?<=a)", "(?<!a)", "\\1", "(?P=g)", "()", "(|a)", "(a|)", "(a||b)", "(?=\\s|$)", "(?=[;|]|b)",
            "(?=\u00e9|\\d)"};
    private static final String[] PY_QUANTIFIERS = {"", "", "", "?", "*", "+", "{0}", "{2}", "{1,3}", "{0,2}", "{,2}",
            "{2,}", "+?", "??", "{0}?"};
    private static final String[] PY_GROUPS = {"(", "(?:", "(?i:", "(?-i:", "(?P<g>", "(?s:", "(?=", "(?!", "(?a:"};
    private static final String TEXT_CHARS = "abcksxKSi \n.-\\{}]A\u017f\u212a\u00df\u1e9eI\u0130\u0131"
            + "\u00b5\u03bc\u039c\u00e5\u212b\u00c5\u01c4\u01c5\u01c6\u03c3\u03c2\u03a3\u0345\u1fbe";

    private static String pyAtom(Random r, int depth) {
        int c = r.nextInt(10);
        if (c < 4 || (c >= 7 && depth > 2)) {
            return PY_LITERALS[r.nextInt(PY_LITERALS.length)];
        }
        if (c < 7) {
            return PY_ATOMS[r.nextInt(PY_ATOMS.length)];
        }
        StringBuilder b = new StringBuilder(PY_GROUPS[r.nextInt(PY_GROUPS.length)]);
        for (int a = 0, n = 1 + r.nextInt(3); a < n; a++) {
            b.append(a > 0 ? "|" : "").append(pySequence(r, depth + 1));
        }
        return b.append(')').toString();
    }

    private static String pySequence(Random r, int depth) {
        StringBuilder b = new StringBuilder();
        for (int k = 0, n = r.nextInt(5); k < n; k++) {
            b.append(pyAtom(r, depth)).append(PY_QUANTIFIERS[r.nextInt(PY_QUANTIFIERS.length)]);
        }
        return b.toString();
    }

    private static List<CompiledRule> pythonRules(Random r, int n) {
        List<CompiledRule> rules = new ArrayList<>();
        String[] flags = {"", "", "", "(?i)", "(?s)", "(?is)", "(?ia)", "(?m)"};
        while (rules.size() < n) {
            String p = flags[r.nextInt(flags.length)] + pySequence(r, 0) + (r.nextBoolean() ? "" : "|" + pySequence(r, 0));
            Match.Regex match;
            try {
                match = TestRules.match(null, p, Map.of("pattern", p));
            } catch (PatternSyntaxException e) {
                continue;
            }
            rules.add(TestRules.rule(String.format("P%05d", r.nextInt(100_000)), 1, match, List.of("command"),
                    List.of(new Emit("T1059", null, "TA0002", 0.5)), List.of(), RuleState.DEFAULT));
        }
        return rules;
    }

    private static String confusableText(Random r, String near) {
        StringBuilder b = new StringBuilder();
        for (int k = 0, n = r.nextInt(16); k < n; k++) {
            int c = r.nextInt(10);
            if (c < 7) {
                b.append(TEXT_CHARS.charAt(r.nextInt(TEXT_CHARS.length())));
            } else if (c < 8) {
                b.append(r.nextBoolean() ? "\ud801\udc28" : "ss");
            } else if (!near.isEmpty()) { // a piece of some rule's pattern text: near misses
                int from = r.nextInt(near.length());
                b.append(near, from, Math.min(near.length(), from + 1 + r.nextInt(4)));
            }
        }
        return b.toString();
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12})
    void adversarialPythonPatternsGiveTheSameTagsAsThePlainLoop(long seed) {
        Random r = new Random(seed);
        List<CompiledRule> rules = pythonRules(r, 400);
        RuleIndex index = new RuleIndex(RuleIndex.engineOwned());
        index.replaceAll(rules);
        for (CompiledRule changed : pythonRules(r, 40)) {
            index.apply(new org.ttp4j.store.RuleChange.Definition(changed.ruleId(), changed));
        }
        // a short search cut and step budget: the cut must hold for the prefilter too; hostile rules stay cheap
        EngineOptions base = EngineOptions.DEFAULTS.withClock(RuleEngineTest.CLOCK).withMaxRegexSteps(20_000)
                .withMaxSearchLength(1 + (int) seed % 2 * 11);
        for (EngineOptions options : List.of(base, base.withMaxSearchLength(64 * 1024))) {
            RuleEngine fast = new RuleEngine(index, options);
            RuleEngine plain = new RuleEngine(index, options.withPrefilter(false));
            int tags = 0;
            for (int k = 0; k < 4_000; k++) {
                String near = rules.get(r.nextInt(rules.size())).match() instanceof Match.Regex m ? m.pattern() : "";
                Event e = RuleEngineTest.command(confusableText(r, near));
                List<Tag> expected = plain.evaluate(e);
                assertEquals(expected, fast.evaluate(e), () -> "event " + e);
                tags += expected.size();
            }
            assertTrue(tags > 1_000, "many rules fire: " + tags);
        }
    }

    // --- literals with edges: word boundaries, anchors, one-char look-aheads next to word, non-word, Unicode chars --

    private static final String[] EDGE_PATTERNS = {"\\b(?:w|id|ps|who)\\b", "(?i)\\bk\\b", "(?i)\\b(?:w|k)\\b\\s*($|;)",
        "(?:^|[;&|(`]\\s*|\\$\\(\\s*)(?:whoami|id|w|who)(?=\\s|$|[;&|)`])", "^w$", "(?m)^w$", "\\Aw\\Z", "\\b-c\\b",
        "(?a)\\bw\\b", "w(?=\\d|_)", "(?i)\\bs\\b.*\\bi\\b", "\\bps\\s+-?[aux]+\\b|\\btop\\s+-b\\b", "\\b\\u00e9w\\b",
        "(?i)\\d+foo\\s", "[a-c]{2}w\\W"};
    private static final String[] EDGE_PIECES = {"w", "www", "pwd", "_w", "w_", "\u00e9", "\u4e2d", "w\u00e9", "1", "-c",
        " ", "\n", ";", "&&", "|", "$(", "(", ")", "k", "K", "\u212a", "s", "\u017f", "i", "\u0130", "id", "who",
        "whoami", "ps", "aux", "top", "-b", "-bn1", "\ud801\udc28", "\u0345", "foo", "FOO", "7", "\u0663", "ab",
        "\u3000", "\t"};

    @ParameterizedTest
    @ValueSource(longs = {21, 22})
    void literalsWithEdgesGiveTheSameTagsAsThePlainLoop(long seed) {
        Random r = new Random(seed);
        List<CompiledRule> rules = new ArrayList<>();
        for (int k = 0; k < EDGE_PATTERNS.length; k++) {
            String p = EDGE_PATTERNS[k];
            rules.add(TestRules.rule(String.format("E%03d", k), 1, TestRules.match(null, p, Map.of("pattern", p)),
                    List.of("command"), List.of(new Emit("T1059", null, "TA0002", 0.5)), List.of(), RuleState.DEFAULT));
        }
        rules.addAll(pythonRules(r, 100)); // more than one segment: the bucket-wide scan runs too
        RuleIndex index = new RuleIndex(RuleIndex.engineOwned());
        index.replaceAll(rules);
        EngineOptions options = EngineOptions.DEFAULTS.withClock(RuleEngineTest.CLOCK).withMaxRegexSteps(20_000);
        RuleEngine fast = new RuleEngine(index, options);
        RuleEngine plain = new RuleEngine(index, options.withPrefilter(false));
        int tags = 0;
        for (int k = 0; k < 20_000; k++) {
            StringBuilder b = new StringBuilder();
            for (int n = r.nextInt(6); n >= 0; n--) {
                b.append(EDGE_PIECES[r.nextInt(EDGE_PIECES.length)]);
            }
            Event e = RuleEngineTest.command(b.toString());
            List<Tag> expected = plain.evaluate(e);
            assertEquals(expected, fast.evaluate(e), () -> "event " + e);
            tags += expected.size();
        }
        assertTrue(tags > 2_000, "many rules fire: " + tags);
    }
}
