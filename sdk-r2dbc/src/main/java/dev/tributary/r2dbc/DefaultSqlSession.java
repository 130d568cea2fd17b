package dev.tributary.r2dbc;

import dev.tributary.r2dbc.copy.PostgresCopy;
import dev.tributary.sql.SqlSession;
import dev.tributary.sql.SqlStatement;
import dev.tributary.sql.load.ExportRequest;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadResult;
import io.r2dbc.spi.Connection;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The operations of one connection lent to {@code inConnection}/{@code inTransaction}; valid
 * until {@link #end()}.
 */
final class DefaultSqlSession implements SqlSession, ConnectionScope {

    private final Connection connection;
    private final int fetchSize;
    private final AtomicBoolean active = new AtomicBoolean(true);

    DefaultSqlSession(Connection connection, int fetchSize) {
        this.connection = connection;
        this.fetchSize = fetchSize;
    }

    void end() {
        this.active.set(false);
    }

    @Override
    public SqlStatement sql(String sql) {
        return new DefaultSqlStatement(this, SqlText.parse(sql));
    }

    @Override
    public Mono<LoadResult> load(LoadRequest request) {
        Objects.requireNonNull(request, "request");
        return use(c -> PostgresCopy.load(c, request)).next();
    }

    @Override
    public Flux<ByteBuffer> export(ExportRequest request) {
        Objects.requireNonNull(request, "request");
        return use(c -> PostgresCopy.export(c, request, this.fetchSize));
    }

    @Override
    public <T> Flux<T> use(Function<? super Connection, ? extends Publisher<T>> work) {
        return Flux.defer(() -> {
            if (!this.active.get()) {
                return Flux.error(new IllegalStateException("This SqlSession has ended: use it only inside the function "
                        + "given to inConnection/inTransaction, until its publisher terminates"));
            }
            return work.apply(this.connection);
        });
    }

    @Override
    public int fetchSize() {
        return this.fetchSize;
    }

    @Override
    public String toString() {
        return "SqlSession{active=" + this.active.get() + '}';
    }
}
