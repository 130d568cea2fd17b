package dev.tributary.sql.load;

import java.util.List;
import java.util.Objects;

/**
 * An immutable export request: a table or a query, and the output format.
 *
 * <pre>{@code
 * Flux<ByteBuffer> csv = db.export(ExportRequest.table("airports").format(DataFormat.CSV));
 * Flux<ByteBuffer> ndjson = db.export(ExportRequest.query("SELECT * FROM airports WHERE iso_country = $1", "NO")
 *         .format(DataFormat.NDJSON));
 * }</pre>
 * CSV output has a header line (written with the first row: an export of no rows is empty) and
 * RFC 4180 quoting (fields with a comma, a quote or a line break are quoted; Jackson, which writes
 * them, also quotes some others, such as fields with spaces or of more than 24 characters), LF line ends, SQL {@code NULL} as an empty unquoted field and an empty string as
 * {@code ""}, so a load of the export gives the same rows. JSON output (an array with one object
 * per line, or NDJSON) writes numbers and booleans as JSON numbers and booleans, {@code json} and
 * {@code jsonb} columns as embedded JSON, dates and times as ISO 8601 strings, and SQL
 * {@code NULL} as {@code null}.
 */
public final class ExportRequest {

    private final String table;
    private final String query;
    private final List<Object> parameters;
    private final DataFormat format;

    private ExportRequest(String table, String query, List<Object> parameters, DataFormat format) {
        this.table = table;
        this.query = query;
        this.parameters = parameters;
        this.format = format;
    }

    /**
     * @param table a table name, optionally schema-qualified ({@code schema.table}), taken exactly
     *              as written (case kept); a part that contains a dot is double-quoted
     *              ({@code "my schema"."a.b"}); not blank
     * @return a CSV export of every row of the table
     */
    public static ExportRequest table(String table) {
        if (table == null || table.isBlank()) {
            throw new IllegalArgumentException("table must not be null or blank");
        }
        return new ExportRequest(table, null, List.of(), DataFormat.CSV);
    }

    /**
     * @param sql        a query with positional parameters ({@code $1}); not blank
     * @param parameters values for {@code $1, $2, ...}; none may be {@code null}
     * @return a CSV export of the query's rows
     */
    public static ExportRequest query(String sql, Object... parameters) {
        if (sql == null || sql.isBlank()) {
            throw new IllegalArgumentException("sql must not be null or blank");
        }
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i] == null) {
                throw new IllegalArgumentException("parameters[" + i + "] must not be null");
            }
        }
        return new ExportRequest(null, sql, List.of(parameters), DataFormat.CSV);
    }

    /**
     * @param format the output format; not {@code null}
     * @return a copy with that format
     */
    public ExportRequest format(DataFormat format) {
        return new ExportRequest(this.table, this.query, this.parameters, Objects.requireNonNull(format, "format"));
    }

    /** @return the table, or {@code null} for a query export */
    public String table() {
        return this.table;
    }

    /** @return the query, or {@code null} for a table export */
    public String query() {
        return this.query;
    }

    /** @return the query's parameters */
    public List<Object> parameters() {
        return this.parameters;
    }

    /** @return the output format */
    public DataFormat format() {
        return this.format;
    }

    @Override
    public String toString() {
        return "ExportRequest{" + (this.table != null ? "table=" + this.table : "query=" + this.query) + ", format=" + this.format + '}';
    }
}
