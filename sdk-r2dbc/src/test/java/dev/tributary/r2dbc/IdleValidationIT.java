package dev.tributary.r2dbc;

import dev.tributary.Tributary;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Only connections that sat idle past the threshold pay a validation round trip, and a dead one is replaced. */
class IdleValidationIT {

    @Test
    void validatesOnlyConnectionsIdlePastTheThresholdAndReplacesDeadOnes() throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.builder().start()) {
            SqlClient db = Tributary.sql(pg.r2dbcUrl("postgres"))
                    .pool(PoolSettings.serverless().toBuilder().maxSize(1).validateAfterIdle(Duration.ofMillis(300)).build()).build();
            try {
                for (int i = 0; i < 5; i++) {
                    db.sql("SELECT 1").mapTo(Integer.class).one().as(StepVerifier::create).expectNext(1).verifyComplete();
                }
                assertThat(db.metrics().validations()).as("busy connections are not validated").isZero();

                Thread.sleep(500);
                db.sql("SELECT 2").mapTo(Integer.class).one().as(StepVerifier::create).expectNext(2).verifyComplete();
                assertThat(db.metrics().validations()).isEqualTo(1);

                // The backend dies while idle; the next hand-out notices (socket or round trip) and replaces it.
                int pid = db.sql("SELECT pg_backend_pid()").mapTo(Integer.class).one().block(Duration.ofSeconds(10));
                Thread.sleep(500);
                try (Connection c = pg.superuserDataSource().getConnection(); Statement s = c.createStatement()) {
                    s.execute("SELECT pg_terminate_backend(" + pid + ")");
                }
                db.sql("SELECT 3").mapTo(Integer.class).one().as(StepVerifier::create).expectNext(3).verifyComplete();
                assertThat(db.metrics().connectionsOpened()).isEqualTo(2);
            } finally {
                db.close().block(Duration.ofSeconds(10));
            }
        }
    }
}
