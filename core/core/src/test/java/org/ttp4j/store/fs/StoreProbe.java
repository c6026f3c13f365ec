package org.ttp4j.store.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ttp4j.rule.Problem;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.StoreReporter;

/** What a store published and reported, as seen by one subscriber and its reporter, with waits that do not hang. */
final class StoreProbe implements StoreReporter {
    /** How long to wait for something that must come. */
    private int sentinels;
    static final Duration ARRIVAL = Duration.ofSeconds(30);
    /** How long to watch for something that must not come (after the store has demonstrably caught up). */

    final BlockingQueue<RuleChange> changes = new LinkedBlockingQueue<>();
    final BlockingQueue<Problem> problems = new LinkedBlockingQueue<>();
    final AtomicInteger overflows = new AtomicInteger();
    final BlockingQueue<Integer> rescans = new LinkedBlockingQueue<>();
    final BlockingQueue<Path> gone = new LinkedBlockingQueue<>();
    final BlockingQueue<Path> watched = new LinkedBlockingQueue<>();

    @Override
    public void problem(Problem problem) {
        problems.add(problem);
    }

    @Override
    public void overflow() {
        overflows.incrementAndGet();
    }

    @Override
    public void rescan(int changes) {
        rescans.add(changes);
    }

    @Override
    public void directoryGone(Path directory) {
        gone.add(directory);
    }

    @Override
    public void directoryWatched(Path directory) {
        watched.add(directory);
    }

    void record(RuleChange change) {
        changes.add(change);
    }

    RuleChange next() throws InterruptedException {
        RuleChange c = changes.poll(ARRIVAL.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(c, "no change arrived within " + ARRIVAL);
        return c;
    }

    List<RuleChange> next(int n) throws InterruptedException {
        List<RuleChange> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(next());
        }
        return out;
    }

    RuleChange.Definition nextDefinition(String ruleId) throws InterruptedException {
        RuleChange c = next();
        assertTrue(c instanceof RuleChange.Definition, "expected a Definition of " + ruleId + ", got " + c);
        assertEquals(ruleId, c.ruleId());
        return (RuleChange.Definition) c;
    }

    void nextRemoved(String ruleId) throws InterruptedException {
        assertEquals(new RuleChange.Removed(ruleId), next());
    }

    Problem nextProblem() throws InterruptedException {
        Problem p = problems.poll(ARRIVAL.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(p, "no problem was reported within " + ARRIVAL);
        return p;
    }

    /**
     * Asserts that the store published nothing for what came before: a sentinel rule file's round trip through
     * {@code dir} is the barrier (the store's events, the state file's too, come from one watcher, in order).
     */
    void assertNoChange(Path dir) throws Exception {
        String id = "Zsentinel" + sentinels++;
        Files.writeString(dir.resolve(id + ".yaml"), FilesystemRuleStoreTest.ruleYaml(id, 1, "sentinel"));
        nextDefinition(id);
        Files.delete(dir.resolve(id + ".yaml"));
        nextRemoved(id);
    }

    void assertNoProblem() {
        assertNull(problems.peek(), "unexpected problem " + problems.peek());
    }
}
