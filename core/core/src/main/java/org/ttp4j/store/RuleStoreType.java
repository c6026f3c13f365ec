package org.ttp4j.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The store backends, selected by {@code DECNET_TTP_RULE_STORE_TYPE} (docs/stores.md §3). */
public enum RuleStoreType {
    FILESYSTEM, DATABASE;

    /** The environment variable that selects the backend. */
    public static final String ENV = "DECNET_TTP_RULE_STORE_TYPE";

    /** The wire spelling, e.g. {@code filesystem}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The backend named by the variable's value: trimmed and lower-cased; unset (null) means
     * {@link #FILESYSTEM}; anything else, the empty string included, is an error listing the known values.
     */
    public static RuleStoreType select(String value) {
        if (value == null) {
            return FILESYSTEM;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (RuleStoreType t : values()) {
            if (t.wireName().equals(v)) {
                return t;
            }
        }
        throw new IllegalArgumentException(ENV + "='" + value + "' is not a rule store type (known: "
                + Arrays.stream(values()).map(RuleStoreType::wireName).collect(Collectors.joining(", ")) + ")");
    }
}
