package dev.tributary.r2dbc;

import dev.tributary.sql.SqlSession;
import io.r2dbc.spi.Connection;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The operations of one connection lent to {@code inConnection}/{@code inTransaction}; valid
 * until {@link #end()}.
 */
final class DefaultSqlSession extends ConnectionScope implements SqlSession {

    private final Connection connection;
    private final boolean transactional;
    private final AtomicBoolean active = new AtomicBoolean(true);

    DefaultSqlSession(Connection connection, int fetchSize, boolean transactional, ResilienceCounters counters,
                      java.time.Duration responseTimeout, SqlText.Dialect dialect) {
        super(fetchSize, counters, responseTimeout, dialect);
        this.connection = connection;
        this.transactional = transactional;
    }

    @Override
    boolean rerunsAllowed() {
        return false;
    }

    @Override
    boolean reportsOutcomeUnknown() {
        return !this.transactional;
    }

    void end() {
        this.active.set(false);
    }

    @Override
    <T> Flux<T> use(Function<? super Connection, ? extends Publisher<T>> work) {
        return Flux.defer(() -> {
            if (!this.active.get()) {
                return Flux.error(new IllegalStateException("This SqlSession has ended: use it only inside the function "
                        + "given to inConnection/inTransaction, until its publisher terminates"));
            }
            return work.apply(this.connection);
        });
    }

    @Override
    public String toString() {
        return "SqlSession{active=" + this.active.get() + '}';
    }
}
