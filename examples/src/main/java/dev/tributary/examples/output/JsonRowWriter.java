package dev.tributary.examples.output;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.Writer;
import java.util.Map;

/** {@link OutputFormat#JSON}: a pretty-printed JSON array of row objects, written row by row with Jackson. */
final class JsonRowWriter implements RowWriter {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Writer out;
    private JsonGenerator generator;
    private long rowCount;
    private boolean closed;

    JsonRowWriter(Writer out) {
        this.out = out;
    }

    @Override
    public void write(Map<String, Object> row) throws IOException {
        JsonGenerator json = generator();
        json.writeStartObject();
        for (Map.Entry<String, Object> column : row.entrySet()) {
            json.writeFieldName(column.getKey());
            if (column.getValue() instanceof JsonText) {
                json.writeTree(MAPPER.readTree(((JsonText) column.getValue()).json()));
            } else {
                MAPPER.writeValue(json, JsonValues.of(column.getValue()));
            }
        }
        json.writeEndObject();
        this.rowCount++;
    }

    @Override
    public long rowCount() {
        return this.rowCount;
    }

    @Override
    public void close() throws IOException {
        if (this.closed) {
            return;
        }
        this.closed = true;
        JsonGenerator json = generator();
        json.writeEndArray();
        json.close(); // flushes; the target stays open (AUTO_CLOSE_TARGET is off)
        this.out.write(System.lineSeparator());
        this.out.flush();
    }

    private JsonGenerator generator() throws IOException {
        if (this.generator == null) {
            this.generator = MAPPER.createGenerator(this.out);
            this.generator.useDefaultPrettyPrinter();
            this.generator.writeStartArray();
        }
        return this.generator;
    }
}
