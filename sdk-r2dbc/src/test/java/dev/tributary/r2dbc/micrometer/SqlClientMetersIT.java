package dev.tributary.r2dbc.micrometer;

import dev.tributary.Tributary;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SqlClientMetersIT {

    @Test
    void publishesPoolGaugesAndResilienceCounters() {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.builder().start()) {
            SqlClient db = Tributary.sql(pg.r2dbcUrl("postgres")).pool(PoolSettings.serverless()).build();
            try {
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                new SqlClientMeters(db, "test").bindTo(registry);
                db.sql("SELECT 1").mapTo(Integer.class).one().block(Duration.ofSeconds(10));
                pg.restart();
                db.sql("SELECT 1").mapTo(Integer.class).one().block(Duration.ofSeconds(30));

                assertThat(registry.get("tributary.pool.connections").tags("client", "test", "state", "idle").gauge().value()).isEqualTo(1);
                assertThat(registry.get("tributary.pool.connections").tags("state", "max").gauge().value()).isEqualTo(10);
                assertThat(registry.get("tributary.connections.opened").functionCounter().count()).isEqualTo(2);
                assertThat(registry.get("tributary.connections.replaced").functionCounter().count()).isEqualTo(1);
                assertThat(registry.get("tributary.connections.destroyed").tags("reason", "broken").functionCounter().count()).isZero();
            } finally {
                db.close().block(Duration.ofSeconds(10));
            }
        }
    }
}
