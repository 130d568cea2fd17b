package dev.tributary.sql;

import io.r2dbc.spi.TransactionDefinition;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.function.Function;

/**
 * The entry point to a SQL backend: statements, transactions, sessions, bulk load and export,
 * each on a pooled connection that is released exactly once when the work completes, fails or is
 * cancelled. Thread-safe; create one per database and share it.
 *
 * <pre>{@code
 * SqlClient db = Tributary.sql("r2dbc:postgresql://app@localhost/app").build();
 *
 * Flux<String> names = db.sql("SELECT name FROM airports WHERE iso_country = $1")
 *         .bind(0, "NO")
 *         .map(row -> row.get("name", String.class))
 *         .all();
 *
 * Mono<Long> moved = db.inTransaction(tx -> tx.sql("UPDATE accounts SET balance = balance - 10 WHERE id = 1")
 *         .rowsUpdated()
 *         .then(tx.sql("UPDATE accounts SET balance = balance + 10 WHERE id = 2").rowsUpdated()));
 *
 * db.close().block();   // at shutdown, outside any event loop
 * }</pre>
 */
public interface SqlClient extends SqlOperations {

    /**
     * Runs a function in one transaction: {@code COMMIT} when its publisher completes,
     * {@code ROLLBACK} when it errors or the subscription is cancelled. The connection is
     * released once, afterwards. On ClickHouse and ByteHouse, which have no transactions, it
     * signals the driver's {@link io.r2dbc.spi.R2dbcNonTransientResourceException} ("ClickHouse has
     * no transactions") before the function runs; use {@code inConnection} for work on one connection.
     *
     * @param work builds the transaction's work from the session; called once per subscription
     * @param <T>  the result type
     * @return the function's result, emitted after the commit succeeded; signals the function's
     *         error (after the rollback) or the driver's {@link io.r2dbc.spi.R2dbcException} types
     */
    <T> Mono<T> inTransaction(Function<? super SqlSession, ? extends Mono<T>> work);

    /**
     * {@link #inTransaction(Function)} for a function that emits many values. Values are emitted
     * as the function produces them, before the commit; the {@code Flux} completes after the
     * commit succeeded.
     *
     * @param work builds the transaction's work from the session
     * @param <T>  the element type
     * @return the function's values; signals the function's error (after the rollback)
     */
    <T> Flux<T> inTransactionMany(Function<? super SqlSession, ? extends Publisher<T>> work);

    /**
     * {@link #inTransaction(Function)} with transaction attributes (isolation level, read-only,
     * lock wait timeout) as the R2DBC SPI defines them.
     *
     * @param definition the transaction's attributes; not {@code null}
     * @param work       builds the transaction's work from the session
     * @param <T>        the result type
     * @return the function's result, emitted after the commit succeeded
     */
    <T> Mono<T> inTransaction(TransactionDefinition definition, Function<? super SqlSession, ? extends Mono<T>> work);

    /**
     * {@link #inTransaction(Function)} that is run again, whole, when the connection is lost before
     * {@code COMMIT} was sent (the server restarted, terminated the backend, or closed the session):
     * the lost transaction was rolled back by the server, so a fresh transaction on a fresh
     * connection calls the function again (at most 3 more times). The function must therefore have
     * no effects outside the transaction. A connection lost during {@code COMMIT} signals
     * {@link OutcomeUnknownException}, not a re-run.
     *
     * @param work builds the transaction's work from the session; may be called more than once
     * @param <T>  the result type
     * @return the function's result, emitted after the commit succeeded
     */
    <T> Mono<T> inRetryableTransaction(Function<? super SqlSession, ? extends Mono<T>> work);

    /**
     * Runs a function on one connection in auto-commit mode, for work that needs session state
     * ({@code SET search_path}, temporary tables, advisory locks). The connection is released once
     * when the function's publisher completes, errors or is cancelled; session state set by the
     * function is reset before the connection returns to the pool.
     *
     * @param work builds the work from the session; called once per subscription
     * @param <T>  the result type
     * @return the function's result
     */
    <T> Mono<T> inConnection(Function<? super SqlSession, ? extends Mono<T>> work);

    /**
     * {@link #inConnection(Function)} for a function that emits many values.
     *
     * @param work builds the work from the session
     * @param <T>  the element type
     * @return the function's values
     */
    <T> Flux<T> inConnectionMany(Function<? super SqlSession, ? extends Publisher<T>> work);

    /**
     * @return the pool's gauges now and the client's resilience counters (retries, re-runs,
     *         replaced connections, unknown outcomes); cheap, never blocks
     */
    PoolMetrics metrics();

    /**
     * Closes the pool: idle connections are closed at once, connections in use when they are
     * released. Statements started afterwards signal {@link IllegalStateException}.
     *
     * @return completes when the pool is closed
     */
    Mono<Void> close();
}
