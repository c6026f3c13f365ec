package org.ttp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line's parsing and help against the command's real syntax (the end-to-end tests run the process). */
class Ttp4jCommandTest {

    private static Args parse(String... argv) {
        return Args.parse(Ttp4jCommand.ROOT, argv, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    }

    /** The usage error {@code argv} gives, as the command prints it before its help hint. */
    private static String error(String... argv) {
        UsageException e = assertThrows(UsageException.class, () -> parse(argv));
        return e.command() + ": " + e.getMessage();
    }

    @Test
    void theSubcommandsAreListedInOrder() {
        assertEquals(List.of("validate", "tag", "run", "watch", "state", "sync", "help"),
                Ttp4jCommand.ROOT.subcommands().stream().map(s -> s.name).toList());
        assertEquals(List.of("get", "set", "list", "history"),
                Ttp4jCommand.ROOT.subcommand("state").subcommands().stream().map(s -> s.name).toList());
    }

    @Test
    void optionsTakeTheirValueAfterASpaceOrAnEqualsSignAndHaveTheirDefaultsWhenAbsent() {
        Args a = parse("tag", "--rules", "rules/ttp", "--events=-", "--strict", "--max-groups", "7");
        assertEquals("ttp4j tag", a.command);
        assertEquals(Path.of("rules/ttp"), a.path("--rules"));
        assertEquals("-", a.value("--events"));
        assertTrue(a.flag("--strict"));
        assertEquals(7, a.intValue("--max-groups"));
        assertEquals("v15.1", a.value("--attack-release"));
        assertEquals("60s", a.value("--lateness"));
        Args b = parse("run");
        assertFalse(b.flag("--strict"));
        assertNull(b.path("--rules"));
        assertNull(b.value("--http"));
        assertEquals(10000, b.intValue("--max-groups"));
    }

    @Test
    void aValueMayStartWithADashUnlessItIsAnOptionAndDoubleDashEndsTheOptions() {
        Args a = parse("state", "set", "R0001", "--state", "enabled", "--reason", "-x noisy", "--by=-");
        assertEquals("-x noisy", a.value("--reason"));
        assertEquals("-", a.value("--by"));
        assertEquals(List.of("R0001"), a.parameters());
        assertEquals("ttp4j tag: Missing required parameter for option '--rules' (DIR)",
                error("tag", "--rules", "--strict"));
        assertEquals("ttp4j state set: Missing required parameter for option '--reason' (TEXT)",
                error("state", "set", "R1", "--state", "enabled", "--reason", "--", "--force"));
        Args b = parse("validate", "--strict", "--", "--allow-empty", "-");
        assertTrue(b.flag("--strict"));
        assertFalse(b.flag("--allow-empty"));
        assertEquals(List.of("--allow-empty", "-"), b.parameters());
        assertEquals(List.of(Path.of("--allow-empty"), Path.of("-")), b.paths());
    }

    @Test
    void flagsAcceptOnlyTrueOrFalseAsAValue() {
        assertTrue(parse("sync", "--once=TRUE").flag("--once"));
        assertFalse(parse("sync", "--once=false").flag("--once"));
        assertEquals("ttp4j sync: Invalid value for option '--once': '3' is not a boolean", error("sync", "--once=3"));
    }

    @Test
    void everyUsageErrorNamesTheCommandItBelongsTo() {
        assertEquals("ttp4j: unknown command 'valdate'", error("valdate", "x"));
        assertEquals("ttp4j state: unknown command 'gte'", error("state", "gte", "R1"));
        assertEquals("ttp4j validate: Missing required parameter: 'PATH'", error("validate"));
        assertEquals("ttp4j validate: Unknown option: '--frobnicate'", error("validate", "--frobnicate", "x"));
        assertEquals("ttp4j validate: Unknown option: '-x'", error("validate", "-x"));
        assertEquals("ttp4j tag: Missing required option: '--rules=DIR'", error("tag"));
        assertEquals("ttp4j tag: Missing required parameter for option '--events' (FILE)",
                error("tag", "--rules", "r", "--events"));
        assertEquals("ttp4j validate: option '--strict' should be specified only once",
                error("validate", "--strict", "--strict", "x"));
        assertEquals("ttp4j state get: Missing required parameter: 'RULE_ID'", error("state", "get"));
        assertEquals("ttp4j state get: Unmatched argument at index 3: 'R0002'", error("state", "get", "R0001", "R0002"));
        assertEquals("ttp4j watch: Unmatched arguments from index 2: 'b', 'c'", error("watch", "a", "b", "c"));
        assertEquals("ttp4j state list: Unmatched argument at index 2: 'extra'", error("state", "list", "extra"));
        assertEquals("ttp4j state set: Error: --ttl=DURATION, --until=INSTANT are mutually exclusive (specify only one)",
                error("state", "set", "R1", "--state", "enabled", "--until", "2030-01-01", "--ttl", "1h"));
    }

    @Test
    void aValueThatDoesNotConvertIsAUsageErrorNamingTheOption() {
        UsageException notInt = assertThrows(UsageException.class,
                () -> parse("tag", "--rules", "r", "--max-groups", "abc").intValue("--max-groups"));
        assertEquals("Invalid value for option '--max-groups': 'abc' is not an int", notInt.getMessage());
        UsageException notDouble = assertThrows(UsageException.class, () -> parse("state", "set", "R1", "--state",
                "clipped", "--confidence-max", "lots").doubleValue("--confidence-max"));
        assertEquals("Invalid value for option '--confidence-max': 'lots' is not a double", notDouble.getMessage());
        UsageException badId = assertThrows(UsageException.class, () -> StateCommand.ruleId(parse("state", "get", "a-b")));
        assertEquals("Invalid value for positional parameter at index 0 (RULE_ID): 'a-b' is not a rule id ([A-Za-z0-9_]+)",
                badId.getMessage());
    }

    @Test
    void helpAndVersionAreAnsweredWithoutTheRestBeingChecked() {
        assertTrue(parse("tag", "--help").help());
        assertTrue(parse("state", "set", "-h").help());
        assertEquals("ttp4j state set", parse("state", "set", "-h").command);
        assertTrue(parse("-V").version());
        Args both = parse("validate", "-Vh");
        assertTrue(both.help() && both.version()); // the help is printed: it is asked for
        assertTrue(parse("-hV").help());
        assertEquals("ttp4j", parse("--help", "validate").command); // the help of the command it is asked of
        assertTrue(parse("--verbose", "validate", "--verbose", "x").parameters().contains("x"));
        assertTrue(Ttp4jCommand.isVerbose(new String[] {"validate", "x", "--verbose"}));
        assertFalse(Ttp4jCommand.isVerbose(new String[] {"validate", "--", "--verbose"}));
    }

    @Test
    void everyHelpShowsTheUsageAndEachOptionWithinEightyColumns() {
        List<Syntax> all = new ArrayList<>();
        List<String> names = new ArrayList<>();
        collect(Ttp4jCommand.ROOT, "ttp4j", all, names);
        assertEquals(12, all.size()); // ttp4j, its 7 commands and state's 4
        for (int i = 0; i < all.size(); i++) {
            StringWriter w = new StringWriter();
            all.get(i).printHelp(names.get(i), new PrintWriter(w));
            String help = w.toString();
            assertTrue(help.startsWith("Usage: " + names.get(i) + " [-hV]"), help);
            for (String line : help.split("\n")) {
                assertTrue(line.length() <= 80, line);
                assertEquals(line.stripTrailing(), line);
            }
            assertTrue(help.contains("  -h, --help "), help);
            assertTrue(help.contains("      --verbose "), help);
            for (Syntax.Option o : all.get(i).options()) {
                assertTrue(help.contains("      " + o.synopsis()), o + " in\n" + help);
            }
            assertFalse(help.contains("${"), help);
        }
        StringWriter run = new StringWriter();
        Ttp4jCommand.ROOT.subcommand("run").printHelp("ttp4j run", new PrintWriter(run));
        assertTrue(run.toString().contains("--attack-release=VERSION\n"), run.toString()); // too wide: text below
        assertTrue(run.toString().contains("(default: v15.1)"), run.toString());
        StringWriter top = new StringWriter();
        Ttp4jCommand.ROOT.printHelp("ttp4j", new PrintWriter(top));
        assertTrue(top.toString().contains("Commands:\n  validate  Check rule files"), top.toString());
        assertTrue(top.toString().startsWith("Usage: ttp4j [-hV] [--verbose] [COMMAND]\n"), top.toString());
    }

    private static void collect(Syntax s, String name, List<Syntax> all, List<String> names) {
        all.add(s);
        names.add(name);
        for (Syntax sub : s.subcommands()) {
            collect(sub, name + " " + sub.name, all, names);
        }
    }
}
