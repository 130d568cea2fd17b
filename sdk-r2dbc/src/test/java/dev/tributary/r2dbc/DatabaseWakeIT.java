package dev.tributary.r2dbc;

import dev.tributary.Tributary;
import dev.tributary.sql.ConnectionEventListener;
import dev.tributary.sql.DatabaseUnavailableException;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.StepVerifier;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database that is down when the client connects: the connect is retried until the database
 * accepts or the wake deadline passes.
 */
class DatabaseWakeIT {

    private static EmbeddedPostgresServer pg;

    @BeforeAll
    static void start() {
        pg = EmbeddedPostgresServer.builder().start();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @Test
    void firstQueryWaitsForADatabaseThatStartsLater() throws Exception {
        java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        SqlClient db = Tributary.sql(pg.r2dbcUrl("postgres")).pool(PoolSettings.serverless())
                .listener(new ConnectionEventListener() {
                    @Override
                    public void onConnectRetry(int attempt, Throwable failure) {
                        heard.add("retry " + attempt + ": " + failure.getMessage());
                    }
                })
                .build();
        pg.stop();
        CompletableFuture<Void> wake = CompletableFuture.runAsync(pg::start, CompletableFuture.delayedExecutor(1500, TimeUnit.MILLISECONDS));
        long started = System.nanoTime();
        try {
            db.sql("SELECT 42").mapTo(Integer.class).one()
                    .as(StepVerifier::create).expectNext(42).verifyComplete();
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(tookMs).isGreaterThanOrEqualTo(1500);
            assertThat(db.metrics().connectRetries()).isGreaterThan(0);
            // the listener heard each retry, numbered, with its cause
            assertThat(heard).hasSize((int) db.metrics().connectRetries()).first().asString()
                    .startsWith("retry 1: ").contains("Cannot connect");
            assertThat(db.metrics().connectionsOpened()).isEqualTo(1);
            wake.get(30, TimeUnit.SECONDS);
        } finally {
            wake.get(30, TimeUnit.SECONDS);
            db.close().block(Duration.ofSeconds(10));
        }
    }

    @Test
    void givesUpAtTheWakeDeadlineWithATypedError() {
        SqlClient db = Tributary.sql(pg.r2dbcUrl("postgres"))
                .pool(PoolSettings.serverless().toBuilder().wakeDeadline(Duration.ofSeconds(1)).build()).build();
        pg.stop();
        try {
            long started = System.nanoTime();
            db.sql("SELECT 1").mapTo(Integer.class).one()
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(DatabaseUnavailableException.class).hasMessageContaining("within 1");
                        assertThat(e).hasRootCauseInstanceOf(ConnectException.class);
                        assertThat(((DatabaseUnavailableException) e).getAttempts()).isGreaterThan(1);
                    })
                    .verify(Duration.ofSeconds(10));
            assertThat((System.nanoTime() - started) / 1_000_000).isBetween(1000L, 5000L);
        } finally {
            pg.start();
            db.close().block(Duration.ofSeconds(10));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standard", "serverless"})
    void pooledConnectionsSurviveARestart(String preset) {
        PoolSettings settings = preset.equals("standard") ? PoolSettings.standard() : PoolSettings.serverless();
        SqlClient db = Tributary.sql(pg.r2dbcUrl("postgres")).pool(settings).build();
        try {
            db.sql("SELECT pg_backend_pid()").mapTo(Integer.class).one().as(StepVerifier::create).expectNextCount(1).verifyComplete();
            pg.restart();
            for (int i = 0; i < 3; i++) {
                db.sql("SELECT 7").mapTo(Integer.class).one().as(StepVerifier::create).expectNext(7).verifyComplete();
            }
        } finally {
            db.close().block(Duration.ofSeconds(10));
        }
    }
}
