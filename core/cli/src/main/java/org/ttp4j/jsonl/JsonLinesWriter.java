package org.ttp4j.jsonl;

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
import java.util.function.Function;

/**
 * JSON Lines output (one object per line) through one streaming generator over the whole output: what
 * {@link EventWriter} and {@link TagWriter} share. Buffered: call {@link #flush()} when a reader downstream
 * must see the lines.
 */
abstract sealed class JsonLinesWriter<T> implements AutoCloseable, Flushable permits EventWriter, TagWriter {

    private final JsonGenerator json;

    JsonLinesWriter(OutputStream out) {
        try {
            this.json = EventReader.JSON.createGenerator(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        json.setRootValueSeparator(null);
    }

    /** Writes {@code value} as one JSON object. */
    abstract void writeObject(JsonGenerator g, T value) throws IOException;

    /** Writes {@code value} as one JSON object and a newline. */
    public void write(T value) throws IOException {
        writeObject(json, value);
        json.writeRaw('\n');
    }

    /** {@code value} as one JSON object text (no newline), written by a writer {@code open} makes. */
    static <T> String toJson(Function<OutputStream, ? extends JsonLinesWriter<T>> open, T value) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
        try (JsonLinesWriter<T> w = open.apply(buf)) {
            w.writeObject(w.json, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.toString(StandardCharsets.UTF_8);
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
