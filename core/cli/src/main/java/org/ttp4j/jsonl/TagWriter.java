package org.ttp4j.jsonl;

import java.io.OutputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.ttp4j.engine.Tag;

/**
 * Writes tags as JSON Lines (one object per line, docs/events.md §3 field order), formatted straight into the
 * output buffer (docs/events.md §7): no text is made per tag but the evidence's. Buffered: call {@link #flush()}
 * when a reader downstream must see the tags.
 *
 * <p>The tags of one event share its strings, and often its evidence map: the writer copies the bytes it wrote for
 * them on the tag before when they are the very same instances. A tag's evidence is read-only ({@link Tag#evidence()}):
 * a map changed between two tags of the same event (the same strings) would be written as it was, unless it holds a
 * list or a map, which the writer always writes afresh.
 */
public final class TagWriter extends JsonLinesWriter<Tag> {

    private static final byte[] HEX = ascii("0123456789abcdef");
    private static final byte[] DIGIT_PAIRS = new byte[200]; // "00" to "99", filled below
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

    static {
        for (int k = 0; k < 100; k++) {
            DIGIT_PAIRS[2 * k] = (byte) ('0' + k / 10);
            DIGIT_PAIRS[2 * k + 1] = (byte) ('0' + k % 10);
        }
    }

    private final byte[] uuid = new byte[36];
    // per rule and emit (slot by its id, technique and tactic), the two runs of a tag that are the rule's own,
    // formatted once: "tactic" to the evidence key, and "attack_release" to the created_at key; kept with the
    // fields they were formatted from
    private static final int RULE_SLOT_BITS = 8;
    private final RuleFields[] rules = new RuleFields[1 << RULE_SLOT_BITS];
    private final int[] ruleSeen = new int[1 << RULE_SLOT_BITS]; // the hash of the last rule that missed, per slot

    private record RuleFields(String tactic, String techniqueId, String subTechniqueId, long confidence, String ruleId,
                              int ruleVersion, String attackRelease, String mitreUrl, byte[] head, byte[] tail) {

        /** The same strings (the same instances: a rule's tags share them) and numbers as {@code tag}'s. */
        boolean of(Tag tag) {
            return ruleId == tag.ruleId() && tactic == tag.tactic() && techniqueId == tag.techniqueId()
                    && subTechniqueId == tag.subTechniqueId() && attackRelease == tag.attackRelease()
                    && mitreUrl == tag.mitreUrl() && ruleVersion == tag.ruleVersion()
                    && confidence == Double.doubleToRawLongBits(tag.confidence());
        }
    }
    private static final int MAX_RUN = 1 << 12; // the longest run of an event's fields or evidence kept
    private final EventRun eventRun = new EventRun();
    private Map<String, Object> lastEvidence; // null: none kept
    private final Run evidenceRun = new Run();
    // the created_at of the last tag (the tags of one event share it) and its text; the text up to the fraction is
    // that of lastSecond (the tags of one second share it)
    private Instant lastTime;
    private long lastSecond = Long.MIN_VALUE;
    private final byte[] timeText = new byte[30]; // 2026-12-01T14:00:00.123456789Z
    private int timeLength;

    public TagWriter(OutputStream out) {
        super(out);
    }

    /** One tag as a JSON object text (no newline). */
    public static String toJson(Tag tag) {
        return toJson(TagWriter::new, tag);
    }

    @Override
    void forget() {
        super.forget();
        eventRun.id = null;
        Arrays.fill(rules, null);
        Arrays.fill(ruleSeen, 0);
        lastEvidence = null;
        lastTime = null;
        lastSecond = Long.MIN_VALUE;
    }

    @Override
    void writeObject(Tag tag) {
        raw(UUID_KEY);
        raw(uuid(tag.uuid()));
        // the tags of one event share its fields and, tag after tag of one rule, its evidence: their bytes are copied
        boolean sameEvent = eventRun.of(tag);
        if (sameEvent) {
            eventRun.run.write();
        } else {
            int from = mark();
            raw(SOURCE_KIND);
            text(tag.sourceKind());
            raw(SOURCE_ID);
            text(tag.sourceId());
            raw(ATTACKER);
            text(tag.attackerUuid());
            raw(IDENTITY);
            text(tag.identityUuid());
            raw(SESSION);
            text(tag.sessionId());
            raw(DECKY);
            text(tag.deckyId());
            eventRun.keep(tag, from, mark());
        }
        // by the rule and its emit: the tags of a rule of two emits differ in their tactic and technique
        int h = (Objects.hashCode(tag.ruleId()) * 31 + Objects.hashCode(tag.techniqueId())) * 31
                + Objects.hashCode(tag.tactic());
        int slot = h * 0x9E3779B9 >>> 32 - RULE_SLOT_BITS;
        RuleFields rule = rules[slot];
        if (rule != null && rule.of(tag)) {
            raw(rule.head);
            evidence(tag.evidence(), sameEvent);
            raw(rule.tail);
        } else {
            int headStart = mark();
            head(tag);
            int headEnd = mark();
            evidence(tag.evidence(), sameEvent);
            int tailStart = mark();
            tail(tag);
            if (ruleSeen[slot] == h) { // a rule met twice running in its slot: its runs are kept
                rules[slot] = new RuleFields(tag.tactic(), tag.techniqueId(), tag.subTechniqueId(),
                        Double.doubleToRawLongBits(tag.confidence()), tag.ruleId(), tag.ruleVersion(),
                        tag.attackRelease(), tag.mitreUrl(), written(headStart, headEnd), written(tailStart, mark()));
            } else {
                ruleSeen[slot] = h;
            }
        }
        time(tag.createdAt());
        raw(END);
    }

    /**
     * The evidence: the bytes of the last one written when it is the very same map on a tag of the same event
     * (a read-only map the engine shares between the rules that name the same fields) and it held only scalars.
     */
    private void evidence(Map<String, Object> evidence, boolean sameEvent) {
        if (evidence == null) {
            value(null);
            return;
        }
        if (sameEvent && evidence == lastEvidence) {
            evidenceRun.write();
            return;
        }
        int from = mark();
        boolean scalars = object(evidence);
        lastEvidence = scalars && evidenceRun.keep(from, mark()) ? evidence : null;
    }

    /** A copy of bytes just written (at most {@value #MAX_RUN}), written again by {@link #write()}. */
    private final class Run {
        private byte[] bytes = new byte[256];
        private int length;

        /** Keeps the bytes written from mark {@code from} to mark {@code to}; false (nothing kept) past MAX_RUN. */
        boolean keep(int from, int to) {
            int n = to - from;
            if (n > MAX_RUN) {
                return false;
            }
            if (bytes.length < n) {
                bytes = new byte[Math.max(n, 2 * bytes.length)];
            }
            copy(from, bytes, n);
            length = n;
            return true;
        }

        void write() {
            raw(bytes, length);
        }
    }

    /** The fields of the last event written ({@code source_kind} to the {@code decky_id} value) and their bytes. */
    private final class EventRun {
        private String kind, id, attacker, identity, session, decky;
        final Run run = new Run();

        /** The same strings (the same instances: an event's tags share them) as {@code tag}'s. */
        boolean of(Tag tag) {
            return id == tag.sourceId() && kind == tag.sourceKind() && attacker == tag.attackerUuid()
                    && identity == tag.identityUuid() && session == tag.sessionId() && decky == tag.deckyId()
                    && id != null;
        }

        void keep(Tag tag, int from, int to) {
            if (!run.keep(from, to)) { // a huge field: not kept
                id = null;
                return;
            }
            kind = tag.sourceKind();
            id = tag.sourceId();
            attacker = tag.attackerUuid();
            identity = tag.identityUuid();
            session = tag.sessionId();
            decky = tag.deckyId();
        }
    }

    /** The rule's fields before the evidence, up to its key. */
    private void head(Tag tag) {
        raw(TACTIC);
        text(tag.tactic());
        raw(TECHNIQUE);
        text(tag.techniqueId());
        raw(SUB_TECHNIQUE);
        text(tag.subTechniqueId());
        raw(CONFIDENCE);
        number(tag.confidence());
        raw(RULE_ID);
        text(tag.ruleId());
        raw(RULE_VERSION);
        number(tag.ruleVersion());
        raw(EVIDENCE);
    }

    /** The rule's fields after the evidence, up to the created_at value. */
    private void tail(Tag tag) {
        raw(RELEASE);
        text(tag.attackRelease());
        raw(MITRE_URL);
        text(tag.mitreUrl());
        raw(CREATED_AT);
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

    /** {@code t} as {@link #isoInstant}, from the text of the last tag's time or of its second. */
    private void time(Instant t) {
        if (!t.equals(lastTime)) {
            long second = t.getEpochSecond();
            if (second != lastSecond) {
                byte[] whole = isoInstant(Instant.ofEpochSecond(second));
                if (whole.length != 20) { // a year before 0 or after 9999, as the JDK writes it (what is kept stays)
                    raw(isoInstant(t));
                    return;
                }
                System.arraycopy(whole, 0, timeText, 0, 19);
                lastSecond = second;
            }
            timeLength = fraction(timeText, t.getNano());
            lastTime = t;
        }
        raw(timeText, timeLength);
    }

    /** Writes the fraction of {@code nano} and the Z at {@code out[19]}, as {@link #isoInstant}; returns the length. */
    private static int fraction(byte[] out, int nano) {
        int digits = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1000 == 0 ? 6 : 9;
        if (digits > 0) {
            out[19] = '.';
            digits(out, 20, nano / (digits == 3 ? 1_000_000 : digits == 6 ? 1000 : 1), digits);
        }
        int end = digits == 0 ? 19 : 20 + digits;
        out[end] = 'Z';
        return end + 1;
    }

    /**
     * {@code t} as {@link Instant#toString()} writes it ({@code 2026-12-01T14:00:00.123456Z}: the fraction in groups of
     * three digits, as many as it needs), formatted by hand for the years 0 to 9999; other years by the JDK.
     */
    static byte[] isoInstant(Instant t) {
        long seconds = t.getEpochSecond();
        LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
        int year = day.getYear();
        if (year < 0 || year > 9999) {
            return ascii(t.toString());
        }
        byte[] out = new byte[30];
        int inDay = (int) Math.floorMod(seconds, 86_400);
        digits(out, 0, year, 4);
        out[4] = '-';
        digits(out, 5, day.getMonthValue(), 2);
        out[7] = '-';
        digits(out, 8, day.getDayOfMonth(), 2);
        out[10] = 'T';
        digits(out, 11, inDay / 3600, 2);
        out[13] = ':';
        digits(out, 14, inDay / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, inDay % 60, 2);
        return Arrays.copyOf(out, fraction(out, t.getNano()));
    }

    /** {@code v} in {@code n} decimal digits, zero-padded, at {@code out[at]}: two at a time. */
    private static void digits(byte[] out, int at, int v, int n) {
        int i = at + n;
        for (; i - 2 >= at; i -= 2) {
            int pair = v % 100;
            v /= 100;
            out[i - 1] = DIGIT_PAIRS[2 * pair + 1];
            out[i - 2] = DIGIT_PAIRS[2 * pair];
        }
        if (i > at) {
            out[at] = (byte) ('0' + v % 10);
        }
    }
}
