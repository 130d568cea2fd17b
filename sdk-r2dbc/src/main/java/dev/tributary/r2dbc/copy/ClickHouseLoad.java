package dev.tributary.r2dbc.copy;

import dev.tributary.r2dbc.clickhouse.ClickHouseConnection;
import dev.tributary.sql.load.ColumnType;
import dev.tributary.sql.load.LoadException;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadResult;
import dev.tributary.sql.load.LoadedColumn;
import io.r2dbc.spi.Result;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One bulk load into ClickHouse on one connection: find or create the table, then stream the
 * source's rows as ONE {@code INSERT ... FORMAT TabSeparated} ({@link ClickHouseConnection#insert}).
 * The source is read exactly as for PostgreSQL ({@link PreparedSource}: header detection, type
 * inference, typed {@link LoadException}s naming line, record and column); see {@link ClickHouseCopy}.
 */
final class ClickHouseLoad {

    /** Rows read from the source per demand signal. */
    private static final int ROWS_PER_REQUEST = 1024;

    private static final String TABLE_COLUMNS_SQL = "SELECT name, type FROM system.columns WHERE database = $1 AND table = $2";

    private final ClickHouseConnection connection;
    private final LoadRequest request;

    ClickHouseLoad(ClickHouseConnection connection, LoadRequest request) {
        this.connection = connection;
        this.request = request;
    }

    /** @return the load, run on subscription */
    Mono<LoadResult> run() {
        return SourceReading.run(this.request, this::load);
    }

    private Mono<SourceReading.Outcome> load(SourceReading reading) {
        String source = this.request.source().description();
        return database().flatMap(database -> {
            TableName table = new TableName(database, this.request.table());
            return tableColumns(table).flatMap(columns -> {
                boolean exists = !columns.isEmpty();
                if (!exists && !this.request.createTable()) {
                    return Mono.error(new LoadException("table " + table + " does not exist, and the load was asked not to create it "
                            + "(createTable(false))", source, 0, 0, null, null));
                }
                List<String> names = exists ? new ArrayList<>(columns.keySet()) : null;
                return Mono.fromCallable(() -> PreparedSource.prepare(reading, this.request, names))
                        .subscribeOn(Schedulers.boundedElastic())
                        .onErrorMap(PublisherInputStream::originalError)
                        .flatMap(prepared -> {
                            List<ClickHouseTarget> targets;
                            try {
                                targets = exists ? existingTargets(table, prepared, columns) : createdTargets(table, prepared);
                            } catch (LoadException e) {
                                return Mono.error(e);
                            }
                            List<LoadedColumn> loaded = new ArrayList<>(targets.size());
                            targets.forEach(target -> loaded.add(new LoadedColumn(target.name(), target.type())));
                            AtomicLong sent = new AtomicLong();
                            Mono<Long> rows = insert(table, targets, prepared, source, sent);
                            if (!exists) {
                                rows = execute(createSql(table, targets)).then(rows)
                                        .onErrorResume(error -> dropCreated(table, error))
                                        .doOnCancel(() -> dropCreated(table, null).subscribe(null, dropError -> { }));
                            } else {
                                rows = rows.onErrorMap(error -> partlyLoaded(table, sent.get(), error, source));
                            }
                            return rows.map(count -> new SourceReading.Outcome(table, count, !exists, loaded));
                        });
            });
        });
    }

    private List<ClickHouseTarget> createdTargets(TableName table, PreparedSource prepared) throws LoadException {
        // the PostgreSQL plan checks names, inference conflicts and overrides, and chooses the types
        LoadPlan plan = LoadPlan.creating(this.request, table, prepared);
        List<ClickHouseTarget> targets = new ArrayList<>(plan.targets().size());
        for (TargetColumn target : plan.targets()) {
            targets.add(ClickHouseTarget.created(target.name(), columnType(target.sqlType()), target.typeNote()));
        }
        return targets;
    }

    private List<ClickHouseTarget> existingTargets(TableName table, PreparedSource prepared, Map<String, String> columns) throws LoadException {
        List<LoadPlan.TableColumn> tableColumns = new ArrayList<>(columns.size());
        columns.forEach((name, type) -> tableColumns.add(new LoadPlan.TableColumn(name, type, type, type)));
        // the PostgreSQL plan matches source columns to table columns (exactly, then ignoring case, or by position)
        LoadPlan plan = LoadPlan.existing(this.request, table, prepared, tableColumns);
        List<ClickHouseTarget> targets = new ArrayList<>(plan.targets().size());
        for (TargetColumn target : plan.targets()) {
            targets.add(ClickHouseTarget.existing(target.name(), columns.get(target.name())));
        }
        return targets;
    }

    private static ColumnType columnType(String sqlName) {
        for (ColumnType type : ColumnType.values()) {
            if (type.sqlName().equals(sqlName)) {
                return type;
            }
        }
        throw new IllegalStateException("No ColumnType is named " + sqlName);
    }

    static String createSql(TableName table, List<ClickHouseTarget> targets) {
        StringJoiner definitions = new StringJoiner(", ", "CREATE TABLE " + quoted(table) + " (", ") ENGINE = MergeTree ORDER BY tuple()");
        targets.forEach(target -> definitions.add(identifier(target.name()) + " " + target.type()));
        return definitions.toString();
    }

    /** The rows, checked and converted on a bounded-elastic thread (reading the source blocks), as one streamed INSERT. */
    private Mono<Long> insert(TableName table, List<ClickHouseTarget> targets, PreparedSource prepared, String source, AtomicLong sent) {
        if (targets.isEmpty()) {
            return Mono.just(0L);
        }
        RecordStream records = prepared.records();
        int width = targets.size();
        Flux<List<?>> rows = Flux.<List<?>>generate(sink -> {
            try {
                SourceRecord record = records.next();
                if (record == null) {
                    sink.complete();
                    return;
                }
                List<Object> values = new ArrayList<>(width);
                for (int i = 0; i < width; i++) {
                    ClickHouseTarget target = targets.get(i);
                    Object value = target.convert(record.kind(i), record.value(i));
                    if (value instanceof ClickHouseTarget.Misfit misfit) {
                        sink.error(new LoadException(misfit.reason() + target.typeNote(), source, record.line(), records.dataRecord(record),
                                target.name(), null));
                        return;
                    }
                    values.add(value);
                }
                sent.incrementAndGet();
                sink.next(values);
            } catch (LoadException | IOException e) {
                sink.error(e);
            }
        }).onErrorMap(PublisherInputStream::originalError)
                .subscribeOn(Schedulers.boundedElastic())
                // demand in batches: each request is a task on the worker, and the TSV writer asks for one row at a time
                .limitRate(ROWS_PER_REQUEST);
        List<String> names = new ArrayList<>(width);
        targets.forEach(target -> names.add(target.name()));
        return this.connection.insert(quoted(table), names, rows);
    }

    /** Drops the table the load created, keeping the load's error (the drop's own failure suppressed in it). */
    private Mono<Long> dropCreated(TableName table, Throwable error) {
        Mono<Void> drop = execute("DROP TABLE IF EXISTS " + quoted(table));
        if (error == null) {
            return drop.then(Mono.empty());
        }
        return drop.onErrorResume(dropError -> {
            error.addSuppressed(dropError);
            return Mono.empty();
        }).then(Mono.error(error));
    }

    /**
     * A failed load into a table that existed: ClickHouse has no transactions, so what was sent may
     * be partly inserted; the error says so (keeping the line, record and column of a bad value).
     */
    private static Throwable partlyLoaded(TableName table, long sent, Throwable error, String source) {
        String note = "; table " + table + " existed before the load and ClickHouse has no transactions: of the " + sent
                + " rows sent before the failure, the blocks ClickHouse had already inserted stay in the table (check it, "
                + "or load into a new table and rename it)";
        if (error instanceof LoadException load) {
            // the message ends with the location the constructor appends: keep the reason only
            String message = String.valueOf(load.getMessage());
            int location = message.lastIndexOf(" (" + load.getSource());
            return new LoadException((location > 0 ? message.substring(0, location) : message) + note, load.getSource(), load.getLine(), load.getRecord(), load.getColumn(),
                    load.getCause() != null ? load.getCause() : load);
        }
        return new LoadException(String.valueOf(error.getMessage()) + note, source, 0, 0, null, error);
    }

    private Mono<String> database() {
        if (this.request.schema() != null) {
            return Mono.just(this.request.schema());
        }
        return Flux.from(this.connection.createStatement("SELECT currentDatabase()").execute())
                .concatMap(result -> result.map((row, metadata) -> row.get(0, String.class)))
                .single();
    }

    /** @return the table's column names to their types, in the table's order; empty when it does not exist */
    private Mono<Map<String, String>> tableColumns(TableName table) {
        return Flux.from(this.connection.createStatement(TABLE_COLUMNS_SQL).bind(0, table.schema()).bind(1, table.table()).execute())
                .concatMap(result -> result.map((row, metadata) -> Map.entry(row.get(0, String.class), row.get(1, String.class))))
                .collect(java.util.LinkedHashMap::new, (map, entry) -> map.put(entry.getKey(), entry.getValue()));
    }

    private Mono<Void> execute(String sql) {
        return Flux.from(this.connection.createStatement(sql).execute()).concatMap(Result::getRowsUpdated).then();
    }

    /** @return the table as ClickHouse SQL: {@code `database`.`table`} */
    static String quoted(TableName table) {
        return (table.schema() != null ? identifier(table.schema()) + "." : "") + identifier(table.table());
    }

    /** @return the name in backticks, backslashes and backticks escaped (ClickHouse's quoted identifier) */
    static String identifier(String name) {
        return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`";
    }
}
