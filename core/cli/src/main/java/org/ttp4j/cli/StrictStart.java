package org.ttp4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ttp4j.rule.Problem;
import org.ttp4j.store.StoreException;
import org.ttp4j.store.StoreReporter;

/**
 * {@code --strict} as {@code validate --strict} means it, for the commands that open a store ({@code run},
 * {@code tag}): any problem reported while the store opens, an error or a warning (a duplicate rule id, an empty
 * file, an unknown key), stops the command (docs/cli.md §10). Passes every report on to {@code next}.
 */
final class StrictStart implements StoreReporter {

    private final boolean strict;
    private final StoreReporter next;
    private final List<Problem> seen = new ArrayList<>();
    private boolean started;

    StrictStart(boolean strict, StoreReporter next) {
        this.strict = strict;
        this.next = next;
    }

    /** Ends the startup: in strict mode, throws when any problem was reported so far; later ones only pass on. */
    void check(String where) {
        List<Problem> found;
        synchronized (this) {
            started = true;
            found = List.copyOf(seen);
            seen.clear();
        }
        if (strict && !found.isEmpty()) {
            throw new StoreException(found.size() + " problem(s) in the rules of " + where
                    + " (--strict, as validate --strict); first: " + ChangeLines.relative(found.get(0)));
        }
    }

    @Override
    public void problem(Problem problem) {
        synchronized (this) {
            if (!started) {
                seen.add(problem);
            }
        }
        next.problem(problem);
    }

    @Override
    public void overflow() {
        next.overflow();
    }

    @Override
    public void rescan(int changes) {
        next.rescan(changes);
    }

    @Override
    public void directoryGone(Path directory) {
        next.directoryGone(directory);
    }

    @Override
    public void directoryWatched(Path directory) {
        next.directoryWatched(directory);
    }
}
