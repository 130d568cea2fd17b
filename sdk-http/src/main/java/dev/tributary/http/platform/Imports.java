package dev.tributary.http.platform;

import dev.tributary.http.HttpServiceClient;
import dev.tributary.http.MultipartBody;
import dev.tributary.http.RequestSpec;
import dev.tributary.http.polling.JobFailedException;
import dev.tributary.http.polling.JobPoller;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.util.Objects;
import java.util.UUID;

/**
 * Import jobs: load a file (uploaded, or fetched by the service from a URL) into a table, then
 * follow the job {@code RECEIVED -> PROCESSING -> DONE | FAILED}. Obtained from
 * {@link PlatformClient#imports()}; thread-safe; every method returns a cold publisher.
 *
 * <pre>{@code
 * Mono<ImportJob> loaded = platform.imports()
 *         .create("alice/demo", CreateImport.file(Path.of("cities.csv"), "cities").withHeader(HeaderMode.FIRST_ROW))
 *         .flatMap(job -> platform.imports().awaitCompletion(job));
 * }</pre>
 * Errors (as {@code onError}) of every request: {@link dev.tributary.http.HttpUnauthorizedException}
 * (401), {@link dev.tributary.http.HttpForbiddenException} (403: a reader may not import),
 * {@link dev.tributary.http.HttpNotFoundException} (404), {@link dev.tributary.http.HttpBadRequestException}
 * (400/422: the service rejected the form), {@link dev.tributary.http.HttpTransientException}
 * (429/502/503/504 once retries ran out, connection failures, timeouts),
 * {@link dev.tributary.http.auth.CredentialsUnavailableException} (no API key to send).
 */
public final class Imports {

    private final HttpServiceClient http;
    private final PollSettings polling;
    private final Scheduler scheduler;

    Imports(HttpServiceClient http, PollSettings polling, Scheduler scheduler) {
        this.http = http;
        this.polling = polling;
        this.scheduler = scheduler;
    }

    /**
     * Starts an import job ({@code POST /db/{username}/{db_name}/import/}, a
     * {@code multipart/form-data} form with {@code table_name}, {@code schema_name},
     * {@code infer_header} and {@code file} or {@code file_url}; 201). A file is streamed from disk
     * with a {@code Content-Length}, never held in memory. Not repeated after a transient failure
     * once the request may have reached the service (a second upload would start a second job).
     *
     * @param database the full name of the target database, {@code <username>/<db_name>}
     * @param request  the source and the target table
     * @return the job as accepted (usually {@link JobState#RECEIVED}); onError as listed on the class,
     * {@link java.io.UncheckedIOException} when the file cannot be read
     * @throws IllegalArgumentException if the database name is not {@code <username>/<db_name>}
     */
    public Mono<ImportJob> create(String database, CreateImport request) {
        DatabaseName name = DatabaseName.parse(database);
        Objects.requireNonNull(request, "request");
        return Mono.defer(() -> this.http.post("/db/{username}/{db_name}/import/", name.owner(), name.database())
                .multipartBody(form(request))
                .retrieve(ImportJob.class));
    }

    /**
     * An import job's current status ({@code GET /import/{import_id}}).
     *
     * @param id the job's id
     * @return the status; onError {@link dev.tributary.http.HttpNotFoundException} for an unknown id,
     * otherwise as listed on the class
     */
    public Mono<ImportJob> get(UUID id) {
        Objects.requireNonNull(id, "id");
        return Mono.defer(() -> this.http.get("/import/{import_id}", id).retrieve(ImportJob.class));
    }

    /**
     * Every status of the job until it ends, with the client's {@link PollSettings}: see
     * {@link #progress(ImportJob, PollSettings)}.
     *
     * @param job the job as created or last seen
     * @return the statuses; onError as {@link #progress(ImportJob, PollSettings)}
     */
    public Flux<ImportJob> progress(ImportJob job) {
        return progress(job, this.polling);
    }

    /**
     * Polls the job until it ends and emits every status seen, the last one terminal. Each poll is
     * a {@code GET} of the job's {@code status_url} (sent with the API key only when it has the
     * base URL's origin), or of {@code /import/{import_id}} when the job has none. Polls are spaced
     * by the settings' backoff; cancelling stops polling (no request is sent afterwards). Each
     * subscription polls anew.
     *
     * @param job      the job as created or last seen
     * @param settings backoff and deadline
     * @return the statuses in order; completes after {@link JobState#DONE}; onError
     * {@link JobFailedException} after a {@link JobState#FAILED} status (kind {@code import}, with the
     * service's {@code error_id}, {@code error_type} and {@code error_details}: for bad input, the
     * line and column), {@link dev.tributary.http.polling.JobTimeoutException} when the deadline
     * passes first (the job goes on), or a poll's own error (as listed on the class) when it is not
     * transient or {@link PollSettings#getMaxPollRetries()} retries failed
     */
    public Flux<ImportJob> progress(ImportJob job, PollSettings settings) {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(settings, "settings");
        return poller(job, settings).progress();
    }

    /**
     * Waits for the job to end, with the client's {@link PollSettings}.
     *
     * @param job the job as created or last seen
     * @return the {@link JobState#DONE} status; onError as {@link #progress(ImportJob, PollSettings)}
     */
    public Mono<ImportJob> awaitCompletion(ImportJob job) {
        return awaitCompletion(job, this.polling);
    }

    /**
     * Waits for the job to end.
     *
     * @param job      the job as created or last seen
     * @param settings backoff and deadline
     * @return the {@link JobState#DONE} status; onError as {@link #progress(ImportJob, PollSettings)}
     */
    public Mono<ImportJob> awaitCompletion(ImportJob job, PollSettings settings) {
        return progress(job, settings).last();
    }

    private JobPoller<ImportJob> poller(ImportJob job, PollSettings settings) {
        String id = job.id().toString();
        return JobPoller.<ImportJob>builder("import", id, () -> statusRequest(job).retrieve(ImportJob.class))
                .terminalWhen(status -> status.state().isTerminal())
                .failure(status -> status.state() == JobState.FAILED
                        ? new JobFailedException("import", status.id().toString(), status.state().name(),
                                status.errorId(), status.errorType(), status.errorDetails())
                        : null)
                .stateOf(status -> status.state().name())
                .initialDelay(settings.getInitialDelay())
                .backoff(settings.getFirstBackoff(), settings.getMaxBackoff())
                .deadline(settings.getDeadline())
                .maxPollRetries(settings.getMaxPollRetries())
                .scheduler(this.scheduler)
                .build();
    }

    private RequestSpec statusRequest(ImportJob job) {
        RequestSpec byId = this.http.get("/import/{import_id}", job.id());
        String statusUrl = job.statusUrl();
        return statusUrl == null || statusUrl.isBlank() ? byId : byId.url(statusUrl);
    }

    static MultipartBody form(CreateImport request) {
        MultipartBody.Builder form = MultipartBody.builder().field("table_name", request.getTableName());
        request.getSchemaName().ifPresent(schema -> form.field("schema_name", schema));
        form.field("infer_header", request.getHeader().platformValue());
        if (request.getFile().isPresent()) {
            form.file("file", request.fileName(), request.getFile().get(), request.contentType());
        } else {
            form.field("file_url", request.getUrl().orElseThrow().toString());
        }
        return form.build();
    }
}
