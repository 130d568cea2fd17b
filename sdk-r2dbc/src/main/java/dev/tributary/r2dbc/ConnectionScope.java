package dev.tributary.r2dbc;

import dev.tributary.r2dbc.copy.ClickHouseCopy;
import dev.tributary.r2dbc.copy.PostgresCopy;
import dev.tributary.sql.SqlOperations;
import dev.tributary.sql.SqlStatement;
import dev.tributary.sql.load.ExportRequest;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadResult;
import io.r2dbc.spi.Connection;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * {@link SqlOperations} over a source of connections: a pooled connection acquired and released
 * around each operation ({@link DefaultSqlClient}), or the one connection of a session
 * ({@link DefaultSqlSession}). Subclasses say how a connection is lent; the operations are the same.
 */
abstract class ConnectionScope implements SqlOperations {

    private final int fetchSize;
    private final ResilienceCounters counters;
    private final Duration responseTimeout;
    private final SqlText.Dialect dialect;

    ConnectionScope(int fetchSize, ResilienceCounters counters, Duration responseTimeout, SqlText.Dialect dialect) {
        this.dialect = dialect;
        this.fetchSize = fetchSize;
        this.counters = counters;
        this.responseTimeout = responseTimeout;
    }

    /** @return the longest wait for a statement's first answer; {@code null}: no limit */
    final Duration responseTimeout() {
        return this.responseTimeout;
    }

    /** @return whose lexical rules the SQL follows (how parameters are found in it) */
    final SqlText.Dialect dialect() {
        return this.dialect;
    }

    /** @return the client's resilience counters */
    final ResilienceCounters counters() {
        return this.counters;
    }

    /**
     * @param work what to do with the connection; its publisher decides when the connection is
     *             released (complete, error or cancel)
     * @param <T>  the element type
     * @return the work's elements
     */
    abstract <T> Flux<T> use(Function<? super Connection, ? extends Publisher<T>> work);

    /**
     * @return whether an idempotent statement whose connection is lost may be run again on a
     *         fresh connection (not inside a session, whose state would be lost with it)
     */
    abstract boolean rerunsAllowed();

    /**
     * @return whether a write whose connection is lost signals
     *         {@link dev.tributary.sql.OutcomeUnknownException} (not inside a transaction: there the
     *         lost connection rolls the transaction back, and only its {@code COMMIT} can be unknown)
     */
    abstract boolean reportsOutcomeUnknown();

    /** @return rows fetched per round trip for queries */
    final int fetchSize() {
        return this.fetchSize;
    }

    @Override
    public final SqlStatement sql(String sql) {
        return new DefaultSqlStatement(this, SqlText.parse(sql, this.dialect));
    }

    @Override
    public final Mono<LoadResult> load(LoadRequest request) {
        Objects.requireNonNull(request, "request");
        return use(connection -> ClickHouseCopy.supports(connection) ? ClickHouseCopy.load(connection, request)
                : PostgresCopy.load(connection, request)).singleOrEmpty();
    }

    @Override
    public final Flux<ByteBuffer> export(ExportRequest request) {
        Objects.requireNonNull(request, "request");
        return use(connection -> ClickHouseCopy.supports(connection) ? ClickHouseCopy.export(connection, request)
                : PostgresCopy.export(connection, request, this.fetchSize));
    }
}
