package dev.tributary.r2dbc.clickhouse;

import io.r2dbc.spi.Batch;
import reactor.core.publisher.Flux;

import java.util.ArrayList;
import java.util.List;

/**
 * Statements without bind markers run one after the other, one POST each (ClickHouse's HTTP
 * interface takes one statement per request).
 *
 * <pre>{@code
 * Flux.from(connection.createBatch()
 *         .add("CREATE TABLE t (id UInt32) ENGINE = Memory")
 *         .add("INSERT INTO t VALUES (1), (2)")
 *         .execute())
 *     .flatMap(ClickHouseResult::getRowsUpdated)
 * }</pre>
 */
public final class ClickHouseBatch implements Batch {

    private final ClickHouseConnection connection;
    private final List<String> statements = new ArrayList<>();

    ClickHouseBatch(ClickHouseConnection connection) {
        this.connection = connection;
    }

    /**
     * @param sql a statement without bind markers
     * @return this batch
     */
    @Override
    public ClickHouseBatch add(String sql) {
        statements.add(ClickHouseStatement.requireArgument(sql, "sql"));
        return this;
    }

    /**
     * @return one result per statement, in order; a failing statement ends the batch with its error
     *         (the statements before it ran; ClickHouse has no transactions to undo them)
     */
    @Override
    public Flux<ClickHouseResult> execute() {
        List<String> copy = List.copyOf(statements);
        return Flux.fromIterable(copy).concatMap(sql -> connection.createStatement(sql).execute(), 1);
    }
}
