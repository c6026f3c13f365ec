package org.ttp4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command's syntax: its options, its positional parameters and its subcommands, how a command line is parsed
 * against them and how its help reads (docs/cli.md §1). Every command has {@code -h, --help}, {@code -V, --version}
 * and {@code --verbose}, anywhere on the line.
 *
 * <p>The command's own parser, declared in code: a general one reading annotations reflectively cost a tenth of
 * {@code validate}'s start-up CPU (docs/cli.md §12). Built once, then only read.
 */
final class Syntax {

    /** A parameter count without an upper bound. */
    static final int MANY = Integer.MAX_VALUE;

    /** What a command does with its parsed arguments; returns the exit status. */
    interface Action {
        int run(Args args) throws Exception;
    }

    /**
     * One option: {@code label} is its value's name, null for a flag; {@code byDefault} the value it has when
     * absent (null: none); {@code group} names its mutually exclusive group (null: none).
     */
    record Option(String name, String label, String byDefault, boolean required, String group,
            List<String> description) {

        Option withDefault(String value) {
            return new Option(name, label, value, required, group, description);
        }

        Option asRequired() {
            return new Option(name, label, byDefault, true, group, description);
        }

        Option inGroup(String name) {
            return new Option(this.name, label, byDefault, required, name, description);
        }

        /** {@code --name=LABEL}, or {@code --name} for a flag. */
        String synopsis() {
            return label == null ? name : name + "=" + label;
        }
    }

    private static final Option HELP = new Option("--help", null, null, false, null,
            List.of("Show this help message and exit."));
    private static final Option VERSION = new Option("--version", null, null, false, null,
            List.of("Print version information and exit."));
    static final Option VERBOSE = new Option("--verbose", null, null, false, null,
            List.of("Print the stack trace of an error, not just its one-line message."));

    final String name;
    final List<String> description;
    private final List<Option> options = new ArrayList<>();
    private final Map<String, Option> byName = new HashMap<>();
    private final Map<String, Syntax> subcommands = new LinkedHashMap<>();
    private String parameterLabel;
    private int minParameters;
    private int maxParameters;
    private String parameterDescription;
    private Action action;

    private Syntax(String name, List<String> description) {
        this.name = name;
        this.description = description;
        byName.put("-h", HELP);
        byName.put(HELP.name, HELP);
        byName.put("-V", VERSION);
        byName.put(VERSION.name, VERSION);
        byName.put(VERBOSE.name, VERBOSE);
    }

    /** A command named {@code name}, {@code description} its help's paragraphs (the first one is its summary). */
    static Syntax command(String name, String... description) {
        return new Syntax(name, List.of(description));
    }

    /** Adds a flag: true when present. */
    Syntax flag(String name, String... description) {
        return add(new Option(name, null, null, false, null, List.of(description)));
    }

    /** Adds an option with a value named {@code label}; {@code ${DEFAULT}} in a description reads its default. */
    Syntax option(String name, String label, String... description) {
        return add(new Option(name, label, null, false, null, List.of(description)));
    }

    /** The option added last has the value {@code value} when absent. */
    Syntax byDefault(String value) {
        return replaceLast(last -> last.withDefault(value));
    }

    /** The option added last must be given. */
    Syntax required() {
        return replaceLast(Option::asRequired);
    }

    /** The option added last and the others of {@code group} exclude one another. */
    Syntax inGroup(String group) {
        return replaceLast(last -> last.inGroup(group));
    }

    /** The positional parameters: {@code min} to {@code max} of them, named {@code label}. */
    Syntax parameters(String label, int min, int max, String description) {
        parameterLabel = label;
        minParameters = min;
        maxParameters = max;
        parameterDescription = description;
        return this;
    }

    Syntax subcommand(Syntax sub) {
        subcommands.put(sub.name, sub);
        return this;
    }

    Syntax action(Action action) {
        this.action = action;
        return this;
    }

    Action action() {
        return action;
    }

    Syntax subcommand(String name) {
        return subcommands.get(name);
    }

    List<Syntax> subcommands() {
        return List.copyOf(subcommands.values());
    }

    Option option(String name) {
        return byName.get(name);
    }

    private Syntax add(Option option) {
        options.add(option);
        byName.put(option.name, option);
        return this;
    }

    private Syntax replaceLast(java.util.function.UnaryOperator<Option> change) {
        Option changed = change.apply(options.removeLast());
        return add(changed);
    }

    /** The options of this command in its help's order: by name, the standard ones among them. */
    private List<Option> sortedOptions() {
        List<Option> all = new ArrayList<>(options);
        all.add(HELP);
        all.add(VERSION);
        all.add(VERBOSE);
        all.sort(Comparator.comparing(o -> o.name.substring(2).toLowerCase(java.util.Locale.ROOT)));
        return all;
    }

    List<Option> options() {
        return List.copyOf(options);
    }

    int minParameters() {
        return minParameters;
    }

    int maxParameters() {
        return maxParameters;
    }

    String parameterLabel() {
        return parameterLabel;
    }

    // ----- help

    private static final int WIDTH = 80;
    /** Widest option synopsis that keeps its description on the same line. */
    private static final int LABEL_COLUMN = 20;

    /** Prints this command's help; {@code qualified} is its name as typed, e.g. {@code ttp4j state set}. */
    void printHelp(String qualified, PrintWriter out) {
        List<String> synopsis = new ArrayList<>();
        synopsis.add("[-hV]");
        List<Option> sorted = sortedOptions();
        for (Option o : sorted) {
            if (o.label == null && o != HELP && o != VERSION) {
                synopsis.add("[" + o.synopsis() + "]");
            }
        }
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (Option o : sorted) {
            if (o.label != null && o.group != null) {
                groups.computeIfAbsent(o.group, g -> new ArrayList<>()).add(o.synopsis());
            } else if (o.label != null) {
                synopsis.add(o.required ? o.synopsis() : "[" + o.synopsis() + "]");
            }
        }
        groups.values().forEach(g -> synopsis.add("[" + String.join(" | ", g) + "]"));
        if (parameterLabel != null) {
            synopsis.add(parameterSynopsis());
        }
        if (!subcommands.isEmpty()) {
            synopsis.add("[COMMAND]");
        }
        String head = "Usage: " + qualified + " ";
        wrap(out, head, " ".repeat(head.length()), String.join(" ", synopsis));
        description.forEach(p -> wrap(out, "", "", p));

        List<String[]> rows = new ArrayList<>();
        if (parameterLabel != null) {
            rows.add(new String[] {"      " + parameterSynopsis(), parameterDescription});
        }
        for (Option o : sorted) {
            String shortName = o == HELP ? "-h, " : o == VERSION ? "-V, " : "    ";
            for (int i = 0; i < o.description.size(); i++) {
                String text = o.description.get(i).replace("${DEFAULT}", String.valueOf(o.byDefault));
                rows.add(new String[] {i == 0 ? "  " + shortName + o.synopsis() : "", text});
            }
        }
        table(out, rows, LABEL_COLUMN + 6, 3);
        if (!subcommands.isEmpty()) {
            out.println("Commands:");
            List<String[]> commands = new ArrayList<>();
            for (Syntax sub : subcommands.values()) {
                commands.add(new String[] {"  " + sub.name, sub.description.getFirst()});
            }
            table(out, commands, WIDTH, 2);
        }
        out.flush();
    }

    private String parameterSynopsis() {
        String many = maxParameters > 1 ? parameterLabel + "..." : parameterLabel;
        return minParameters == 0 ? "[" + many + "]" : many;
    }

    /**
     * Two columns {@code gap} apart: the first as wide as its widest cell up to {@code maxFirst} (a wider one puts
     * its text on the next line), the second wrapped at {@link #WIDTH} with continuation lines indented by two.
     */
    private static void table(PrintWriter out, List<String[]> rows, int maxFirst, int gap) {
        int first = 0;
        for (String[] row : rows) {
            if (row[0].length() <= maxFirst) {
                first = Math.max(first, row[0].length());
            }
        }
        String indent = " ".repeat(first + gap);
        for (String[] row : rows) {
            String text = row[1] == null ? "" : row[1];
            if (row[0].length() > first) {
                out.println(row[0]);
                wrap(out, indent, indent + "  ", text);
            } else {
                wrap(out, row[0] + " ".repeat(first + gap - row[0].length()), indent + "  ", text);
            }
        }
    }

    /** Prints {@code text} after {@code head}, broken at spaces into lines of at most {@link #WIDTH} characters. */
    private static void wrap(PrintWriter out, String head, String indent, String text) {
        StringBuilder line = new StringBuilder(head);
        int start = line.length();
        for (String word : text.split(" ")) {
            if (line.length() > start && line.length() + 1 + word.length() > WIDTH) {
                out.println(line.toString().stripTrailing());
                line.setLength(0);
                line.append(indent);
                start = line.length();
            }
            if (line.length() > start) {
                line.append(' ');
            }
            line.append(word);
        }
        out.println(line.toString().stripTrailing());
    }
}
