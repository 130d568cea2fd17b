package dev.tributary.r2dbc;

import dev.tributary.sql.DatabaseUnavailableException;
import dev.tributary.sql.OutcomeUnknownException;
import dev.tributary.sql.PoolMetrics;
import dev.tributary.sql.SqlClient;
import dev.tributary.sql.SqlSession;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.TransactionDefinition;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The {@link SqlClient} over an R2DBC {@link ConnectionFactory}: statements and transactions on
 * pooled connections, sessions on connections of their own.
 */
final class DefaultSqlClient extends ConnectionScope implements SqlClient {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultSqlClient.class);

    private final ConnectionFactory pooled;
    private final ConnectionFactory unpooled;
    private final ConnectionPool pool;
    private final ConnectRetry connectRetry;
    private final IdleValidation idleValidation;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param pooled    where statements and transactions get connections (a pool, or the plain
     *                  factory when pooling is off)
     * @param unpooled  where sessions get their own connections
     * @param pool      the pool to close with the client; {@code null} when the client does not own one
     * @param fetchSize rows per round trip for queries
     * @param connectRetry how failed connects are retried
     */
    DefaultSqlClient(ConnectionFactory pooled, ConnectionFactory unpooled, ConnectionPool pool, int fetchSize, ConnectRetry connectRetry,
                     ResilienceCounters counters, Duration responseTimeout, IdleValidation idleValidation) {
        super(fetchSize, counters, responseTimeout, SqlText.Dialect.ofProduct(unpooled.getMetadata().getName()));
        this.idleValidation = idleValidation;
        this.connectRetry = connectRetry;
        this.pooled = pooled;
        this.unpooled = unpooled;
        this.pool = pool;
    }

    ConnectionPool pool() {
        return this.pool;
    }

    @Override
    public <T> Mono<T> inTransaction(Function<? super SqlSession, ? extends Mono<T>> work) {
        Objects.requireNonNull(work, "work");
        // singleOrEmpty, not next: next() would cancel the transaction (and so roll it back) on its first value
        return transaction(null, work).singleOrEmpty();
    }

    @Override
    public <T> Mono<T> inTransaction(TransactionDefinition definition, Function<? super SqlSession, ? extends Mono<T>> work) {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(work, "work");
        return transaction(definition, work).singleOrEmpty();
    }

    @Override
    public <T> Mono<T> inRetryableTransaction(Function<? super SqlSession, ? extends Mono<T>> work) {
        Objects.requireNonNull(work, "work");
        return transaction(null, work).singleOrEmpty()
                .retryWhen(DefaultSqlStatement.rerunAfterLostConnection()
                        .filter(e -> !(e instanceof OutcomeUnknownException) && !(e instanceof DatabaseUnavailableException)
                                && ConnectionFailures.isConnectionLost(e))
                        .doBeforeRetry(signal -> {
                            counters().statementRerun("transaction", signal.failure());
                            LOG.debug("Connection lost before COMMIT ({}); running the transaction again", signal.failure().toString());
                        }));
    }

    @Override
    public <T> Flux<T> inTransactionMany(Function<? super SqlSession, ? extends Publisher<T>> work) {
        Objects.requireNonNull(work, "work");
        return transaction(null, work);
    }

    @Override
    public <T> Mono<T> inConnection(Function<? super SqlSession, ? extends Mono<T>> work) {
        Objects.requireNonNull(work, "work");
        return session(work).singleOrEmpty();
    }

    @Override
    public <T> Flux<T> inConnectionMany(Function<? super SqlSession, ? extends Publisher<T>> work) {
        Objects.requireNonNull(work, "work");
        return session(work);
    }

    @Override
    public PoolMetrics metrics() {
        ResilienceCounters c = counters();
        io.r2dbc.pool.PoolMetrics gauges = this.pool != null ? this.pool.getMetrics().orElse(null) : null;
        return new PoolMetrics(gauges == null ? 0 : gauges.acquiredSize(), gauges == null ? 0 : gauges.idleSize(),
                gauges == null ? 0 : gauges.pendingAcquireSize(), gauges == null ? 0 : gauges.allocatedSize(),
                gauges == null ? 0 : gauges.getMaxAllocatedSize(), c.connectionsOpened.sum(), c.connectRetries.sum(),
                c.staleConnectionsReplaced.sum(), c.statementReruns.sum(), c.outcomeUnknown.sum(),
                c.connectionsDestroyedBroken.sum(), c.connectionsExpired.sum(), c.validations.sum());
    }

    @Override
    public Mono<Void> close() {
        return Mono.defer(() -> {
            if (!this.closed.compareAndSet(false, true) || this.pool == null) {
                return Mono.empty();
            }
            return this.pool.disposeLater();
        });
    }

    @Override
    boolean rerunsAllowed() {
        return true;
    }

    @Override
    boolean reportsOutcomeUnknown() {
        return true;
    }

    @Override
    <T> Flux<T> use(Function<? super Connection, ? extends Publisher<T>> work) {
        return Flux.usingWhen(acquirePooled(), work, this::releasePooled,
                (connection, error) -> releasePooled(connection), this::releasePooled);
    }

    /**
     * BEGIN, the work, then COMMIT; ROLLBACK on error or cancel, and the connection back to the pool
     * in every case. A cancel can come while BEGIN is still on its way: the driver then believes
     * the connection idle and skips a ROLLBACK (r2dbc-postgresql decides by the transaction status
     * of the last answer), and the BEGIN landing afterwards would leave the pooled connection inside
     * a transaction, where the next borrower's autocommit writes would never be committed. So BEGIN
     * runs to its answer whatever the subscriber does, and the ROLLBACK waits for it.
     */
    private <T> Flux<T> transaction(TransactionDefinition definition, Function<? super SqlSession, ? extends Publisher<T>> work) {
        return Flux.defer(() -> {
            Sinks.Empty<Void> begun = Sinks.empty();
            return Flux.usingWhen(acquirePooled(),
                    connection -> {
                        DefaultSqlSession session = new DefaultSqlSession(connection, fetchSize(), true, counters(), responseTimeout(), dialect());
                        Publisher<Void> begin = definition == null ? connection.beginTransaction() : connection.beginTransaction(definition);
                        // not cancelled with the work: the cancel path below waits for its answer
                        Mono.from(begin).subscribe(null, begun::tryEmitError, begun::tryEmitEmpty);
                        return begun.asMono()
                                .thenMany(Flux.defer(() -> Objects.requireNonNull(work.apply(session),
                                        "the transaction's function returned null")))
                                .doFinally(signal -> session.end());
                    },
                    connection -> afterwards(Mono.from(connection.commitTransaction())
                            .onErrorMap(ConnectionFailures::isConnectionLost, lost -> {
                                counters().outcomeUnknown("COMMIT", lost);
                                return new OutcomeUnknownException("COMMIT", lost);
                            }), connection),
                    (connection, error) -> afterwards(rollbackAfterBegin(begun, connection, "error"), connection),
                    connection -> afterwards(rollbackAfterBegin(begun, connection, "cancel"), connection));
        });
    }

    /**
     * Rolls back once BEGIN has been answered (successfully or not). An answer that does not come
     * within the response timeout (a network partition) leaves the connection's state unknown: it
     * is marked broken, so that the pool destroys it on release instead of lending it again.
     */
    private Mono<Void> rollbackAfterBegin(Sinks.Empty<Void> begun, Connection connection, String why) {
        Mono<Void> answered = begun.asMono().onErrorResume(e -> Mono.empty());
        Duration timeout = responseTimeout();
        if (timeout == null) {
            return answered.then(rollback(connection, why));
        }
        return answered.timeout(timeout)
                .then(rollback(connection, why))
                .onErrorResume(TimeoutException.class, e -> {
                    LOG.debug("No answer to BEGIN within {} ms after {}; the connection is discarded", timeout.toMillis(), why);
                    counters().markBroken(connection);
                    return Mono.empty();
                });
    }

    private <T> Flux<T> session(Function<? super SqlSession, ? extends Publisher<T>> work) {
        return Flux.usingWhen(acquire(this.unpooled),
                connection -> {
                    DefaultSqlSession session = new DefaultSqlSession(connection, fetchSize(), false, counters(), responseTimeout(), dialect());
                    return Flux.defer(() -> Objects.requireNonNull(work.apply(session), "the session's function returned null"))
                            .doFinally(signal -> session.end());
                },
                DefaultSqlClient::release,
                (connection, error) -> release(connection),
                DefaultSqlClient::release);
    }

    private Mono<Connection> acquire(ConnectionFactory factory) {
        return acquire(factory::create);
    }

    /** A connection from the pool, validated when it sat idle past the threshold. */
    private Mono<Connection> acquirePooled() {
        return acquire(() -> Mono.from(this.pooled.create()).flatMap(this.idleValidation::check));
    }

    private Mono<Connection> acquire(java.util.function.Supplier<? extends Publisher<? extends Connection>> connect) {
        return Mono.defer(() -> {
            if (this.closed.get()) {
                return Mono.error(new IllegalStateException("This SqlClient is closed"));
            }
            return this.connectRetry.acquire(connect);
        });
    }

    private Mono<Void> releasePooled(Connection connection) {
        return Mono.defer(() -> {
            this.idleValidation.released(connection);
            return release(connection);
        });
    }

    private static Mono<Void> rollback(Connection connection, String why) {
        return Mono.from(connection.rollbackTransaction())
                .onErrorResume(e -> {
                    // The connection is closed next either way; the user's error is the one that matters.
                    LOG.debug("Rollback after {} failed: {}", why, e.toString());
                    return Mono.empty();
                });
    }

    /** Runs the end of a transaction, then gives the connection back to the pool whatever the end's outcome. */
    private Mono<Void> afterwards(Publisher<Void> end, Connection connection) {
        return Mono.from(end)
                .onErrorResume(e -> releasePooled(connection).then(Mono.error(e)))
                .then(releasePooled(connection));
    }

    /**
     * Gives the connection back. A connection that broke under the work can fail to close (r2dbc-pool
     * cleans it up on release and meets the closed socket); that must not fail work that already
     * succeeded: the pool discards the connection when it next validates it.
     */
    private static Mono<Void> release(Connection connection) {
        return Mono.defer(() -> Mono.from(connection.close()))
                .onErrorResume(e -> {
                    LOG.debug("Releasing a connection failed (it is discarded when next validated): {}", e.toString());
                    return Mono.empty();
                });
    }

    @Override
    public String toString() {
        return "SqlClient{connectionFactory=" + this.unpooled.getMetadata().getName() + ", pooled=" + (this.pool != null)
                + ", fetchSize=" + fetchSize() + ", closed=" + this.closed.get() + '}';
    }
}
