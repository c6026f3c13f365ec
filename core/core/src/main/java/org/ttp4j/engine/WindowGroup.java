package org.ttp4j.engine;

import java.util.Arrays;
import java.util.Objects;

/**
 * One group's state for one stateful rule (docs/stateful.md §3): the latest {@code capacity} entries by event time,
 * ascending (ties in arrival order), each an event time, the event's {@code source_id} and, for distinct counts, the
 * value. That is all a threshold of {@code capacity} needs: at least N events lie in a window ending at T exactly
 * when the N-th latest does. Not thread-safe: its rule's {@link WindowGroups} lock guards it.
 */
final class WindowGroup {

    private static final long[] NO_TIMES = {};
    private static final String[] NO_IDS = {};

    /** The newest event time counted in this group. */
    long latest = Long.MIN_VALUE;
    /** The newest time at which the condition held, or {@code Long.MIN_VALUE}. */
    long lastHeld = Long.MIN_VALUE;
    long[] times = NO_TIMES;
    String[] ids = NO_IDS;
    Object[] values; // distinct counts only
    int size;

    /** Adds an event; keeps the latest {@code capacity}. */
    void add(long time, String id, int capacity) {
        trim(capacity);
        latest = Math.max(latest, time);
        if (size == capacity) {
            if (time < times[0]) {
                return; // older than every entry kept: it cannot change the answer
            }
            removeAt(0);
        }
        insert(time, id, null, capacity);
    }

    /** Adds a sighting of {@code value}: its entry keeps its latest sighting. */
    void addValue(Object value, long time, String id, int capacity) {
        trim(capacity);
        latest = Math.max(latest, time);
        for (int i = 0; i < size; i++) {
            if (Objects.equals(values[i], value)) {
                if (time < times[i]) {
                    return;
                }
                removeAt(i);
                insert(time, id, value, capacity);
                return;
            }
        }
        if (size == capacity) {
            if (time < times[0]) {
                return;
            }
            removeAt(0);
        }
        insert(time, id, value, capacity);
    }

    /** True when the group holds {@code n} entries and the oldest lies after {@code from}. */
    boolean fullAfter(int n, long from) {
        return size >= n && times[size - n] > from;
    }

    /** How many entries lie in {@code (from, to]}. */
    int countIn(long from, long to) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (times[i] > from && times[i] <= to) {
                n++;
            }
        }
        return n;
    }

    /** Drops the oldest entries beyond {@code capacity} (a hot swap lowered the threshold). */
    private void trim(int capacity) {
        if (size > capacity) {
            int drop = size - capacity;
            System.arraycopy(times, drop, times, 0, capacity);
            System.arraycopy(ids, drop, ids, 0, capacity);
            if (values != null) {
                System.arraycopy(values, drop, values, 0, capacity);
                Arrays.fill(values, capacity, size, null);
            }
            Arrays.fill(ids, capacity, size, null);
            size = capacity;
        }
    }

    private void removeAt(int i) {
        int tail = size - i - 1;
        System.arraycopy(times, i + 1, times, i, tail);
        System.arraycopy(ids, i + 1, ids, i, tail);
        if (values != null) {
            System.arraycopy(values, i + 1, values, i, tail);
            values[size - 1] = null;
        }
        ids[size - 1] = null;
        size--;
    }

    private void insert(long time, String id, Object value, int capacity) {
        if (times.length == size) {
            int n = Math.min(capacity, Math.max(2, size * 2));
            times = Arrays.copyOf(times, n);
            ids = Arrays.copyOf(ids, n);
            if (value != null || values != null) {
                values = values == null ? new Object[n] : Arrays.copyOf(values, n);
            }
        } else if (values == null && value != null) {
            values = new Object[times.length];
        }
        int at = size;
        while (at > 0 && times[at - 1] > time) {
            at--;
        }
        int tail = size - at;
        System.arraycopy(times, at, times, at + 1, tail);
        System.arraycopy(ids, at, ids, at + 1, tail);
        if (values != null) {
            System.arraycopy(values, at, values, at + 1, tail);
            values[at] = value;
        }
        times[at] = time;
        ids[at] = id;
        size++;
    }
}
