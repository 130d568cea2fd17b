package dev.tributary.http.platform;

import dev.tributary.http.HttpServiceClient;
import dev.tributary.http.RequestSpec;
import dev.tributary.http.polling.JobFailedException;
import dev.tributary.http.polling.JobPoller;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;

/**
 * Export jobs: write a query's result or a table to a file (CSV, JSON, XLS, Parquet), follow the
 * job {@code RECEIVED -> PROCESSING -> DONE | FAILED}, then download the file from the job's
 * {@code download_url}. Obtained from {@link PlatformClient#exports()}; thread-safe; every method
 * returns a cold publisher.
 *
 * <pre>{@code
 * Exports exports = platform.exports();
 * Mono<Long> bytes = exports.create("alice/demo", CreateExport.table("cities", ExportFormat.CSV))
 *         .flatMap(exports::awaitCompletion)
 *         .flatMap(done -> exports.downloadTo(done, Path.of("cities.csv")));
 * }</pre>
 * Errors (as {@code onError}) of every request: {@link dev.tributary.http.HttpUnauthorizedException}
 * (401), {@link dev.tributary.http.HttpForbiddenException} (403),
 * {@link dev.tributary.http.HttpNotFoundException} (404), {@link dev.tributary.http.HttpBadRequestException}
 * (400/422: the service rejected the request, e.g. SQL that does not parse),
 * {@link dev.tributary.http.HttpTransientException} (429/502/503/504 once retries ran out,
 * connection failures, timeouts), {@link dev.tributary.http.auth.CredentialsUnavailableException}
 * (no API key to send).
 */
public final class Exports {

    private final HttpServiceClient http;
    private final PollSettings polling;
    private final Scheduler scheduler;

    Exports(HttpServiceClient http, PollSettings polling, Scheduler scheduler) {
        this.http = http;
        this.polling = polling;
        this.scheduler = scheduler;
    }

    /**
     * Starts an export job ({@code POST /db/{username}/{db_name}/export/}, JSON
     * {@code {export_format, query_string | table_name, schema_name?, file_name?}}; 201). Not
     * repeated after a transient failure once the request may have reached the service.
     *
     * @param database the full name of the database, {@code <username>/<db_name>}
     * @param request  what to export, in which format
     * @return the job as accepted (usually {@link JobState#RECEIVED}); onError as listed on the class
     * @throws IllegalArgumentException if the database name is not {@code <username>/<db_name>}
     */
    public Mono<ExportJob> create(String database, CreateExport request) {
        DatabaseName name = DatabaseName.parse(database);
        Objects.requireNonNull(request, "request");
        return Mono.defer(() -> this.http.post("/db/{username}/{db_name}/export/", name.owner(), name.database())
                .jsonBody(request)
                .retrieve(ExportJob.class));
    }

    /**
     * An export job's current status ({@code GET /export/{export_id}}).
     *
     * @param id the job's id
     * @return the status; onError {@link dev.tributary.http.HttpNotFoundException} for an unknown id,
     * otherwise as listed on the class
     */
    public Mono<ExportJob> get(UUID id) {
        Objects.requireNonNull(id, "id");
        return Mono.defer(() -> this.http.get("/export/{export_id}", id).retrieve(ExportJob.class));
    }

    /**
     * Every status of the job until it ends, with the client's {@link PollSettings}: see
     * {@link #progress(ExportJob, PollSettings)}.
     *
     * @param job the job as created or last seen
     * @return the statuses; onError as {@link #progress(ExportJob, PollSettings)}
     */
    public Flux<ExportJob> progress(ExportJob job) {
        return progress(job, this.polling);
    }

    /**
     * Polls the job until it ends and emits every status seen, the last one terminal. Each poll is
     * a {@code GET} of the job's {@code status_url} (sent with the API key only when it has the
     * base URL's origin), or of {@code /export/{export_id}} when the job has none. Cancelling stops
     * polling; each subscription polls anew.
     *
     * @param job      the job as created or last seen
     * @param settings backoff and deadline
     * @return the statuses in order; completes after {@link JobState#DONE} (whose
     * {@link ExportJob#downloadUrl()} is set); onError {@link JobFailedException} after a
     * {@link JobState#FAILED} status (kind {@code export}, with the service's {@code error_id} and
     * {@code error_type}), {@link dev.tributary.http.polling.JobTimeoutException} when the deadline
     * passes first, or a poll's own error when it is not transient or its retries failed
     */
    public Flux<ExportJob> progress(ExportJob job, PollSettings settings) {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(settings, "settings");
        return poller(job, settings).progress();
    }

    /**
     * Waits for the job to end, with the client's {@link PollSettings}.
     *
     * @param job the job as created or last seen
     * @return the {@link JobState#DONE} status, with its download URL; onError as
     * {@link #progress(ExportJob, PollSettings)}
     */
    public Mono<ExportJob> awaitCompletion(ExportJob job) {
        return awaitCompletion(job, this.polling);
    }

    /**
     * Waits for the job to end.
     *
     * @param job      the job as created or last seen
     * @param settings backoff and deadline
     * @return the {@link JobState#DONE} status, with its download URL; onError as
     * {@link #progress(ExportJob, PollSettings)}
     */
    public Mono<ExportJob> awaitCompletion(ExportJob job, PollSettings settings) {
        return progress(job, settings).last();
    }

    /**
     * Streams the exported file from the job's {@code download_url}, a presigned URL: it is sent
     * without the API key (whatever its host), and the URL's query (its signature) never appears
     * in messages. Chunks are copies the caller owns, requested with backpressure; cancelling
     * releases the connection. Not repeated once a chunk has been emitted.
     *
     * @param job a {@link JobState#DONE} export, as {@link #awaitCompletion(ExportJob)} returns it
     * @return the file's bytes in order; onError {@link dev.tributary.http.HttpNotFoundException}
     * (the link is unknown or expired), {@link dev.tributary.http.HttpForbiddenException} (the
     * signature was refused), {@link dev.tributary.http.HttpTransientException} (connection failures,
     * 503...)
     * @throws IllegalArgumentException if the job is not {@code DONE} or has no download URL
     */
    public Flux<ByteBuffer> download(ExportJob job) {
        RequestSpec request = downloadRequest(job);
        return Flux.defer(request::download);
    }

    /**
     * Writes the exported file from the job's {@code download_url} (sent without the API key) to
     * {@code target} without blocking, creating or truncating it. On error or cancel the partly
     * written file is deleted.
     *
     * @param job    a {@link JobState#DONE} export
     * @param target the file to write
     * @return the number of bytes written; onError as {@link #download(ExportJob)}, or
     * {@link java.io.UncheckedIOException} when the file cannot be written
     * @throws IllegalArgumentException if the job is not {@code DONE} or has no download URL
     */
    public Mono<Long> downloadTo(ExportJob job, Path target) {
        Objects.requireNonNull(target, "target");
        RequestSpec request = downloadRequest(job);
        return Mono.defer(() -> request.downloadTo(target));
    }

    private RequestSpec downloadRequest(ExportJob job) {
        Objects.requireNonNull(job, "job");
        if (job.state() != JobState.DONE || job.downloadUrl() == null || job.downloadUrl().isBlank()) {
            throw new IllegalArgumentException("export job " + job.id() + " is " + job.state()
                    + (job.state() == JobState.DONE ? " without a download_url" : ", not DONE: await its completion first"));
        }
        // a URL outside the base URL's path and possibly on another host: resolved as given
        return this.http.get("/export/{export_id}", job.id()).url(job.downloadUrl()).withoutAuthorization();
    }

    private JobPoller<ExportJob> poller(ExportJob job, PollSettings settings) {
        return JobPoller.<ExportJob>builder("export", job.id().toString(), () -> statusRequest(job).retrieve(ExportJob.class))
                .terminalWhen(status -> status.state().isTerminal())
                .failure(status -> status.state() == JobState.FAILED
                        ? new JobFailedException("export", status.id().toString(), status.state().name(),
                                status.errorId(), status.errorType(), null)
                        : null)
                .stateOf(status -> status.state().name())
                .initialDelay(settings.getInitialDelay())
                .backoff(settings.getFirstBackoff(), settings.getMaxBackoff())
                .deadline(settings.getDeadline())
                .maxPollRetries(settings.getMaxPollRetries())
                .scheduler(this.scheduler)
                .build();
    }

    private RequestSpec statusRequest(ExportJob job) {
        RequestSpec byId = this.http.get("/export/{export_id}", job.id());
        String statusUrl = job.statusUrl();
        return statusUrl == null || statusUrl.isBlank() ? byId : byId.url(statusUrl);
    }
}
