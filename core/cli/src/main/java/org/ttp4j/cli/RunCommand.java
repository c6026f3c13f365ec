package org.ttp4j.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import org.ttp4j.engine.EngineOptions;
import org.ttp4j.engine.RuleEngine;
import org.ttp4j.engine.StatefulRules;
import org.ttp4j.jsonl.TagWriter;
import org.ttp4j.index.RuleIndex;
import org.ttp4j.store.RuleStore;

/**
 * {@code ttp4j run}: the long-running main job. The store {@code DECNET_TTP_RULE_STORE_TYPE} selects
 * (filesystem on {@code rules/ttp} by default), hot reload on; events from stdin or {@code --events FILE}
 * (a FIFO works), tags to stdout, flushed whenever the input pauses; on stderr one JSON line per rule change
 * (docs/cli.md §3) after {@code {"kind":"ready","rules":N}}, a {@code bad_event} line for an input line that
 * is not an event, and a rate-limited {@code bound_hit} line for a rule a bound stopped (docs/cli.md §8).
 * Ends at the end of the input (exit 1 if any line was bad), or on SIGTERM/ctrl-C, which stop the reading, finish
 * the event in hand, flush whole lines and close the store (exit 143/130, docs/cli.md §9).
 */
final class RunCommand implements Callable<Integer> {

    static final Syntax SYNTAX = StatefulFlags.declare(HttpOptions.declare(StoreOptions.declare(Syntax.command("run",
                    "The main job: tag events from stdin (or --events FILE) with hot-reloaded rules.",
                    "Tags go to stdout as JSON Lines; rule changes go to stderr as JSON lines, starting with"
                            + " {\"kind\":\"ready\",\"rules\":N}.",
                    "The store is the one DECNET_TTP_RULE_STORE_TYPE selects (filesystem on rules/ttp by default).",
                    "With --http HOST:PORT: the rule API, /metrics, /health/* and the console page (docs/http.md).")
            .option("--events", "FILE", "The events file or FIFO; - (the default) reads stdin.").byDefault("-")
            .option("--attack-release", "VERSION", "The ATT&CK release stamped on tags (default: ${DEFAULT}).")
            .byDefault("v15.1"))))
            .action(args -> new RunCommand(args).call());

    private final StoreOptions storeOptions;
    private final HttpOptions httpOptions;
    private final StatefulFlags statefulFlags;
    private final String events;
    private final String attackRelease;

    private RunCommand(Args args) {
        storeOptions = new StoreOptions(args);
        httpOptions = new HttpOptions(args);
        statefulFlags = new StatefulFlags(args);
        events = args.value("--events");
        attackRelease = args.value("--attack-release");
    }

    @Override
    public Integer call() throws IOException {
        ChangeLines lines = new ChangeLines(System.err);
        String input = "-".equals(events) ? "<stdin>" : events;
        InputStream in = TagCommand.openEvents(events);
        HttpOptions.Serving serving = httpOptions.start(lines, attackRelease); // probes answer while the rules load
        RuleIndex index = new RuleIndex(RuleIndex.engineOwned());
        StatefulRules stateful = new StatefulRules(statefulFlags.options(attackRelease));
        RuleEngine engine = new RuleEngine(index, EngineOptions.DEFAULTS.withAttackRelease(attackRelease), lines::boundHit);
        LiveRules live;
        try {
            RuleStore store = storeOptions.open(serving == null ? lines : serving.reporting(lines));
            live = new LiveRules(store, index, stateful, lines, () -> {
                if (serving != null) {
                    serving.attach(store, engine);
                }
            });
        } catch (RuntimeException e) {
            if (serving != null) {
                serving.close();
            }
            throw e;
        }
        TagWriter out = new TagWriter(new FileOutputStream(FileDescriptor.out));
        TagCommand.Tagging tagging = new TagCommand.Tagging(engine, stateful, out,
                (line, message) -> lines.badEvent(input, line, message), serving == null ? null : serving.stats());
        // SIGTERM/ctrl-C: the event in hand is finished, whole lines flushed, then the store closed (exit 143/130)
        StopSignal signal = StopSignal.install(() -> stop(serving, live, tagging));
        long bad;
        try (in) {
            bad = new EventLines(in, signal).pump(tagging);
        } finally {
            signal.end(); // unless the hook has stopped us, holding the stop lock: stdout is only written holding it
        }
        return bad == 0 ? 0 : 1;
    }

    /** Flushes the tags, stops serving and following the store and closes it (once: from the hook or after the loop). */
    private static void stop(HttpOptions.Serving serving, LiveRules live, TagCommand.Tagging tagging) {
        try {
            tagging.flush(); // first: the tags must not wait for the store to close
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (serving != null) {
                serving.close();
            }
            live.close();
        }
    }
}
