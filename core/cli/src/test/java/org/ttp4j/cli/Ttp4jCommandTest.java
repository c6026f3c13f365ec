package org.ttp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class Ttp4jCommandTest {

    /** The names the fast path looks a subcommand up by are the names picocli registers it under. */
    @Test
    void everySubcommandIsKeyedByItsCommandName() {
        for (Map.Entry<String, Class<?>> e : Ttp4jCommand.SUBCOMMANDS.entrySet()) {
            assertEquals(e.getValue().getAnnotation(Command.class).name(), e.getKey());
        }
        assertEquals(List.of("validate", "tag", "run", "watch", "state", "sync", "help"),
                List.copyOf(Ttp4jCommand.SUBCOMMANDS.keySet()));
        assertEquals(CommandLine.HelpCommand.class, Ttp4jCommand.SUBCOMMANDS.get("help"));
    }
}
