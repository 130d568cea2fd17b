package dev.tributary.r2dbc;

import dev.tributary.testkit.netty.NettyLeakCheck;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A canary for an upstream defect: r2dbc-postgresql (1.1.1) does not release the rows it has
 * buffered when a subscriber that requested fewer rows than a fetch cancels
 * (pgjdbc/r2dbc-postgresql#580): they are dropped through Reactor's discard hook, and nothing in
 * the driver's own chain releases them. Tributary's statements install that hook
 * ({@code DefaultSqlStatement}); {@code SqlClientIT#cancellingWithPartialDemandLeaksNothing} proves
 * the same scenario leaks nothing through the SDK. When this canary fails, the driver is fixed and
 * the hook could go.
 */
class R2dbcPostgresqlLeakCanaryIT {

    @Test
    void rawDriverStillLeaksRowsBufferedBeforeACancel() throws Exception {
        List<String> leaks = new ArrayList<>();
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.builder().start()) {
            PostgresqlConnectionFactory factory = new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
                    .host(pg.host()).port(pg.port()).username(EmbeddedPostgresServer.SUPERUSER).database("postgres").build());
            Connection connection = Mono.from(factory.create()).block(Duration.ofSeconds(10));
            NettyLeakCheck.collectLeaks();
            for (int i = 0; i < 3; i++) {
                Flux.from(connection.createStatement("SELECT g FROM generate_series(1, 1000000) g").fetchSize(1000).execute())
                        .concatMap(result -> result.map(row -> row.get(0, Long.class)))
                        .as(rows -> StepVerifier.create(rows, 10))
                        .expectNextCount(10)
                        .then(() -> sleep(200))
                        .thenCancel()
                        .verify(Duration.ofSeconds(10));
            }
            Mono.from(connection.close()).block(Duration.ofSeconds(10));
        }
        for (int attempt = 0; attempt < 10 && leaks.isEmpty(); attempt++) {
            leaks.addAll(NettyLeakCheck.collectLeaks());
        }
        assertThat(leaks).as("r2dbc-postgresql#580 seems fixed: remove this canary and NettyLeakCheck's exemption")
                .isNotEmpty()
                .allSatisfy(leak -> assertThat(leak).contains("io.r2dbc.postgresql.message.backend."));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
