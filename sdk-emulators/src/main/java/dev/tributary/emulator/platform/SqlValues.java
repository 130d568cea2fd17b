package dev.tributary.emulator.platform;

import com.fasterxml.jackson.core.JsonGenerator;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;

import java.io.IOException;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Collection;

/**
 * Row values as the emulator hands them on: the driver's Java values, copied out of the row while
 * it is valid ({@code json}/{@code jsonb} as their text, {@code bytea} as {@code byte[]}), and
 * written to JSON the way the platform's query endpoint answers.
 */
final class SqlValues {

    private SqlValues() {
    }

    /**
     * @param row     a row, valid during this call only
     * @param columns its number of columns
     * @return its values, in column order; {@code null} for SQL NULL
     */
    static Object[] of(Readable row, int columns) {
        Object[] values = new Object[columns];
        for (int i = 0; i < columns; i++) {
            values[i] = copy(row.get(i));
        }
        return values;
    }

    private static Object copy(Object value) {
        if (value instanceof Json json) {
            return json.asString();
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer b = buffer.duplicate();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return bytes;
        }
        return value;
    }

    /**
     * Writes a value: numbers and booleans as JSON numbers and booleans (NaN and infinities as
     * strings), the text of a {@code json}/{@code jsonb} column embedded as JSON, arrays as JSON
     * arrays, {@code bytea} as PostgreSQL's hex text ({@code \x0a1b}), dates, times, UUIDs,
     * intervals and everything else as their ISO 8601 or PostgreSQL text.
     *
     * @param generator where to write
     * @param value     the value; {@code null} for SQL NULL
     * @param json      whether the column is {@code json}/{@code jsonb} (its text is embedded)
     * @throws IOException from the generator
     */
    static void writeJson(JsonGenerator generator, Object value, boolean json) throws IOException {
        if (value == null) {
            generator.writeNull();
        } else if (json && value instanceof String text) {
            generator.writeRawValue(text);
        } else if (value instanceof String s) {
            generator.writeString(s);
        } else if (value instanceof Boolean b) {
            generator.writeBoolean(b);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            generator.writeNumber(((Number) value).longValue());
        } else if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                generator.writeString(d.toString());
            } else {
                generator.writeNumber(d);
            }
        } else if (value instanceof Float f) {
            if (f.isNaN() || f.isInfinite()) {
                generator.writeString(f.toString());
            } else {
                generator.writeNumber(f);
            }
        } else if (value instanceof BigDecimal d) {
            generator.writeNumber(d);
        } else if (value instanceof BigInteger i) {
            generator.writeNumber(i);
        } else if (value instanceof byte[] bytes) {
            generator.writeString(hex(bytes));
        } else if (value.getClass().isArray()) {
            generator.writeStartArray();
            for (int i = 0, n = Array.getLength(value); i < n; i++) {
                writeJson(generator, Array.get(value, i), json);
            }
            generator.writeEndArray();
        } else if (value instanceof Collection<?> collection) {
            generator.writeStartArray();
            for (Object element : collection) {
                writeJson(generator, element, json);
            }
            generator.writeEndArray();
        } else {
            generator.writeString(value.toString());
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder(2 + bytes.length * 2).append("\\x");
        for (byte value : bytes) {
            int b = value & 0xff;
            s.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return s.toString();
    }
}
