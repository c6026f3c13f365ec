package org.ttp4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.ttp4j.store.RuleStore;
import org.ttp4j.store.RuleStoreType;
import org.ttp4j.store.RuleStores;
import org.ttp4j.store.StoreReporter;

/**
 * The store a command works on: the one {@code DECNET_TTP_RULE_STORE_TYPE} selects (docs/stores.md §3), with the
 * filesystem store's directory from {@code --rules}, else {@code TTP4J_RULES_DIR}, else {@code rules/ttp}.
 */
final class StoreOptions {

    /** Declares {@code --rules} and {@code --strict} on {@code syntax}. */
    static Syntax declare(Syntax syntax) {
        return syntax.option("--rules", "DIR",
                        "The filesystem store's rules directory (default: $TTP4J_RULES_DIR, else rules/ttp).")
                .flag("--strict", "Stop at startup when a rule file has a problem (an error or a warning, as validate"
                        + " --strict) instead of skipping it.");
    }

    private final Path rules;
    private final boolean strict;

    StoreOptions(Args args) {
        rules = args.path("--rules");
        strict = args.flag("--strict");
    }

    /** Opens the selected store, its problems and recoveries reported to {@code reporter}. */
    RuleStore open(StoreReporter reporter) {
        return open(reporter, null);
    }

    /**
     * Opens a filesystem store on {@code directory}, or the selected store when it is null. A filesystem store's
     * directory must exist: a mistyped path is a usage error, not a store that waits for it with no rules.
     */
    RuleStore open(StoreReporter reporter, Path directory) {
        RuleStores.Builder b = RuleStores.fromEnvironment(System.getenv()).strict(strict)
                .compiler(RuleCache.compiler(System.getenv()));
        Path dir = directory != null ? directory : rules;
        if (directory != null) {
            b.type(RuleStoreType.FILESYSTEM);
        }
        if (dir != null) {
            b.rulesDirectory(dir);
        }
        if (b.type() == RuleStoreType.FILESYSTEM) {
            requireDirectory(b.rulesDirectory());
        }
        StrictStart start = new StrictStart(strict, reporter);
        RuleStore store = b.reporter(start).open();
        try {
            start.check(b.type() == RuleStoreType.FILESYSTEM ? b.rulesDirectory().toString() : "the database store");
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /** {@code dir}, when it is a directory; else a usage error. */
    static Path requireDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UsageException("no such rules directory: " + dir);
        }
        return dir;
    }
}
