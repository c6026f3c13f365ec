package org.ttp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every README example written as a shell session ({@code $ scripts/ttp4j ...} followed by its output, in an indented
 * or fenced code block) is run from the repository root, and its stdout and stderr, interleaved as written, must
 * be exactly the lines shown. Other {@code $ } commands and blocks without a {@code $ } line are left alone, so the
 * README may show anything else as before; a shown session simply cannot go stale.
 */
class ReadmeExamplesTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final String LAUNCHER = "scripts/ttp4j";

    /** One {@code $ command} and the output shown under it. */
    record Session(int line, String command, String output) {}

    @TestFactory
    List<DynamicTest> everyShownSessionPrintsWhatTheReadmeShows() throws Exception {
        List<Session> sessions = sessions(Files.readAllLines(ROOT.resolve("README.md"), StandardCharsets.UTF_8));
        List<DynamicTest> tests = new ArrayList<>();
        for (Session s : sessions) {
            if (s.command().startsWith(LAUNCHER + " ")) {
                tests.add(DynamicTest.dynamicTest("README.md:" + s.line() + ": $ " + s.command(), () -> check(s)));
            }
        }
        assertFalse(tests.isEmpty(), "the README shows no $ " + LAUNCHER + " session");
        return tests;
    }

    private static void check(Session s) throws Exception {
        List<String> words = words(s.command().substring(LAUNCHER.length()));
        File stdin = null;
        int redirect = words.indexOf("<");
        if (redirect >= 0) {
            stdin = ROOT.resolve(words.get(redirect + 1)).toFile();
            words = new ArrayList<>(words.subList(0, redirect));
        }
        ProcessBuilder pb = new ProcessBuilder(Ttp4jProcess.commandLine(words)).directory(ROOT.toFile())
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("TTP4J_") || k.startsWith("DECNET_"));
        pb.redirectInput(stdin != null ? ProcessBuilder.Redirect.from(stdin) : ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(s.output(), out, "README.md:" + s.line() + ": $ " + s.command());
    }

    /** The sessions of {@code readme}: in a code block, each {@code $ } line and the lines up to the next or the end. */
    static List<Session> sessions(List<String> readme) {
        List<Session> found = new ArrayList<>();
        boolean fenced = false;
        int start = -1;
        StringBuilder command = null;
        StringBuilder output = new StringBuilder();
        for (int i = 0; i <= readme.size(); i++) {
            String raw = i < readme.size() ? readme.get(i) : null;
            boolean fence = raw != null && raw.strip().startsWith("```");
            boolean inBlock = raw != null && !fence && (fenced || raw.startsWith("    ") || raw.isBlank() && command != null);
            String text = raw == null ? "" : fenced ? raw : raw.length() >= 4 ? raw.substring(4) : "";
            if (command != null && (!inBlock || text.startsWith("$ "))) {
                found.add(new Session(start + 1, command.toString(), output.toString().stripTrailing() + "\n"));
                command = null;
            }
            if (fence) {
                fenced = !fenced;
                continue;
            }
            if (!inBlock) {
                continue;
            }
            if (command == null && text.startsWith("$ ")) {
                start = i;
                command = new StringBuilder(text.substring(2).strip());
                output.setLength(0);
                while (command.toString().endsWith("\\") && i + 1 < readme.size()) { // a continued command line
                    command.setLength(command.length() - 1);
                    command.append(' ').append(readme.get(++i).strip());
                }
            } else if (command != null) {
                output.append(text).append('\n');
            }
        }
        return found;
    }

    /** Shell-like words: blanks separate, single or double quotes group. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = null;
        char quote = 0;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                w = w == null ? new StringBuilder() : w;
            } else if (Character.isWhitespace(c)) {
                if (w != null) {
                    words.add(w.toString());
                    w = null;
                }
            } else {
                (w = w == null ? new StringBuilder() : w).append(c);
            }
        }
        if (w != null) {
            words.add(w.toString());
        }
        return words;
    }
}
