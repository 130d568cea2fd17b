package dev.tributary.sql;

import dev.tributary.spi.SqlClientProvider;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Builds a {@link SqlClient}. Obtain one from {@link dev.tributary.Tributary#sql(String)} or
 * {@link dev.tributary.Tributary#sql(ConnectionFactory)}. Not thread-safe.
 *
 * <pre>{@code
 * SqlClient db = Tributary.sql("r2dbc:bitio://alice:" + apiKey + "@db.bit.io/alice/demo")
 *         .pool(PoolSettings.serverless())
 *         .fetchSize(500)
 *         .build();
 * }</pre>
 */
public final class SqlClientBuilder {

    /** Rows fetched per round trip when nothing else is said. */
    public static final int DEFAULT_FETCH_SIZE = 1000;

    private final ConnectionFactoryOptions options;
    private final ConnectionFactory connectionFactory;
    private PoolSettings pool;
    private int fetchSize = DEFAULT_FETCH_SIZE;
    private Duration responseTimeout;
    private final List<ConnectionEventListener> listeners = new ArrayList<>();

    private SqlClientBuilder(ConnectionFactoryOptions options, ConnectionFactory connectionFactory) {
        this.options = options;
        this.connectionFactory = connectionFactory;
    }

    /**
     * @param options R2DBC connection options; not {@code null}
     * @return a builder
     */
    public static SqlClientBuilder of(ConnectionFactoryOptions options) {
        return new SqlClientBuilder(Objects.requireNonNull(options, "options"), null);
    }

    /**
     * @param connectionFactory the user's factory (it is pooled unless it is a pool already or
     *                          {@link PoolSettings#unpooled()} is set); not {@code null}
     * @return a builder
     */
    public static SqlClientBuilder of(ConnectionFactory connectionFactory) {
        return new SqlClientBuilder(null, Objects.requireNonNull(connectionFactory, "connectionFactory"));
    }

    /**
     * @param pool pool settings; not {@code null}. Defaults to the backend's own (for example
     *             {@link PoolSettings#serverless()} for {@code r2dbc:bitio:} URLs, otherwise
     *             {@link PoolSettings#defaults()})
     * @return this builder
     */
    public SqlClientBuilder pool(PoolSettings pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
        return this;
    }

    /**
     * @param rows rows fetched per round trip for queries; at least 1 (default 1,000)
     * @return this builder
     * @throws IllegalArgumentException if {@code rows} is below 1
     */
    public SqlClientBuilder fetchSize(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("fetchSize must be at least 1, was " + rows);
        }
        this.fetchSize = rows;
        return this;
    }

    /**
     * Bounds how long a statement waits for the database's first answer (its first row, or its
     * outcome when it returns none). Past it the statement signals
     * {@link io.r2dbc.spi.R2dbcTimeoutException} (a write: {@link OutcomeUnknownException}, as it
     * was sent) and its connection is closed, never reused: a connection that stopped answering
     * without being closed (a network partition, a "black hole") does not hang the caller. Rows
     * after the first are not timed, since a slow consumer holds them back on purpose. Default: no
     * limit.
     *
     * @param timeout positive, or {@code null} for no limit
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public SqlClientBuilder responseTimeout(Duration timeout) {
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            throw new IllegalArgumentException("responseTimeout must be positive or null, was " + timeout);
        }
        this.responseTimeout = timeout;
        return this;
    }

    /**
     * @param listener hears connect retries, re-runs, unknown outcomes, destroyed connections and
     *                 validations as they happen; not {@code null}; may be called several times
     * @return this builder
     */
    public SqlClientBuilder listener(ConnectionEventListener listener) {
        this.listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Builds the client with the first {@link SqlClientProvider} (found with
     * {@link ServiceLoader}) that supports the configuration. Opens no connection.
     *
     * @return the client
     * @throws IllegalStateException if no provider supports the configuration (is
     *                               {@code sdk-r2dbc} on the class path?)
     */
    public SqlClient build() {
        SqlClientSpec spec = new SqlClientSpec(this.options, this.connectionFactory,
                this.pool != null ? this.pool : defaultPool(), this.fetchSize, this.responseTimeout, List.copyOf(this.listeners));
        List<String> seen = new ArrayList<>();
        for (SqlClientProvider provider : ServiceLoader.load(SqlClientProvider.class, SqlClientBuilder.class.getClassLoader())) {
            seen.add(provider.getClass().getName());
            if (provider.supports(spec)) {
                return provider.create(spec);
            }
        }
        throw new IllegalStateException("No SqlClientProvider supports " + spec + "; providers found: " + seen
                + " (is dev.tributary:sdk-r2dbc on the class path?)");
    }

    private PoolSettings defaultPool() {
        if (this.options != null) {
            Object driver = this.options.getValue(ConnectionFactoryOptions.DRIVER);
            if ("bitio".equals(driver)) {
                return PoolSettings.serverless();
            }
        }
        return PoolSettings.defaults();
    }
}
