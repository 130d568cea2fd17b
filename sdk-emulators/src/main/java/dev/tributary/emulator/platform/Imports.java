package dev.tributary.emulator.platform;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.emulator.platform.Accounts.Account;
import dev.tributary.emulator.platform.Databases.PlatformDatabase;
import dev.tributary.emulator.platform.Jobs.Job;
import dev.tributary.emulator.platform.Jobs.JobFailure;
import dev.tributary.sql.load.DataFormat;
import dev.tributary.sql.load.HeaderMode;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadSource;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpData;
import io.netty.util.ReferenceCountUtil;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code POST /db/{username}/{db_name}/import/}: a multipart form ({@code table_name},
 * {@code schema_name}, {@code infer_header}, and a {@code file} or a {@code file_url}) read with
 * reactor-netty's form decoder, which writes uploads beyond 16 KiB to the emulator's work
 * directory (never whole in memory); a {@code 201} ImportJob; then the job: the URL fetched to a
 * file (reactor-netty's client, redirects followed), the format told from the file name or its
 * first bytes, and the rows loaded with the SDK's bulk loader (a missing table is created from
 * the inferred column types; an existing one is appended to). Files of other formats go through
 * the {@link ImportConverter} registered for them; their CSV is loaded the same way (its first
 * row names the columns, whatever {@code infer_header} says).
 */
final class Imports {

    /** Form fields and uploads up to this size stay in memory; larger ones go to disk. */
    static final long IN_MEMORY_LIMIT = 16 * 1024;

    private final Jobs jobs;
    private final FileFormats formats;
    private final Ids ids;
    private final Path uploads;
    private final Path work;
    private final HttpClient fetcher;
    private final Supplier<String> origin;

    Imports(Jobs jobs, FileFormats formats, Ids ids, Path workDirectory, HttpClient fetcher, Supplier<String> origin) {
        this.jobs = jobs;
        this.formats = formats;
        this.ids = ids;
        this.uploads = workDirectory.resolve("uploads");
        this.work = workDirectory.resolve("imports");
        this.fetcher = fetcher;
        this.origin = origin;
    }

    /** What the form said. Filled on bounded-elastic threads, one field at a time. */
    private static final class ImportForm {

        String tableName;
        String schemaName;
        String inferHeader;
        String fileUrl;
        Path file;
        String fileName;
        boolean fileFieldWasText;
        int files;
    }

    Mono<Void> create(HttpServerRequest request, HttpServerResponse response, Account caller, PlatformDatabase db, DatabaseRole role) {
        if (!role.canWrite()) {
            throw ApiError.forbidden("A " + role + " of " + db.fullName() + " may not import into it");
        }
        if (!request.isMultipart() && !request.isFormUrlencoded()) {
            throw ApiError.invalid(ApiError.Violation.missing("body", "table_name"));
        }
        UUID jobId = this.ids.uuid();
        Path jobDir = this.work.resolve(jobId.toString());
        ImportForm form = new ImportForm();
        return WorkFiles.createDirectories(jobDir)
                .then(WorkFiles.createDirectories(this.uploads))
                .thenMany(request.receiveForm(b -> b.maxInMemorySize(IN_MEMORY_LIMIT).baseDirectory(this.uploads)
                        .scheduler(Schedulers.boundedElastic())))
                // the decoder releases every part when the form ends; hold each until it is read
                .doOnNext(HttpData::retain)
                .concatMap(data -> Mono.fromRunnable(() -> accept(form, data, jobDir))
                        .subscribeOn(Schedulers.boundedElastic())
                        .doFinally(s -> ReferenceCountUtil.safeRelease(data)))
                .doOnDiscard(HttpData.class, ReferenceCountUtil::safeRelease)
                .then(Mono.defer(() -> {
                    ImportSpec spec = validate(form);
                    Job job = this.jobs.create(jobId, Jobs.Kind.IMPORT, caller, db, null, null, jobDir);
                    this.jobs.run(job, work(db, spec, jobDir), WorkFiles.deleteRecursively(jobDir));
                    return JsonBodies.send(response, 201, Jobs.json(job, this.origin.get()));
                }))
                .onErrorResume(e -> WorkFiles.deleteRecursively(jobDir).then(Mono.error(e)));
    }

    private static void accept(ImportForm form, HttpData data, Path jobDir) {
        try {
            String name = data.getName();
            if (data instanceof FileUpload upload) {
                if (!"file".equals(name)) {
                    return;
                }
                if (upload.length() == 0 && (upload.getFilename() == null || upload.getFilename().isEmpty())) {
                    return; // a form's empty file input
                }
                form.files++;
                if (form.files > 1) {
                    return;
                }
                form.fileName = upload.getFilename();
                Path target = jobDir.resolve(WorkFiles.safeName(upload.getFilename()));
                if (!upload.renameTo(target.toFile())) {
                    throw new IOException("Could not move the upload to " + target);
                }
                form.file = target;
            } else if (data instanceof Attribute attribute) {
                String value = attribute.getValue();
                switch (name) {
                    case "table_name" -> form.tableName = value;
                    case "schema_name" -> form.schemaName = value;
                    case "infer_header" -> form.inferHeader = value;
                    case "file_url" -> form.fileUrl = value;
                    case "file" -> form.fileFieldWasText = !value.isEmpty();
                    default -> {
                        // fields the API does not know are ignored
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Could not read the import form's field " + data.getName(), e);
        }
    }

    private record ImportSpec(String table, String schema, HeaderMode header, Path file, String fileName, URI url) {
    }

    private static ImportSpec validate(ImportForm form) {
        if (form.tableName == null || form.tableName.isBlank()) {
            throw ApiError.invalid(ApiError.Violation.missing("body", "table_name"));
        }
        if (form.fileFieldWasText) {
            throw ApiError.invalid(new ApiError.Violation(List.of("body", "file"), "Expected an uploaded file, received a text value",
                    "value_error"));
        }
        HeaderMode header;
        try {
            header = form.inferHeader == null || form.inferHeader.isEmpty() ? HeaderMode.AUTO : HeaderMode.fromPlatformValue(form.inferHeader);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(new ApiError.Violation(List.of("body", "infer_header"),
                    "string does not match regex \"(auto)|(first_row)|(no_header)\"", "value_error.str.regex"));
        }
        String schema = form.schemaName == null || form.schemaName.isEmpty() ? "public" : form.schemaName;
        requireIdentifier(form.tableName, "table_name");
        requireIdentifier(schema, "schema_name");
        boolean hasUrl = form.fileUrl != null && !form.fileUrl.isBlank();
        if (form.files > 1) {
            throw ApiError.badRequest("ValidationError", "Send one file per import; this request had " + form.files);
        }
        if ((form.file != null) == hasUrl) {
            throw ApiError.badRequest("ValidationError", "Provide exactly one of file and file_url");
        }
        URI url = null;
        if (hasUrl) {
            try {
                url = new URI(form.fileUrl.trim());
            } catch (URISyntaxException e) {
                url = null;
            }
            if (url == null || url.getHost() == null || url.getScheme() == null
                    || !Set.of("http", "https").contains(url.getScheme().toLowerCase(Locale.ROOT))) {
                throw ApiError.invalid(new ApiError.Violation(List.of("body", "file_url"), "invalid or missing URL scheme (http or https)",
                        "value_error.url.scheme"));
            }
        }
        return new ImportSpec(form.tableName, schema, header, form.file, form.fileName, url);
    }

    private static void requireIdentifier(String name, String field) {
        if (name.getBytes(StandardCharsets.UTF_8).length > 63 || name.indexOf('\0') >= 0) {
            throw ApiError.badRequest("ValidationError", field + " must be at most 63 bytes without NUL characters");
        }
    }

    private Mono<Void> work(PlatformDatabase db, ImportSpec spec, Path jobDir) {
        Mono<Path> source = spec.file() != null ? Mono.just(spec.file()) : fetch(spec.url(), jobDir);
        String fileName = spec.file() != null ? spec.fileName() : lastSegment(spec.url());
        return source.flatMap(file -> Mono.fromCallable(() -> this.formats.detect(file, fileName))
                        .subscribeOn(Schedulers.boundedElastic())
                        .flatMap(ext -> {
                            DataFormat format = FileFormats.nativeFormat(ext);
                            if (format != null) {
                                return load(db, spec, file, format, spec.header());
                            }
                            ImportConverter converter = this.formats.importConverter(ext);
                            if (converter == null) {
                                ObjectNode details = JsonBodies.object().put("format", ext);
                                return Mono.error(new JobFailure("UnsupportedFileFormat: " + ext, "The emulator cannot import ." + ext
                                        + " files (no converter is registered for them); it imports CSV and JSON", details, null));
                            }
                            Path csv = file.resolveSibling(file.getFileName() + ".csv");
                            Mono<Long> converted = WorkFiles.write(Flux.defer(() -> converter.toCsv(file)), csv);
                            return converted.then(load(db, spec, csv, DataFormat.CSV, HeaderMode.FIRST_ROW));
                        }))
                .then();
    }

    private static Mono<Void> load(PlatformDatabase db, ImportSpec spec, Path file, DataFormat format, HeaderMode header) {
        LoadRequest request = LoadRequest.into(spec.table())
                .schema(spec.schema())
                .source(LoadSource.of(file))
                .format(format)
                .header(header)
                .createTable(true)
                .build();
        return db.client.load(request).then();
    }

    /** Fetches a URL to a file in the job's directory. */
    private Mono<Path> fetch(URI url, Path jobDir) {
        Path target = jobDir.resolve(WorkFiles.safeName(lastSegment(url)));
        String shown = url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "") + url.getRawPath();
        Mono<Long> written = this.fetcher.get().uri(url).response((res, body) -> {
            int status = res.status().code();
            if (status / 100 != 2) {
                ObjectNode details = JsonBodies.object().put("status", status).put("url", shown);
                return body.then(Mono.error(new JobFailure("FileUrlError", "Fetching file_url " + shown + " answered HTTP " + status, details, null)));
            }
            return WorkFiles.write(body.asByteArray().map(ByteBuffer::wrap), target);
        }).single();
        return written
                .onErrorMap(e -> !(e instanceof JobFailure), e -> new JobFailure("FileUrlError", "Could not fetch file_url " + shown + ": " + e,
                        JsonBodies.object().put("url", shown), e))
                .thenReturn(target);
    }

    private static String lastSegment(URI url) {
        String path = url.getPath();
        if (path == null || path.isEmpty() || path.endsWith("/")) {
            return null;
        }
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
