package dev.tributary.http.platform;

import dev.tributary.sql.load.HeaderMode;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What an import job loads and where (the form of {@code POST /db/{username}/{db_name}/import/},
 * schema {@code CreateImport}): exactly one source, a local file uploaded with the request or a
 * URL the service downloads ({@code file_url}), the target table ({@code table_name}, created if
 * missing), its schema ({@code schema_name}, default {@code public}) and how the first row is read
 * ({@code infer_header}, default {@link HeaderMode#AUTO}). The service reads CSV, JSON, XLS/XLSX
 * and SQLite files. Immutable.
 *
 * <pre>{@code
 * CreateImport cities = CreateImport.file(Path.of("geonames-cities.csv"), "cities")
 *         .withHeader(HeaderMode.FIRST_ROW);
 * CreateImport remote = CreateImport.url(URI.create("https://example.org/countries.csv"), "countries");
 * }</pre>
 */
public final class CreateImport {

    private final Path file;
    private final String fileName;
    private final String contentType;
    private final URI url;
    private final String tableName;
    private final String schemaName;
    private final HeaderMode header;

    private CreateImport(Path file, String fileName, String contentType, URI url, String tableName, String schemaName,
                         HeaderMode header) {
        this.file = file;
        this.fileName = fileName;
        this.contentType = contentType;
        this.url = url;
        this.tableName = tableName;
        this.schemaName = schemaName;
        this.header = header;
    }

    /**
     * An import of a local file, uploaded as the {@code file} part of the request. The file is
     * streamed when the request is sent (never read into memory) with a {@code Content-Length};
     * it must exist then, and not change during the upload.
     *
     * @param file      the file; its name (the path's last element) and media type are sent with it,
     *                  the type guessed from the extension ({@code .csv}, {@code .json},
     *                  {@code .xls}, {@code .xlsx}, {@code .sqlite}/{@code .db}; else
     *                  {@code application/octet-stream}); see {@link #withContentType(String)}
     * @param tableName the table to load (created if missing); not blank
     * @return the request, into schema {@code public} with {@link HeaderMode#AUTO}
     * @throws IllegalArgumentException if the table name is blank
     */
    public static CreateImport file(Path file, String tableName) {
        Objects.requireNonNull(file, "file");
        Path last = file.getFileName();
        String name = last == null ? "file" : last.toString();
        return new CreateImport(file, name, guessContentType(name), null, checkIdentifier(tableName, "tableName"),
                null, HeaderMode.AUTO);
    }

    /**
     * An import of a file the service downloads itself ({@code file_url}).
     *
     * @param url       an absolute {@code http} or {@code https} URL the service can reach
     * @param tableName the table to load (created if missing); not blank
     * @return the request, into schema {@code public} with {@link HeaderMode#AUTO}
     * @throws IllegalArgumentException if the URL is not absolute http(s) or the table name is blank
     */
    public static CreateImport url(URI url, String tableName) {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || url.getHost() == null) {
            throw new IllegalArgumentException("file_url must be an absolute http(s) URL with a host, was '"
                    + url.getScheme() + "://" + url.getHost() + "...'");
        }
        return new CreateImport(null, null, null, url, checkIdentifier(tableName, "tableName"), null, HeaderMode.AUTO);
    }

    /**
     * @param schemaName the schema of the table ({@code schema_name}); not blank
     * @return a new request into that schema
     * @throws IllegalArgumentException if it is blank
     */
    public CreateImport withSchema(String schemaName) {
        return new CreateImport(this.file, this.fileName, this.contentType, this.url, this.tableName,
                checkIdentifier(schemaName, "schemaName"), this.header);
    }

    /**
     * @param header how the first row of a CSV or spreadsheet is read ({@code infer_header}:
     *               {@link HeaderMode#platformValue()})
     * @return a new request with that mode
     */
    public CreateImport withHeader(HeaderMode header) {
        return new CreateImport(this.file, this.fileName, this.contentType, this.url, this.tableName, this.schemaName,
                Objects.requireNonNull(header, "header"));
    }

    /**
     * @param contentType the media type sent with an uploaded file, e.g. {@code text/csv}
     * @return a new request with that type
     * @throws IllegalStateException if this is an import from a URL (the service fetches it itself)
     */
    public CreateImport withContentType(String contentType) {
        Objects.requireNonNull(contentType, "contentType");
        requireFile("withContentType");
        return new CreateImport(this.file, this.fileName, contentType, this.url, this.tableName, this.schemaName, this.header);
    }

    /**
     * @param fileName the file name sent with an uploaded file (default: the path's last element;
     *                 the service may use its extension to tell the format)
     * @return a new request with that name
     * @throws IllegalStateException if this is an import from a URL
     */
    public CreateImport withFileName(String fileName) {
        Objects.requireNonNull(fileName, "fileName");
        requireFile("withFileName");
        if (fileName.isBlank()) {
            throw new IllegalArgumentException("fileName must not be blank");
        }
        return new CreateImport(this.file, fileName, this.contentType, this.url, this.tableName, this.schemaName, this.header);
    }

    /** @return the file to upload, when this is an upload */
    public Optional<Path> getFile() {
        return Optional.ofNullable(this.file);
    }

    /** @return the URL the service downloads, when this is an import from a URL */
    public Optional<URI> getUrl() {
        return Optional.ofNullable(this.url);
    }

    /** @return the target table */
    public String getTableName() {
        return this.tableName;
    }

    /** @return the target schema, empty for the service's default ({@code public}) */
    public Optional<String> getSchemaName() {
        return Optional.ofNullable(this.schemaName);
    }

    /** @return how the first row is read */
    public HeaderMode getHeader() {
        return this.header;
    }

    String fileName() {
        return this.fileName;
    }

    String contentType() {
        return this.contentType;
    }

    /** The URL without its query, which may hold a signature. */
    @Override
    public String toString() {
        String source = this.file != null ? "file=" + this.file
                : "url=" + this.url.getScheme() + "://" + this.url.getRawAuthority().replaceAll("^.*@", "") + this.url.getRawPath();
        return "CreateImport{" + source + ", table=" + (this.schemaName == null ? "" : this.schemaName + '.') + this.tableName
                + ", header=" + this.header.platformValue() + '}';
    }

    private void requireFile(String method) {
        if (this.file == null) {
            throw new IllegalStateException(method + " applies to an uploaded file; this import reads file_url");
        }
    }

    static String checkIdentifier(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }

    static String guessContentType(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv")) {
            return "text/csv";
        }
        if (lower.endsWith(".json") || lower.endsWith(".ndjson") || lower.endsWith(".jsonl")) {
            return "application/json";
        }
        if (lower.endsWith(".xlsx")) {
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        }
        if (lower.endsWith(".xls")) {
            return "application/vnd.ms-excel";
        }
        if (lower.endsWith(".sqlite") || lower.endsWith(".sqlite3") || lower.endsWith(".db")) {
            return "application/vnd.sqlite3";
        }
        return "application/octet-stream";
    }
}
