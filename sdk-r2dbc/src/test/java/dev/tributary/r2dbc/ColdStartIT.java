package dev.tributary.r2dbc;

import dev.tributary.Tributary;
import dev.tributary.sql.DatabaseUnavailableException;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import dev.tributary.testkit.proxy.FaultProxy;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database that takes seconds to wake: connections held by a {@link FaultProxy} before they reach
 * PostgreSQL. A connection that can never succeed (a TLS mode the server cannot meet) is not waited for.
 */
class ColdStartIT {

    private static EmbeddedPostgresServer pg;
    private static FaultProxy proxy;

    @BeforeAll
    static void start() {
        pg = EmbeddedPostgresServer.builder().start();
        proxy = FaultProxy.to(pg.host(), pg.port()).start();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        pg.close();
    }

    private static String url() {
        return "r2dbc:postgresql://" + EmbeddedPostgresServer.SUPERUSER + "@" + proxy.host() + ":" + proxy.port() + "/postgres";
    }

    @Test
    void theFirstQueryWaitsOutAThreeSecondColdStart() {
        proxy.holdNew(Duration.ofSeconds(3));
        SqlClient db = Tributary.sql(url()).pool(PoolSettings.serverless()).build();
        try {
            long started = System.nanoTime();
            db.sql("SELECT 42").mapTo(Integer.class).one().as(StepVerifier::create).expectNext(42).verifyComplete();
            assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(3000);
        } finally {
            proxy.passThrough();
            db.close().block(Duration.ofSeconds(10));
        }
    }

    @Test
    void aWakeDeadlineShorterThanTheColdStartEndsInATypedError() {
        proxy.holdNew(Duration.ofSeconds(3));
        SqlClient db = Tributary.sql(url()).pool(PoolSettings.serverless().toBuilder().wakeDeadline(Duration.ofSeconds(1)).build()).build();
        try {
            long started = System.nanoTime();
            db.sql("SELECT 42").mapTo(Integer.class).one()
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DatabaseUnavailableException.class)
                            .hasMessageContaining("within 1"))
                    .verify(Duration.ofSeconds(10));
            assertThat((System.nanoTime() - started) / 1_000_000).isBetween(1000L, 2500L);
        } finally {
            proxy.passThrough();
            db.close().block(Duration.ofSeconds(10));
        }
    }

    @Test
    void aDatabaseThatRefusesConnectionsWhileAsleepIsWaitedFor() throws Exception {
        proxy.refuseNew();
        SqlClient db = Tributary.sql(url()).pool(PoolSettings.serverless()).build();
        var wake = java.util.concurrent.CompletableFuture.runAsync(proxy::passThrough,
                java.util.concurrent.CompletableFuture.delayedExecutor(1200, java.util.concurrent.TimeUnit.MILLISECONDS));
        try {
            db.sql("SELECT 7").mapTo(Integer.class).one().as(StepVerifier::create).expectNext(7).verifyComplete();
            assertThat(proxy.refusedConnections()).isGreaterThan(0);
            assertThat(db.metrics().connectRetries()).isGreaterThan(0);
        } finally {
            wake.get();
            db.close().block(Duration.ofSeconds(10));
        }
    }

    @Test
    void requiringTlsFromAServerWithoutTlsFailsAtOnceInsteadOfWaitingForAWake() {
        // the server answers 'N' to the SSLRequest: no retry within the 30 s wake deadline can change that
        String direct = "r2dbc:postgresql://" + EmbeddedPostgresServer.SUPERUSER + "@" + pg.host() + ":" + pg.port() + "/postgres";
        SqlClient warm = Tributary.sql(direct + "?sslMode=prefer").pool(PoolSettings.serverless()).build();
        SqlClient db = Tributary.sql(direct + "?sslMode=require").pool(PoolSettings.serverless()).build();
        try {
            // prefer falls back to plain TCP; it also loads the TLS classes the timed attempt below needs
            assertThat(warm.sql("SELECT 1").mapTo(Integer.class).one().block(Duration.ofSeconds(30))).isEqualTo(1);
            long started = System.nanoTime();
            db.sql("SELECT 1").mapTo(Integer.class).one()
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(R2dbcNonTransientResourceException.class)
                            .isNotInstanceOf(DatabaseUnavailableException.class)
                            .hasMessageContaining("sslMode require requires TLS, which the server does not offer")
                            .hasMessageContaining("Server support for SSL connection is disabled"))
                    .verify(Duration.ofSeconds(40));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(db.metrics().connectRetries()).isZero();
            // sessions open their connections through the same path
            db.inConnection(session -> session.sql("SELECT 1").mapTo(Integer.class).one())
                    .as(StepVerifier::create)
                    .expectError(R2dbcNonTransientResourceException.class)
                    .verify(Duration.ofSeconds(10));
        } finally {
            warm.close().block(Duration.ofSeconds(10));
            db.close().block(Duration.ofSeconds(10));
        }
    }
}
