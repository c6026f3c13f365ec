package org.ttp4j.index.internal;

import java.util.Arrays;

/**
 * The payload keys searched by one kind's rules, in first-seen order. Append-only while the bucket lives,
 * so a segment's field numbers stay valid when another segment adds a field. The names are interned, as the
 * keys of a parsed payload are: a look-up in the payload then finds its key by identity.
 */
final class FieldTable {
    static final FieldTable EMPTY = new FieldTable(new String[0]);

    private final String[] names;

    private FieldTable(String[] names) {
        this.names = names;
    }

    int indexOf(String name) {
        for (int k = 0; k < names.length; k++) {
            if (names[k].equals(name)) {
                return k;
            }
        }
        return -1;
    }

    /** This table with {@code name} appended when absent. */
    FieldTable with(String name) {
        if (name == null || indexOf(name) >= 0) {
            return this;
        }
        String[] more = Arrays.copyOf(names, names.length + 1);
        more[names.length] = name.intern(); // the instance the event parser gives a key it has seen (== decides)
        return new FieldTable(more);
    }

    int size() {
        return names.length;
    }

    String name(int k) {
        return names[k];
    }
}
