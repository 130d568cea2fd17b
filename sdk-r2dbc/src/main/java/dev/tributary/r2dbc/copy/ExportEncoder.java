package dev.tributary.r2dbc.copy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.tributary.sql.load.DataFormat;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * Encodes exported rows with Jackson into UTF-8 chunks of about {@value #CHUNK_SIZE} bytes. Not
 * thread-safe: one encoder per export subscription; {@link #encode} is called in row order.
 * <ul>
 * <li>CSV: a header line with the column names (written with the first row; an export without
 * rows is empty), RFC 4180 quoting (Jackson's: it also quotes fields with spaces and other
 * punctuation, and every field longer than 24 characters), LF line ends, NULL as an empty unquoted field, an empty string
 * as {@code ""}; numbers and booleans as written by Java ({@code 1.0E10}, {@code true}); dates and
 * times ISO 8601; {@code json}/{@code jsonb} as their JSON text; arrays as JSON arrays;
 * {@code bytea} as PostgreSQL's hex form ({@code \x0a1b}).</li>
 * <li>JSON: an array of objects, one per line ({@code [\n{...},\n{...}\n]\n}); NDJSON: one object
 * per line. Numbers and booleans as JSON numbers and booleans (NaN and infinities as strings),
 * {@code json}/{@code jsonb} embedded as JSON, dates and times as ISO 8601 strings, arrays as JSON
 * arrays, {@code bytea} as base64 strings, NULL as {@code null}.</li>
 * </ul>
 */
abstract class ExportEncoder {

    /** Bytes per chunk. */
    static final int CHUNK_SIZE = 64 * 1024;

    /** What {@link #encode} returns while a chunk is still filling. */
    static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private static final CsvFactory CSV = CsvFactory.builder()
            .enable(CsvGenerator.Feature.ALWAYS_QUOTE_EMPTY_STRINGS)
            .build();

    private static final com.fasterxml.jackson.core.JsonFactory JSON = com.fasterxml.jackson.core.JsonFactory.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    protected final ByteArrayOutputStream out = new ByteArrayOutputStream(CHUNK_SIZE + CHUNK_SIZE / 4);
    protected String[] names;

    /**
     * @param format the output format
     * @return a new encoder
     */
    static ExportEncoder of(DataFormat format) {
        try {
            switch (format) {
                case CSV:
                    return new CsvEncoder();
                case JSON:
                    return new JsonEncoder(true);
                default:
                    return new JsonEncoder(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Encodes a row (dates, times, UUIDs and other values as their {@code toString()}).
     *
     * @param row      the row (valid during this call only)
     * @param metadata its metadata
     * @return a full chunk, or {@link #NOTHING}
     */
    final ByteBuffer encode(Row row, RowMetadata metadata) {
        try {
            if (this.names == null) {
                List<? extends io.r2dbc.spi.ColumnMetadata> columns = metadata.getColumnMetadatas();
                this.names = new String[columns.size()];
                for (int i = 0; i < this.names.length; i++) {
                    this.names[i] = columns.get(i).getName();
                }
                start();
            }
            writeRow(row);
            flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this.out.size() >= CHUNK_SIZE ? take() : NOTHING;
    }

    /**
     * Ends the output.
     *
     * @return the last chunk, or {@link #NOTHING} when nothing is left
     */
    final ByteBuffer finish() {
        try {
            end();
            flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this.out.size() > 0 ? take() : NOTHING;
    }

    private ByteBuffer take() {
        ByteBuffer chunk = ByteBuffer.wrap(this.out.toByteArray());
        this.out.reset();
        return chunk;
    }

    /** Called before the first row; {@link #names} is set. */
    abstract void start() throws IOException;

    abstract void writeRow(Row row) throws IOException;

    /** Called after the last row (or when there was none). */
    abstract void end() throws IOException;

    abstract void flush() throws IOException;

    /** CSV with a header line. */
    private static final class CsvEncoder extends ExportEncoder {

        private final CsvGenerator generator;

        CsvEncoder() throws IOException {
            this.generator = CSV.createGenerator(this.out);
            this.generator.setSchema(CsvSchema.emptySchema());
        }

        @Override
        void start() throws IOException {
            // rows are arrays inside one wrapping array: that is how the generator writes NULL fields
            this.generator.writeStartArray();
            this.generator.writeStartArray();
            for (String name : this.names) {
                this.generator.writeString(name);
            }
            this.generator.writeEndArray();
        }

        @Override
        void writeRow(Row row) throws IOException {
            this.generator.writeStartArray();
            for (int i = 0; i < this.names.length; i++) {
                writeCsvValue(row.get(i));
            }
            this.generator.writeEndArray();
        }

        private void writeCsvValue(Object value) throws IOException {
            if (value == null) {
                this.generator.writeNull();
            } else if (value instanceof String s) {
                this.generator.writeString(s);
            } else if (value instanceof Boolean b) {
                this.generator.writeBoolean(b);
            } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                this.generator.writeNumber(((Number) value).longValue());
            } else if (value instanceof Double d) {
                this.generator.writeNumber(d);
            } else if (value instanceof Float f) {
                this.generator.writeNumber(f);
            } else if (value instanceof BigDecimal d) {
                this.generator.writeNumber(d.toPlainString());
            } else if (value instanceof BigInteger i) {
                this.generator.writeNumber(i);
            } else if (value instanceof Json json) {
                this.generator.writeString(json.asString());
            } else if (value instanceof ByteBuffer bytes) {
                this.generator.writeString("\\x" + hex(bytes));
            } else if (value instanceof byte[] bytes) {
                this.generator.writeString("\\x" + hex(ByteBuffer.wrap(bytes)));
            } else if (value.getClass().isArray() || value instanceof Collection) {
                StringWriter text = new StringWriter();
                try (JsonGenerator json = JSON.createGenerator(text)) {
                    writeJsonValue(json, value);
                }
                this.generator.writeString(text.toString());
            } else {
                this.generator.writeString(value.toString());
            }
        }

        @Override
        void end() {
            // nothing after the last line
        }

        @Override
        void flush() throws IOException {
            this.generator.flush();
        }
    }

    /** A JSON array of objects, or NDJSON. */
    private static final class JsonEncoder extends ExportEncoder {

        private final boolean array;
        private final JsonGenerator generator;
        private boolean started;

        JsonEncoder(boolean array) throws IOException {
            this.array = array;
            this.generator = JSON.createGenerator(this.out);
            this.generator.setPrettyPrinter(new MinimalPrettyPrinter(array ? ",\n" : "\n"));
        }

        @Override
        void start() throws IOException {
            this.started = true;
            if (this.array) {
                this.generator.writeRaw("[\n");
            }
        }

        @Override
        void writeRow(Row row) throws IOException {
            this.generator.writeStartObject();
            for (int i = 0; i < this.names.length; i++) {
                this.generator.writeFieldName(this.names[i]);
                writeJsonValue(this.generator, row.get(i));
            }
            this.generator.writeEndObject();
        }

        @Override
        void end() throws IOException {
            if (this.array) {
                this.generator.writeRaw(this.started ? "\n]\n" : "[\n]\n");
            } else if (this.started) {
                this.generator.writeRaw("\n");
            }
        }

        @Override
        void flush() throws IOException {
            this.generator.flush();
        }
    }

    static void writeJsonValue(JsonGenerator generator, Object value) throws IOException {
        if (value == null) {
            generator.writeNull();
        } else if (value instanceof String s) {
            generator.writeString(s);
        } else if (value instanceof Boolean b) {
            generator.writeBoolean(b);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            generator.writeNumber(((Number) value).longValue());
        } else if (value instanceof Double d) {
            generator.writeNumber(d);
        } else if (value instanceof Float f) {
            generator.writeNumber(f);
        } else if (value instanceof BigDecimal d) {
            generator.writeNumber(d);
        } else if (value instanceof BigInteger i) {
            generator.writeNumber(i);
        } else if (value instanceof Json json) {
            generator.writeRawValue(json.asString());
        } else if (value instanceof ByteBuffer bytes) {
            ByteBuffer copy = bytes.duplicate();
            byte[] array = new byte[copy.remaining()];
            copy.get(array);
            generator.writeString(Base64.getEncoder().encodeToString(array));
        } else if (value instanceof byte[] bytes) {
            generator.writeString(Base64.getEncoder().encodeToString(bytes));
        } else if (value.getClass().isArray()) {
            generator.writeStartArray();
            for (int i = 0, n = Array.getLength(value); i < n; i++) {
                writeJsonValue(generator, Array.get(value, i));
            }
            generator.writeEndArray();
        } else if (value instanceof Collection<?> collection) {
            generator.writeStartArray();
            for (Object element : collection) {
                writeJsonValue(generator, element);
            }
            generator.writeEndArray();
        } else {
            generator.writeString(value.toString());
        }
    }

    private static String hex(ByteBuffer bytes) {
        ByteBuffer copy = bytes.duplicate();
        StringBuilder hex = new StringBuilder(copy.remaining() * 2);
        while (copy.hasRemaining()) {
            int b = copy.get() & 0xff;
            hex.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return hex.toString();
    }
}
