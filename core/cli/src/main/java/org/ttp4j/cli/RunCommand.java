package org.ttp4j.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import org.ttp4j.engine.EngineOptions;
import org.ttp4j.engine.RuleEngine;
import org.ttp4j.jsonl.TagWriter;
import org.ttp4j.index.RuleIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ttp4j run}: the long-running main job. The store {@code DECNET_TTP_RULE_STORE_TYPE} selects
 * (filesystem on {@code rules/ttp} by default), hot reload on; events from stdin or {@code --events FILE}
 * (a FIFO works), tags to stdout, flushed whenever the input pauses; on stderr one JSON line per rule change
 * (docs/cli.md §3) after {@code {"kind":"ready","rules":N}}, a {@code bad_event} line for an input line that
 * is not an event, and a rate-limited {@code bound_hit} line for a rule a bound stopped (docs/cli.md §8).
 * Ends at the end of the input (exit 1 if any line was bad), or on SIGTERM/ctrl-C, which stop the reading, finish
 * the event in hand, flush whole lines and close the store (exit 143/130, docs/cli.md §9).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"The main job: tag events from stdin (or --events FILE) with hot-reloaded rules.",
            "Tags go to stdout as JSON Lines; rule changes go to stderr as JSON lines, starting with"
                + " {\"kind\":\"ready\",\"rules\":N}.",
            "The store is the one DECNET_TTP_RULE_STORE_TYPE selects (filesystem on rules/ttp by default)."})
final class RunCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private StoreOptions storeOptions;

    @Option(names = "--events", paramLabel = "FILE", defaultValue = "-",
            description = "The events file or FIFO; - (the default) reads stdin.")
    private String events;

    @Option(names = "--attack-release", paramLabel = "VERSION", defaultValue = "v15.1",
            description = "The ATT&CK release stamped on tags (default: ${DEFAULT-VALUE}).")
    private String attackRelease;

    @Override
    public Integer call() throws IOException {
        ChangeLines lines = new ChangeLines(System.err);
        String input = "-".equals(events) ? "<stdin>" : events;
        InputStream in = TagCommand.openEvents(spec, events);
        RuleIndex index = new RuleIndex(RuleIndex.engineOwned());
        LiveRules live = new LiveRules(storeOptions.open(lines), index, lines);
        RuleEngine engine = new RuleEngine(index, EngineOptions.DEFAULTS.withAttackRelease(attackRelease), lines::boundHit);
        TagWriter out = new TagWriter(new FileOutputStream(FileDescriptor.out));
        TagCommand.Tagging tagging = new TagCommand.Tagging(engine, out,
                (line, message) -> lines.badEvent(input, line, message));
        // SIGTERM/ctrl-C: the event in hand is finished, whole lines flushed, then the store closed (exit 143/130)
        StopSignal signal = StopSignal.install(() -> stop(live, tagging));
        long bad;
        try (in) {
            bad = new EventLines(in, signal).pump(tagging);
        } finally {
            if (!signal.requested()) {
                stop(live, tagging);
            }
        }
        return bad == 0 ? 0 : 1;
    }

    /** Stops following the store, closes it and flushes the tags; safe to run twice and from the hook. */
    private static void stop(LiveRules live, TagCommand.Tagging tagging) {
        try {
            tagging.flush(); // first: the tags must not wait for the store to close
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            live.close();
        }
    }
}
