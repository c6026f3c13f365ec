package org.ttp4j.store.internal;

import org.ttp4j.store.RuleChange;
import org.ttp4j.store.RuleStore;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Delivers a store's changes to its subscribers: every subscriber sees every change published after it
 * registered, in one order shared by all, and nothing published before it registered.
 *
 * <p>Delivery is synchronous on the publishing thread (no hand-off, so no added latency). Publishing from
 * several threads, or from inside a listener, is safe: a change published while another thread is
 * delivering is queued and delivered by that thread, in order, so one listener never sees two changes at
 * once and all listeners see the same order. A listener that throws is logged and skipped; the others still
 * get the change.
 */
public final class ChangePublisher {
    private static final System.Logger LOG = System.getLogger(ChangePublisher.class.getName());
    private static final Registration[] NONE = new Registration[0];

    private final Object lock = new Object();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private Registration[] registrations = NONE; // replaced, never mutated; guarded by lock
    private boolean delivering;                   // guarded by lock

    private record Pending(RuleChange change, Registration[] to) {}

    /** Registers {@code listener}; it receives every change published after this call returns. */
    public RuleStore.Subscription subscribe(Consumer<? super RuleChange> listener) {
        Registration r = new Registration(Objects.requireNonNull(listener, "listener"));
        synchronized (lock) {
            Registration[] next = Arrays.copyOf(registrations, registrations.length + 1);
            next[registrations.length] = r;
            registrations = next;
        }
        return r;
    }

    /** True when anyone listens (lets a store skip building a change nobody will see). */
    public boolean hasSubscribers() {
        synchronized (lock) {
            return registrations.length > 0;
        }
    }

    /** Publishes {@code change} to every current subscriber, in order with every other published change. */
    public void publish(RuleChange change) {
        Objects.requireNonNull(change, "change");
        Pending next;
        synchronized (lock) {
            if (registrations.length == 0) {
                return;
            }
            pending.addLast(new Pending(change, registrations));
            if (delivering) {
                return; // the delivering thread will get to it, in order
            }
            delivering = true;
            next = pending.pollFirst();
        }
        while (next != null) {
            for (Registration r : next.to) {
                r.deliver(next.change);
            }
            synchronized (lock) {
                next = pending.pollFirst();
                if (next == null) {
                    delivering = false;
                }
            }
        }
    }

    private void remove(Registration r) {
        synchronized (lock) {
            int i = Arrays.asList(registrations).indexOf(r);
            if (i < 0) {
                return;
            }
            Registration[] next = new Registration[registrations.length - 1];
            System.arraycopy(registrations, 0, next, 0, i);
            System.arraycopy(registrations, i + 1, next, i, registrations.length - i - 1);
            registrations = next;
        }
    }

    private final class Registration implements RuleStore.Subscription {
        private final Consumer<? super RuleChange> listener;
        private volatile boolean closed;

        Registration(Consumer<? super RuleChange> listener) {
            this.listener = listener;
        }

        void deliver(RuleChange change) {
            if (closed) {
                return;
            }
            try {
                listener.accept(change);
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, "rule-change listener failed on " + change + ": " + e, e);
            }
        }

        @Override
        public void close() {
            closed = true;
            remove(this);
        }
    }
}
