package org.ttp4j.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.RuleIds;
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.internal.Durations;
import org.ttp4j.store.RuleStore;
import org.ttp4j.store.RuleStoreType;
import org.ttp4j.store.RuleStores;
import org.ttp4j.store.StateAuditEntry;
import org.ttp4j.store.StateStore;
import org.ttp4j.store.StoreException;
import org.ttp4j.store.StoreReporter;
import org.ttp4j.store.fs.FilesystemRuleStore;
import org.ttp4j.store.fs.StateFile;
import org.ttp4j.store.jdbc.DatabaseConfig;
import org.ttp4j.store.jdbc.DatabaseRuleStore;
import org.ttp4j.store.jdbc.DatabaseStates;

/**
 * {@code ttp4j state get|set|list|history}: a rule's operator state (docs/state.md) in the configured store. Each
 * state prints as one JSON object with the fields of the {@code state} change line (docs/cli.md §3, §5). It works
 * on both stores: the database store's tables, or the filesystem store's state file ({@code TTP4J_STATE_FILE},
 * default beside {@code TTP4J_RULES_DIR}, i.e. {@code rules/ttp.state.json}), which a serving {@code ttp4j run}
 * watches, so a write here is live there within milliseconds (docs/stores.md §6).
 */
final class StateCommand {

    static final Syntax SYNTAX = Syntax.command("state",
                    "Read and write rules' operator state (enabled, disabled, clipped) in the configured store.",
                    "Filesystem store: the state file TTP4J_STATE_FILE (default rules/ttp.state.json), live in a serving"
                            + " ttp4j run.",
                    "Each state prints as one JSON object: kind, rule_id, state, confidence_max, expires_at, reason,"
                            + " set_by, set_at.")
            .subcommand(Syntax.command("get", "Print a rule's state in effect now.")
                    .parameters("RULE_ID", 1, 1, "The rule's id ([A-Za-z0-9_]+).")
                    .action(StateCommand::get))
            .subcommand(Syntax.command("set", "Write a rule's state and print it as stored.",
                            "Example: ttp4j state set R0001 --state clipped --confidence-max 0.3 --ttl 2h --reason"
                                    + " 'noisy on decky-07'")
                    .parameters("RULE_ID", 1, 1, "The rule's id ([A-Za-z0-9_]+).")
                    .option("--state", "STATE", "enabled, disabled (never fires) or clipped (fires, confidence capped).")
                    .required()
                    .option("--confidence-max", "X", "With --state clipped: the ceiling on emitted confidence, in [0, 1].")
                    .option("--ttl", "DURATION", "Revert to the default after this long: 90s, 30m, 2h, 7d, or ISO-8601"
                            + " (PT2H).").inGroup("expiry")
                    .option("--until", "INSTANT", "Revert to the default at this instant (ISO-8601; no zone means UTC).")
                    .inGroup("expiry")
                    .option("--reason", "TEXT", "An operator note.")
                    .option("--by", "WHO", "Who sets it (default: ${DEFAULT}).").byDefault(System.getProperty("user.name"))
                    .flag("--force", "Set the state even of a rule id the store has no rule for (a rule synced later);"
                            + " without it that is refused, as a typo would be.")
                    .action(args -> {
                        new Set(args).run();
                        return 0;
                    }))
            .subcommand(Syntax.command("list",
                            "Print every state in effect now that is not the default (enabled, no ceiling, no expiry), by"
                                    + " rule id.")
                    .action(StateCommand::list))
            .subcommand(Syntax.command("history",
                            "Print every state written for a rule, oldest first (the audit), one state per line.")
                    .parameters("RULE_ID", 1, 1, "The rule's id ([A-Za-z0-9_]+).")
                    .action(StateCommand::history))
            .action(args -> {
                throw new UsageException("a subcommand is required: get, set, list or history");
            });

    private StateCommand() {
    }

    /** The configured store's state: the database store, or the filesystem store's state file (no rule is read). */
    record States(StateStore store, RuleStore owned, Path rulesDirectory) implements AutoCloseable {
        /** Whether a rule with this id is defined: in the database, or in the rules directory (read once, quietly). */
        boolean defines(String ruleId) {
            List<CompiledRule> rules = owned != null ? owned.loadCompiled()
                    : FilesystemRuleStore.readOnce(rulesDirectory, new StoreReporter() {
                        @Override
                        public void problem(org.ttp4j.rule.Problem problem) {
                            // validate reports them; here only the ids matter
                        }
                    }, false);
            return rules.stream().anyMatch(r -> r.ruleId().equals(ruleId));
        }

        @Override
        public void close() {
            if (owned != null) {
                owned.close();
            }
        }
    }

    /** The configured store's states for reading: the state file, or the database's state tables (no store opened). */
    static States openForReading(PrintWriter err) {
        RuleStores.Builder b = RuleStores.fromEnvironment(System.getenv());
        if (b.type() == RuleStoreType.FILESYSTEM) {
            return new States(new StateFile(b.stateFile(), Clock.systemUTC()), null, b.rulesDirectory());
        }
        StoreReporter reporter = TagCommand.problemsTo(err);
        return new States(DatabaseStates.of(DatabaseConfig.fromEnvironment(b.environment()), Clock.systemUTC(),
                reporter::problem), null, null);
    }

    /** Opens the configured store's state on {@code clock} (it stamps {@code set_at} and decides expiry). */
    static States open(PrintWriter err, Clock clock) {
        RuleStores.Builder b = RuleStores.fromEnvironment(System.getenv());
        if (b.type() == RuleStoreType.FILESYSTEM) {
            return new States(new StateFile(b.stateFile(), clock), null, b.rulesDirectory());
        }
        StoreReporter reporter = TagCommand.problemsTo(err);
        DatabaseRuleStore store = DatabaseRuleStore.builder(DatabaseConfig.fromEnvironment(b.environment()))
                .problems(reporter::problem).clock(clock).open();
        return new States(store, store, null);
    }

    /** The rule id parameter; anything but {@code [A-Za-z0-9_]+} is a usage error. */
    static String ruleId(Args args) {
        String value = args.parameters().getFirst();
        if (!RuleIds.isValid(value)) {
            throw args.invalidParameter(0, "'" + value + "' is not a rule id ([A-Za-z0-9_]+)");
        }
        return value;
    }

    private static int get(Args args) {
        String ruleId = ruleId(args);
        try (States store = openForReading(args.err)) {
            print(args.out, ChangeLines.state(ruleId, store.store().getState(ruleId)));
        }
        return 0;
    }

    private static int list(Args args) {
        try (States store = openForReading(args.err)) {
            store.store().states().forEach((ruleId, state) -> {
                if (!state.isDefault()) {
                    args.out.println(ChangeLines.state(ruleId, state));
                }
            });
            args.out.flush();
        }
        return 0;
    }

    private static int history(Args args) {
        String ruleId = ruleId(args);
        try (States store = openForReading(args.err)) {
            for (StateAuditEntry entry : store.store().stateHistory(ruleId)) {
                args.out.println(ChangeLines.state(ruleId, entry.after()));
            }
            args.out.flush();
        }
        return 0;
    }

    /** {@code state set}: the new state, checked, then written. */
    static final class Set implements Runnable {
        private final Args args;
        private final String ruleId;
        private final String state;
        private final Double confidenceMax;
        private final String ttlText;
        private final String untilText;
        private final String reason;
        private final String by;
        private final boolean force;

        Set(Args args) {
            this.args = args;
            ruleId = ruleId(args);
            state = args.value("--state");
            confidenceMax = args.doubleValue("--confidence-max");
            ttlText = args.value("--ttl");
            untilText = args.value("--until");
            reason = args.value("--reason");
            by = args.value("--by");
            force = args.flag("--force");
        }

        @Override
        public void run() {
            RuleState.Mode mode;
            try {
                mode = RuleState.Mode.parse(state.trim().toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--state: " + e.getMessage());
            }
            if (confidenceMax != null && mode != RuleState.Mode.CLIPPED) {
                throw new UsageException("--confidence-max applies only to --state clipped");
            }
            if (confidenceMax != null && !(confidenceMax >= 0 && confidenceMax <= 1)) {
                throw new UsageException("--confidence-max must be in [0, 1], got " + confidenceMax);
            }
            Duration ttl = ttlText == null ? null : duration(ttlText);
            Instant until = untilText == null ? null : instant(untilText);
            if (until != null && !until.isAfter(Instant.now())) {
                throw new UsageException("--until " + untilText
                        + " is not in the future: the state would revert at once");
            }
            WriteClock clock = new WriteClock();
            try (States store = open(args.err, clock)) {
                if (!force && !store.defines(ruleId)) {
                    throw new StoreException("no rule " + ruleId + " in the store, so this state would change nothing"
                            + " now (a typo?); --force sets it anyway, for a rule that arrives later");
                }
                // A TTL counts from the write, not from the start of this command (opening the store takes a while),
                // and from the very instant the store stamps as set_at (docs/cli.md §5).
                Instant now = clock.pin();
                Instant expiresAt = ttl != null ? now.plus(ttl) : until;
                RuleState wanted = new RuleState(mode, confidenceMax, expiresAt, reason, null, null);
                print(args.out, ChangeLines.state(ruleId, store.store().setState(ruleId, wanted, by)));
            }
        }
    }

    /** The UTC system clock until {@link #pin()}, then the instant pinned: one reading for a whole write. */
    static final class WriteClock extends Clock {
        private volatile Instant pinned;

        Instant pin() {
            Instant now = Instant.now();
            pinned = now;
            return now;
        }

        @Override
        public Instant instant() {
            Instant p = pinned;
            return p != null ? p : Instant.now();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("a write clock is UTC only");
        }
    }

    /** {@code 90s}, {@code 30m}, {@code 2h}, {@code 7d}, or ISO-8601 ({@code PT2H}); positive. */
    static Duration duration(String text) {
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--ttl: " + e.getMessage());
        }
        if (d.isNegative() || d.isZero()) {
            throw new UsageException("--ttl must be positive, got '" + text + "'");
        }
        return d;
    }

    /** An ISO-8601 instant; with an offset, or without a zone meaning UTC. */
    static Instant instant(String text) {
        String t = text.trim();
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw new UsageException("--until: '" + text
                        + "' is not an ISO-8601 instant (e.g. 2026-12-01T08:00:00Z, or 2026-12-01T08:00 for UTC)");
            }
        }
    }

    private static void print(PrintWriter out, String line) {
        out.println(line);
        out.flush();
    }
}
