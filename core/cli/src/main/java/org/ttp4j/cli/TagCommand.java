package org.ttp4j.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ttp4j.engine.EngineOptions;
import org.ttp4j.engine.Event;
import org.ttp4j.engine.RuleEngine;
import org.ttp4j.http.TaggingStats;
import org.ttp4j.engine.StatefulRules;
import org.ttp4j.engine.Tag;
import org.ttp4j.jsonl.TagWriter;
import org.ttp4j.index.RuleIndex;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Problem;
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.RuleStores;
import org.ttp4j.store.StoreReporter;
import org.ttp4j.store.fs.FilesystemRuleStore;
import org.ttp4j.store.fs.StateFile;

/**
 * {@code ttp4j tag --rules DIR [--events FILE]}: events in as JSON Lines, tags out as JSON Lines, one line per
 * tag in evaluation order (docs/engine.md §2, docs/events.md §3, docs/cli.md §4). The rules are read once at
 * startup (invalid ones are reported on stderr and skipped; with {@code --strict} any problem, warnings included,
 * stops the command, as {@code validate --strict} would reject it: docs/cli.md §10). A line that is not an event is
 * reported on
 * stderr as {@code FILE:LINE: message} and skipped; the exit status is then 1. Streams: memory stays flat
 * whatever the input's length, and tags are flushed whenever the input has nothing more to read right now.
 * The rules carry the operator's states in effect at startup, from the state file a {@code run} on the same
 * directory serves ({@code TTP4J_STATE_FILE}, default beside the directory): a muted rule stays muted.
 */
final class TagCommand implements Callable<Integer> {

    static final Syntax SYNTAX = StatefulFlags.declare(Syntax.command("tag",
                    "Tag events: read JSON Lines events, write JSON Lines tags (one per line, in evaluation order).",
                    "A line that is not an event is reported on stderr with its line number and skipped (exit status 1).")
            .option("--rules", "DIR", "The rules directory.").required()
            .option("--events", "FILE", "The events file or FIFO; - (the default) reads stdin.").byDefault("-")
            .flag("--strict", "Stop when a rule file has a problem (an error or a warning, as validate --strict)"
                    + " instead of skipping it.")
            .option("--attack-release", "VERSION", "The ATT&CK release stamped on tags (default: ${DEFAULT}).")
            .byDefault("v15.1"))
            .action(args -> new TagCommand(args).call());

    private final PrintWriter err;
    private final Path rules;
    private final String events;
    private final boolean strict;
    private final String attackRelease;
    private final StatefulFlags statefulFlags;

    private TagCommand(Args args) {
        err = args.err;
        rules = args.path("--rules");
        events = args.value("--events");
        strict = args.flag("--strict");
        attackRelease = args.value("--attack-release");
        statefulFlags = new StatefulFlags(args);
    }

    /** Each rule with its state in effect now from {@code stateFile} (no file: every rule keeps the default). */
    static List<CompiledRule> withOperatorStates(List<CompiledRule> rules, Path stateFile) {
        Map<String, RuleState> states = new StateFile(stateFile).states(); // a bad file fails the command: one line
        if (states.isEmpty()) {
            return rules;
        }
        List<CompiledRule> out = new ArrayList<>(rules.size());
        for (CompiledRule r : rules) {
            out.add(r.withState(states.getOrDefault(r.ruleId(), RuleState.DEFAULT)));
        }
        return out;
    }

    @Override
    public Integer call() throws IOException {
        StoreOptions.requireDirectory(rules);
        RuleIndex index = new RuleIndex(RuleIndex.engineOwned());
        StatefulRules stateful = new StatefulRules(statefulFlags.options(attackRelease));
        StrictStart start = new StrictStart(strict, problemsTo(err));
        // one read, no watcher
        List<CompiledRule> all = FilesystemRuleStore.readOnce(rules, start, strict, RuleCache.compiler(System.getenv()));
        start.check(rules.toString());
        all = withOperatorStates(all, RuleStores.fromEnvironment(System.getenv()).rulesDirectory(rules).stateFile());
        index.replaceAll(all);
        stateful.replaceAll(all);
        RuleEngine engine = new RuleEngine(index, EngineOptions.DEFAULTS.withAttackRelease(attackRelease), hit -> {
            synchronized (err) {
                err.println("warning: " + hit);
                err.flush();
            }
        });
        String name = "-".equals(events) ? "<stdin>" : events;
        // stdout is never closed by us, only flushed holding the stop lock (docs/cli.md §9)
        TagWriter out = new TagWriter(new FileOutputStream(FileDescriptor.out));
        try (InputStream in = openEvents(events)) {
            Tagging tagging = new Tagging(engine, stateful, out, (line, message) -> {
                err.println(name + ":" + line + ": " + message);
                err.flush();
            });
            // SIGTERM/ctrl-C: the event in hand is finished and whole lines flushed (exit 143/130)
            StopSignal signal = StopSignal.install(() -> {
                try {
                    tagging.flush();
                } catch (IOException e) {
                    // stdout is gone: nothing left to save
                }
            });
            long bad;
            try {
                bad = new EventLines(in, signal).pump(tagging);
            } finally {
                signal.end(); // the last flush, under the stop lock, whatever ended the input
            }
            return bad == 0 ? 0 : 1;
        }
    }

    /** {@code file} for reading, or stdin for {@code -}. */
    static InputStream openEvents(String file) throws IOException {
        if ("-".equals(file)) {
            return new FileInputStreamNoClose();
        }
        try {
            Path path = Path.of(file);
            return Files.isRegularFile(path) ? new RegularFile(FileChannel.open(path)) : Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw new UsageException("no such events file: " + file);
        }
    }

    /**
     * A regular file, read through its channel, whose {@link #available()} is what its size at opening leaves unread:
     * no fstat and lseek beside each read (a channel's stream asks the file's size and position for it), and a file
     * that grew since only makes a flush come early.
     */
    static final class RegularFile extends InputStream {
        private final FileChannel channel;
        private final long size;
        private long read;

        RegularFile(FileChannel channel) throws IOException {
            this.channel = channel;
            this.size = channel.size();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = channel.read(ByteBuffer.wrap(b, off, len));
            if (n > 0) {
                read += n;
            }
            return n;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, Math.max(0, size - read));
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Prints rule problems on {@code err}, one line each, paths relative to the working directory. */
    static StoreReporter problemsTo(PrintWriter err) {
        return new StoreReporter() {
            @Override
            public void problem(Problem problem) {
                synchronized (err) {
                    err.println(ChangeLines.relative(problem));
                    err.flush();
                }
            }
        };
    }

    /** Where a line that is not an event is reported. */
    interface BadLines {
        void bad(long line, String message);
    }

    /**
     * Events to tags, the stateless engine's then the stateful rules' (docs/stateful.md): reuses one list for every
     * event's tags. Writes and flushes hold this object's lock.
     */
    static final class Tagging implements EventLines.Handler {
        private final RuleEngine engine;
        private final StatefulRules stateful;
        private final TagWriter out;
        private final BadLines badLines;
        private final List<Tag> tags = new ArrayList<>();
        private final TaggingStats stats; // null without --http

        Tagging(RuleEngine engine, StatefulRules stateful, TagWriter out, BadLines badLines) {
            this(engine, stateful, out, badLines, null);
        }

        Tagging(RuleEngine engine, StatefulRules stateful, TagWriter out, BadLines badLines, TaggingStats stats) {
            this.engine = engine;
            this.stateful = stateful;
            this.out = out;
            this.badLines = badLines;
            this.stats = stats;
        }

        @Override
        public void event(Event event) throws IOException {
            if (stats != null) {
                counted(event);
                return;
            }
            if (engine.evaluateInto(event, tags) + stateful.evaluateInto(event, tags) == 0) {
                return;
            }
            write();
        }

        private void counted(Event event) throws IOException {
            boolean timed = stats.event();
            long start = timed ? System.nanoTime() : 0;
            int n = engine.evaluateInto(event, tags) + stateful.evaluateInto(event, tags);
            if (timed) {
                stats.timed(System.nanoTime() - start);
            }
            if (n == 0) {
                return;
            }
            stats.tagged(tags);
            write();
        }

        private void write() throws IOException {
            synchronized (this) {
                for (int i = 0; i < tags.size(); i++) {
                    out.write(tags.get(i));
                }
            }
            tags.clear();
        }

        @Override
        public void bad(long line, String message) throws IOException {
            if (stats != null) {
                stats.bad();
            }
            flush();
            badLines.bad(line, message);
        }

        @Override
        public synchronized void idle() throws IOException {
            out.flush();
        }

        synchronized void flush() throws IOException {
            out.flush();
        }
    }

    /** Standard input, read without buffering on top (EventLines buffers), never closed by us. */
    static final class FileInputStreamNoClose extends InputStream {
        private final InputStream in = new java.io.FileInputStream(FileDescriptor.in);

        @Override
        public int read() throws IOException {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }
    }
}
