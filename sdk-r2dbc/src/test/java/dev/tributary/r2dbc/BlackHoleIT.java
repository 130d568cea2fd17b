package dev.tributary.r2dbc;

import dev.tributary.Tributary;
import dev.tributary.sql.DatabaseUnavailableException;
import dev.tributary.sql.OutcomeUnknownException;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import dev.tributary.testkit.proxy.FaultProxy;
import io.r2dbc.spi.R2dbcTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection that stops answering without being closed (a network partition): statements end in
 * a typed timeout within the response timeout, and the pool recovers when the network does.
 */
class BlackHoleIT {

    private static EmbeddedPostgresServer pg;
    private static FaultProxy proxy;

    @BeforeAll
    static void start() {
        pg = EmbeddedPostgresServer.builder().start();
        pg.execute("CREATE TABLE partitioned (id int)");
        proxy = FaultProxy.to(pg.host(), pg.port()).start();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        pg.close();
    }

    @Test
    void statementsOnABlackHoledConnectionTimeOutTypedAndThePoolRecovers() {
        SqlClient db = Tributary.sql("r2dbc:postgresql://" + EmbeddedPostgresServer.SUPERUSER + "@" + proxy.host() + ":" + proxy.port() + "/postgres")
                .pool(PoolSettings.standard().toBuilder().maxSize(2).build())   // socket-only validation: the black hole is met by the statement
                .responseTimeout(Duration.ofSeconds(2))
                .build();
        try {
            db.sql("SELECT 1").mapTo(Integer.class).one().as(StepVerifier::create).expectNext(1).verifyComplete();
            proxy.blackHole();

            long started = System.nanoTime();
            db.sql("SELECT 2").mapTo(Integer.class).one()
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(R2dbcTimeoutException.class)
                            .hasMessageContaining("No answer from the database within 2000 ms").hasMessageContaining("SELECT 2"))
                    .verify(Duration.ofSeconds(10));
            assertThat((System.nanoTime() - started) / 1_000_000).isBetween(2000L, 4500L);

            proxy.passThrough();
            db.sql("SELECT 3").mapTo(Integer.class).one().as(StepVerifier::create).expectNext(3).verifyComplete();
            assertThat(db.metrics().acquired()).isZero();
        } finally {
            proxy.passThrough();
            db.close().block(Duration.ofSeconds(10));
        }
    }

    @Test
    void aWriteThatGetsNoAnswerHasAnUnknownOutcome() {
        SqlClient db = Tributary.sql("r2dbc:postgresql://" + EmbeddedPostgresServer.SUPERUSER + "@" + proxy.host() + ":" + proxy.port() + "/postgres")
                .pool(PoolSettings.standard().toBuilder().maxSize(1).build())
                .responseTimeout(Duration.ofSeconds(1))
                .build();
        try {
            db.sql("SELECT 1").mapTo(Integer.class).one().as(StepVerifier::create).expectNext(1).verifyComplete();
            proxy.blackHole();
            db.sql("INSERT INTO partitioned VALUES (1)").rowsUpdated()
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(OutcomeUnknownException.class)
                            .hasCauseInstanceOf(R2dbcTimeoutException.class))
                    .verify(Duration.ofSeconds(10));
        } finally {
            proxy.passThrough();
            db.close().block(Duration.ofSeconds(10));
        }
    }

    @Test
    void anAcquireDuringAPartitionEndsTypedWithinTheWakeDeadlineAndRecovers() throws InterruptedException {
        SqlClient db = Tributary.sql("r2dbc:postgresql://" + EmbeddedPostgresServer.SUPERUSER + "@" + proxy.host() + ":" + proxy.port() + "/postgres")
                .pool(PoolSettings.serverless().toBuilder().maxSize(2).validationTimeout(Duration.ofMillis(500))
                        .validateAfterIdle(Duration.ofMillis(1))
                        .wakeDeadline(Duration.ofSeconds(2)).build())
                .build();
        try {
            db.sql("SELECT 1").mapTo(Integer.class).one().as(StepVerifier::create).expectNext(1).verifyComplete();
            proxy.blackHole();   // the idle pooled connection and every new one are partitioned
            Thread.sleep(50);    // ... and it has now sat idle past validateAfterIdle (1 ms)
            long started = System.nanoTime();
            db.sql("SELECT 2").mapTo(Integer.class).one()
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DatabaseUnavailableException.class))
                    .verify(Duration.ofSeconds(10));
            assertThat((System.nanoTime() - started) / 1_000_000).isBetween(2000L, 4000L);
            proxy.passThrough();
            db.sql("SELECT 3").mapTo(Integer.class).one().as(StepVerifier::create).expectNext(3).verifyComplete();
        } finally {
            proxy.passThrough();
            db.close().block(Duration.ofSeconds(10));
        }
    }
}
