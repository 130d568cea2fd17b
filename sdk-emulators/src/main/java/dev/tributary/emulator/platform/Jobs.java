package dev.tributary.emulator.platform;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.emulator.platform.Accounts.Account;
import dev.tributary.emulator.platform.Databases.PlatformDatabase;
import dev.tributary.sql.load.LoadException;
import io.r2dbc.spi.R2dbcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Import and export jobs: their state as clients poll it, and how they run. A job is
 * {@code RECEIVED} for a while (the queue), then {@code PROCESSING} while its work runs (and at
 * least a minimum time, so that pollers see it), then {@code DONE}, or {@code FAILED} with an
 * error type, id and (imports) details. Thread-safe.
 */
final class Jobs {

    private static final Logger LOG = LoggerFactory.getLogger(Jobs.class);

    enum Kind { IMPORT, EXPORT }

    enum State { RECEIVED, PROCESSING, DONE, FAILED }

    /** An export's file, served without authentication at its unguessable URL. */
    record Download(String token, Path file, String fileName, String contentType, long size) {
    }

    /** One job. */
    static final class Job {

        final UUID id;
        final Kind kind;
        final Instant created;
        final Account creator;
        final PlatformDatabase database;
        final String exportFormat;
        final String fileName;
        final Path directory;
        volatile State state = State.RECEIVED;
        volatile Instant finished;
        volatile String errorType;
        volatile String errorId;
        volatile ObjectNode errorDetails;
        volatile Download download;

        Job(UUID id, Kind kind, Instant created, Account creator, PlatformDatabase database, String exportFormat, String fileName, Path directory) {
            this.id = id;
            this.kind = kind;
            this.created = created;
            this.creator = creator;
            this.database = database;
            this.exportFormat = exportFormat;
            this.fileName = fileName;
            this.directory = directory;
        }

        /** @return whether the account may see the job: its creator, the creator's owner, or the database's owner */
        boolean visibleTo(Account account) {
            return this.creator == account || this.creator.owner == account || this.database.owner == account;
        }
    }

    /**
     * Why a job failed, as the job reports it: an {@code error_type} and {@code error_details}.
     */
    static final class JobFailure extends RuntimeException {

        private static final long serialVersionUID = 1L;

        final String type;
        final transient ObjectNode details;

        JobFailure(String type, String message, ObjectNode details, Throwable cause) {
            super(message, cause);
            this.type = type;
            this.details = details;
            this.details.put("message", message);
        }
    }

    private final Ids ids;
    private final Clock clock;
    private final Scheduler timer;
    private final Duration received;
    private final Duration processingAtLeast;
    private final Map<UUID, Job> jobs = new ConcurrentHashMap<>();
    private final Disposable.Composite running = Disposables.composite();

    Jobs(Ids ids, Clock clock, Scheduler timer, Duration received, Duration processingAtLeast) {
        this.ids = ids;
        this.clock = clock;
        this.timer = timer;
        this.received = received;
        this.processingAtLeast = processingAtLeast;
    }

    Job create(UUID id, Kind kind, Account creator, PlatformDatabase database, String exportFormat, String fileName, Path directory) {
        Job job = new Job(id, kind, this.clock.instant(), creator, database, exportFormat, fileName, directory);
        this.jobs.put(job.id, job);
        return job;
    }

    /** @return the job, or {@code null} */
    Job byId(UUID id) {
        return this.jobs.get(id);
    }

    /**
     * Runs a job in the background: {@code RECEIVED} for the queue time, then {@code PROCESSING}
     * while {@code work} runs (at least the minimum processing time), then {@code DONE} or
     * {@code FAILED}; {@code cleanup} runs after either.
     */
    void run(Job job, Mono<Void> work, Mono<Void> cleanup) {
        Disposable[] self = new Disposable[1];
        Disposable d = Mono.delay(this.received, this.timer)
                .then(Mono.fromRunnable(() -> job.state = State.PROCESSING))
                .then(Mono.when(work, Mono.delay(this.processingAtLeast, this.timer)))
                .then(Mono.fromRunnable(() -> {
                    job.finished = this.clock.instant();
                    job.state = State.DONE;
                }))
                .onErrorResume(e -> {
                    fail(job, e);
                    return Mono.empty();
                })
                .then(cleanup.onErrorResume(e -> {
                    LOG.debug("Cleaning up after job {} failed: {}", job.id, e.toString());
                    return Mono.empty();
                }))
                .doFinally(s -> {
                    if (self[0] != null) {
                        this.running.remove(self[0]);
                    }
                })
                .subscribe();
        self[0] = d;
        if (!d.isDisposed()) {
            this.running.add(d);
        }
    }

    private void fail(Job job, Throwable error) {
        String errorId = this.ids.uuid().toString();
        ObjectNode details = JsonBodies.object();
        String type;
        if (error instanceof JobFailure f) {
            type = f.type;
            details = f.details;
        } else if (error instanceof LoadException e) {
            type = "LoadError";
            details.put("message", e.getMessage());
            details.put("source", e.getSource());
            if (e.getLine() > 0) {
                details.put("line", e.getLine());
            }
            if (e.getRecord() > 0) {
                details.put("record", e.getRecord());
            }
            if (e.getColumn() != null) {
                details.put("column", e.getColumn());
            }
        } else if (error instanceof R2dbcException e) {
            type = job.kind == Kind.EXPORT ? "QueryError" : "DatabaseError";
            details.put("message", QueryEndpoint.sqlMessage(e));
            if (e.getSqlState() != null) {
                details.put("sqlstate", e.getSqlState());
            }
        } else {
            type = "InternalError";
            details.put("message", "The job failed unexpectedly (error id " + errorId + ")");
            LOG.warn("{} job {} failed unexpectedly (error id {})", job.kind, job.id, errorId, error);
        }
        job.errorId = errorId;
        job.errorType = type;
        job.errorDetails = details;
        job.finished = this.clock.instant();
        job.state = State.FAILED;
        LOG.debug("{} job {} FAILED: {} {}", job.kind, job.id, type, details);
    }

    /**
     * @param origin {@code http://127.0.0.1:<port>}
     * @return the job as the API answers it (ImportJob or ExportJob)
     */
    static ObjectNode json(Job job, String origin) {
        ObjectNode o = JsonBodies.object();
        o.put("id", job.id.toString());
        o.put("date_created", JsonBodies.dateTime(job.created));
        Instant finished = job.finished;
        State state = job.state;
        o.put("date_finished", finished != null ? JsonBodies.dateTime(finished) : null);
        o.put("state", state.name());
        o.put("retries", 0);
        o.put("error_type", job.errorType);
        o.put("error_id", job.errorId);
        if (job.kind == Kind.IMPORT) {
            o.set("error_details", job.errorDetails);
            o.put("status_url", origin + PlatformApi.BASE_PATH + "/import/" + job.id);
        } else {
            o.put("status_url", origin + PlatformApi.BASE_PATH + "/export/" + job.id);
            o.put("export_format", job.exportFormat);
            o.put("file_name", job.fileName);
            Download d = job.download;
            o.put("download_url", state == State.DONE && d != null ? origin + Exports.downloadPath(d) : null);
        }
        return o;
    }

    /** Stops the jobs that are running. */
    void close() {
        this.running.dispose();
    }
}
