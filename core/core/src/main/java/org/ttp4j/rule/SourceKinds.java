package org.ttp4j.rule;

/** Facts about source kinds (the kinds of event; the set is open). */
public final class SourceKinds {
    private SourceKinds() {}

    /**
     * The payload key an engine-owned rule searches when its {@code match} names no {@code field}
     * (docs/events.md §2), or null when the kind has none (the rule must then name {@code field}).
     */
    public static String defaultField(String sourceKind) {
        return switch (sourceKind) {
            case "command" -> "command_text";
            case "http_request" -> "raw_url";
            case "email" -> "subject";
            case "intel" -> "verdict";
            case "canary_fingerprint" -> "ua_signature";
            case "auth_attempt" -> "username";
            case "payload" -> "payload_text";
            default -> null;
        };
    }
}
