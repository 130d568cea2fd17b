package dev.tributary.r2dbc.copy;

import dev.tributary.sql.load.LoadException;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadResult;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.api.PostgresqlResult;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One bulk load on one connection: in a transaction (or a savepoint of the caller's transaction),
 * find or create the table, then stream the source through {@code COPY ... FROM STDIN}.
 */
final class PostgresLoad {

    /** Sent whatever the driver believes the transaction status is (PostgreSQL only warns when there is no transaction). */
    private static final String ROLLBACK = "ROLLBACK";

    private static final AtomicLong SAVEPOINTS = new AtomicLong();

    private static final String TABLE_COLUMNS_SQL = "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),"
            + " COALESCE(base.typname, t.typname), pg_catalog.format_type(a.atttypid, NULL)"
            + " FROM pg_catalog.pg_attribute a"
            + " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
            + " LEFT JOIN pg_catalog.pg_type base ON t.typtype = 'd' AND base.oid = t.typbasetype"
            + " WHERE a.attrelid = pg_catalog.to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped"
            + " ORDER BY a.attnum";

    private final PostgresqlConnection connection;
    private final LoadRequest request;

    PostgresLoad(PostgresqlConnection connection, LoadRequest request) {
        this.connection = connection;
        this.request = request;
    }

    /** @return the load, run on subscription */
    Mono<LoadResult> run() {
        return SourceReading.run(this.request, reading -> transactional(load(reading)));
    }

    /**
     * Runs {@code work} in a transaction of its own when the connection is in auto-commit, else in a
     * savepoint of the open transaction, so that a failed or cancelled load leaves nothing behind
     * and the caller's transaction usable.
     * <p>
     * BEGIN is sent the moment the transaction's cleanups are in place, so that a cancel while it is
     * on its way still rolls back; and the ROLLBACK is an unconditional statement sent at once, queued
     * behind BEGIN on the connection: r2dbc-postgresql's own {@code rollbackTransaction()} is skipped
     * while the last answer says the connection is idle, and one that waited for BEGIN's answer could
     * come after the next borrower's statements (the caller releases the connection as soon as it
     * cancelled the load, without waiting for this cleanup). Either would leave the pooled connection
     * inside the load's transaction, where the next borrower's autocommit writes are never committed.
     */
    private <T> Mono<T> transactional(Mono<T> work) {
        return Mono.defer(() -> {
            PostgresqlConnection c = this.connection;
            if (c.isAutoCommit()) {
                Sinks.Empty<Void> begun = Sinks.empty();
                // a Callable resource: the cleanups are in place the moment BEGIN is sent
                return Mono.usingWhen(Mono.fromSupplier(() -> {
                            c.beginTransaction().subscribe(null, begun::tryEmitError, begun::tryEmitEmpty);
                            return c;
                        }), ignored -> begun.asMono().then(work),
                        ignored -> c.commitTransaction(),
                        (ignored, error) -> keepingTheError(execute(ROLLBACK), error),
                        ignored -> quietly(execute(ROLLBACK)));
            }
            String savepoint = "tributary_load_" + SAVEPOINTS.incrementAndGet();
            return Mono.usingWhen(c.createSavepoint(savepoint).thenReturn(c), ignored -> work,
                    ignored -> c.releaseSavepoint(savepoint),
                    (ignored, error) -> keepingTheError(c.rollbackTransactionToSavepoint(savepoint), error),
                    ignored -> quietly(c.rollbackTransactionToSavepoint(savepoint)));
        });
    }

    /** A rollback after an error: if it fails too (the connection broke), the load's own error is what the caller sees. */
    private static Mono<Void> keepingTheError(Mono<Void> rollback, Throwable error) {
        return rollback.onErrorResume(rollbackError -> {
            error.addSuppressed(rollbackError);
            return Mono.empty();
        });
    }

    /** A rollback after a cancel: nobody waits for its outcome. */
    private static Mono<Void> quietly(Mono<Void> rollback) {
        return rollback.onErrorResume(rollbackError -> Mono.empty());
    }

    private Mono<SourceReading.Outcome> load(SourceReading reading) {
        String source = this.request.source().description();
        return schema().flatMap(schema -> {
            TableName table = new TableName(schema, this.request.table());
            return tableColumns(table).flatMap(columns -> {
                boolean exists = !columns.isEmpty();
                if (!exists && !this.request.createTable()) {
                    return Mono.error(new LoadException("table " + table + " does not exist, and the load was asked not to create it "
                            + "(createTable(false))", source, 0, 0, null, null));
                }
                List<String> names = exists ? names(columns) : null;
                return Mono.fromCallable(() -> PreparedSource.prepare(reading, this.request, names))
                        .subscribeOn(Schedulers.boundedElastic())
                        .onErrorMap(PublisherInputStream::originalError)
                        .flatMap(prepared -> {
                            LoadPlan plan;
                            try {
                                plan = exists ? LoadPlan.existing(this.request, table, prepared, columns)
                                        : LoadPlan.creating(this.request, table, prepared);
                            } catch (LoadException e) {
                                return Mono.error(e);
                            }
                            Mono<Void> create = plan.createSql() == null ? Mono.empty() : execute(plan.createSql());
                            Mono<Long> rows = create.then(copy(plan, prepared, reading));
                            if (plan.insertSql() != null) {
                                rows = rows.then(rowsUpdated(plan.insertSql())).flatMap(inserted -> execute(plan.dropSql()).thenReturn(inserted));
                            }
                            return rows.map(loaded -> new SourceReading.Outcome(table, loaded, !exists, plan.loadedColumns()));
                        });
            });
        });
    }

    /**
     * Streams the records through {@code COPY}. A cancel is not passed on to the driver's copy
     * (whose cancel path releases a {@code CopyData} message that may still be waiting to be
     * written, and the connection then breaks): it makes the frames fail instead, gracefully (see
     * {@link CopyFrames}), so the driver ends the copy with {@code CopyFail} as for bad input, and the
     * rollback queued on the connection behind it runs next.
     */
    private Mono<Long> copy(LoadPlan plan, PreparedSource prepared, SourceReading reading) {
        if (plan.targets().isEmpty()) {
            return Mono.just(0L);
        }
        return Mono.defer(() -> {
            CopyRowWriter writer;
            try {
                writer = new CopyRowWriter(prepared.records(), plan.targets(), reading.description());
            } catch (IOException e) {
                return Mono.error(e);
            }
            CopyFrames frames = new CopyFrames(writer);
            Mono<Long> copying = this.connection.copyIn(plan.copySql()).fromMany(frames.frames()).build()
                    // bad input or a failing source makes the driver cancel the COPY: report the cause, not the echo
                    .onErrorMap(error -> frames.failure() != null ? frames.failure() : error)
                    .doFinally(signal -> {
                        frames.ended();
                        boolean completed = signal == SignalType.ON_COMPLETE;
                        Schedulers.boundedElastic().schedule(() -> {
                            if (!completed) {
                                reading.close(); // wakes a frame blocked reading the source
                            }
                            writer.close();
                        });
                    });
            return Mono.<Long>create(sink -> {
                AtomicBoolean cancelled = new AtomicBoolean();
                sink.onCancel(() -> {
                    cancelled.set(true);
                    frames.requestStop();
                    Schedulers.boundedElastic().schedule(reading::close); // wakes a frame blocked reading the source
                });
                copying.contextWrite(sink.contextView()).subscribe(sink::success, error -> {
                    if (!cancelled.get()) {
                        sink.error(error);
                    }
                }, sink::success);
            });
        });
    }

    private Mono<String> schema() {
        if (this.request.schema() != null) {
            return Mono.just(this.request.schema());
        }
        return Flux.from(this.connection.createStatement("SELECT pg_catalog.current_schema()").execute())
                .concatMap(result -> result.map((row, metadata) -> Optional.ofNullable(row.get(0, String.class))))
                .next()
                .flatMap(current -> current.map(Mono::just).orElseGet(() -> Mono.error(new LoadException(
                        "the session has no current schema (its search_path names none that exists): set LoadRequest schema(...)",
                        this.request.source().description(), 0, 0, null, null))));
    }

    private Mono<List<LoadPlan.TableColumn>> tableColumns(TableName table) {
        return Flux.from(this.connection.createStatement(TABLE_COLUMNS_SQL).bind(0, table.quoted()).execute())
                .concatMap(result -> result.map((row, metadata) -> new LoadPlan.TableColumn(
                        row.get(0, String.class), row.get(1, String.class), row.get(2, String.class), row.get(3, String.class))))
                .collectList();
    }

    private Mono<Void> execute(String sql) {
        return Flux.from(this.connection.createStatement(sql).execute()).concatMap(PostgresqlResult::getRowsUpdated).then();
    }

    private Mono<Long> rowsUpdated(String sql) {
        return Flux.from(this.connection.createStatement(sql).execute()).concatMap(PostgresqlResult::getRowsUpdated)
                .reduce(0L, Long::sum);
    }

    private static List<String> names(List<LoadPlan.TableColumn> columns) {
        List<String> names = new ArrayList<>(columns.size());
        columns.forEach(column -> names.add(column.name()));
        return names;
    }
}
