package org.ttp4j.index.internal;

import java.lang.invoke.MethodHandles;
import org.ttp4j.index.Snapshot;

/**
 * The engine's way into a {@link Snapshot}'s scan structures, which are not API: {@code Snapshot} registers
 * its {@link Access} when its class initialises (the JDK's {@code SharedSecrets} idea), and this package is
 * not exported.
 */
public final class SnapshotInternals {
    private SnapshotInternals() {}

    /** What the engine reads of a snapshot. */
    public interface Access {
        /** The rules applying to {@code kind}, or null when none does. */
        KindBucket bucket(Snapshot snapshot, String kind);

        /** The indexed form of the rule with this id, or null. */
        IndexedRule indexed(Snapshot snapshot, String ruleId);
    }

    private static Access access;

    /** Called once, by {@code Snapshot}'s static initialiser. */
    public static void register(Access a) {
        access = a;
    }

    public static Access access() {
        Access a = access;
        if (a == null) {
            try {
                MethodHandles.lookup().ensureInitialized(Snapshot.class);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            a = access;
        }
        return a;
    }
}
