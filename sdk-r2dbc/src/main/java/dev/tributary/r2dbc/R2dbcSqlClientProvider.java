package dev.tributary.r2dbc;

import dev.tributary.spi.SqlClientProvider;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.sql.SqlClientSpec;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ValidationDepth;

import java.time.Duration;

/**
 * Builds {@link SqlClient}s over any R2DBC {@link ConnectionFactory}: from
 * {@link io.r2dbc.spi.ConnectionFactoryOptions} (found with {@link ConnectionFactories}, so every
 * driver on the class path works: {@code postgresql}, {@code alloydb}, {@code bitio}, ...) or from
 * the user's factory. Pooling uses r2dbc-pool configured from {@link PoolSettings}; a factory that
 * is already an r2dbc-pool {@link ConnectionPool} is used as it is. Registered in
 * {@code META-INF/services/dev.tributary.spi.SqlClientProvider}.
 */
public final class R2dbcSqlClientProvider implements SqlClientProvider {

    private static final java.util.Set<String> POSTGRES_FAMILY = java.util.Set.of("postgresql", "alloydb", "bitio");

    /** Needed by {@link java.util.ServiceLoader}. */
    public R2dbcSqlClientProvider() {
    }

    @Override
    public boolean supports(SqlClientSpec spec) {
        return spec.getConnectionFactory() != null || spec.getOptions() != null;
    }

    @Override
    public SqlClient create(SqlClientSpec spec) {
        ConnectionFactory given = spec.getConnectionFactory() != null ? spec.getConnectionFactory()
                : ConnectionFactories.get(withTcpKeepAlive(spec.getOptions()));
        PoolSettings settings = spec.getPool();
        ResilienceCounters counters = new ResilienceCounters(spec.getListeners());
        ConnectRetry retry = new ConnectRetry(settings, counters);
        if (given instanceof ConnectionPool) {
            ConnectionPool userPool = (ConnectionPool) given;
            return new DefaultSqlClient(userPool, new OpenedConnections(userPool.unwrap(), counters), null, spec.getFetchSize(), retry, counters, spec.getResponseTimeout(),
                new IdleValidation(settings, counters));
        }
        ConnectionFactory factory = new OpenedConnections(given, counters);
        if (!settings.isEnabled()) {
            return new DefaultSqlClient(factory, factory, null, spec.getFetchSize(), retry, counters, spec.getResponseTimeout(),
                new IdleValidation(settings, counters));
        }
        ConnectionPool pool = new ConnectionPool(poolConfiguration(factory, settings, counters));
        return new DefaultSqlClient(pool, factory, pool, spec.getFetchSize(), retry, counters, spec.getResponseTimeout(),
                new IdleValidation(settings, counters));
    }

    /**
     * Turns TCP keep-alive on for the PostgreSQL family unless the options say otherwise: a peer
     * that vanished without closing the connection is then detected by the operating system even
     * on an idle connection.
     */
    static ConnectionFactoryOptions withTcpKeepAlive(ConnectionFactoryOptions options) {
        Object driver = options.getValue(ConnectionFactoryOptions.DRIVER);
        if (POSTGRES_FAMILY.contains(String.valueOf(driver)) && !options.hasOption(PostgresqlConnectionFactoryProvider.TCP_KEEPALIVE)) {
            return options.mutate().option(PostgresqlConnectionFactoryProvider.TCP_KEEPALIVE, true).build();
        }
        return options;
    }

    static ConnectionPoolConfiguration poolConfiguration(ConnectionFactory factory, PoolSettings settings, ResilienceCounters counters) {
        ConnectionPoolConfiguration.Builder builder = ConnectionPoolConfiguration.builder(factory)
                .name("tributary")
                .initialSize(settings.getMinIdle())
                .minIdle(settings.getMinIdle())
                .maxSize(settings.getMaxSize())
                .maxIdleTime(orInfinite(settings.getMaxIdleTime()))
                .maxLifeTime(orInfinite(settings.getMaxLifeTime()))
                .maxAcquireTime(orInfinite(settings.getMaxAcquireTime()))
                .maxCreateConnectionTime(orInfinite(settings.getMaxCreateConnectionTime()))
                // failed connects are retried by ConnectRetry, with backoff, up to the wake deadline
                .acquireRetry(0)
                .maxValidationTime(settings.getValidationTimeout())
                // expiry with a per-connection jitter instead of r2dbc-pool's exact limits
                .customizer(pool -> pool.evictionPredicate(new PoolLifetimes(settings, counters)));
        if (settings.getBackgroundEvictionInterval() != null) {
            builder.backgroundEvictionInterval(settings.getBackgroundEvictionInterval());
        }
        // r2dbc-pool checks the socket at every hand-out; a round trip is IdleValidation's, only after idling.
        builder.validationDepth(ValidationDepth.LOCAL);
        return builder.build();
    }

    /** r2dbc-pool takes a negative duration as "no limit". */
    private static Duration orInfinite(Duration d) {
        return d == null ? Duration.ofMillis(-1) : d;
    }
}
