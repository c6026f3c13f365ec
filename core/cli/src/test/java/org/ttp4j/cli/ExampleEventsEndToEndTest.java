package org.ttp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, {@code scripts/ttp4j run < examples/events.jsonl}, as the launcher runs it:
 * our rule pack tags every example event except the two benign ones.
 */
class ExampleEventsEndToEndTest {

    private static final Path REPO = Path.of("../..").toAbsolutePath().normalize();

    @Test
    void theExampleEventsProduceTagsFromOurPack() throws Exception {
        String events = Files.readString(REPO.resolve("examples/events.jsonl"));
        Ttp4jProcess.Result r = Ttp4jProcess.run(REPO, Map.of(), events, "run");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().matches("\\{\"kind\":\"ready\",\"rules\":\\d+}\n"), r.err());

        Set<String> tagged = new TreeSet<>();
        Matcher m = Pattern.compile("\"source_id\":\"([^\"]+)\"").matcher(r.out());
        while (m.find()) {
            tagged.add(m.group(1));
        }
        Set<String> all = new TreeSet<>();
        Matcher e = Pattern.compile("\"source_id\":\"([^\"]+)\"").matcher(events);
        while (e.find()) {
            all.add(e.group(1));
        }
        assertEquals(14, all.size());
        all.removeAll(Set.of("cmd_2006", "req_3004")); // df -h, GET /index.html
        assertEquals(all, tagged);
    }

    @Test
    void everyCommandHasHelp() throws Exception {
        for (String command : new String[] {"validate", "tag", "run", "watch"}) {
            Ttp4jProcess.Result r = Ttp4jProcess.run(REPO, command, "--help");
            assertEquals(0, r.exit(), command);
            assertTrue(r.out().startsWith("Usage: ttp4j " + command), r.out());
        }
        Ttp4jProcess.Result top = Ttp4jProcess.run(REPO, "--help");
        assertTrue(top.out().contains("validate") && top.out().contains("watch"), top.out());
        Ttp4jProcess.Result version = Ttp4jProcess.run(REPO, "--version");
        assertTrue(version.out().startsWith("ttp4j "), version.out());
        Ttp4jProcess.Result none = Ttp4jProcess.run(REPO);
        assertEquals(2, none.exit());
        assertEquals("ttp4j: a command is required (see 'ttp4j --help')\n", none.err());
    }

    /** {@code help CMD} prints the command's help; a mistyped command is a usage error naming it. */
    @Test
    void helpAndAMistypedCommandStillKnowEveryCommand() throws Exception {
        Ttp4jProcess.Result help = Ttp4jProcess.run(REPO, "help", "validate");
        assertEquals(0, help.exit());
        assertTrue(help.out().startsWith("Usage: ttp4j validate"), help.out());
        Ttp4jProcess.Result typo = Ttp4jProcess.run(REPO, "valdate", "x");
        assertEquals(2, typo.exit());
        assertEquals("ttp4j: unknown command 'valdate' (see 'ttp4j --help')\n", typo.err());
        Ttp4jProcess.Result helpTypo = Ttp4jProcess.run(REPO, "help", "state", "gte");
        assertEquals(2, helpTypo.exit());
        assertEquals("ttp4j help: unknown command 'state gte' (see 'ttp4j help --help')\n", helpTypo.err());
        Ttp4jProcess.Result top = Ttp4jProcess.run(REPO, "--help");
        for (String command : new String[] {"validate", "tag", "run", "watch", "state", "sync", "help"}) {
            assertTrue(top.out().contains("\n  " + command + " "), command + " in\n" + top.out());
        }
    }
}
