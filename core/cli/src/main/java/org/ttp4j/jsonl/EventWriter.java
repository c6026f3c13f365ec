package org.ttp4j.jsonl;

import org.ttp4j.engine.Event;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;

/** Writes events as JSON Lines, the input format of {@link EventReader} (for producers, tests, benchmarks). */
public final class EventWriter extends JsonLinesWriter<Event> {

    public EventWriter(OutputStream out) {
        super(out);
    }

    /** One event as a JSON object text (no newline). */
    public static String toJson(Event event) {
        return toJson(EventWriter::new, event);
    }

    @Override
    void writeObject(JsonGenerator g, Event e) throws IOException {
        g.writeStartObject();
        g.writeStringField("source_kind", e.sourceKind());
        g.writeStringField("source_id", e.sourceId());
        g.writeStringField("attacker_uuid", e.attackerUuid());
        g.writeStringField("identity_uuid", e.identityUuid());
        g.writeStringField("session_id", e.sessionId());
        g.writeStringField("decky_id", e.deckyId());
        g.writeFieldName("payload");
        writeValue(g, e.payload());
        g.writeEndObject();
    }
}
