package dev.tributary.sql;

import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;

import java.util.Objects;

/**
 * Immutable description of a {@link SqlClient} to build: where its connections come from (an
 * R2DBC URL, {@link ConnectionFactoryOptions}, or a ready {@link ConnectionFactory}), how they
 * are pooled, and the default fetch size. Built by {@link SqlClientBuilder}; read by
 * {@link dev.tributary.spi.SqlClientProvider}s.
 */
public final class SqlClientSpec {

    private final ConnectionFactoryOptions options;
    private final ConnectionFactory connectionFactory;
    private final PoolSettings pool;
    private final int fetchSize;
    private final java.time.Duration responseTimeout;
    private final java.util.List<ConnectionEventListener> listeners;

    SqlClientSpec(ConnectionFactoryOptions options, ConnectionFactory connectionFactory, PoolSettings pool, int fetchSize,
                  java.time.Duration responseTimeout, java.util.List<ConnectionEventListener> listeners) {
        this.responseTimeout = responseTimeout;
        this.listeners = listeners;
        this.options = options;
        this.connectionFactory = connectionFactory;
        this.pool = Objects.requireNonNull(pool, "pool");
        this.fetchSize = fetchSize;
    }

    /**
     * @return the connection options (parsed from the URL when one was given), or {@code null}
     *         when the client was built from a {@link ConnectionFactory}
     */
    public ConnectionFactoryOptions getOptions() {
        return this.options;
    }

    /**
     * @return the user's connection factory, or {@code null} when the client was built from a URL
     *         or options
     */
    public ConnectionFactory getConnectionFactory() {
        return this.connectionFactory;
    }

    /** @return the pool settings; never {@code null} */
    public PoolSettings getPool() {
        return this.pool;
    }

    /** @return rows fetched per round trip for queries (at least 1) */
    public int getFetchSize() {
        return this.fetchSize;
    }

    /**
     * @return the longest wait for a statement's first answer (its first row or its outcome), or
     *         {@code null} for no limit
     */
    public java.time.Duration getResponseTimeout() {
        return this.responseTimeout;
    }

    /** @return the listeners to tell about connection events; never {@code null} */
    public java.util.List<ConnectionEventListener> getListeners() {
        return this.listeners;
    }

    @Override
    public String toString() {
        // ConnectionFactoryOptions.toString() prints sensitive options (password) as REDACTED.
        return "SqlClientSpec{options=" + this.options + ", connectionFactory=" + this.connectionFactory
                + ", pool=" + this.pool + ", fetchSize=" + this.fetchSize + ", responseTimeout=" + this.responseTimeout + '}';
    }
}
