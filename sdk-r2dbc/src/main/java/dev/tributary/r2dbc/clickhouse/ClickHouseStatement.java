package dev.tributary.r2dbc.clickhouse;

import io.r2dbc.spi.Statement;
import reactor.core.publisher.Flux;

/**
 * A ClickHouse statement (API skeleton; implementation follows).
 */
public final class ClickHouseStatement implements Statement {

    ClickHouseStatement() {
    }

    @Override
    public ClickHouseStatement add() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public ClickHouseStatement bind(int index, Object value) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public ClickHouseStatement bind(String name, Object value) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public ClickHouseStatement bindNull(int index, Class<?> type) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public ClickHouseStatement bindNull(String name, Class<?> type) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Flux<ClickHouseResult> execute() {
        throw new UnsupportedOperationException("not yet");
    }
}
