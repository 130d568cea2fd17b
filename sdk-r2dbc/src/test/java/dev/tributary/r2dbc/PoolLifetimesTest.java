package dev.tributary.r2dbc;

import dev.tributary.sql.PoolSettings;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.Test;
import reactor.pool.PooledRefMetadata;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PoolLifetimesTest {

    private static final PoolLifetimes LIFETIMES = new PoolLifetimes(PoolSettings.builder()
            .maxIdleTime(Duration.ofMinutes(4)).maxLifeTime(Duration.ofMinutes(25)).build(), new ResilienceCounters());

    @Test
    void connectionsExpireSpreadOverTheLastFifthOfTheirLifetime() {
        List<Connection> connections = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            connections.add(connection());
        }
        long life = Duration.ofMinutes(25).toMillis();
        assertThat(connections).noneMatch(c -> LIFETIMES.test(c, metadata(0, (long) (life * 0.79))));
        assertThat(connections).allMatch(c -> LIFETIMES.test(c, metadata(0, life)));
        long expiredAt90 = connections.stream().filter(c -> LIFETIMES.test(c, metadata(0, (long) (life * 0.90)))).count();
        assertThat(expiredAt90).as("about half expire by 90 %% of the lifetime").isBetween(350L, 650L);
    }

    @Test
    void idleConnectionsExpireBelowTheIdleTimeWithTheSameJitter() {
        Connection c = connection();
        long idle = Duration.ofMinutes(4).toMillis();
        assertThat(LIFETIMES.test(c, metadata(idle, 1))).isTrue();
        assertThat(LIFETIMES.test(c, metadata((long) (idle * 0.79), 1))).isFalse();
        // a connection's jitter is the same at every check
        assertThat(PoolLifetimes.jitter(c)).isEqualTo(PoolLifetimes.jitter(c)).isBetween(0.0, 0.2);
    }

    @Test
    void noLimitsMeansNoExpiry() {
        PoolLifetimes unlimited = new PoolLifetimes(PoolSettings.builder().maxIdleTime(null).maxLifeTime(null).build(),
                new ResilienceCounters());
        assertThat(unlimited.test(connection(), metadata(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2))).isFalse();
    }

    @Test
    void aConnectionMarkedBrokenIsDestroyedOnceAndCounted() {
        ResilienceCounters counters = new ResilienceCounters();
        PoolLifetimes lifetimes = new PoolLifetimes(PoolSettings.standard(), counters);
        Connection c = connection();
        counters.markBroken(c);
        assertThat(lifetimes.test(c, metadata(0, 0))).isTrue();
        assertThat(lifetimes.test(c, metadata(0, 0))).isFalse();
        assertThat(counters.connectionsDestroyedBroken.sum()).isEqualTo(1);
    }

    private static Connection connection() {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, method, args) -> method.getName().equals("hashCode") ? System.identityHashCode(proxy) : null);
    }

    private static PooledRefMetadata metadata(long idleMillis, long lifeMillis) {
        return new PooledRefMetadata() {
            @Override
            public int acquireCount() {
                return 1;
            }

            @Override
            public long idleTime() {
                return idleMillis;
            }

            @Override
            public long lifeTime() {
                return lifeMillis;
            }

            @Override
            public long releaseTimestamp() {
                return 0;
            }

            @Override
            public long allocationTimestamp() {
                return 0;
            }
        };
    }
}
