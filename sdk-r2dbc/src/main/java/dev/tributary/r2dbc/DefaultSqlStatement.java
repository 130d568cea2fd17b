package dev.tributary.r2dbc;

import dev.tributary.sql.FetchSpec;
import dev.tributary.sql.DatabaseUnavailableException;
import dev.tributary.sql.IncorrectResultSizeException;
import dev.tributary.sql.OutcomeUnknownException;
import dev.tributary.sql.SqlStatement;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ReferenceCounted;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.ValidationDepth;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import reactor.util.retry.RetryBackoffSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.TimeoutException;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The immutable {@link SqlStatement}: the parsed SQL, its bind values by 0-based index, the fetch
 * size set on it (if any), and the scope that lends it a connection when a terminal method is
 * subscribed to.
 */
final class DefaultSqlStatement implements SqlStatement {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultSqlStatement.class);

    /** How many times an idempotent statement is run again after losing its connection. */
    static final int MAX_RERUNS = 3;

    /**
     * Re-runs after a lost connection: a short backoff with jitter (20 ms, doubling, at most 500 ms)
     * gives a server that is going down a moment to be seen as down; when they are used up, the last
     * error is signalled as it is.
     */
    static RetryBackoffSpec rerunAfterLostConnection() {
        return Retry.backoff(MAX_RERUNS, Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(500)).jitter(0.5)
                .onRetryExhaustedThrow((spec, signal) -> signal.failure());
    }

    private final ConnectionScope scope;
    private final SqlText text;
    private final Map<Integer, Object> bindings;
    /** Rows per round trip set on this statement; {@value #CLIENT_FETCH_SIZE} when not set (the client's applies to streams). */
    private final int fetchSize;
    /** {@code null}: reads are, writes are not */
    private final Boolean idempotent;

    /** {@link #fetchSize}: not set on the statement. */
    private static final int CLIENT_FETCH_SIZE = 0;

    DefaultSqlStatement(ConnectionScope scope, SqlText text) {
        this(scope, text, Collections.emptyMap(), CLIENT_FETCH_SIZE, null);
    }

    private DefaultSqlStatement(ConnectionScope scope, SqlText text, Map<Integer, Object> bindings, int fetchSize, Boolean idempotent) {
        this.scope = scope;
        this.text = text;
        this.bindings = bindings;
        this.fetchSize = fetchSize;
        this.idempotent = idempotent;
    }

    @Override
    public SqlStatement bind(int index, Object value) {
        if (value == null) {
            throw new IllegalArgumentException("value for parameter $" + (index + 1) + " must not be null; use bindNull(" + index + ", type)");
        }
        return withBinding(positionalIndex(index), value);
    }

    @Override
    public SqlStatement bind(String name, Object value) {
        if (value == null) {
            throw new IllegalArgumentException("value for parameter :" + name + " must not be null; use bindNull(\"" + name + "\", type)");
        }
        return withBinding(namedIndex(name), value);
    }

    @Override
    public SqlStatement bindNull(int index, Class<?> type) {
        return withBinding(positionalIndex(index), new NullValue(requireType(type, "$" + (index + 1))));
    }

    @Override
    public SqlStatement bindNull(String name, Class<?> type) {
        return withBinding(namedIndex(name), new NullValue(requireType(type, ":" + name)));
    }

    @Override
    public SqlStatement fetchSize(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("fetchSize must be at least 1, was " + rows);
        }
        return new DefaultSqlStatement(this.scope, this.text, this.bindings, rows, this.idempotent);
    }

    @Override
    public SqlStatement idempotent(boolean idempotent) {
        return new DefaultSqlStatement(this.scope, this.text, this.bindings, this.fetchSize, idempotent);
    }

    @Override
    public <T> FetchSpec<T> map(Function<? super Readable, ? extends T> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        return new Fetch<>((row, metadata) -> mapper.apply(row));
    }

    @Override
    public <T> FetchSpec<T> map(BiFunction<? super Row, ? super RowMetadata, ? extends T> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        return new Fetch<>(mapper::apply);
    }

    @Override
    public <T> FetchSpec<T> mapTo(Class<T> type) {
        return new Fetch<>(RowMapping.to(type));
    }

    @Override
    public FetchSpec<Map<String, Object>> fetch() {
        return new Fetch<>(RowMapping::toMap);
    }

    @Override
    public Mono<Long> rowsUpdated() {
        // The sum is emitted once the statement completed: a lost connection before that can be re-run.
        return resilient(this.scope.<Long>use(connection -> answeredWithin(execute(connection, CLIENT_FETCH_SIZE)
                        .concatMap(Result::getRowsUpdated)
                        .doOnDiscard(ReferenceCounted.class, DefaultSqlStatement::release), connection))
                .reduce(0L, Long::sum).flux())
                .single();
    }

    @Override
    public String toString() {
        return "SqlStatement{" + this.text.redacted() + ", parameters=" + this.bindings.size() + '}';
    }

    /**
     * One run of the query on a connection of the scope, rows as they come; no re-run, errors as the
     * driver's.
     *
     * @param rowsPerRoundTrip the fetch size given to the driver, or {@link #CLIENT_FETCH_SIZE} for
     *                         none: then it reads the whole result in one round trip
     */
    private <T> Flux<T> rows(BiFunction<Row, RowMetadata, ? extends T> mapper, int rowsPerRoundTrip) {
        return this.scope.<T>use(connection -> answeredWithin(execute(connection, rowsPerRoundTrip)
                .<T>concatMap(result -> Flux.<T>from(result.map(mapper)))
                // Messages a driver had buffered when the subscriber cancels are dropped through Reactor's
                // discard hook: release them (r2dbc-postgresql leaks them otherwise, pgjdbc/r2dbc-postgresql#580).
                .doOnDiscard(ReferenceCounted.class, DefaultSqlStatement::release), connection));
    }

    /**
     * Sends the statement only on a connection that is still open, and says so when it is not: a
     * pooled connection whose server went away after the pool checked it (a restart, an idle close)
     * fails with {@link ClosedBeforeSendException}, which is safe to run again because nothing was
     * sent. Handing the statement to the driver instead would also leak its encoded bind values:
     * r2dbc-postgresql (1.1.1) never releases them when it refuses a statement on a closed
     * connection ({@code R2dbcPostgresqlClosedConnectionLeakCanaryIT}).
     */
    private Flux<Result> execute(io.r2dbc.spi.Connection connection, int rowsPerRoundTrip) {
        return Mono.from(connection.validate(ValidationDepth.LOCAL))
                .flatMapMany(open -> open ? Flux.from(createStatement(connection, rowsPerRoundTrip).execute())
                        : Flux.error(new ClosedBeforeSendException(this.text.redacted())));
    }

    /** The connection was found closed before the statement was sent: nothing reached the server. */
    static final class ClosedBeforeSendException extends R2dbcNonTransientResourceException {

        private static final long serialVersionUID = 1L;

        ClosedBeforeSendException(String sql) {
            super("The connection was closed before the statement was sent; nothing reached the database [SQL: " + sql + "]",
                    null, 0, sql, new ClosedChannelException());
        }
    }

    /**
     * Bounds the wait for the statement's first answer by the scope's response timeout. A connection
     * that did not answer in time is closed, so that the pool never lends it again.
     */
    private <T> Flux<T> answeredWithin(Flux<T> answers, io.r2dbc.spi.Connection connection) {
        Duration timeout = this.scope.responseTimeout();
        // A connection that lost its server is destroyed when released, never lent again.
        Flux<T> marked = answers.doOnError(e -> {
            if (ConnectionFailures.isConnectionLost(e)) {
                this.scope.counters().markBroken(connection);
            }
        });
        if (timeout == null) {
            return marked;
        }
        return marked.timeout(Mono.delay(timeout), first -> Mono.never())
                .doOnError(TimeoutException.class, e -> this.scope.counters().markBroken(connection))
                .onErrorResume(TimeoutException.class, e -> closeDriverConnection(connection)
                        .then(Mono.error(new NoAnswerException(timeout, this.text.redacted(), e))));
    }

    private static Mono<Void> closeDriverConnection(io.r2dbc.spi.Connection connection) {
        return Mono.from(DriverConnection.of(connection).close())
                .timeout(Duration.ofSeconds(1))
                .onErrorResume(e -> Mono.empty());
    }

    /** No answer from the database within the response timeout; the connection was closed. */
    static final class NoAnswerException extends R2dbcTimeoutException {

        private static final long serialVersionUID = 1L;

        NoAnswerException(Duration timeout, String sql, Throwable cause) {
            super("No answer from the database within " + timeout.toMillis() + " ms; the connection was closed [SQL: " + sql + "]",
                    null, 0, sql, cause);
        }
    }

    /**
     * Gives one run of the statement (a cold publisher: each subscription runs it on a connection of
     * its own) its behaviour when the connection is lost under it: an idempotent statement that has
     * emitted nothing to the subscriber yet is run again on a fresh connection (where the scope
     * allows it, at most {@value #MAX_RERUNS} times); a statement that is not idempotent signals
     * {@link OutcomeUnknownException} (where the scope reports it). Other errors are typed with the
     * SQL. Callers shape the run first ({@code one()} collects, {@code rowsUpdated()} sums), so
     * "emitted" means emitted to the user.
     */
    private <T> Flux<T> resilient(Flux<T> run) {
        boolean idempotentStatement = this.idempotent != null ? this.idempotent : this.text.isRead();
        boolean rerun = idempotentStatement && this.scope.rerunsAllowed();
        boolean reportUnknown = !idempotentStatement && this.scope.reportsOutcomeUnknown();
        return Flux.defer(() -> {
            AtomicBoolean emitted = new AtomicBoolean();
            Flux<T> attempt = run.doOnNext(value -> emitted.set(true));
            if (rerun || this.scope.rerunsAllowed()) {
                // a write runs again only when it never left: its connection was closed before it was sent
                attempt = attempt.retryWhen(rerunAfterLostConnection()
                        .filter(e -> !emitted.get() && (rerun ? lostConnection(e) : e instanceof ClosedBeforeSendException))
                        .doBeforeRetry(signal -> this.scope.counters().statementRerun(this.text.redacted(), signal.failure()))
                        .doBeforeRetry(signal -> LOG.debug("Connection lost under an idempotent statement before it emitted a row "
                                + "({}); running it again on a fresh connection [SQL: {}]", signal.failure().toString(), this.text.redacted())));
            }
            return attempt.onErrorMap(e -> {
                if (reportUnknown && !(e instanceof ClosedBeforeSendException) && (lostConnection(e) || e instanceof NoAnswerException)) {
                    this.scope.counters().outcomeUnknown(this.text.redacted(), e);
                    return new OutcomeUnknownException(this.text.redacted(), e);
                }
                return R2dbcExceptions.withSql(e, this.text);
            });
        });
    }

    /** A lost connection under the statement; not a connect that never succeeded (nothing was sent then). */
    private static boolean lostConnection(Throwable error) {
        return !(error instanceof DatabaseUnavailableException) && ConnectionFailures.isConnectionLost(error);
    }

    private static void release(ReferenceCounted message) {
        if (message.refCnt() > 0) {
            ReferenceCountUtil.safeRelease(message);
        }
    }

    private Statement createStatement(io.r2dbc.spi.Connection connection, int rowsPerRoundTrip) {
        if (this.text.hasNamedParameters()) {
            for (Map.Entry<String, Integer> parameter : this.text.parameterIndexes().entrySet()) {
                if (!this.bindings.containsKey(parameter.getValue())) {
                    throw new IllegalStateException("Named parameter :" + parameter.getKey() + " is not bound [SQL: "
                            + this.text.redacted() + "]");
                }
            }
        }
        Statement statement = connection.createStatement(this.text.positionalSql());
        for (Map.Entry<Integer, Object> binding : this.bindings.entrySet()) {
            Object value = binding.getValue();
            if (value instanceof NullValue) {
                statement.bindNull(binding.getKey(), ((NullValue) value).type);
            } else {
                statement.bind(binding.getKey(), value);
            }
        }
        if (rowsPerRoundTrip != CLIENT_FETCH_SIZE && this.text.isSingleQuery()) {
            statement.fetchSize(rowsPerRoundTrip);
        }
        return statement;
    }

    /** The fetch size of a read that may be long: the statement's, else the client's. */
    private int streamingFetchSize() {
        return this.fetchSize != CLIENT_FETCH_SIZE ? this.fetchSize : this.scope.fetchSize();
    }

    private int positionalIndex(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative, was " + index);
        }
        if (this.text.hasNamedParameters()) {
            throw new IllegalStateException("The statement uses named parameters " + this.text.parameterNames()
                    + "; bind them by name [SQL: " + this.text.redacted() + "]");
        }
        return index;
    }

    private int namedIndex(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("name must not be null or empty");
        }
        Integer index = this.text.parameterIndexes().get(name);
        if (index == null) {
            throw new IllegalArgumentException("The statement has no parameter :" + name + " (it has "
                    + (this.text.hasNamedParameters() ? this.text.parameterNames() : "no named parameters") + ") [SQL: "
                    + this.text.redacted() + "]");
        }
        return index;
    }

    private static Class<?> requireType(Class<?> type, String parameter) {
        if (type == null) {
            throw new IllegalArgumentException("type of the NULL bound to " + parameter + " must not be null");
        }
        return type;
    }

    private SqlStatement withBinding(int index, Object value) {
        Map<Integer, Object> copy = new TreeMap<>(this.bindings);
        copy.put(index, value);
        return new DefaultSqlStatement(this.scope, this.text, Collections.unmodifiableMap(copy), this.fetchSize, this.idempotent);
    }

    /** A typed SQL NULL. */
    private static final class NullValue {

        private final Class<?> type;

        NullValue(Class<?> type) {
            this.type = type;
        }
    }

    private final class Fetch<T> implements FetchSpec<T> {

        private final BiFunction<Row, RowMetadata, ? extends T> mapper;

        Fetch(BiFunction<Row, RowMetadata, ? extends T> mapper) {
            this.mapper = mapper;
        }

        @Override
        public Flux<T> all() {
            return resilient(DefaultSqlStatement.this.<T>rows(this.mapper, streamingFetchSize()));
        }

        @Override
        public Mono<T> one() {
            // At most one row is expected, so there is no portal to read in portions unless the statement
            // asks for one: on PostgreSQL the whole exchange is then one round trip, where a fetch size costs
            // a second one (r2dbc-postgresql closes the portal with Close+Sync after CommandComplete).
            // The rows are collected before anything is emitted: a lost connection before the end can be re-run.
            return resilient(DefaultSqlStatement.this.<T>rows(this.mapper, DefaultSqlStatement.this.fetchSize).take(2)
                    .collectList().flux()).single().flatMap(list -> {
                if (list.isEmpty()) {
                    return Mono.empty();
                }
                if (list.size() > 1) {
                    return Mono.error(new IncorrectResultSizeException(1, DefaultSqlStatement.this.text.redacted()));
                }
                return Mono.just(list.get(0));
            });
        }

        @Override
        public Mono<T> first() {
            return resilient(DefaultSqlStatement.this.<T>rows(this.mapper, streamingFetchSize()).take(1)).next();
        }
    }
}
