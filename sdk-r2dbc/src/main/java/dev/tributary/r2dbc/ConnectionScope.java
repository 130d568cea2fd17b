package dev.tributary.r2dbc;

import io.r2dbc.spi.Connection;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

import java.util.function.Function;

/**
 * Where the work of a statement gets its connection: a pooled connection acquired and released
 * around the work (a {@link DefaultSqlClient}), or the one connection of a session.
 */
interface ConnectionScope {

    /**
     * @param work what to do with the connection; its publisher decides when the connection is
     *             released (complete, error or cancel)
     * @param <T>  the element type
     * @return the work's elements
     */
    <T> Flux<T> use(Function<? super Connection, ? extends Publisher<T>> work);

    /** @return rows fetched per round trip for queries */
    int fetchSize();
}
