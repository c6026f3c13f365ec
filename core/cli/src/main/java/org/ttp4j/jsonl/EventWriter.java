package org.ttp4j.jsonl;

import java.io.OutputStream;
import org.ttp4j.engine.Event;

/** Writes events as JSON Lines, the input format of {@link EventReader} (for producers, tests, benchmarks). */
public final class EventWriter extends JsonLinesWriter<Event> {

    private static final byte[] SOURCE_KIND = ascii("{\"source_kind\":");
    private static final byte[] SOURCE_ID = ascii(",\"source_id\":");
    private static final byte[] ATTACKER = ascii(",\"attacker_uuid\":");
    private static final byte[] IDENTITY = ascii(",\"identity_uuid\":");
    private static final byte[] SESSION = ascii(",\"session_id\":");
    private static final byte[] DECKY = ascii(",\"decky_id\":");
    private static final byte[] PAYLOAD = ascii(",\"payload\":");

    public EventWriter(OutputStream out) {
        super(out);
    }

    /** One event as a JSON object text (no newline). */
    public static String toJson(Event event) {
        return toJson(EventWriter::new, event);
    }

    @Override
    void writeObject(Event e) {
        raw(SOURCE_KIND);
        string(e.sourceKind());
        raw(SOURCE_ID);
        string(e.sourceId());
        raw(ATTACKER);
        string(e.attackerUuid());
        raw(IDENTITY);
        string(e.identityUuid());
        raw(SESSION);
        string(e.sessionId());
        raw(DECKY);
        string(e.deckyId());
        raw(PAYLOAD);
        value(e.payload());
        raw((byte) '}');
    }
}
