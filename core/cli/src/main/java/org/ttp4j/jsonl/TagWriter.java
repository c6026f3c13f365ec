package org.ttp4j.jsonl;

import java.io.OutputStream;
import java.time.Instant;
import java.util.UUID;
import org.ttp4j.engine.Tag;

/**
 * Writes tags as JSON Lines (one object per line, docs/events.md §3 field order), formatted straight into the
 * output buffer (docs/events.md §7): no text is made per tag but the evidence's. Buffered: call {@link #flush()}
 * when a reader downstream must see the tags.
 */
public final class TagWriter extends JsonLinesWriter<Tag> {

    private static final byte[] HEX = ascii("0123456789abcdef");
    private static final byte[] UUID_KEY = ascii("{\"uuid\":\"");
    private static final byte[] SOURCE_KIND = ascii("\",\"source_kind\":");
    private static final byte[] SOURCE_ID = ascii(",\"source_id\":");
    private static final byte[] ATTACKER = ascii(",\"attacker_uuid\":");
    private static final byte[] IDENTITY = ascii(",\"identity_uuid\":");
    private static final byte[] SESSION = ascii(",\"session_id\":");
    private static final byte[] DECKY = ascii(",\"decky_id\":");
    private static final byte[] TACTIC = ascii(",\"tactic\":");
    private static final byte[] TECHNIQUE = ascii(",\"technique_id\":");
    private static final byte[] SUB_TECHNIQUE = ascii(",\"sub_technique_id\":");
    private static final byte[] CONFIDENCE = ascii(",\"confidence\":");
    private static final byte[] RULE_ID = ascii(",\"rule_id\":");
    private static final byte[] RULE_VERSION = ascii(",\"rule_version\":");
    private static final byte[] EVIDENCE = ascii(",\"evidence\":");
    private static final byte[] RELEASE = ascii(",\"attack_release\":");
    private static final byte[] MITRE_URL = ascii(",\"mitre_url\":");
    private static final byte[] CREATED_AT = ascii(",\"created_at\":\"");
    private static final byte[] END = ascii("\"}");

    private final byte[] uuid = new byte[36];
    private Instant lastTime; // the tags of one event share their created_at: format it once
    private byte[] lastTimeText;

    public TagWriter(OutputStream out) {
        super(out);
    }

    /** One tag as a JSON object text (no newline). */
    public static String toJson(Tag tag) {
        return toJson(TagWriter::new, tag);
    }

    @Override
    void writeObject(Tag tag) {
        raw(UUID_KEY);
        raw(uuid(tag.uuid()));
        raw(SOURCE_KIND);
        string(tag.sourceKind());
        raw(SOURCE_ID);
        string(tag.sourceId());
        raw(ATTACKER);
        string(tag.attackerUuid());
        raw(IDENTITY);
        string(tag.identityUuid());
        raw(SESSION);
        string(tag.sessionId());
        raw(DECKY);
        string(tag.deckyId());
        raw(TACTIC);
        string(tag.tactic());
        raw(TECHNIQUE);
        string(tag.techniqueId());
        raw(SUB_TECHNIQUE);
        string(tag.subTechniqueId());
        raw(CONFIDENCE);
        number(tag.confidence());
        raw(RULE_ID);
        string(tag.ruleId());
        raw(RULE_VERSION);
        number(tag.ruleVersion());
        raw(EVIDENCE);
        value(tag.evidence());
        raw(RELEASE);
        string(tag.attackRelease());
        raw(MITRE_URL);
        string(tag.mitreUrl());
        raw(CREATED_AT);
        raw(time(tag.createdAt()));
        raw(END);
    }

    /** The canonical lowercase form of {@code id}, as {@link UUID#toString()} gives it, in a reused array. */
    private byte[] uuid(UUID id) {
        hex(id.getMostSignificantBits() >>> 32, 8, 0);
        uuid[8] = '-';
        hex(id.getMostSignificantBits() >>> 16, 4, 9);
        uuid[13] = '-';
        hex(id.getMostSignificantBits(), 4, 14);
        uuid[18] = '-';
        hex(id.getLeastSignificantBits() >>> 48, 4, 19);
        uuid[23] = '-';
        hex(id.getLeastSignificantBits(), 12, 24);
        return uuid;
    }

    private void hex(long v, int digits, int at) {
        for (int i = at + digits - 1; i >= at; i--) {
            uuid[i] = HEX[(int) v & 0xF];
            v >>>= 4;
        }
    }

    private byte[] time(Instant t) {
        if (!t.equals(lastTime)) {
            lastTime = t;
            lastTimeText = ascii(t.toString());
        }
        return lastTimeText;
    }
}
