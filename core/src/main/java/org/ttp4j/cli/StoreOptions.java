package org.ttp4j.cli;

import java.nio.file.Path;
import org.ttp4j.store.RuleStore;
import org.ttp4j.store.RuleStoreType;
import org.ttp4j.store.RuleStores;
import org.ttp4j.store.StoreReporter;
import picocli.CommandLine.Option;

/**
 * The store a command works on: the one {@code DECNET_TTP_RULE_STORE_TYPE} selects (CONTRACT §5), with the
 * filesystem store's directory from {@code --rules}, else {@code TTP4J_RULES_DIR}, else {@code rules/ttp}.
 */
final class StoreOptions {

    @Option(names = "--rules", paramLabel = "DIR",
            description = "The filesystem store's rules directory (default: $TTP4J_RULES_DIR, else rules/ttp).")
    private Path rules;

    @Option(names = "--strict", description = "Stop at startup when a rule is invalid instead of skipping it.")
    private boolean strict;

    /** Opens the selected store, its problems and recoveries reported to {@code reporter}. */
    RuleStore open(StoreReporter reporter) {
        return open(reporter, null);
    }

    /** Opens a filesystem store on {@code directory}, or the selected store when it is null. */
    RuleStore open(StoreReporter reporter, Path directory) {
        RuleStores.Builder b = RuleStores.fromEnvironment(System.getenv()).reporter(reporter).strict(strict);
        Path dir = directory != null ? directory : rules;
        if (directory != null) {
            b.type(RuleStoreType.FILESYSTEM);
        }
        if (dir != null) {
            b.rulesDirectory(dir);
        }
        return b.open();
    }
}
