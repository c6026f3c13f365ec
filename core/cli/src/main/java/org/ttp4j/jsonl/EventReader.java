package org.ttp4j.jsonl;

import org.ttp4j.engine.Event;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.base.ParserBase;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads events from JSON Lines (one object per line, docs/events.md §1, docs/cli.md §4) with one streaming parser over the
 * whole input: no tree per event, field names interned by the parser. Unknown top-level keys are skipped.
 *
 * <p>{@link #next()} returns null at the end. An object that is well-formed JSON but not a valid event (no
 * anchors, a non-string id, ...) throws {@link EventFormatException} naming its line, and the reader can go
 * on with the next line; malformed JSON throws an {@link EventFormatException} after which the reader cannot
 * resynchronize (the caller should stop).
 */
public final class EventReader implements AutoCloseable {

    static final JsonFactory JSON = JsonFactory.builder().build();

    private final JsonParser parser;
    private boolean broken;
    private long lastLine = 1;
    private String bad; // the first problem of the event being read

    public EventReader(InputStream in) {
        try {
            this.parser = JSON.createParser(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private EventReader(JsonParser parser) {
        this.parser = parser;
    }

    /** Parses one event from a JSON object text. */
    public static Event parse(String json) {
        try (EventReader r = new EventReader(JSON.createParser(json))) {
            Event e = r.next();
            if (e == null) {
                throw new EventFormatException(1, "no event: the input is empty", null);
            }
            return e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next event, or null at the end of the input. */
    public Event next() throws IOException {
        if (broken) {
            throw new IllegalStateException("the input has malformed JSON; the reader cannot go on");
        }
        long line = lastLine;
        try {
            JsonToken t = parser.nextToken();
            if (t == null) {
                return null;
            }
            line = tokenLine();
            lastLine = line;
            if (t != JsonToken.START_OBJECT) {
                String found = describe(t);
                parser.skipChildren();
                throw new EventFormatException(line, "expected a JSON object, found " + found, null);
            }
            return readEvent(line);
        } catch (JsonProcessingException e) {
            broken = true;
            throw new EventFormatException(e.getLocation() == null ? line : e.getLocation().getLineNr(),
                    "malformed JSON: " + e.getOriginalMessage(), e);
        }
    }

    private Event readEvent(long line) throws IOException {
        String sourceKind = null;
        String sourceId = null;
        String attacker = null;
        String identity = null;
        String session = null;
        String decky = null;
        Map<String, Object> payload = null;
        bad = null;
        String name;
        while ((name = parser.nextFieldName()) != null) {
            JsonToken t = parser.nextToken();
            switch (name) {
                case "source_kind" -> sourceKind = string(t, name);
                case "source_id" -> sourceId = string(t, name);
                case "attacker_uuid" -> attacker = string(t, name);
                case "identity_uuid" -> identity = string(t, name);
                case "session_id" -> session = string(t, name);
                case "decky_id" -> decky = string(t, name);
                case "payload" -> {
                    if (t == JsonToken.START_OBJECT) {
                        payload = readObject(new HashMap<>());
                    } else if (t != JsonToken.VALUE_NULL) {
                        bad = bad != null ? bad : "payload must be an object, found " + describe(t);
                        parser.skipChildren();
                    }
                }
                default -> parser.skipChildren();
            }
        }
        if (bad != null) {
            throw new EventFormatException(line, bad, null);
        }
        try {
            return new Event(sourceKind, sourceId, attacker, identity, session, decky, payload);
        } catch (IllegalArgumentException e) {
            throw new EventFormatException(line, e.getMessage(), e);
        }
    }

    private String string(JsonToken t, String name) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (bad == null) {
            bad = name + " must be a string or null, found " + describe(t);
        }
        parser.skipChildren();
        return null;
    }

    /** The line of the current token, read without allocating a location object when the parser allows. */
    private long tokenLine() {
        return parser instanceof ParserBase base ? base.getTokenLineNr() : parser.currentTokenLocation().getLineNr();
    }

    private String describe(JsonToken t) throws IOException {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            default -> parser.getText();
        };
    }

    private Map<String, Object> readObject(Map<String, Object> into) throws IOException {
        String name;
        while ((name = parser.nextFieldName()) != null) {
            into.put(name, readValue(parser.nextToken()));
        }
        return into;
    }

    private Object readValue(JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getNumberValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            case START_OBJECT -> readObject(new LinkedHashMap<>());
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                JsonToken e;
                while ((e = parser.nextToken()) != JsonToken.END_ARRAY) {
                    list.add(readValue(e));
                }
                yield list;
            }
            default -> throw new EventFormatException(parser.currentTokenLocation().getLineNr(),
                    "unexpected JSON token " + t, null);
        };
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
