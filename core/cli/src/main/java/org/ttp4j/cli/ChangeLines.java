package org.ttp4j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import org.ttp4j.engine.BoundHit;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Problem;
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.StoreReporter;

/**
 * The JSON lines {@code watch} prints on stdout and {@code run} on stderr (docs/cli.md §3): {@code ready},
 * {@code definition}, {@code removed}, {@code state}, {@code problem}, {@code overflow}, {@code rescan},
 * and {@code run}'s {@code bad_event} and {@code bound_hit} (docs/cli.md §8),
 * one object per line, written and flushed whole so that lines from the store's thread never interleave.
 * Paths under the working directory are shown relative to it, as the operator typed them.
 */
final class ChangeLines implements StoreReporter {

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final Path CWD = Path.of("").toAbsolutePath();

    private final PrintStream out;

    ChangeLines(PrintStream out) {
        this.out = out;
    }

    /** {@code {"kind":"ready","rules":N}}: the initial load is done and the watch is established. */
    void ready(int rules) {
        emit(line(g -> {
            g.writeStringField("kind", "ready");
            g.writeNumberField("rules", rules);
        }));
    }

    /** {@code {"kind":"http","url":"http://127.0.0.1:8750"}}: the HTTP service is serving (docs/http.md §1). */
    void http(String url) {
        emit(line(g -> {
            g.writeStringField("kind", "http");
            g.writeStringField("url", url);
        }));
    }

    void change(RuleChange change) {
        emit(switch (change) {
            case RuleChange.Definition d -> definition(d.rule());
            case RuleChange.Removed r -> line(g -> {
                g.writeStringField("kind", "removed");
                g.writeStringField("rule_id", r.ruleId());
            });
            case RuleChange.State s -> state(s.ruleId(), s.state());
        });
    }

    /**
     * {@code {"kind":"window_reset","rule_id":"R1","groups":N}}: a definition change altered a stateful rule's window
     * definition, so its N groups' counts were dropped (docs/stateful.md §4).
     */
    void windowReset(String ruleId, int groups) {
        emit(line(g -> {
            g.writeStringField("kind", "window_reset");
            g.writeStringField("rule_id", ruleId);
            g.writeNumberField("groups", groups);
        }));
    }

    /** {@code {"kind":"bad_event","input":"<stdin>","line":N,"message":"..."}}: a line of input that is not an event. */
    void badEvent(String input, long line, String message) {
        emit(line(g -> {
            g.writeStringField("kind", "bad_event");
            g.writeStringField("input", input);
            g.writeNumberField("line", line);
            g.writeStringField("message", message);
        }));
    }

    /**
     * {@code {"kind":"bound_hit","rule_id":"R1","source_kind":"command","source_id":"cmd_42","bound":"1000000 char
     * reads","suppressed":0}}: a bound stopped a rule's search, so it did not fire for that event (docs/cli.md §8).
     */
    void boundHit(BoundHit hit) {
        emit(line(g -> {
            g.writeStringField("kind", "bound_hit");
            g.writeStringField("rule_id", hit.ruleId());
            g.writeStringField("source_kind", hit.sourceKind());
            g.writeStringField("source_id", hit.sourceId());
            g.writeStringField("bound", hit.bound());
            g.writeNumberField("suppressed", hit.suppressed());
        }));
    }

    @Override
    public void problem(Problem problem) {
        emit(line(g -> {
            g.writeStringField("kind", "problem");
            g.writeStringField("line", relative(problem).toString());
        }));
    }

    @Override
    public void overflow() {
        emit(line(g -> g.writeStringField("kind", "overflow")));
    }

    @Override
    public void rescan(int changes) {
        emit(line(g -> {
            g.writeStringField("kind", "rescan");
            g.writeNumberField("changes", changes);
        }));
    }

    @Override
    public void directoryGone(Path directory) {
        // Its rules are published as removed; the removed lines say it.
    }

    @Override
    public void directoryWatched(Path directory) {
        // The ready line (at startup) and the definition lines (on recreation) say it.
    }

    static String definition(CompiledRule rule) {
        return line(g -> {
            g.writeStringField("kind", "definition");
            g.writeStringField("rule_id", rule.ruleId());
            g.writeNumberField("rule_version", rule.ruleVersion());
            g.writeStringField("path", rule.sourcePath() == null ? null : displayPath(rule.sourcePath()));
        });
    }

    /** The state line; {@code state get} prints it too. */
    static String state(String ruleId, RuleState s) {
        return line(g -> {
            g.writeStringField("kind", "state");
            g.writeStringField("rule_id", ruleId);
            g.writeStringField("state", s.mode().wireName());
            if (s.confidenceMax() == null) {
                g.writeNullField("confidence_max");
            } else {
                g.writeNumberField("confidence_max", s.confidenceMax());
            }
            g.writeStringField("expires_at", instant(s.expiresAt()));
            g.writeStringField("reason", s.reason());
            g.writeStringField("set_by", s.setBy());
            g.writeStringField("set_at", instant(s.setAt()));
        });
    }

    /** {@code problem} with its path shown relative to the working directory when it lies under it. */
    static Problem relative(Problem p) {
        String shown = displayPath(p.path());
        return shown.equals(p.path()) ? p : new Problem(shown, p.line(), p.column(), p.field(), p.message(), p.severity());
    }

    /** {@code path} relative to the working directory when it is an absolute path under it. */
    static String displayPath(String path) {
        try {
            Path p = Path.of(path);
            return p.isAbsolute() && p.startsWith(CWD) && !p.equals(CWD) ? CWD.relativize(p).toString() : path;
        } catch (RuntimeException e) {
            return path;
        }
    }

    private static String instant(Instant i) {
        return i == null ? null : i.toString();
    }

    private void emit(String line) {
        synchronized (out) {
            out.print(line + "\n");
            out.flush();
        }
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static String line(Fields fields) {
        StringWriter w = new StringWriter(128);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }
}
