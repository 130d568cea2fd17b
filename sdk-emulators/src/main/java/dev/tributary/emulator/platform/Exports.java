package dev.tributary.emulator.platform;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.emulator.platform.Accounts.Account;
import dev.tributary.emulator.platform.Databases.PlatformDatabase;
import dev.tributary.emulator.platform.ExportWriter.ExportColumn;
import dev.tributary.emulator.platform.Jobs.Download;
import dev.tributary.emulator.platform.Jobs.Job;
import dev.tributary.emulator.platform.Jobs.JobFailure;
import dev.tributary.emulator.platform.PostgresTypeNames.ColumnOid;
import dev.tributary.sql.SqlClient;
import dev.tributary.sql.load.DataFormat;
import dev.tributary.sql.load.ExportRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerResponse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code POST /db/{username}/{db_name}/export/} and the exported files. An export job runs its
 * query (or {@code SELECT * FROM schema.table}) in a read-only transaction and writes the result to
 * a file in the emulator's work directory: CSV and JSON through the SDK's exporter, XLS and Parquet
 * through the {@link ExportWriter} registered for them. When the job is DONE its
 * {@code download_url} is {@code http://127.0.0.1:<port>/downloads/<token>/<file_name>}: the token
 * (256 random bits) is the only credential, like a presigned URL, so no {@code Authorization} is
 * needed; the file is served with {@code Content-Length}, its media type and
 * {@code Content-Disposition: attachment}, until the emulator closes.
 */
final class Exports {

    static final String DOWNLOAD_PATH = "/downloads/";

    private static final Pattern FILE_NAME = Pattern.compile("[\\w .()-]{1,200}");

    private final Jobs jobs;
    private final FileFormats formats;
    private final Ids ids;
    private final Path work;
    private final PostgresTypeNames typeNames;
    private final QueryEndpoint queries;
    private final Supplier<String> origin;
    private final Map<String, Download> downloads = new ConcurrentHashMap<>();

    Exports(Jobs jobs, FileFormats formats, Ids ids, Path workDirectory, PostgresTypeNames typeNames, QueryEndpoint queries,
            Supplier<String> origin) {
        this.jobs = jobs;
        this.formats = formats;
        this.ids = ids;
        this.work = workDirectory.resolve("exports");
        this.typeNames = typeNames;
        this.queries = queries;
        this.origin = origin;
    }

    Mono<Void> create(ObjectNode body, HttpServerResponse response, Account caller, PlatformDatabase db) {
        String format = JsonBodies.optionalString(body, "export_format");
        if (format == null) {
            throw ApiError.invalid(ApiError.Violation.missing("body", "export_format"));
        }
        if (!FileFormats.EXPORT_FORMATS.contains(format)) {
            throw ApiError.invalid(new ApiError.Violation(List.of("body", "export_format"),
                    "value is not a valid enumeration member; permitted: 'csv', 'json', 'xls', 'parquet'", "type_error.enum"));
        }
        String query = JsonBodies.optionalString(body, "query_string");
        String table = JsonBodies.optionalString(body, "table_name");
        String schema = JsonBodies.optionalString(body, "schema_name");
        String fileName = JsonBodies.optionalString(body, "file_name");
        boolean hasQuery = query != null && !query.isBlank();
        boolean hasTable = table != null && !table.isBlank();
        if (hasQuery == hasTable) {
            throw ApiError.badRequest("ValidationError", "Provide exactly one of query_string and table_name");
        }
        if (schema == null || schema.isBlank()) {
            schema = "public";
        }
        if (fileName != null && (!FILE_NAME.matcher(fileName).matches() || fileName.startsWith("."))) {
            throw ApiError.badRequest("ValidationError", "file_name must be 1 to 200 letters, digits, spaces or '_ . ( ) -', "
                    + "not starting with '.'");
        }
        String sql = hasQuery ? SingleStatement.require(query) : null;
        String extension = extension(format);
        String name = fileName != null ? fileName : (hasTable ? WorkFiles.safeName(table) : "query_result") + "." + extension;
        UUID id = this.ids.uuid();
        Path jobDir = this.work.resolve(id.toString());
        Job job = this.jobs.create(id, Jobs.Kind.EXPORT, caller, db, format, name, jobDir);
        String qualified = hasTable ? part(schema) + "." + part(table) : null;
        String selectSql = hasTable ? "SELECT * FROM " + Databases.quote(schema) + "." + Databases.quote(table) : sql;
        Mono<Void> work = WorkFiles.createDirectories(jobDir)
                .then(export(db, job, format, hasTable ? ExportRequest.table(qualified) : ExportRequest.query(sql), selectSql, jobDir.resolve(name)));
        this.jobs.run(job, work, Mono.defer(() -> job.state == Jobs.State.FAILED ? WorkFiles.deleteRecursively(jobDir) : Mono.empty()));
        return JsonBodies.send(response, 201, Jobs.json(job, this.origin.get()));
    }

    private Mono<Void> export(PlatformDatabase db, Job job, String format, ExportRequest request, String selectSql, Path target) {
        SqlClient client = db.client;
        Mono<String> written;
        if ("csv".equals(format) || "json".equals(format)) {
            DataFormat dataFormat = "csv".equals(format) ? DataFormat.CSV : DataFormat.JSON;
            Flux<java.nio.ByteBuffer> bytes = client.inTransactionMany(tx -> QueryEndpoint.readOnlyUnless(false, tx)
                    .thenMany(tx.export(request.format(dataFormat))));
            written = WorkFiles.write(bytes, target).thenReturn("csv".equals(format) ? "text/csv; charset=utf-8" : "application/json");
        } else {
            FileFormats.ExportTarget writer = this.formats.exportWriter(format);
            if (writer == null) {
                return Mono.error(new JobFailure("UnsupportedExportFormat: " + format, "The emulator cannot export " + format
                        + " files (no writer is registered for them); it exports csv and json", JsonBodies.object().put("format", format), null));
            }
            written = writeWith(db, writer.writer(), selectSql, target).thenReturn(writer.contentType());
        }
        return written.flatMap(contentType -> WorkFiles.size(target).map(size -> {
            Download d = new Download(this.ids.token(), target, job.fileName, contentType, size);
            this.downloads.put(d.token(), d);
            job.download = d;
            return d;
        })).then();
    }

    private Mono<Long> writeWith(PlatformDatabase db, ExportWriter writer, String sql, Path target) {
        SqlClient client = db.client;
        AtomicReference<List<ColumnOid>> described = new AtomicReference<>();
        Flux<Object[]> rows = client.inTransactionMany(tx -> QueryEndpoint.readOnlyUnless(false, tx)
                .thenMany(tx.sql(sql).map((row, metadata) -> {
                    if (described.get() == null) {
                        described.set(PostgresTypeNames.columns(metadata));
                    }
                    return SqlValues.of(row, metadata.getColumnMetadatas().size());
                }).all()));
        return rows.switchOnFirst((first, all) -> {
            Mono<List<ExportColumn>> columns;
            Flux<Object[]> data;
            if (first.hasValue()) {
                columns = this.typeNames.resolve(db.id.toString(), client, described.get());
                data = all;
            } else if (first.isOnComplete()) {
                columns = this.queries.describeEmpty(db, sql);
                data = Flux.empty();
            } else {
                return all.then(Mono.<Long>empty());
            }
            return columns.flatMap(c -> writer.write(c, data, target));
        }).next();
    }

    /**
     * Serves an exported file: 404 for an unknown token or a name that is not the file's.
     */
    Mono<Void> download(String token, String name, HttpServerResponse response) {
        Download d = this.downloads.get(token);
        if (d == null || !d.fileName().equals(name)) {
            return JsonBodies.send(response, 404, JsonBodies.object().put("detail", "Not Found"));
        }
        return response.status(HttpResponseStatus.OK)
                .header(HttpHeaderNames.CONTENT_TYPE, d.contentType())
                .header(HttpHeaderNames.CONTENT_LENGTH, Long.toString(d.size()))
                .header(HttpHeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + d.fileName() + "\"")
                .sendFile(d.file())
                .then()
                // opening the file is blocking
                .subscribeOn(Schedulers.boundedElastic());
    }

    /** @return the path of a download, its file name percent-encoded */
    static String downloadPath(Download d) {
        StringBuilder s = new StringBuilder(DOWNLOAD_PATH).append(d.token()).append('/');
        for (byte b : d.fileName().getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-' || c == '(' || c == ')')) {
                s.append(c);
            } else {
                s.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return s.toString();
    }

    private String extension(String format) {
        switch (format) {
            case "csv":
                return "csv";
            case "json":
                return "json";
            default:
                FileFormats.ExportTarget writer = this.formats.exportWriter(format);
                return writer != null ? writer.extension() : format;
        }
    }

    /** A part of a name for the SDK's exporter: quoted when it holds a dot or a quote. */
    private static String part(String name) {
        return name.indexOf('.') >= 0 || name.indexOf('"') >= 0 ? Databases.quote(name) : name;
    }
}
