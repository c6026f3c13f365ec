package org.ttp4j.store.fs;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.ttp4j.rule.Problem;
import org.ttp4j.rule.RuleIds;
import org.ttp4j.rule.RuleState;

/**
 * The state file's and the history file's JSON (docs/stores.md §6): a strict reader for exactly this flat
 * shape (objects of strings, numbers and nulls; duplicate keys, unknown keys and trailing text are errors,
 * each reported with its line and column) and the writer. The core carries no JSON library for one format.
 */
final class StateJson {
    private StateJson() {}

    static final int VERSION = 1;

    /** A file that cannot be read as this format; {@link #problem()} positions the first error. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Problem problem;

        Malformed(Problem problem) {
            super(problem.toString());
            this.problem = problem;
        }

        Problem problem() {
            return problem;
        }
    }

    /** One history line: {@code {"rule_id":…,"before":{…},"after":{…}}}. */
    record AuditLine(String ruleId, RuleState before, RuleState after) {}

    // ---- writing ------------------------------------------------------------------------------------------

    /** The whole state file: {@code {"version":1,"states":{…}}}, one rule per line, in rule id order. */
    static String states(Map<String, RuleState> states) {
        StringBuilder b = new StringBuilder(64 + 160 * states.size()).append("{\"version\": ").append(VERSION)
                .append(", \"states\": {");
        String sep = "\n  ";
        for (Map.Entry<String, RuleState> e : new TreeMap<>(states).entrySet()) {
            b.append(sep);
            string(b, e.getKey()).append(": ");
            state(b, e.getValue());
            sep = ",\n  ";
        }
        return b.append(states.isEmpty() ? "}}\n" : "\n}}\n").toString();
    }

    /** One history line, without its newline. */
    static String auditLine(String ruleId, RuleState before, RuleState after) {
        StringBuilder b = new StringBuilder(400).append("{\"rule_id\": ");
        string(b, ruleId).append(", \"before\": ");
        state(b, before).append(", \"after\": ");
        return state(b, after).append('}').toString();
    }

    static StringBuilder state(StringBuilder b, RuleState s) {
        b.append("{\"state\": ");
        string(b, s.mode().wireName()).append(", \"confidence_max\": ")
                .append(s.confidenceMax() == null ? "null" : s.confidenceMax().toString()).append(", \"expires_at\": ");
        string(b, s.expiresAt() == null ? null : s.expiresAt().toString()).append(", \"reason\": ");
        string(b, s.reason()).append(", \"set_by\": ");
        string(b, s.setBy()).append(", \"set_at\": ");
        return string(b, s.setAt() == null ? null : s.setAt().toString()).append('}');
    }

    static StringBuilder string(StringBuilder b, String s) {
        if (s == null) {
            return b.append("null");
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }

    // ---- reading ------------------------------------------------------------------------------------------

    /** Reads a whole state file; an empty (or blank) file is no state. */
    static Map<String, RuleState> parseStates(String text, String path) throws Malformed {
        Cursor c = new Cursor(text, path);
        Map<String, RuleState> out = new TreeMap<>();
        if (c.skipWs() < 0) {
            return out;
        }
        c.expect('{', "the state file must be one JSON object {\"version\": 1, \"states\": {...}}");
        Set<String> keys = new HashSet<>();
        boolean sawStates = false;
        while (c.nextKey(keys, "")) {
            switch (c.lastKey) {
                case "version" -> {
                    c.skipWs();
                    int at = c.pos;
                    Object v = c.scalar("version");
                    if (!(v instanceof Double d) || d != VERSION) {
                        throw c.error(at, "version", "this ttp4j reads version " + VERSION + ", found " + show(v));
                    }
                }
                case "states" -> {
                    sawStates = true;
                    c.skipWs();
                    c.expect('{', "states must be an object of rule id to state");
                    Set<String> ids = new HashSet<>();
                    while (c.nextKey(ids, "states")) {
                        String id = c.lastKey;
                        if (!RuleIds.isValid(id)) {
                            throw c.error(c.lastKeyAt, "states", "'" + id + "' is not a rule id ([A-Za-z0-9_]+)");
                        }
                        out.put(id, c.state("states." + id));
                    }
                }
                default -> throw c.error(c.lastKeyAt, c.lastKey, "unknown key (known: version, states)");
            }
        }
        if (!sawStates) {
            throw c.error(0, "states", "missing");
        }
        c.end();
        return out;
    }

    /** Reads one history line. */
    static AuditLine parseAuditLine(String line, String path, int lineNumber) throws Malformed {
        Cursor c = new Cursor(line, path);
        c.lineOffset = lineNumber - 1;
        c.skipWs();
        c.expect('{', "a history line is one JSON object");
        Set<String> keys = new HashSet<>();
        String ruleId = null;
        RuleState before = null;
        RuleState after = null;
        while (c.nextKey(keys, "")) {
            switch (c.lastKey) {
                case "rule_id" -> {
                    c.skipWs();
                    int at = c.pos;
                    Object v = c.scalar("rule_id");
                    if (!(v instanceof String s) || !RuleIds.isValid(s)) {
                        throw c.error(at, "rule_id", "must be a rule id, found " + show(v));
                    }
                    ruleId = s;
                }
                case "before" -> before = c.state("before");
                case "after" -> after = c.state("after");
                default -> throw c.error(c.lastKeyAt, c.lastKey, "unknown key (known: rule_id, before, after)");
            }
        }
        c.end();
        if (ruleId == null || before == null || after == null) {
            throw c.error(0, "-", "a history line needs rule_id, before and after");
        }
        return new AuditLine(ruleId, before, after);
    }

    private static String show(Object v) {
        return v == null ? "null" : v instanceof String s ? "'" + s + "'" : v.toString();
    }

    /** A position in the text; errors carry 1-based line and column. */
    private static final class Cursor {
        final String text;
        final String path;
        int pos;
        int lineOffset;
        String lastKey;
        int lastKeyAt;

        Cursor(String text, String path) {
            this.text = text;
            this.path = path;
        }

        /** Skips whitespace; returns the next character, or -1 at the end. */
        int skipWs() {
            while (pos < text.length()) {
                char ch = text.charAt(pos);
                if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') {
                    return ch;
                }
                pos++;
            }
            return -1;
        }

        void expect(char ch, String what) throws Malformed {
            if (skipWs() != ch) {
                throw error(pos, "-", what + (pos < text.length() ? ", found '" + text.charAt(pos) + "'" : ", found the end"));
            }
            pos++;
        }

        /**
         * Inside an object just opened (or after a value): reads {@code "key":} and returns true, or the closing
         * brace and returns false. A repeated key is an error.
         */
        boolean nextKey(Set<String> seen, String parent) throws Malformed {
            int ch = skipWs();
            if (ch == '}') {
                pos++;
                return false;
            }
            if (!seen.isEmpty()) {
                expect(',', "expected ',' or '}'");
                ch = skipWs();
            }
            if (ch != '"') {
                throw error(pos, parent, "expected a \"key\"" + (ch < 0 ? ", found the end" : ", found '" + (char) ch + "'"));
            }
            lastKeyAt = pos;
            lastKey = string();
            if (!seen.add(lastKey)) {
                throw error(lastKeyAt, field(parent, lastKey), "duplicate key");
            }
            expect(':', "expected ':' after the key");
            return true;
        }

        /** One state object: the fields of a {@code state} change line, {@code state} required. */
        RuleState state(String field) throws Malformed {
            skipWs();
            int start = pos;
            expect('{', field + " must be a state object");
            Set<String> keys = new HashSet<>();
            RuleState.Mode mode = null;
            Double max = null;
            Instant expires = null;
            Instant setAt = null;
            String reason = null;
            String setBy = null;
            while (nextKey(keys, field)) {
                String key = lastKey;
                String f = field(field, key);
                skipWs();
                int valueAt = pos;
                Object v = scalar(f);
                switch (key) {
                    case "state" -> {
                        try {
                            mode = RuleState.Mode.parse(v instanceof String s ? s : null);
                        } catch (IllegalArgumentException e) {
                            throw error(valueAt, f, e.getMessage());
                        }
                    }
                    case "confidence_max" -> {
                        if (v != null && !(v instanceof Double d && d >= 0 && d <= 1)) {
                            throw error(valueAt, f, "must be null or a number in [0, 1], found " + show(v));
                        }
                        max = (Double) v;
                    }
                    case "expires_at" -> expires = instant(v, valueAt, f);
                    case "set_at" -> setAt = instant(v, valueAt, f);
                    case "reason" -> reason = text(v, valueAt, f);
                    case "set_by" -> setBy = text(v, valueAt, f);
                    default -> throw error(lastKeyAt, f,
                            "unknown key (known: state, confidence_max, expires_at, reason, set_by, set_at)");
                }
            }
            if (mode == null) {
                throw error(start, field(field, "state"), "missing (enabled, disabled or clipped)");
            }
            return new RuleState(mode, max, expires, reason, setBy, setAt);
        }

        private String text(Object v, int at, String f) throws Malformed {
            if (v != null && !(v instanceof String)) {
                throw error(at, f, "must be a string or null, found " + show(v));
            }
            return (String) v;
        }

        private Instant instant(Object v, int at, String f) throws Malformed {
            if (v == null) {
                return null;
            }
            if (v instanceof String s) {
                try {
                    return OffsetDateTime.parse(s).toInstant();
                } catch (DateTimeParseException e) {
                    try {
                        return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC); // no zone means UTC
                    } catch (DateTimeParseException e2) {
                        // fall through to the error
                    }
                }
            }
            throw error(at, f, "must be an ISO-8601 instant such as 2026-12-01T08:00:00Z, or null, found " + show(v));
        }

        /** A string, a number (as Double) or null; anything else is an error. */
        Object scalar(String field) throws Malformed {
            int ch = skipWs();
            if (ch == '"') {
                return string();
            }
            if (ch == '-' || (ch >= '0' && ch <= '9')) {
                return number(field);
            }
            if (text.startsWith("null", pos)) {
                pos += 4;
                return null;
            }
            throw error(pos, field, ch < 0 ? "expected a value, found the end"
                    : "expected a string, a number or null, found '" + (char) ch + "'");
        }

        private Double number(String field) throws Malformed {
            int start = pos;
            if (text.charAt(pos) == '-') {
                pos++;
            }
            int digits = pos;
            while (pos < text.length() && isDigit(text.charAt(pos))) {
                pos++;
            }
            boolean ok = pos > digits && !(text.charAt(digits) == '0' && pos - digits > 1);
            if (ok && pos < text.length() && text.charAt(pos) == '.') {
                int frac = ++pos;
                while (pos < text.length() && isDigit(text.charAt(pos))) {
                    pos++;
                }
                ok = pos > frac;
            }
            if (ok && pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
                pos++;
                if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                    pos++;
                }
                int exp = pos;
                while (pos < text.length() && isDigit(text.charAt(pos))) {
                    pos++;
                }
                ok = pos > exp;
            }
            if (!ok) {
                throw error(start, field, "malformed number");
            }
            return Double.valueOf(text.substring(start, pos));
        }

        private static boolean isDigit(char ch) {
            return ch >= '0' && ch <= '9';
        }

        /** A string at {@code pos} (which is a quote). */
        String string() throws Malformed {
            int start = pos++;
            StringBuilder b = null;
            int run = pos;
            while (pos < text.length()) {
                char ch = text.charAt(pos);
                if (ch == '"') {
                    String s = b == null ? text.substring(run, pos) : b.append(text, run, pos).toString();
                    pos++;
                    return s;
                }
                if (ch < 0x20) {
                    throw error(pos, "-", "control character in a string (write it as \\u" + String.format("%04x", (int) ch) + ")");
                }
                if (ch == '\\') {
                    if (b == null) {
                        b = new StringBuilder();
                    }
                    b.append(text, run, pos);
                    if (pos + 1 >= text.length()) {
                        break;
                    }
                    char e = text.charAt(pos + 1);
                    switch (e) {
                        case '"', '\\', '/' -> b.append(e);
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'n' -> b.append('\n');
                        case 'r' -> b.append('\r');
                        case 't' -> b.append('\t');
                        case 'u' -> {
                            if (pos + 6 > text.length()) {
                                throw error(pos, "-", "truncated \\u escape");
                            }
                            try {
                                b.append((char) Integer.parseInt(text.substring(pos + 2, pos + 6), 16));
                            } catch (NumberFormatException x) {
                                throw error(pos, "-", "malformed \\u escape");
                            }
                            pos += 4;
                        }
                        default -> throw error(pos, "-", "unknown escape \\" + e);
                    }
                    pos += 2;
                    run = pos;
                    continue;
                }
                pos++;
            }
            throw error(start, "-", "unterminated string");
        }

        void end() throws Malformed {
            if (skipWs() >= 0) {
                throw error(pos, "-", "unexpected text after the end of the JSON object");
            }
        }

        private static String field(String parent, String key) {
            return parent.isEmpty() ? key : parent + "." + key;
        }

        Malformed error(int at, String field, String message) {
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < at && i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            return new Malformed(Problem.error(path, line + lineOffset, at - lineStart + 1, field, message));
        }
    }
}
