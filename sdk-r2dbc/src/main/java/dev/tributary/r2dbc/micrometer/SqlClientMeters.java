package dev.tributary.r2dbc.micrometer;

import dev.tributary.sql.PoolMetrics;
import dev.tributary.sql.SqlClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a {@link SqlClient}'s {@link PoolMetrics} to Micrometer (an optional dependency: add
 * {@code io.micrometer:micrometer-core} to use it). Meters, each tagged {@code client=<name>}:
 * <ul>
 *   <li>gauge {@code tributary.pool.connections} (connections), tag {@code state}: {@code acquired},
 *       {@code idle}, {@code allocated}, {@code max}; gauge {@code tributary.pool.pending} (acquires);</li>
 *   <li>counters (since the client was built): {@code tributary.connections.opened},
 *       {@code tributary.connect.retries}, {@code tributary.connections.replaced} (dead pooled
 *       connections found by validation), {@code tributary.statements.reruns},
 *       {@code tributary.outcome.unknown}, and {@code tributary.connections.destroyed} with tag
 *       {@code reason}: {@code broken} or {@code expired}, {@code tributary.connections.validations}.</li>
 * </ul>
 * Values are read from {@link SqlClient#metrics()} when the registry is scraped.
 *
 * <pre>{@code
 * new SqlClientMeters(db, "orders").bindTo(meterRegistry);
 * }</pre>
 */
public final class SqlClientMeters implements MeterBinder {

    private final SqlClient client;
    private final Tags tags;

    /**
     * @param client the client; not {@code null}
     * @param name   the {@code client} tag, telling several clients apart; not {@code null}
     */
    public SqlClientMeters(SqlClient client, String name) {
        this.client = Objects.requireNonNull(client, "client");
        this.tags = Tags.of("client", Objects.requireNonNull(name, "name"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "acquired", PoolMetrics::acquired);
        gauge(registry, "idle", PoolMetrics::idle);
        gauge(registry, "allocated", PoolMetrics::allocated);
        gauge(registry, "max", PoolMetrics::maxSize);
        Gauge.builder("tributary.pool.pending", this.client, c -> c.metrics().pendingAcquires())
                .tags(this.tags).baseUnit("acquires").description("acquires waiting for a connection").register(registry);
        counter(registry, "tributary.connections.opened", "connections opened", Tags.empty(), PoolMetrics::connectionsOpened);
        counter(registry, "tributary.connect.retries", "connects retried after a transient failure", Tags.empty(), PoolMetrics::connectRetries);
        counter(registry, "tributary.connections.replaced", "dead pooled connections found by validation and replaced",
                Tags.empty(), PoolMetrics::staleConnectionsReplaced);
        counter(registry, "tributary.statements.reruns", "statements and transactions run again after a lost connection",
                Tags.empty(), PoolMetrics::statementReruns);
        counter(registry, "tributary.outcome.unknown", "writes and commits whose outcome is unknown", Tags.empty(),
                PoolMetrics::outcomeUnknown);
        counter(registry, "tributary.connections.destroyed", "connections destroyed", Tags.of("reason", "broken"),
                PoolMetrics::connectionsDestroyedBroken);
        counter(registry, "tributary.connections.destroyed", "connections destroyed", Tags.of("reason", "expired"),
                PoolMetrics::connectionsExpired);
        counter(registry, "tributary.connections.validations", "validation round trips before handing out an idle connection",
                Tags.empty(), PoolMetrics::validations);
    }

    private void gauge(MeterRegistry registry, String state, ToDoubleFunction<PoolMetrics> value) {
        Gauge.builder("tributary.pool.connections", this.client, c -> value.applyAsDouble(c.metrics()))
                .tags(this.tags).tag("state", state).baseUnit("connections").description("pool connections by state")
                .register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, Tags extra, ToDoubleFunction<PoolMetrics> value) {
        FunctionCounter.builder(name, this.client, c -> value.applyAsDouble(c.metrics()))
                .tags(this.tags).tags(extra).description(description).register(registry);
    }
}
