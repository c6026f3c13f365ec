package org.ttp4j.store.internal;

import org.ttp4j.store.RuleChange;
import org.ttp4j.store.RuleStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.ttp4j.rule.RuleState;

class ChangePublisherTest {

    private static RuleChange removed(int i) {
        return new RuleChange.Removed("R" + i);
    }

    @Test
    void everySubscriberSeesEveryChangeAfterItsRegistrationAndNothingBefore() {
        ChangePublisher p = new ChangePublisher();
        List<RuleChange> early = new ArrayList<>();
        List<RuleChange> late = new ArrayList<>();
        p.publish(removed(0)); // nobody listens: dropped
        p.subscribe(early::add);
        p.publish(removed(1));
        p.subscribe(late::add);
        p.publish(removed(2));
        assertEquals(List.of(removed(1), removed(2)), early);
        assertEquals(List.of(removed(2)), late);
    }

    @Test
    void closedSubscriptionGetsNothingMore() {
        ChangePublisher p = new ChangePublisher();
        List<RuleChange> seen = new ArrayList<>();
        RuleStore.Subscription s = p.subscribe(seen::add);
        p.publish(removed(1));
        s.close();
        s.close();
        p.publish(removed(2));
        assertEquals(List.of(removed(1)), seen);
        assertTrue(!p.hasSubscribers());
    }

    @Test
    void changePublishedFromInsideAListenerKeepsOneOrderForEveryone() {
        ChangePublisher p = new ChangePublisher();
        List<RuleChange> first = new ArrayList<>();
        List<RuleChange> second = new ArrayList<>();
        p.subscribe(c -> {
            first.add(c);
            if (c.equals(removed(1))) {
                p.publish(removed(2)); // re-entrant: queued, not delivered mid-way
            }
        });
        p.subscribe(second::add);
        p.publish(removed(1));
        assertEquals(List.of(removed(1), removed(2)), first);
        assertEquals(first, second);
    }

    @Test
    void aThrowingListenerDoesNotStopTheOthers() {
        ChangePublisher p = new ChangePublisher();
        List<RuleChange> seen = new ArrayList<>();
        p.subscribe(c -> { throw new IllegalStateException("boom"); });
        p.subscribe(seen::add);
        p.publish(new RuleChange.State("R1", RuleState.DEFAULT));
        assertEquals(1, seen.size());
    }

    @Test
    void concurrentPublishersProduceTheSameOrderForAllSubscribers() throws Exception {
        ChangePublisher p = new ChangePublisher();
        List<RuleChange> a = Collections.synchronizedList(new ArrayList<>());
        List<RuleChange> b = Collections.synchronizedList(new ArrayList<>());
        p.subscribe(a::add);
        p.subscribe(b::add);
        int threads = 4;
        int each = 5_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * each;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    p.publish(removed(base + i));
                }
            });
            th.start();
            ts.add(th);
        }
        start.countDown();
        for (Thread th : ts) {
            th.join();
        }
        assertEquals(threads * each, a.size());
        assertEquals(a, b);
    }
}
