package org.ttp4j.store;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import org.ttp4j.rule.Problem;

/**
 * What a store tells its operator besides rule changes: rejected rule files and edits, and how it recovered
 * from lost notifications. The command line prints these as {@code problem}, {@code overflow} and
 * {@code rescan} lines (docs/cli.md §3); an embedding engine may log them. Called on the store's publishing
 * thread; implementations must not block for long. The defaults log through {@link System.Logger}.
 */
public interface StoreReporter {

    /** Logs every report through {@link System.Logger} (name {@code org.ttp4j.store}). */
    StoreReporter LOG = new StoreReporter() {};

    /** A rule file (or row) was rejected, or compiled with a warning; reported once per content. */
    default void problem(Problem problem) {
        StoreLog.LOGGER.log(problem.isError() ? Level.ERROR : Level.WARNING, problem.toString());
    }

    /** Change notifications were lost (the kernel queue overflowed); a full rescan follows. */
    default void overflow() {
        StoreLog.LOGGER.log(Level.WARNING, "change notifications were lost (queue overflow); rescanning");
    }

    /** A full rescan finished and published {@code changes} changes. */
    default void rescan(int changes) {
        StoreLog.LOGGER.log(Level.INFO, "rescan published " + changes + " change(s)");
    }

    /** The rules directory disappeared (its rules were published as removed); the store waits for it. */
    default void directoryGone(Path directory) {
        StoreLog.LOGGER.log(Level.WARNING, "rules directory " + directory + " is gone; waiting for it to come back");
    }

    /** The rules directory is (back) in place and watched; its rules were loaded. */
    default void directoryWatched(Path directory) {
        StoreLog.LOGGER.log(Level.INFO, "watching rules directory " + directory);
    }
}
