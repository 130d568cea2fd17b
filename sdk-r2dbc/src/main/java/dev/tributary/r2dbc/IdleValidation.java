package dev.tributary.r2dbc;

import dev.tributary.sql.PoolSettings;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.ValidationDepth;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Validates a pooled connection with a round trip before it is handed out when it sat idle longer
 * than {@link PoolSettings#getValidateAfterIdle()}, within {@link PoolSettings#getValidationTimeout()}.
 * A connection that fails is marked broken (the pool destroys it) and the acquire fails with
 * {@link StaleConnectionException}, which {@link ConnectRetry} answers by acquiring again at once.
 * Connections used a moment ago are handed out without a round trip (the pool underneath checks
 * their socket).
 */
final class IdleValidation {

    private final Duration threshold;
    private final Duration timeout;
    private final ResilienceCounters counters;
    /** Driver connection to the {@link System#nanoTime()} of its last release. */
    private final Map<Connection, Long> releasedAt = Collections.synchronizedMap(new WeakHashMap<>());

    IdleValidation(PoolSettings settings, ResilienceCounters counters) {
        this.threshold = settings.getValidateAfterIdle();
        this.timeout = settings.getValidationTimeout();
        this.counters = counters;
    }

    /** @param connection a connection going back to the pool */
    void released(Connection connection) {
        if (this.threshold != null) {
            this.releasedAt.put(DriverConnection.of(connection), System.nanoTime());
        }
    }

    /**
     * @param connection a connection the pool just lent
     * @return the connection, validated if it sat idle past the threshold; signals
     *         {@link StaleConnectionException} when it did not answer
     */
    Mono<Connection> check(Connection connection) {
        if (this.threshold == null) {
            return Mono.just(connection);
        }
        Long released = this.releasedAt.remove(DriverConnection.of(connection));
        if (released == null || System.nanoTime() - released < this.threshold.toNanos()) {
            return Mono.just(connection);
        }
        return Mono.from(connection.validate(ValidationDepth.REMOTE))
                .timeout(this.timeout)
                .onErrorReturn(false)
                .defaultIfEmpty(false)
                .flatMap(valid -> {
                    this.counters.validated(valid);
                    if (valid) {
                        return Mono.just(connection);
                    }
                    this.counters.markBroken(connection);
                    return Mono.from(connection.close()).onErrorResume(e -> Mono.empty())
                            .then(Mono.error(new StaleConnectionException(this.threshold, this.timeout)));
                });
    }

    /** A pooled connection that sat idle did not answer its validation round trip. */
    static final class StaleConnectionException extends R2dbcNonTransientResourceException {

        private static final long serialVersionUID = 1L;

        StaleConnectionException(Duration threshold, Duration timeout) {
            super("A pooled connection idle for more than " + threshold.toMillis() + " ms did not answer its validation within "
                    + timeout.toMillis() + " ms; it was discarded");
        }
    }
}
