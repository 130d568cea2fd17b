package dev.tributary.sql;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * How the mapped rows of a statement are consumed. Every method is lazy: the statement runs
 * once per subscription.
 *
 * @param <T> the type each row is mapped to
 */
public interface FetchSpec<T> {

    /**
     * All rows, streamed with backpressure: rows are fetched from the server as downstream
     * demand requires (on PostgreSQL a portal read {@link SqlStatement#fetchSize(int) fetchSize}
     * rows at a time), so a subscriber that requests 10 rows does not make the SDK buffer the
     * rest. Cancelling stops the query and releases the connection.
     *
     * @return the rows in the order the server sends them; signals the driver's
     *         {@link io.r2dbc.spi.R2dbcException} types (message carrying the SQL) on failure
     */
    Flux<T> all();

    /**
     * The only row, or empty when there is none: for point reads (a primary key, an aggregate).
     * Unless the statement was given a {@link SqlStatement#fetchSize(int) fetchSize}, the query
     * runs without one, so that on PostgreSQL the whole exchange is a single round trip (a fetch
     * size opens a portal that costs a second one to close). A query that does return many rows is
     * then signalled as soon as the second row arrives, but its connection reads the rest of the
     * result before it serves another statement: use {@link #first()} or {@link #all()} for those.
     *
     * @return the row; signals {@link IncorrectResultSizeException} when there is more than one
     */
    Mono<T> one();

    /**
     * The first row, or empty when there is none; the rest of the result is not read (the query
     * is cancelled after the first row).
     *
     * @return the first row
     */
    Mono<T> first();
}
