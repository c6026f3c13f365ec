package org.ttp4j.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.internal.Durations;

/**
 * The body of {@code POST .../state} (docs/http.md §3): {@code {"state", "confidence_max", "expires_at",
 * "reason"}} plus {@code ttl} (a duration such as {@code "1h"}, or seconds), strict: unknown or repeated fields,
 * wrong types and values out of range are a 400 with a one-line reason.
 */
final class StateRequest {
    private StateRequest() {}

    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    static RuleState parse(byte[] body, Instant now) {
        String state = null;
        Double max = null;
        Instant expires = null;
        Duration ttl = null;
        String reason = null;
        boolean sawState = false;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad("the body must be a JSON object such as {\"state\": \"disabled\", \"ttl\": \"1h\", \"reason\": \"noisy\"}");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                boolean isNull = t == JsonToken.VALUE_NULL;
                switch (field) {
                    case "state" -> {
                        sawState = true;
                        state = text(p, t, field);
                    }
                    case "confidence_max" -> {
                        if (!isNull) {
                            if (!t.isNumeric()) {
                                throw bad("confidence_max must be a number in [0, 1] or null");
                            }
                            max = p.getDoubleValue();
                            if (!(max >= 0 && max <= 1)) {
                                throw bad("confidence_max must be in [0, 1], got " + p.getText());
                            }
                        }
                    }
                    case "expires_at" -> expires = isNull ? null : instant(text(p, t, field));
                    case "ttl" -> ttl = isNull ? null : ttl(p, t);
                    case "reason" -> reason = text(p, t, field);
                    default -> throw bad("unknown field '" + field + "' (known: state, confidence_max, expires_at, ttl, reason)");
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw bad("the body must be one JSON object");
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw bad("malformed JSON" + (at == null ? "" : " at " + at.getLineNr() + ":" + at.getColumnNr())
                    + ": " + e.getOriginalMessage().replace('\n', ' '));
        } catch (IOException e) {
            throw bad("unreadable body: " + e.getMessage());
        }
        if (!sawState || state == null) {
            throw bad("state is required (enabled, disabled or clipped)");
        }
        RuleState.Mode mode;
        try {
            mode = RuleState.Mode.parse(state);
        } catch (IllegalArgumentException e) {
            throw bad("state: " + e.getMessage());
        }
        if (max != null && mode != RuleState.Mode.CLIPPED) {
            throw bad("confidence_max applies only to state clipped");
        }
        if (ttl != null && expires != null) {
            throw bad("give ttl or expires_at, not both");
        }
        if (ttl != null) {
            expires = now.plus(ttl);
        } else if (expires != null && !expires.isAfter(now)) {
            throw bad("expires_at " + expires + " has passed");
        }
        return new RuleState(mode, max, expires, reason, null, null);
    }

    private static String text(JsonParser p, JsonToken t, String field) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw bad(field + " must be a string or null");
        }
        return p.getText();
    }

    private static Duration ttl(JsonParser p, JsonToken t) throws IOException {
        Duration d;
        if (t == JsonToken.VALUE_NUMBER_INT) {
            d = Duration.ofSeconds(p.getLongValue());
        } else if (t == JsonToken.VALUE_STRING) {
            try {
                d = Durations.parse(p.getText());
            } catch (IllegalArgumentException e) {
                throw bad("ttl: " + e.getMessage());
            }
        } else {
            throw bad("ttl must be a duration such as \"90s\", \"30m\", \"2h\", \"7d\", \"PT2H\", or whole seconds");
        }
        if (d.isNegative() || d.isZero()) {
            throw bad("ttl must be positive");
        }
        return d;
    }

    private static Instant instant(String s) {
        try {
            return OffsetDateTime.parse(s.strip()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(s.strip()).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw bad("expires_at: '" + s + "' is not an ISO-8601 instant (e.g. 2026-12-01T08:00:00Z)");
            }
        }
    }

    private static HttpService.HttpError bad(String message) {
        return new HttpService.HttpError(400, message);
    }
}
