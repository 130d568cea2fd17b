package dev.tributary.sql.load;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable bulk load request.
 *
 * <pre>{@code
 * LoadRequest request = LoadRequest.into("airports")
 *         .source(LoadSource.of(Path.of("airports.json")))
 *         .build();                                   // format from the extension, table created if missing
 * Mono<LoadResult> loaded = db.load(request);
 * }</pre>
 */
public final class LoadRequest {

    /** Rows read to infer column types (and, for JSON, to find the keys) from a source that cannot be read twice. */
    public static final int DEFAULT_SAMPLE_ROWS = 10_000;

    private final String schema;
    private final String table;
    private final LoadSource source;
    private final DataFormat format;
    private final HeaderMode header;
    private final boolean createTable;
    private final Map<String, ColumnType> columnTypes;
    private final int sampleRows;

    private LoadRequest(Builder b) {
        this.schema = b.schema;
        this.table = b.table;
        this.source = b.source;
        this.format = b.format;
        this.header = b.header;
        this.createTable = b.createTable;
        this.columnTypes = Collections.unmodifiableMap(new LinkedHashMap<>(b.columnTypes));
        this.sampleRows = b.sampleRows;
    }

    /**
     * @param table the target table's name (unquoted; created when missing unless
     *              {@link Builder#createTable(boolean) createTable(false)}); not blank
     * @return a builder
     * @throws IllegalArgumentException if {@code table} is {@code null} or blank
     */
    public static Builder into(String table) {
        return new Builder(table);
    }

    /** @return the schema, or {@code null} for the session's current schema */
    public String schema() {
        return this.schema;
    }

    /** @return the table's name */
    public String table() {
        return this.table;
    }

    /** @return the source */
    public LoadSource source() {
        return this.source;
    }

    /** @return the format */
    public DataFormat format() {
        return this.format;
    }

    /** @return the CSV header mode (ignored for JSON) */
    public HeaderMode header() {
        return this.header;
    }

    /** @return whether a missing table is created */
    public boolean createTable() {
        return this.createTable;
    }

    /** @return column types that override inference, by column name; never {@code null} */
    public Map<String, ColumnType> columnTypes() {
        return this.columnTypes;
    }

    /** @return rows read to infer types from a stream source */
    public int sampleRows() {
        return this.sampleRows;
    }

    @Override
    public String toString() {
        return "LoadRequest{" + (this.schema != null ? this.schema + "." : "") + this.table + " <- " + this.source
                + ", format=" + this.format + ", header=" + this.header + ", createTable=" + this.createTable
                + ", columnTypes=" + this.columnTypes + ", sampleRows=" + this.sampleRows + '}';
    }

    /**
     * Builds a {@link LoadRequest}. Not thread-safe.
     */
    public static final class Builder {

        private String schema;
        private final String table;
        private LoadSource source;
        private DataFormat format;
        private HeaderMode header = HeaderMode.AUTO;
        private boolean createTable = true;
        private final Map<String, ColumnType> columnTypes = new LinkedHashMap<>();
        private int sampleRows = DEFAULT_SAMPLE_ROWS;

        private Builder(String table) {
            this.table = requireName("table", table);
        }

        /** @param schema the target schema; {@code null} for the current one; @return this builder */
        public Builder schema(String schema) {
            this.schema = schema == null ? null : requireName("schema", schema);
            return this;
        }

        /** @param source where to read; not {@code null}; @return this builder */
        public Builder source(LoadSource source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * @param format the source's format; defaults to the file's extension for file sources
         * @return this builder
         */
        public Builder format(DataFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /** @param header whether the CSV source has a header (default {@link HeaderMode#AUTO}); @return this builder */
        public Builder header(HeaderMode header) {
            this.header = Objects.requireNonNull(header, "header");
            return this;
        }

        /** @param createTable create the table from the inferred columns when it is missing (default {@code true}); @return this builder */
        public Builder createTable(boolean createTable) {
            this.createTable = createTable;
            return this;
        }

        /**
         * @param column a column's name as the source names it (a load fails when no source column
         *               has that name)
         * @param type   the type to create it with, instead of the inferred one (only used when the
         *               load creates the table; an existing table's types are its own)
         * @return this builder
         */
        public Builder columnType(String column, ColumnType type) {
            this.columnTypes.put(requireName("column", column), Objects.requireNonNull(type, "type"));
            return this;
        }

        /**
         * @param rows records read (and held in memory) to infer types and, for JSON, find the keys
         *             of a stream source; at least 1 (default 10,000). A later value that does not
         *             fit, or a later new key, fails the load with a {@link LoadException} saying so.
         *             Files are read in full instead.
         * @return this builder
         */
        public Builder sampleRows(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("sampleRows must be at least 1, was " + rows);
            }
            this.sampleRows = rows;
            return this;
        }

        /**
         * @return the request
         * @throws IllegalStateException if no source was set, or the format was not set and cannot
         *                               be told from a file name
         */
        public LoadRequest build() {
            if (this.source == null) {
                throw new IllegalStateException("source must be set");
            }
            if (this.format == null) {
                if (this.source.path() == null) {
                    throw new IllegalStateException("format must be set for a stream source (" + this.source.description() + ")");
                }
                try {
                    this.format = DataFormat.fromFileName(this.source.path().toString());
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }
            return new LoadRequest(this);
        }

        private static String requireName(String what, String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException(what + " must not be null or blank");
            }
            return name;
        }
    }
}
