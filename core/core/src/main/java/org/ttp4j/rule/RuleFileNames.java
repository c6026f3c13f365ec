package org.ttp4j.rule;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The rule-file allowlist (docs/rules.md §8): a file is a rule file iff its basename fully matches
 * {@code [A-Za-z0-9_]+\.ya?ml}, ASCII, case-sensitive. Runs on raw name bytes, e.g. straight on the
 * inotify buffer, with no String and no regex: a suffix test of one or two int compares, then a
 * table lookup per stem byte.
 */
public final class RuleFileNames {
    private RuleFileNames() {}

    private static final ValueLayout.OfInt BIG_ENDIAN_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int YAML = 'y' << 24 | 'a' << 16 | 'm' << 8 | 'l'; // ".yaml" = '.' + YAML
    private static final int DOT_YML = '.' << 24 | 'y' << 16 | 'm' << 8 | 'l';
    private static final boolean[] STEM = new boolean[256];

    static {
        for (int c = 'A'; c <= 'Z'; c++) {
            STEM[c] = true;
            STEM[c + ('a' - 'A')] = true;
        }
        for (int c = '0'; c <= '9'; c++) {
            STEM[c] = true;
        }
        STEM['_'] = true;
    }

    /** Whether the {@code length} name bytes at {@code offset} of {@code segment} name a rule file. */
    public static boolean matches(MemorySegment segment, long offset, int length) {
        if (length < 5) {
            return false;
        }
        long end = offset + length;
        int last4 = segment.get(BIG_ENDIAN_INT, end - 4);
        int stem;
        if (last4 == DOT_YML) {
            stem = length - 4;
        } else if (last4 == YAML && length >= 6 && segment.get(ValueLayout.JAVA_BYTE, end - 5) == '.') {
            stem = length - 5;
        } else {
            return false;
        }
        for (long i = offset, stemEnd = offset + stem; i < stemEnd; i++) {
            if (!STEM[segment.get(ValueLayout.JAVA_BYTE, i) & 0xff]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code name[off, off + length)} names a rule file. */
    public static boolean matches(byte[] name, int off, int length) {
        if (length < 5) {
            return false;
        }
        int end = off + length;
        int stem;
        if (name[end - 4] == '.' && name[end - 3] == 'y' && name[end - 2] == 'm' && name[end - 1] == 'l') {
            stem = length - 4;
        } else if (length >= 6 && name[end - 5] == '.' && name[end - 4] == 'y' && name[end - 3] == 'a'
                && name[end - 2] == 'm' && name[end - 1] == 'l') {
            stem = length - 5;
        } else {
            return false;
        }
        for (int i = off, stemEnd = off + stem; i < stemEnd; i++) {
            if (!STEM[name[i] & 0xff]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code basename} names a rule file (any non-ASCII char makes it not one). */
    public static boolean matches(String basename) {
        int length = basename.length();
        if (length < 5) {
            return false;
        }
        int stem;
        if (basename.endsWith(".yml")) {
            stem = length - 4;
        } else if (length >= 6 && basename.endsWith(".yaml")) {
            stem = length - 5;
        } else {
            return false;
        }
        for (int i = 0; i < stem; i++) {
            char c = basename.charAt(i);
            if (c > 0xff || !STEM[c]) {
                return false;
            }
        }
        return true;
    }
}
