package org.ttp4j.jsonl;

import org.ttp4j.engine.Tag;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes tags as JSON Lines (one object per line, docs/events.md §3 field order) with one streaming generator over
 * the whole output. Buffered: call {@link #flush()} when a reader downstream must see the tags.
 */
public final class TagWriter extends JsonLinesWriter<Tag> {

    public TagWriter(OutputStream out) {
        super(out);
    }

    /** One tag as a JSON object text (no newline). */
    public static String toJson(Tag tag) {
        return toJson(TagWriter::new, tag);
    }

    @Override
    void writeObject(JsonGenerator g, Tag tag) throws IOException {
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
}
