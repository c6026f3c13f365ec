package org.ttp4j.rule;

/** Rule ids are {@code [A-Za-z0-9_]+} (docs/rules.md §9): they become bus and topic segments. */
public final class RuleIds {
    private RuleIds() {}

    public static boolean isValid(String id) {
        if (id == null || id.isEmpty()) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** Returns {@code id}, or throws an {@link IllegalArgumentException} that says what a rule id may be. */
    public static String requireValid(String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException("'" + id + "' is not a rule id (expected [A-Za-z0-9_]+)");
        }
        return id;
    }
}
