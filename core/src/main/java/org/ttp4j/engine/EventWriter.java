package org.ttp4j.engine;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes events as JSON Lines, the input format of {@link EventReader} (for producers, tests, benchmarks). */
public final class EventWriter implements AutoCloseable, Flushable {

    private final JsonGenerator json;

    public EventWriter(OutputStream out) {
        try {
            this.json = EventReader.JSON.createGenerator(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        json.setRootValueSeparator(null);
    }

    /** One event as a JSON object text (no newline). */
    public static String toJson(Event event) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
        try (EventWriter w = new EventWriter(buf)) {
            w.writeObject(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** Writes {@code event} and a newline. */
    public void write(Event event) throws IOException {
        writeObject(event);
        json.writeRaw('\n');
    }

    private void writeObject(Event e) throws IOException {
        JsonGenerator g = json;
        g.writeStartObject();
        g.writeStringField("source_kind", e.sourceKind());
        g.writeStringField("source_id", e.sourceId());
        g.writeStringField("attacker_uuid", e.attackerUuid());
        g.writeStringField("identity_uuid", e.identityUuid());
        g.writeStringField("session_id", e.sessionId());
        g.writeStringField("decky_id", e.deckyId());
        g.writeFieldName("payload");
        TagWriter.writeValue(g, (Map<String, Object>) e.payload());
        g.writeEndObject();
    }

    @Override
    public void flush() throws IOException {
        json.flush();
    }

    @Override
    public void close() throws IOException {
        json.close();
    }
}
