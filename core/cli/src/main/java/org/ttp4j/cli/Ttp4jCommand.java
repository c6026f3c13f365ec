package org.ttp4j.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ttp4j.inotify.Inotify;
import org.ttp4j.rule.RuleCompiler;
import org.ttp4j.store.jdbc.Credentials;
import org.ttp4j.store.jdbc.DatabaseConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code ttp4j} command: validate rule files, tag events, run the hot-reloading main job, watch rule
 * changes, manage rule state and sync a rules directory into the database store (docs/cli.md).
 *
 * <p>Exit status: 0 on success, 1 when the work found a problem (an invalid rule, a bad event line, a failure),
 * 2 on a usage error. Every error is one line on stderr; {@code --verbose} adds the stack trace.
 */
@Command(name = "ttp4j",
        mixinStandardHelpOptions = true,
        versionProvider = Ttp4jCommand.Version.class,
        description = "MITRE ATT&CK (TTP) rule store and tagging engine.")
public final class Ttp4jCommand implements Runnable {

    /**
     * The subcommands by their {@code @Command} name, in the order {@code --help} lists them; spelled out, as
     * reading seven annotations costs more than the rest of this map (Ttp4jCommandTest checks the names).
     */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands("validate", ValidateCommand.class, "tag",
            TagCommand.class, "run", RunCommand.class, "watch", WatchCommand.class, "state", StateCommand.class,
            "sync", SyncCommand.class, "help", CommandLine.HelpCommand.class);

    /** Exit status of a usage error (picocli's default, kept explicit here). */
    static final int USAGE = CommandLine.ExitCode.USAGE;

    @Spec
    private CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error, not just its one-line message.")
    private boolean verbose;

    /** Runs the command line {@code args} and returns the exit status. */
    public static int execute(String... args) {
        Class<?> named = args.length == 0 || args[0].equals("help") ? null : SUBCOMMANDS.get(args[0]);
        if (named != null) {
            RuleCompiler.prepare(); // every command compiles rules: the validator builds while picocli parses
        }
        if (named == RunCommand.class || named == WatchCommand.class) {
            // the filesystem store's first step, linking the inotify calls, meanwhile too (docs/cli.md §12)
            Thread.ofPlatform().daemon().name("ttp4j-inotify").start(() -> {
                try {
                    Inotify.isAvailable();
                } catch (Throwable e) {
                    // the store says why it cannot watch, on its own thread
                }
            });
        }
        Ttp4jCommand root = new Ttp4jCommand();
        CommandLine cl = new CommandLine(root);
        // Only the subcommand named first is modelled when one is: picocli reads every registered command's
        // annotations up front, the largest part of its start-up cost (docs/cli.md §12). Before the settings
        // below, which reach only the subcommands already added.
        for (Class<?> sub : named != null ? List.<Class<?>>of(named) : SUBCOMMANDS.values()) {
            cl.addSubcommand(sub);
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, ignored) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println(qualifiedName(cmd) + ": " + Credentials.redact(ex.getMessage())
                    + " (see '" + qualifiedName(cmd) + " --help')");
            if (root.verbose) {
                cmd.getErr().print(stackTrace(ex));
            }
            cmd.getErr().flush();
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (isBrokenPipe(ex) && !root.verbose) {
                return BROKEN_PIPE; // the reader went away (e.g. `| head`): stop quietly, as the shell's tools do
            }
            PrintWriter err = cmd.getErr();
            err.println(qualifiedName(cmd) + ": " + oneLine(ex));
            if (root.verbose) {
                err.print(stackTrace(ex));
            }
            err.flush();
            return ex instanceof CommandLine.ParameterException ? USAGE : CommandLine.ExitCode.SOFTWARE;
        });
        return cl.execute(args);
    }

    public static void main(String[] args) {
        hideCredentials(System.getenv());
        quietLibraries(java.util.Arrays.asList(args).contains("--verbose"));
        System.exit(execute(args));
    }

    /**
     * Library logging on one line each, and only warnings unless {@code --verbose}: the database store's schema
     * migrations and connection pool would otherwise fill stderr, which {@code run} keeps for change lines.
     */
    static void quietLibraries(boolean verbose) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "ttp4j: %4$s: %3$s: %5$s%6$s%n");
        System.setProperty("slf4j.internal.verbosity", verbose ? "INFO" : "ERROR");
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        java.util.logging.Level level = verbose ? java.util.logging.Level.INFO : java.util.logging.Level.WARNING;
        root.setLevel(level);
        for (java.util.logging.Handler h : root.getHandlers()) {
            h.setLevel(level);
            h.setFormatter(new Redacting(h.getFormatter()));
        }
    }

    /** The database password and the URL's are masked verbatim in everything printed, driver texts included. */
    static void hideCredentials(java.util.Map<String, String> env) {
        if (env.get(DatabaseConfig.URL_ENV) == null && env.get(DatabaseConfig.PASSWORD_ENV) == null) {
            return; // nothing to hide (the default URL holds no password), and no database classes to load
        }
        try {
            Credentials.hide(DatabaseConfig.fromEnvironment(env));
        } catch (IllegalArgumentException e) {
            // a bad setting is reported by the command that uses it
        }
    }

    /** A log formatter that masks any password a JDBC URL in the line carries (docs/stores.md §17). */
    private static final class Redacting extends java.util.logging.Formatter {
        private final java.util.logging.Formatter inner;

        Redacting(java.util.logging.Formatter inner) {
            this.inner = inner == null ? new java.util.logging.SimpleFormatter() : inner;
        }

        @Override
        public String format(java.util.logging.LogRecord record) {
            return Credentials.redact(inner.format(record));
        }
    }

    /** {@code ex}'s stack trace, credentials masked. */
    private static String stackTrace(Throwable ex) {
        java.io.StringWriter w = new java.io.StringWriter();
        ex.printStackTrace(new PrintWriter(w));
        return Credentials.redact(w.toString());
    }

    private static Map<String, Class<?>> subcommands(Object... nameThenClass) {
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (int i = 0; i < nameThenClass.length; i += 2) {
            byName.put((String) nameThenClass[i], (Class<?>) nameThenClass[i + 1]);
        }
        return byName;
    }

    /** Without a subcommand: the usage, as a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    private static String qualifiedName(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName();
    }

    /** Exit status when stdout's reader has gone: 128 + SIGPIPE, what a process killed by the signal reports. */
    static final int BROKEN_PIPE = 141;

    private static boolean isBrokenPipe(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException && "Broken pipe".equals(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /** The message of {@code ex} (or its cause's) on one line. */
    static String oneLine(Throwable ex) {
        Throwable t = ex;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return Credentials.redact(m.strip().replaceAll("\\s*\\R\\s*", " "));
    }

    /** The module's version (set by the build), with the Java runtime's. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Ttp4jCommand.class.getModule().getDescriptor() == null ? null
                    : Ttp4jCommand.class.getModule().getDescriptor().rawVersion().orElse(null);
            if (v == null) {
                v = "unknown";
            }
            return new String[] {"ttp4j " + v, "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
        }
    }

}
