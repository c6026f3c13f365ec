package org.ttp4j.cli;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A command line parsed against the command's {@link Syntax}: the command it names, its options' values, its
 * positional parameters, and where the command prints. A value that does not convert is a usage error naming
 * the option (docs/cli.md §1).
 */
final class Args {

    /** The command as typed, e.g. {@code ttp4j state set}. */
    final String command;
    final Syntax syntax;
    /** stdout and stderr, flushed at each line. */
    final PrintWriter out;
    final PrintWriter err;
    private final Map<String, String> values;
    private final List<String> parameters;
    private final List<Integer> parameterIndexes;

    private Args(String command, Syntax syntax, Map<String, String> values, List<String> parameters,
            List<Integer> parameterIndexes, PrintWriter out, PrintWriter err) {
        this.command = command;
        this.syntax = syntax;
        this.values = values;
        this.parameters = parameters;
        this.parameterIndexes = parameterIndexes;
        this.out = out;
        this.err = err;
    }

    /**
     * Parses {@code argv} against {@code root} (named {@code root.name}): options as {@code --name value} or
     * {@code --name=value}, a flag as {@code --name}, {@code --} ending the options, a subcommand by its name
     * before any parameter. Help and version requests are returned unchecked; otherwise a missing, repeated,
     * unknown or surplus argument throws a {@link UsageException} of the command it belongs to.
     */
    static Args parse(Syntax root, String[] argv, PrintWriter out, PrintWriter err) {
        Syntax syntax = root;
        String command = root.name;
        Map<String, String> values = new HashMap<>();
        List<String> parameters = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        boolean endOfOptions = false;
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (!endOfOptions && arg.equals("--")) {
                endOfOptions = true;
            } else if (!endOfOptions && arg.length() > 1 && arg.startsWith("-")) {
                int eq = arg.indexOf('=');
                Syntax.Option option = syntax.option(eq < 0 ? arg : arg.substring(0, eq));
                if (option == null && arg.matches("-[hV]{2,}")) { // -hV: the short flags together
                    values.put(arg.indexOf('h') > 0 ? "--help" : "--version", "true");
                    values.put(arg.indexOf('V') > 0 ? "--version" : "--help", "true");
                    continue;
                }
                if (option == null) {
                    throw new UsageException(command, "Unknown option: '" + arg + "'");
                }
                String value;
                if (option.label() == null) {
                    value = eq < 0 ? "true" : arg.substring(eq + 1);
                    if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                        throw new UsageException(command, "Invalid value for option '" + option.name() + "': '"
                                + value + "' is not a boolean");
                    }
                } else if (eq >= 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < argv.length && !isOption(syntax, argv[i + 1])) {
                    value = argv[++i];
                } else {
                    throw new UsageException(command, "Missing required parameter for option '" + option.name()
                            + "' (" + option.label() + ")");
                }
                if (values.put(option.name(), value) != null && option != Syntax.VERBOSE) {
                    throw new UsageException(command, "option '" + option.name() + "' should be specified only once");
                }
            } else if (!endOfOptions && parameters.isEmpty() && !syntax.subcommands().isEmpty()) {
                Syntax sub = syntax.subcommand(arg);
                if (sub == null) {
                    throw new UsageException(command, "unknown command '" + arg + "'");
                }
                if (isTrue(values, "--help") || isTrue(values, "--version")) {
                    break; // the help or version of the command it was asked of
                }
                syntax = sub;
                command = command + " " + arg;
                values.clear();
            } else {
                parameters.add(arg);
                indexes.add(i);
            }
        }
        Args args = new Args(command, syntax, values, parameters, indexes, out, err);
        if (!args.helpOrVersion()) {
            args.check();
        }
        return args;
    }

    /** {@code arg} names an option of {@code syntax}, or is {@code --}: it is not the value of the one before it. */
    private static boolean isOption(Syntax syntax, String arg) {
        if (arg.equals("--")) {
            return true;
        }
        int eq = arg.indexOf('=');
        return syntax.option(eq < 0 ? arg : arg.substring(0, eq)) != null;
    }

    private static boolean isTrue(Map<String, String> values, String name) {
        return "true".equalsIgnoreCase(values.get(name));
    }

    private void check() {
        int max = syntax.maxParameters();
        if (parameters.size() > max) {
            List<String> surplus = parameters.subList(max, parameters.size());
            String quoted = String.join(", ", surplus.stream().map(s -> "'" + s + "'").toList());
            throw new UsageException(command, (surplus.size() == 1 ? "Unmatched argument at index "
                    : "Unmatched arguments from index ") + parameterIndexes.get(max) + ": " + quoted);
        }
        if (parameters.size() < syntax.minParameters()) {
            throw new UsageException(command, "Missing required parameter: '" + syntax.parameterLabel() + "'");
        }
        Map<String, String> inGroup = new HashMap<>();
        for (Syntax.Option o : syntax.options()) {
            if (o.required() && !values.containsKey(o.name())) {
                throw new UsageException(command, "Missing required option: '" + o.synopsis() + "'");
            }
            if (o.group() != null && values.containsKey(o.name())) {
                String other = inGroup.putIfAbsent(o.group(), o.synopsis());
                if (other != null) {
                    throw new UsageException(command, "Error: " + other + ", " + o.synopsis()
                            + " are mutually exclusive (specify only one)");
                }
            }
        }
    }

    /** {@code --help} or {@code -h} was given. */
    boolean help() {
        return isTrue(values, "--help");
    }

    /** {@code --version} or {@code -V} was given. */
    boolean version() {
        return isTrue(values, "--version");
    }

    private boolean helpOrVersion() {
        return help() || version();
    }

    /** Whether flag {@code name} is set. */
    boolean flag(String name) {
        return isTrue(values, known(name).name());
    }

    /** The value of option {@code name}, else its default (null if none). */
    String value(String name) {
        Syntax.Option option = known(name);
        return values.getOrDefault(option.name(), option.byDefault());
    }

    /** The value of option {@code name} (one with a default) as an int. */
    int intValue(String name) {
        return converted(name, Integer::valueOf, "an int");
    }

    /** The value of option {@code name} as a double, or null when it is absent and has no default. */
    Double doubleValue(String name) {
        return converted(name, Double::valueOf, "a double");
    }

    /** The value of option {@code name} as {@code convert} reads it, null when absent; else "is not {@code what}". */
    private <T> T converted(String name, java.util.function.Function<String, T> convert, String what) {
        String v = value(name);
        if (v == null) {
            return null;
        }
        try {
            return convert.apply(v);
        } catch (NumberFormatException e) {
            throw invalid(name, "'" + v + "' is not " + what);
        }
    }

    /** The value of option {@code name} as a path, or null when it is absent and has no default. */
    Path path(String name) {
        String v = value(name);
        try {
            return v == null ? null : Path.of(v);
        } catch (InvalidPathException e) {
            throw invalid(name, "'" + v + "' is not a path: " + e.getReason());
        }
    }

    /** The positional parameters, in order. */
    List<String> parameters() {
        return List.copyOf(parameters);
    }

    /** The positional parameters as paths. */
    List<Path> paths() {
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            try {
                paths.add(Path.of(parameters.get(i)));
            } catch (InvalidPathException e) {
                throw invalidParameter(i, "'" + parameters.get(i) + "' is not a path: " + e.getReason());
            }
        }
        return paths;
    }

    /** A usage error: parameter {@code i} is invalid, {@code why}. */
    UsageException invalidParameter(int i, String why) {
        return new UsageException(command, "Invalid value for positional parameter at index " + i + " ("
                + syntax.parameterLabel() + "): " + why);
    }

    private UsageException invalid(String name, String why) {
        return new UsageException(command, "Invalid value for option '" + name + "': " + why);
    }

    private Syntax.Option known(String name) {
        Syntax.Option option = syntax.option(name);
        if (option == null) {
            throw new IllegalArgumentException(command + " declares no option " + name);
        }
        return option;
    }
}
