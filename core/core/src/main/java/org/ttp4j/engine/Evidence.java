package org.ttp4j.engine;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * A tag's evidence: a few payload entries in insertion order, read-only, null values allowed. Two arrays instead
 * of a {@code LinkedHashMap} and its read-only view, since the engine makes one per matching rule and event
 * (docs/engine.md §5); equal to, and printed as, any map with the same entries.
 */
final class Evidence extends AbstractMap<String, Object> {

    private final String[] keys;
    private final Object[] values;
    private final int size;

    /** Takes ownership of the arrays; {@code keys[0, size)} are distinct. */
    Evidence(String[] keys, Object[] values, int size) {
        this.keys = keys;
        this.values = values;
        this.size = size;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public Object get(Object key) {
        int k = indexOf(key);
        return k < 0 ? null : values[k];
    }

    private int indexOf(Object key) {
        for (int k = 0; k < size; k++) {
            if (keys[k].equals(key)) {
                return k;
            }
        }
        return -1;
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Iterator<Map.Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Map.Entry<String, Object> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int k = next++;
                        return new AbstractMap.SimpleImmutableEntry<>(keys[k], values[k]);
                    }
                };
            }
        };
    }

    @Override
    public void forEach(java.util.function.BiConsumer<? super String, ? super Object> action) {
        for (int k = 0; k < size; k++) {
            action.accept(keys[k], values[k]);
        }
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (int k = 0; k < size; k++) {
            h += keys[k].hashCode() ^ Objects.hashCode(values[k]);
        }
        return h;
    }
}
