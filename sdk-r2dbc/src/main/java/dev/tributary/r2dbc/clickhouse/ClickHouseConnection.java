package dev.tributary.r2dbc.clickhouse;

import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

/**
 * A connection to ClickHouse over its HTTP interface (API skeleton; implementation follows).
 */
public final class ClickHouseConnection implements Connection {

    ClickHouseConnection() {
    }

    @Override
    public ClickHouseStatement createStatement(String sql) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Streams rows as ONE POST: {@code INSERT INTO table (columns) FORMAT TabSeparated}, the body chunked TSV.
     *
     * @param table   the table, possibly {@code db.table}
     * @param columns the column names, in the order of each row's values
     * @param rows    the rows; each list holds one value per column
     * @return the number of rows sent, once the server accepted them
     */
    public Mono<Long> insert(String table, List<String> columns, Publisher<? extends List<?>> rows) {
        return Mono.error(new UnsupportedOperationException("not yet"));
    }

    /** @return the server's version from the handshake, e.g. {@code 18.16.1} */
    public String serverVersion() {
        throw new UnsupportedOperationException("not yet");
    }

    /** @return the server's time zone from the handshake */
    public ZoneId serverZone() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Publisher<Void> beginTransaction() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Publisher<Void> beginTransaction(TransactionDefinition definition) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Publisher<Void> close() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Publisher<Void> commitTransaction() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Batch createBatch() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Publisher<Void> createSavepoint(String name) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public boolean isAutoCommit() {
        return true;
    }

    @Override
    public ConnectionMetadata getMetadata() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public IsolationLevel getTransactionIsolationLevel() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Publisher<Void> releaseSavepoint(String name) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Publisher<Void> rollbackTransaction() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Publisher<Void> rollbackTransactionToSavepoint(String name) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Publisher<Void> setAutoCommit(boolean autoCommit) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Publisher<Void> setLockWaitTimeout(Duration timeout) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Publisher<Void> setStatementTimeout(Duration timeout) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Publisher<Void> setTransactionIsolationLevel(IsolationLevel isolationLevel) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Publisher<Boolean> validate(ValidationDepth depth) {
        throw new UnsupportedOperationException("not yet");
    }
}
