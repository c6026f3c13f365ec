package org.ttp4j.jsonl;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An event's payload as the parser builds it: keys and values in two arrays, in the order they came, looked up by a
 * linear scan (a payload has a handful of keys, which come from the parser's cache, so {@code ==} mostly decides).
 * A bit per key's hash (its low six bits) says at once that most keys asked for, and most keys put, are not here
 * yet. A repeated key keeps its first place and takes the last value, as a Python dict does. Cheaper to build than a
 * HashMap: two arrays instead of a table and a node per entry. Past {@link #INDEXED} keys a hash index takes over the
 * lookups, so a hostile line of a million keys costs linear time, not quadratic.
 */
final class FieldMap extends AbstractMap<String, Object> {

    private String[] keys = new String[8];
    private Object[] values = new Object[8];
    private int size;
    private long hashes; // bit (hash & 63) of each key: a key whose bit is clear is not here
    private static final int INDEXED = 16;
    /** Key to position, once there are more than {@link #INDEXED} keys; null before. */
    private HashMap<Object, Integer> index;

    private int indexOf(Object key) {
        if (index != null) {
            Integer i = index.get(key);
            return i == null ? -1 : i;
        }
        for (int i = 0; i < size; i++) {
            if (keys[i] == key) {
                return i;
            }
        }
        if (key == null) {
            return -1; // no key is null
        }
        int h = key.hashCode(); // a String keeps its hash: a key of another hash is passed over without a compare
        if ((hashes & 1L << h) == 0) {
            return -1;
        }
        for (int i = 0; i < size; i++) {
            if (keys[i].hashCode() == h && keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Object put(String key, Object value) {
        long bit = 1L << key.hashCode();
        int i = (hashes & bit) == 0 && index == null ? -1 : indexOf(key);
        if (i >= 0) {
            Object old = values[i];
            values[i] = value;
            return old;
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        keys[size] = key;
        values[size++] = value;
        hashes |= bit;
        if (index != null) {
            index.put(key, size - 1);
        } else if (size > INDEXED) {
            index = new HashMap<>(size * 4);
            for (int k = 0; k < size; k++) {
                index.put(keys[k], k);
            }
        }
        return null;
    }

    @Override
    public Object get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public Object getOrDefault(Object key, Object defaultValue) {
        int i = indexOf(key);
        return i < 0 ? defaultValue : values[i];
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Object> action) {
        for (int i = 0; i < size; i++) {
            action.accept(keys[i], values[i]);
        }
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(keys[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }
}
