package org.ttp4j.engine;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One stateful rule's groups, least recently active first, capped: the state a hot swap keeps or drops whole.
 * Guarded by its own monitor (callers synchronize on it).
 */
final class WindowGroups {

    private final LinkedHashMap<Object, WindowGroup> groups = new LinkedHashMap<>(64, 0.75f, true);
    /** The newest event time this rule accepted. */
    long maxSeen = Long.MIN_VALUE;
    long evictions;
    long late;

    int size() {
        return groups.size();
    }

    WindowGroup get(Object key) {
        return groups.get(key);
    }

    /** The group of {@code key}, created when missing (evicting the least recently active one beyond {@code cap}). */
    WindowGroup getOrCreate(Object key, int cap) {
        WindowGroup g = groups.get(key);
        if (g == null) {
            while (groups.size() >= cap) {
                Iterator<WindowGroup> eldest = groups.values().iterator();
                eldest.next();
                eldest.remove();
                evictions++;
            }
            g = new WindowGroup();
            groups.put(key, g);
        }
        return g;
    }

    /** Frees groups whose every event is older than any window a future accepted event can see. */
    void expire(long horizon) {
        Iterator<Map.Entry<Object, WindowGroup>> it = groups.entrySet().iterator();
        while (it.hasNext()) {
            if (it.next().getValue().latest >= horizon) {
                return; // least recently active first: the rest were active later
            }
            it.remove();
        }
    }
}
