package org.ttp4j.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.ttp4j.rule.RuleCompiler;
import org.ttp4j.store.RuleStores;
import org.ttp4j.store.StoreException;
import org.ttp4j.store.jdbc.DatabaseConfig;
import org.ttp4j.store.jdbc.DatabaseRuleStore;
import org.ttp4j.store.jdbc.RuleTableSync;
import org.ttp4j.store.fs.FilesystemRuleStore;

/**
 * {@code ttp4j sync}: master mode (docs/stores.md §11, docs/cli.md §6). The filesystem store on the rules directory is projected
 * into the database store's tables (upserts and deletes), then followed: every later edit is written as it
 * happens, for every worker on the database to see. Prints {@code {"kind":"ready","rules":N}} on stdout once the
 * tables match the directory, then the change lines of the directory (docs/cli.md §3). {@code --once} stops there.
 */
final class SyncCommand implements Callable<Integer> {

    static final Syntax SYNTAX = Syntax.command("sync",
                    "Master mode: project the rules directory into the database store's tables, then keep them in sync.",
                    "The database is TTP4J_DB_URL (default jdbc:sqlite:ttp4j.db), TTP4J_DB_USER, TTP4J_DB_PASSWORD;"
                            + " its change log keeps TTP4J_DB_CHANGE_RETENTION (default 7d).")
            .option("--rules", "DIR", "The rules directory (default: $TTP4J_RULES_DIR, else rules/ttp).")
            .flag("--once", "Exit once the tables match the directory instead of following it.")
            .option("--by", "WHO", "The updated_by stamped on the rows written (default: ${DEFAULT}).")
            .byDefault("ttp4j-sync")
            .action(args -> new SyncCommand(args).call());

    private static final Duration INITIAL = Duration.ofMinutes(2);

    private final Path rules;
    private final boolean once;
    private final String by;

    private SyncCommand(Args args) {
        rules = args.path("--rules");
        once = args.flag("--once");
        by = args.value("--by");
    }

    @Override
    public Integer call() throws InterruptedException {
        ChangeLines lines = new ChangeLines(System.out);
        // A missing directory would project as no rules at all: every row deleted, on every worker.
        Path dir = StoreOptions.requireDirectory(
                rules != null ? rules : RuleStores.fromEnvironment(System.getenv()).rulesDirectory());
        RuleCompiler compiler = RuleCache.compiler(System.getenv());
        try (FilesystemRuleStore source = FilesystemRuleStore.builder(dir).reporter(lines).compiler(compiler).open();
             DatabaseRuleStore target = DatabaseRuleStore.builder(DatabaseConfig.fromEnvironment(System.getenv()))
                     .problems(lines::problem).compiler(compiler).open();
             // --once ends on a failure no retry can cure (read-only, disk full, constraint): exit 1 with its line
             RuleTableSync sync = once ? RuleTableSync.startOnce(source, target, by) : RuleTableSync.start(source, target, by)) {
            if (!sync.awaitIdle(INITIAL)) {
                throw new StoreException("the rule tables at " + target.config().redactedUrl() + " did not take the "
                        + dir + " rules within " + INITIAL.toMinutes() + " minutes");
            }
            if (once) {
                lines.ready(source.loadCompiled().size());
                return 0;
            }
            LiveRules live = new LiveRules(source, null, lines);
            LiveRules.untilTerminated(() -> {
                sync.close();
                target.close();
                live.close();
            });
            return 0;
        }
    }
}
