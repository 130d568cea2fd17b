package dev.tributary.http.platform;

import com.fasterxml.jackson.annotation.JsonGetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Objects;

/**
 * What an export job writes (the body of {@code POST /db/{username}/{db_name}/export/}, schema
 * {@code CreateExport}): the result of a query, or a whole table, in one of the
 * {@link ExportFormat}s, under an optional file name. Immutable.
 *
 * <pre>{@code
 * CreateExport big = CreateExport.query("SELECT * FROM cities WHERE population > 1000000", ExportFormat.CSV)
 *         .withFileName("big-cities.csv");
 * CreateExport all = CreateExport.table("cities", ExportFormat.PARQUET).withSchema("public");
 * }</pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class CreateExport {

    private final ExportFormat format;
    private final String queryString;
    private final String tableName;
    private final String schemaName;
    private final String fileName;

    private CreateExport(ExportFormat format, String queryString, String tableName, String schemaName, String fileName) {
        this.format = format;
        this.queryString = queryString;
        this.tableName = tableName;
        this.schemaName = schemaName;
        this.fileName = fileName;
    }

    /**
     * @param sql    one SQL query whose result is exported ({@code query_string}); not blank
     * @param format the file's format
     * @return the request
     * @throws IllegalArgumentException if the query is blank
     */
    public static CreateExport query(String sql, ExportFormat format) {
        return new CreateExport(Objects.requireNonNull(format, "format"), CreateImport.checkIdentifier(sql, "sql"),
                null, null, null);
    }

    /**
     * @param tableName the table exported whole ({@code table_name}); not blank
     * @param format    the file's format
     * @return the request, for the table in the service's default schema unless {@link #withSchema(String)}
     * @throws IllegalArgumentException if the table name is blank
     */
    public static CreateExport table(String tableName, ExportFormat format) {
        return new CreateExport(Objects.requireNonNull(format, "format"), null,
                CreateImport.checkIdentifier(tableName, "tableName"), null, null);
    }

    /**
     * @param schemaName the schema of the exported table ({@code schema_name}); not blank
     * @return a new request with that schema
     * @throws IllegalStateException if this exports a query (the API takes a schema with a table only)
     */
    public CreateExport withSchema(String schemaName) {
        if (this.tableName == null) {
            throw new IllegalStateException("schema_name goes with table_name; this export runs a query (qualify the"
                    + " table in the query instead)");
        }
        return new CreateExport(this.format, null, this.tableName, CreateImport.checkIdentifier(schemaName, "schemaName"),
                this.fileName);
    }

    /**
     * @param fileName the exported file's name ({@code file_name}), e.g. {@code cities.csv}; not blank
     * @return a new request with that name
     */
    public CreateExport withFileName(String fileName) {
        return new CreateExport(this.format, this.queryString, this.tableName, this.schemaName,
                CreateImport.checkIdentifier(fileName, "fileName"));
    }

    /** @return the file's format */
    @JsonGetter("export_format")
    public ExportFormat getFormat() {
        return this.format;
    }

    /** @return the exported query, or {@code null} when a table is exported */
    @JsonGetter("query_string")
    public String getQueryString() {
        return this.queryString;
    }

    /** @return the exported table, or {@code null} when a query is exported */
    @JsonGetter("table_name")
    public String getTableName() {
        return this.tableName;
    }

    /** @return the exported table's schema, or {@code null} for the service's default */
    @JsonGetter("schema_name")
    public String getSchemaName() {
        return this.schemaName;
    }

    /** @return the file name, or {@code null} for the service's choice */
    @JsonGetter("file_name")
    public String getFileName() {
        return this.fileName;
    }

    @Override
    public String toString() {
        return "CreateExport{" + (this.queryString != null ? "query=" + this.queryString
                : "table=" + (this.schemaName == null ? "" : this.schemaName + '.') + this.tableName)
                + ", format=" + this.format.apiValue() + (this.fileName == null ? "" : ", fileName=" + this.fileName) + '}';
    }
}
