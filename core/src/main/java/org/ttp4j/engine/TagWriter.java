package org.ttp4j.engine;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes tags as JSON Lines (one object per line, CONTRACT §7 field order) with one streaming generator over
 * the whole output. Buffered: call {@link #flush()} when a reader downstream must see the tags.
 */
public final class TagWriter implements AutoCloseable, Flushable {

    private final JsonGenerator json;

    public TagWriter(OutputStream out) {
        try {
            this.json = EventReader.JSON.createGenerator(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        json.setRootValueSeparator(null);
    }

    /** One tag as a JSON object text (no newline). */
    public static String toJson(Tag tag) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(512);
        try (TagWriter w = new TagWriter(buf)) {
            w.writeObject(tag);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** Writes {@code tag} and a newline. */
    public void write(Tag tag) throws IOException {
        writeObject(tag);
        json.writeRaw('\n');
    }

    private void writeObject(Tag tag) throws IOException {
        JsonGenerator g = json;
        g.writeStartObject();
        g.writeStringField("uuid", tag.uuid().toString());
        g.writeStringField("source_kind", tag.sourceKind());
        g.writeStringField("source_id", tag.sourceId());
        g.writeStringField("attacker_uuid", tag.attackerUuid());
        g.writeStringField("identity_uuid", tag.identityUuid());
        g.writeStringField("session_id", tag.sessionId());
        g.writeStringField("decky_id", tag.deckyId());
        g.writeStringField("tactic", tag.tactic());
        g.writeStringField("technique_id", tag.techniqueId());
        g.writeStringField("sub_technique_id", tag.subTechniqueId());
        g.writeNumberField("confidence", tag.confidence());
        g.writeStringField("rule_id", tag.ruleId());
        g.writeNumberField("rule_version", tag.ruleVersion());
        g.writeFieldName("evidence");
        writeValue(g, tag.evidence());
        g.writeStringField("attack_release", tag.attackRelease());
        g.writeStringField("mitre_url", tag.mitreUrl());
        g.writeStringField("created_at", tag.createdAt().toString());
        g.writeEndObject();
    }

    /** Writes a JSON value as the event reader gives it (String, Number, Boolean, null, Map, List). */
    static void writeValue(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Double d -> g.writeNumber(d);
            case Float f -> g.writeNumber(f);
            case BigInteger b -> g.writeNumber(b);
            case BigDecimal b -> g.writeNumber(b);
            case Number n -> g.writeNumber(n.doubleValue());
            case Boolean b -> g.writeBoolean(b);
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    writeValue(g, e.getValue());
                }
                g.writeEndObject();
            }
            case List<?> l -> {
                g.writeStartArray();
                for (Object o : l) {
                    writeValue(g, o);
                }
                g.writeEndArray();
            }
            default -> g.writeString(v.toString());
        }
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
