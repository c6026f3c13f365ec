package org.ttp4j.rule;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.zip.CRC32C;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link CompileCache} entry of a cleanly compiled rule (docs/rules.md §10): what binding its document gave (the
 * top-level values, the {@code match} mapping as plain values, the emits), the literals every match of its regular
 * expression contains (the index's prefilter, docs/engine.md §3; null for a rule without one), and the problems the
 * compile reported. The rule's text is not kept: it is the source's. Binary, big-endian: a header naming the
 * source's hash and the compiler's limits (an entry is read back only by a compiler with the same limits, for the
 * same bytes), the values (strings as their length and UTF-16 chars, so that a lone surrogate a YAML escape made
 * survives), and a CRC-32C of everything before it.
 */
record CompiledEntry(String ruleId, int ruleVersion, String name, String description, List<String> appliesTo,
                     Map<String, Object> match, RequiredLiterals literals, List<Emit> emits,
                     List<String> evidenceFields, List<Problem> problems) {

    private static final int MAGIC = 0x74743403; // "tt4" and the format's version

    private static final byte NULL = 0, STRING = 1, LONG = 2, BIG = 3, DOUBLE = 4, TRUE = 5, FALSE = 6, LIST = 7,
            MAP = 8;

    /** This entry with {@code kept} as its problems. */
    CompiledEntry with(RequiredLiterals learnt, List<Problem> kept) {
        return new CompiledEntry(ruleId, ruleVersion, name, description, appliesTo, match, learnt, emits,
                evidenceFields, kept);
    }

    /**
     * The entry's bytes for the source hashed {@code sha256} under the compiler limits {@code limits}, or null when a
     * value is of a kind the binder never makes (nothing is then kept).
     */
    byte[] encode(String sha256, String limits) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            string(out, sha256);
            string(out, limits);
            string(out, ruleId);
            out.writeInt(ruleVersion);
            string(out, name);
            string(out, description);
            strings(out, appliesTo);
            if (!value(out, match)) {
                return null;
            }
            out.writeBoolean(literals != null);
            if (literals != null) {
                literals(out, literals);
            }
            out.writeInt(emits.size());
            for (Emit e : emits) {
                string(out, e.techniqueId());
                string(out, e.subTechniqueId());
                string(out, e.tactic());
                out.writeDouble(e.confidence());
            }
            strings(out, evidenceFields);
            out.writeInt(problems.size());
            for (Problem p : problems) {
                out.writeBoolean(p.isError());
                out.writeInt(p.line());
                out.writeInt(p.column());
                string(out, p.field());
                string(out, p.message());
            }
            CRC32C crc = new CRC32C();
            crc.update(bytes.toByteArray());
            out.writeInt((int) crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * The entry in {@code bytes}, its problems on {@code path}.
     *
     * @throws IllegalArgumentException when the bytes are not a whole entry of this format, for the source hashed
     *     {@code sha256} under the limits {@code limits}, with its checksum
     */
    static CompiledEntry decode(byte[] bytes, String path, String sha256, String limits) {
        if (bytes.length < 8) {
            throw new IllegalArgumentException("not an entry of this format");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        int kept = (bytes[bytes.length - 4] & 0xff) << 24 | (bytes[bytes.length - 3] & 0xff) << 16
                | (bytes[bytes.length - 2] & 0xff) << 8 | bytes[bytes.length - 1] & 0xff;
        if ((int) crc.getValue() != kept) {
            throw new IllegalArgumentException("a damaged entry: its checksum differs");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 4))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not an entry of this format");
            }
            if (!sha256.equals(string(in)) || !limits.equals(string(in))) {
                throw new IllegalArgumentException("an entry of other bytes or other limits");
            }
            String ruleId = string(in);
            int version = in.readInt();
            String name = string(in);
            String description = string(in);
            List<String> appliesTo = strings(in);
            if (!(value(in, 1) instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("match is not a mapping");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> match = (Map<String, Object>) m;
            RequiredLiterals literals = in.readBoolean() ? literals(in) : null;
            List<Emit> emits = new ArrayList<>();
            for (int i = count(in); i > 0; i--) {
                emits.add(new Emit(string(in), string(in), string(in), in.readDouble()));
            }
            List<String> evidence = strings(in);
            List<Problem> problems = new ArrayList<>();
            for (int i = count(in); i > 0; i--) {
                boolean error = in.readBoolean();
                int line = in.readInt();
                int column = in.readInt();
                String field = string(in);
                String message = string(in);
                problems.add(error ? Problem.error(path, line, column, field, message)
                        : Problem.warning(path, line, column, field, message));
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException("bytes after the entry");
            }
            return new CompiledEntry(ruleId, version, name, description, appliesTo, match, literals, emits, evidence,
                    List.copyOf(problems));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("a damaged entry: " + e, e);
        }
    }

    private static void literals(DataOutputStream out, RequiredLiterals l) throws IOException {
        out.writeInt(l.allOf().size());
        for (List<String> set : l.allOf()) {
            strings(out, set);
        }
        out.writeInt(l.chars().size());
        for (RequiredLiterals.Chars c : l.chars()) {
            chars(out, c);
        }
        out.writeInt(l.edges().size());
        for (List<RequiredLiterals.Edges> set : l.edges()) {
            out.writeInt(set.size());
            for (RequiredLiterals.Edges e : set) {
                anchors(out, e.before());
                anchors(out, e.after());
            }
        }
        out.writeBoolean(l.start() != null);
        if (l.start() != null) {
            chars(out, l.start());
        }
    }

    private static RequiredLiterals literals(DataInputStream in) throws IOException {
        List<List<String>> allOf = new ArrayList<>();
        for (int i = count(in); i > 0; i--) {
            allOf.add(List.copyOf(strings(in)));
        }
        List<RequiredLiterals.Chars> chars = new ArrayList<>();
        for (int i = count(in); i > 0; i--) {
            chars.add(chars(in));
        }
        List<List<RequiredLiterals.Edges>> edges = new ArrayList<>();
        for (int i = count(in); i > 0; i--) {
            List<RequiredLiterals.Edges> set = new ArrayList<>();
            for (int j = count(in); j > 0; j--) {
                set.add(new RequiredLiterals.Edges(anchors(in), anchors(in)));
            }
            edges.add(List.copyOf(set));
        }
        RequiredLiterals.Chars start = in.readBoolean() ? chars(in) : null;
        return new RequiredLiterals(List.copyOf(allOf), List.copyOf(chars), List.copyOf(edges), start);
    }

    private static void chars(DataOutputStream out, RequiredLiterals.Chars c) throws IOException {
        out.writeLong(c.low());
        out.writeLong(c.high());
        out.writeBoolean(c.nonAscii());
    }

    private static RequiredLiterals.Chars chars(DataInputStream in) throws IOException {
        return new RequiredLiterals.Chars(in.readLong(), in.readLong(), in.readBoolean());
    }

    private static void anchors(DataOutputStream out, List<RequiredLiterals.Anchor> anchors) throws IOException {
        out.writeInt(anchors.size());
        for (RequiredLiterals.Anchor a : anchors) {
            switch (a) {
                case RequiredLiterals.WordBoundary w -> out.writeByte(0);
                case RequiredLiterals.Start s -> {
                    out.writeByte(1);
                    out.writeBoolean(s.lines());
                }
                case RequiredLiterals.End e -> {
                    out.writeByte(2);
                    out.writeBoolean(e.finalNewline());
                    out.writeBoolean(e.lines());
                }
                case RequiredLiterals.Prev p -> {
                    out.writeByte(3);
                    chars(out, p.chars());
                }
                case RequiredLiterals.Next n -> {
                    out.writeByte(4);
                    chars(out, n.chars());
                    out.writeBoolean(n.end());
                }
            }
        }
    }

    private static List<RequiredLiterals.Anchor> anchors(DataInputStream in) throws IOException {
        List<RequiredLiterals.Anchor> anchors = new ArrayList<>();
        for (int i = count(in); i > 0; i--) {
            byte kind = in.readByte();
            anchors.add(switch (kind) {
                case 0 -> new RequiredLiterals.WordBoundary();
                case 1 -> new RequiredLiterals.Start(in.readBoolean());
                case 2 -> new RequiredLiterals.End(in.readBoolean(), in.readBoolean());
                case 3 -> new RequiredLiterals.Prev(chars(in));
                case 4 -> new RequiredLiterals.Next(chars(in), in.readBoolean());
                default -> throw new IllegalArgumentException("unknown anchor kind " + kind);
            });
        }
        return anchors;
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(s.length());
        out.writeChars(s);
    }

    private static String string(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < -1 || n > in.available() / 2) {
            throw new IllegalArgumentException("a string longer than the entry");
        }
        if (n < 0) {
            return null;
        }
        char[] chars = new char[n];
        for (int i = 0; i < n; i++) {
            chars[i] = in.readChar();
        }
        return new String(chars);
    }

    private static void strings(DataOutputStream out, List<String> list) throws IOException {
        out.writeInt(list.size());
        for (String s : list) {
            string(out, s);
        }
    }

    private static List<String> strings(DataInputStream in) throws IOException {
        List<String> list = new ArrayList<>();
        for (int i = count(in); i > 0; i--) {
            list.add(string(in));
        }
        return list;
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IllegalArgumentException("a count larger than the entry");
        }
        return n;
    }

    /** A plain value as the binder makes them; false for any other kind of value. */
    private static boolean value(DataOutputStream out, Object v) throws IOException {
        switch (v) {
            case null -> out.writeByte(NULL);
            case String s -> {
                out.writeByte(STRING);
                string(out, s);
            }
            case Long l -> {
                out.writeByte(LONG);
                out.writeLong(l);
            }
            case BigInteger b -> {
                out.writeByte(BIG);
                string(out, b.toString());
            }
            case Double d -> {
                out.writeByte(DOUBLE);
                out.writeLong(Double.doubleToRawLongBits(d));
            }
            case Boolean b -> out.writeByte(b ? TRUE : FALSE);
            case List<?> list -> {
                out.writeByte(LIST);
                out.writeInt(list.size());
                for (Object item : list) {
                    if (!value(out, item)) {
                        return false;
                    }
                }
            }
            case Map<?, ?> map -> {
                out.writeByte(MAP);
                out.writeInt(map.size());
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!(e.getKey() instanceof String key)) {
                        return false;
                    }
                    string(out, key);
                    if (!value(out, e.getValue())) {
                        return false;
                    }
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The value written by {@link #value(DataOutputStream, Object)}: unmodifiable lists and maps, as bound. */
    private static Object value(DataInputStream in, int depth) throws IOException {
        if (depth > 256) {
            throw new IllegalArgumentException("nested too deep");
        }
        byte kind = in.readByte();
        switch (kind) {
            case NULL:
                return null;
            case STRING:
                return string(in);
            case LONG:
                return in.readLong();
            case BIG:
                return new BigInteger(string(in));
            case DOUBLE:
                return Double.longBitsToDouble(in.readLong());
            case TRUE:
                return Boolean.TRUE;
            case FALSE:
                return Boolean.FALSE;
            case LIST: {
                List<Object> list = new ArrayList<>();
                for (int i = count(in); i > 0; i--) {
                    list.add(value(in, depth + 1));
                }
                return Collections.unmodifiableList(list);
            }
            case MAP: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = count(in); i > 0; i--) {
                    map.put(string(in), value(in, depth + 1));
                }
                return Collections.unmodifiableMap(map);
            }
            default:
                throw new IllegalArgumentException("unknown value kind " + kind);
        }
    }
}
