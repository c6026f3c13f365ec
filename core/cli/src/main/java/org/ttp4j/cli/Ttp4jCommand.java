package org.ttp4j.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.ttp4j.inotify.Inotify;
import org.ttp4j.rule.RuleCompiler;
import org.ttp4j.store.jdbc.Credentials;
import org.ttp4j.store.jdbc.DatabaseConfig;

/**
 * The {@code ttp4j} command: validate rule files, tag events, run the hot-reloading main job, watch rule
 * changes, manage rule state and sync a rules directory into the database store (docs/cli.md).
 *
 * <p>Exit status: 0 on success, 1 when the work found a problem (an invalid rule, a bad event line, a failure),
 * 2 on a usage error. Every error is one line on stderr; {@code --verbose} adds the stack trace.
 */
public final class Ttp4jCommand {

    /** The command line's syntax: the subcommands in the order {@code --help} lists them. */
    static final Syntax ROOT = Syntax.command("ttp4j", "MITRE ATT&CK (TTP) rule store and tagging engine.")
            .subcommand(ValidateCommand.SYNTAX)
            .subcommand(TagCommand.SYNTAX)
            .subcommand(RunCommand.SYNTAX)
            .subcommand(WatchCommand.SYNTAX)
            .subcommand(StateCommand.SYNTAX)
            .subcommand(SyncCommand.SYNTAX)
            .subcommand(Syntax.command("help", "Display help information about the specified command.")
                    .parameters("COMMAND", 0, Syntax.MANY, "The command to show the help of, e.g. state set.")
                    .action(Ttp4jCommand::help))
            .action(args -> {
                throw new UsageException("a command is required");
            });

    /**
     * The commands that compile rules as they start. Not {@code state} ({@code set} compiles the pack only to check a
     * rule id), nor {@code help}: a JVM that exits while the validator is still being built on its thread records
     * a startup cache the JVM (25.0.3) then crashes on.
     */
    private static final java.util.Set<String> COMPILING = java.util.Set.of("validate", "tag", "run", "watch", "sync");

    /** Exit status of a usage error. */
    static final int USAGE = 2;

    /** Exit status of a failure. */
    static final int FAILURE = 1;

    private Ttp4jCommand() {
    }

    /** Runs the command line {@code args} and returns the exit status. */
    public static int execute(String... args) {
        String first = args.length == 0 ? "help" : args[0];
        // the command compiles rules: the validator builds on another core meanwhile; with a cache of verdicts
        // (validate) or of compiled rules (the others), only once a file is not in it
        if (COMPILING.contains(first)
                && !(first.equals("validate") ? VerdictCache.requested(System.getenv()) : RuleCache.requested(System.getenv()))) {
            RuleCompiler.prepare();
        }
        if (first.equals("run") || first.equals("watch")) {
            // the filesystem store's first step, linking the first inotify call, meanwhile too (docs/cli.md §12)
            Thread.ofPlatform().daemon().name("ttp4j-inotify").start(() -> {
                try {
                    Inotify.isAvailable();
                } catch (Throwable e) {
                    // the store says why it cannot watch, on its own thread
                }
            });
        }
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        boolean verbose = isVerbose(args);
        String command = ROOT.name;
        try {
            Args parsed = Args.parse(ROOT, args, out, err);
            command = parsed.command;
            if (parsed.help()) {
                parsed.syntax.printHelp(parsed.command, out);
                return 0;
            }
            if (parsed.version()) {
                version().forEach(out::println);
                out.flush();
                return 0;
            }
            return parsed.syntax.action().run(parsed);
        } catch (UsageException e) {
            String name = e.command() != null ? e.command() : command;
            err.println(name + ": " + Credentials.redact(e.getMessage()) + " (see '" + name + " --help')");
            if (verbose) {
                err.print(stackTrace(e));
            }
            err.flush();
            return USAGE;
        } catch (Exception e) {
            if (isBrokenPipe(e) && !verbose) {
                return BROKEN_PIPE; // the reader went away (e.g. `| head`): stop quietly, as the shell's tools do
            }
            err.println(command + ": " + oneLine(e));
            if (verbose) {
                err.print(stackTrace(e));
            }
            err.flush();
            return FAILURE;
        } finally {
            out.flush();
        }
    }

    /** {@code --verbose} is among the options (before any {@code --}). */
    static boolean isVerbose(String[] args) {
        for (String a : args) {
            if (a.equals("--")) {
                return false;
            }
            if (a.equals(Syntax.VERBOSE.name()) || a.equalsIgnoreCase(Syntax.VERBOSE.name() + "=true")) {
                return true;
            }
        }
        return false;
    }

    /** {@code ttp4j help [COMMAND...]}: the help of the command named, of ttp4j without one. */
    private static int help(Args args) {
        Syntax syntax = ROOT;
        String name = ROOT.name;
        for (String word : args.parameters()) {
            syntax = syntax.subcommand(word);
            if (syntax == null) {
                throw new UsageException("unknown command '" + String.join(" ", args.parameters()) + "'");
            }
            name = name + " " + word;
        }
        syntax.printHelp(name, args.out);
        return 0;
    }

    public static void main(String[] args) {
        hideCredentials(System.getenv());
        quietLibraries(isVerbose(args));
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
    static List<String> version() {
        String v = Ttp4jCommand.class.getModule().getDescriptor() == null ? null
                : Ttp4jCommand.class.getModule().getDescriptor().rawVersion().orElse(null);
        return List.of("ttp4j " + (v == null ? "unknown" : v),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
    }

}
