package dev.tributary.r2dbc;

import dev.tributary.sql.PoolSettings;
import io.r2dbc.spi.Connection;
import reactor.pool.PooledRefMetadata;

import java.time.Duration;
import java.util.function.BiPredicate;

/**
 * When the pool destroys a connection: it lost its server under a statement (marked in
 * {@link ResilienceCounters#broken}: destroyed when released, not lent again), or it expired: idle longer than {@code maxIdleTime}, or older than
 * {@code maxLifeTime}, each shortened by a jitter of up to {@value #MAX_JITTER_PERCENT} % that is
 * fixed per connection. Connections opened together (after a cold start, say) then expire spread
 * over a window instead of all at once, so the pool never reconnects everything at the same
 * moment, and each stays below the server's own idle timeout and lifetime cap.
 * <p>
 * It replaces r2dbc-pool's eviction predicate (which has no jitter) through r2dbc-pool's
 * {@code customizer}, in reactor-pool's {@link reactor.pool.PoolBuilder#evictionPredicate}.
 */
final class PoolLifetimes implements BiPredicate<Connection, PooledRefMetadata> {

    static final int MAX_JITTER_PERCENT = 20;

    private final long maxIdleMillis;
    private final long maxLifeMillis;
    private final ResilienceCounters counters;

    PoolLifetimes(PoolSettings settings, ResilienceCounters counters) {
        this.maxIdleMillis = millisOrNoLimit(settings.getMaxIdleTime());
        this.maxLifeMillis = millisOrNoLimit(settings.getMaxLifeTime());
        this.counters = counters;
    }

    /**
     * @return whether the pool destroys the connection (checked on release, on acquire and in the
     *         background): it lost its server under a statement, or it expired
     */
    @Override
    public boolean test(Connection connection, PooledRefMetadata metadata) {
        if (this.counters.broken.remove(connection)) {
            this.counters.connectionDestroyed(true);
            return true;
        }
        double keep = 1.0 - jitter(connection);
        boolean expired = this.maxIdleMillis > 0 && metadata.idleTime() >= (long) (this.maxIdleMillis * keep)
                || this.maxLifeMillis > 0 && metadata.lifeTime() >= (long) (this.maxLifeMillis * keep);
        if (expired) {
            this.counters.connectionDestroyed(false);
        }
        return expired;
    }

    /** @return the connection's own jitter, in [0, MAX_JITTER_PERCENT / 100), the same at every check */
    static double jitter(Object connection) {
        // a well-mixed hash of the identity (Fibonacci hashing), so that neighbouring identities spread
        long mixed = (System.identityHashCode(connection) * 0x9E3779B97F4A7C15L) >>> 11;
        return (mixed / (double) (1L << 53)) * MAX_JITTER_PERCENT / 100.0;
    }

    private static long millisOrNoLimit(Duration duration) {
        return duration == null ? 0 : duration.toMillis();
    }
}
