package org.ttp4j.engine;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.UUID;

/**
 * The identity of a tag, as DECNET computes it: an RFC 4122 version-5 UUID in namespace
 * {@value #NAMESPACE_TEXT} over the UTF-8 bytes of
 * {@code source_kind|source_id|rule_id|rule_version|technique_id|sub_technique_id} (a missing sub-technique
 * is the empty string). Reuses one digest and buffer per thread.
 */
public final class TagUuid {

    static final String NAMESPACE_TEXT = "1ca31f08-5522-5aae-8371-fe81f0e39de3";
    /** The namespace of every tag UUID. */
    public static final UUID NAMESPACE = UUID.fromString(NAMESPACE_TEXT);

    private static final ThreadLocal<TagUuid> PER_THREAD = ThreadLocal.withInitial(TagUuid::new);

    private final MessageDigest sha1;
    private byte[] name = new byte[256];
    private final byte[] digest = new byte[20];
    // the source kind and id whose "kind|id|" is in name[16, eventEnd): the same instances (an event's tags share them)
    private String lastSourceKind;
    private String lastSourceId;
    private int eventEnd = 16;
    // the "rule_id|version|technique|sub" ends of names, per slot by rule, version and technique
    private static final int RULE_SLOT_BITS = 6;
    private final RuleName[] rules = new RuleName[1 << RULE_SLOT_BITS];

    /** A rule's end of the name, with the strings (the same instances: a rule's tags share them) it was made of. */
    private record RuleName(String ruleId, int version, String techniqueId, String subTechniqueId, byte[] bytes) {
        boolean of(String ruleId, int version, String techniqueId, String subTechniqueId) {
            return this.ruleId == ruleId && this.version == version && this.techniqueId == techniqueId
                    && this.subTechniqueId == subTechniqueId;
        }
    }

    private TagUuid() {
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is not available in this JDK", e);
        }
        long msb = NAMESPACE.getMostSignificantBits();
        long lsb = NAMESPACE.getLeastSignificantBits();
        for (int k = 0; k < 8; k++) {
            name[k] = (byte) (msb >>> (56 - 8 * k));
            name[8 + k] = (byte) (lsb >>> (56 - 8 * k));
        }
    }

    /** The tag UUID for these name parts; {@code subTechniqueId} may be null. */
    public static UUID of(String sourceKind, String sourceId, String ruleId, int ruleVersion,
                          String techniqueId, String subTechniqueId) {
        return PER_THREAD.get().compute(sourceKind, sourceId, ruleId, ruleVersion, techniqueId, subTechniqueId);
    }

    private UUID compute(String sourceKind, String sourceId, String ruleId, int ruleVersion,
                         String techniqueId, String subTechniqueId) {
        // the tags of one event share the name's start, and those of one rule's emit its end: each is encoded once
        int n;
        if (sourceId != null && sourceId == lastSourceId && sourceKind == lastSourceKind) {
            n = eventEnd;
        } else {
            lastSourceKind = null; // until the new start is written whole (a null part throws on the way)
            lastSourceId = null;
            n = put(sourceKind, 16);
            n = put('|', n);
            n = put(sourceId, n);
            n = put('|', n);
            boolean keep = n <= 128; // a long id is encoded for each of its tags
            lastSourceKind = keep ? sourceKind : null;
            lastSourceId = keep ? sourceId : null;
            eventEnd = n;
        }
        int h = (ruleId.hashCode() * 31 + techniqueId.hashCode()) * 31 + ruleVersion;
        int slot = h * 0x9E3779B9 >>> 32 - RULE_SLOT_BITS;
        RuleName rule = rules[slot];
        if (rule != null && rule.of(ruleId, ruleVersion, techniqueId, subTechniqueId)) {
            ensure(n + rule.bytes.length);
            System.arraycopy(rule.bytes, 0, name, n, rule.bytes.length);
            n += rule.bytes.length;
        } else {
            int from = n;
            n = put(ruleId, n);
            n = put('|', n);
            n = putInt(ruleVersion, n);
            n = put('|', n);
            n = put(techniqueId, n);
            n = put('|', n);
            if (subTechniqueId != null) {
                n = put(subTechniqueId, n);
            }
            if (n - from <= 256) {
                rules[slot] = new RuleName(ruleId, ruleVersion, techniqueId, subTechniqueId,
                        Arrays.copyOfRange(name, from, n));
            }
        }
        sha1.update(name, 0, n);
        if (name.length > 1 << 16) {
            name = Arrays.copyOf(name, 256); // a huge id's buffer is let go (the kept start is within it)
        }
        try {
            sha1.digest(digest, 0, 20);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        digest[6] = (byte) ((digest[6] & 0x0f) | 0x50);
        digest[8] = (byte) ((digest[8] & 0x3f) | 0x80);
        long msb = 0;
        long lsb = 0;
        for (int k = 0; k < 8; k++) {
            msb = (msb << 8) | (digest[k] & 0xff);
            lsb = (lsb << 8) | (digest[8 + k] & 0xff);
        }
        return new UUID(msb, lsb);
    }

    private int put(char c, int n) {
        ensure(n + 1);
        name[n] = (byte) c;
        return n + 1;
    }

    private int putInt(int v, int n) {
        if (v < 0) {
            return put(Integer.toString(v), n);
        }
        int digits = 1;
        for (int t = v; t >= 10; t /= 10) {
            digits++;
        }
        ensure(n + digits);
        for (int k = n + digits - 1; k >= n; k--) {
            name[k] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return n + digits;
    }

    /** UTF-8 encodes {@code s} at {@code n} (unpaired surrogates become {@code ?}, as String.getBytes does). */
    private int put(String s, int n) {
        int len = s.length();
        ensure(n + len * 3);
        for (int k = 0; k < len; k++) {
            char c = s.charAt(k);
            if (c < 0x80) {
                name[n++] = (byte) c;
            } else if (c < 0x800) {
                name[n++] = (byte) (0xc0 | (c >> 6));
                name[n++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && k + 1 < len && Character.isLowSurrogate(s.charAt(k + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++k));
                name[n++] = (byte) (0xf0 | (cp >> 18));
                name[n++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                name[n++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                name[n++] = (byte) (0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                name[n++] = '?';
            } else {
                name[n++] = (byte) (0xe0 | (c >> 12));
                name[n++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                name[n++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        return n;
    }

    private void ensure(int size) {
        if (size > name.length) {
            name = Arrays.copyOf(name, Math.max(size, name.length * 2));
        }
    }
}
