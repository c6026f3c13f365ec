package org.ttp4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Rule files for the end-to-end tests, written the way an editor saves them. */
final class RuleTexts {
    private RuleTexts() {}

    /** An engine-owned command rule emitting one technique. */
    static String commandRule(String id, int version, String pattern, String technique, String tactic, double confidence) {
        return "rule_id: " + id + "\n"
                + "rule_version: " + version + "\n"
                + "name: test rule " + id + "\n"
                + "applies_to: [command]\n"
                + "match:\n"
                + "  pattern: '" + pattern.replace("'", "''") + "'\n"
                + "emits:\n"
                + "  - technique_id: " + technique + "\n"
                + "    tactic: " + tactic + "\n"
                + "    confidence: " + confidence + "\n";
    }

    /** Writes {@code text} to {@code dir/name} atomically (scratch file, then rename), as editors do. */
    static Path save(Path dir, String name, String text) throws IOException {
        Path scratch = dir.resolve("." + name + ".tmp");
        Files.writeString(scratch, text, StandardCharsets.UTF_8);
        return Files.move(scratch, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
