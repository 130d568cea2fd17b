package dev.tributary.examples.output;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;
import java.util.Objects;

/**
 * Writes query result rows (column name to value, in column order, as
 * {@link dev.tributary.sql.SqlStatement#fetch()} returns them) to a character stream in an
 * {@link OutputFormat}. CSV and JSON rows are written as they come; a table is written on
 * {@link #close()}. Closing finishes the output (the table, the closing {@code ]} of a JSON
 * array) and flushes it, but leaves the underlying writer open. Not thread-safe.
 *
 * <pre>{@code
 * try (RowWriter rows = RowWriter.create(OutputFormat.CSV, out);
 *      Stream<Map<String, Object>> stream = db.sql("SELECT * FROM airports").fetch().all().toStream()) {
 *     for (Map<String, Object> row : (Iterable<Map<String, Object>>) stream::iterator) {
 *         rows.write(row);
 *     }
 * }
 * }</pre>
 */
public interface RowWriter extends Closeable {

    /**
     * @param format the output format; not {@code null}
     * @param out    where to write; not {@code null}; not closed by the row writer
     * @return a row writer
     */
    static RowWriter create(OutputFormat format, Writer out) {
        Objects.requireNonNull(out, "out");
        switch (Objects.requireNonNull(format, "format")) {
            case TABLE:
                return new TableRowWriter(out);
            case CSV:
                return new CsvRowWriter(out);
            case JSON:
                return new JsonRowWriter(out);
            default:
                throw new IllegalArgumentException("Unknown output format " + format);
        }
    }

    /**
     * @param row a row: column names to values in column order; a value may be {@code null}
     * @throws IOException              if the underlying writer fails
     * @throws IllegalArgumentException if the row's columns are not those of the first row
     */
    void write(Map<String, Object> row) throws IOException;

    /**
     * @return rows written so far
     */
    long rowCount();
}
