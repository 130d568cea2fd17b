package dev.tributary.examples.output;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link OutputFormat#CSV}: RFC 4180 quoting by Jackson CSV, a header
 * line from the first row's columns, SQL {@code NULL} as an empty field, an empty string as
 * {@code ""}. An empty result writes nothing (the columns of a
 * result without rows are not known).
 */
final class CsvRowWriter implements RowWriter {

    private static final CsvMapper MAPPER = CsvMapper.builder()
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            // Tell an empty string ("") from SQL NULL (nothing). Jackson's default quoting is kept: it
            // quotes more than it must (a space, more than 24 characters), and with its strict check
            // on, empty strings are no longer quoted (jackson-dataformat-csv 2.20).
            .enable(CsvGenerator.Feature.ALWAYS_QUOTE_EMPTY_STRINGS)
            .build();

    private final Writer out;
    private List<String> columns;
    private SequenceWriter rows;
    private long rowCount;
    private boolean closed;

    CsvRowWriter(Writer out) {
        this.out = out;
    }

    @Override
    public void write(Map<String, Object> row) throws IOException {
        if (this.rows == null) {
            this.columns = new ArrayList<>(row.keySet());
            CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
            this.columns.forEach(schema::addColumn);
            this.rows = MAPPER.writer(schema.build()).writeValues(this.out);
        }
        RowColumns.check(this.columns, row);
        List<Object> values = new ArrayList<>(row.size());
        for (Object value : row.values()) {
            Object json = JsonValues.of(value);
            values.add(json instanceof Map ? JsonValues.text((Map<?, ?>) json) : json instanceof List ? String.valueOf(json) : json);
        }
        this.rows.write(values);
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
        if (this.rows != null) {
            this.rows.close(); // flushes; the target stays open
        }
        this.out.flush();
    }
}
