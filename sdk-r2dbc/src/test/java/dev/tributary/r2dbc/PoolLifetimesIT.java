package dev.tributary.r2dbc;

import dev.tributary.Tributary;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Connections opened together expire spread out, not all at once (the jittered lifetime is what the pool uses). */
class PoolLifetimesIT {

    @Test
    void connectionsOpenedTogetherExpireSpreadOut() throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.builder().start()) {
            SqlClient db = Tributary.sql(pg.r2dbcUrl("postgres")).pool(PoolSettings.builder().maxSize(8).maxIdleTime(null)
                    .maxLifeTime(Duration.ofSeconds(5)).backgroundEvictionInterval(Duration.ofMillis(50)).build()).build();
            try {
                Flux.range(0, 8).flatMap(i -> db.sql("SELECT pg_sleep(0.1)").rowsUpdated(), 8).blockLast(Duration.ofSeconds(10));
                long opened = System.nanoTime();
                assertThat(db.metrics().allocated()).isEqualTo(8);
                long firstExpiry = 0;
                long lastExpiry = 0;
                while (System.nanoTime() - opened < Duration.ofMillis(5600).toNanos()) {
                    int allocated = db.metrics().allocated();
                    long at = (System.nanoTime() - opened) / 1_000_000;
                    if (allocated < 8 && firstExpiry == 0) {
                        firstExpiry = at;
                    }
                    if (allocated == 0) {
                        lastExpiry = at;
                        break;
                    }
                    Thread.sleep(10);
                }
                assertThat(lastExpiry).as("all expired within the lifetime").isPositive();
                // Opened within ~0.1 s of each other, they expire over a window of up to 20 % of 5 s.
                assertThat(lastExpiry - firstExpiry).as("expiry spread in ms (first at " + firstExpiry + " ms)").isGreaterThan(400);
            } finally {
                db.close().block(Duration.ofSeconds(10));
            }
        }
    }
}
