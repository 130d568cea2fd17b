package dev.tributary.r2dbc.postgres;

import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drivers are found the R2DBC way, by URL, and connect to a real PostgreSQL (plain TCP).
 */
class ConnectionFactoryProvidersIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String APP_PASSWORD = "app-pw";
    private static final String ALICE_KEY = "v2_alicePlainKey";

    private static EmbeddedPostgresServer pg;

    @BeforeAll
    static void startServer() {
        pg = EmbeddedPostgresServer.builder()
                .hba("host all app 127.0.0.1/32 scram-sha-256")
                .hba("host all alice 127.0.0.1/32 scram-sha-256")
                .start();
        pg.execute("CREATE ROLE app LOGIN PASSWORD '" + APP_PASSWORD + "'",
                "CREATE ROLE alice LOGIN PASSWORD '" + ALICE_KEY + "'",
                "CREATE DATABASE appdb OWNER app",
                "CREATE DATABASE \"alice/demo\" OWNER alice");
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    private static void assertSession(ConnectionFactory factory, String user, String database) {
        SessionFacts.of(factory)
                .as(StepVerifier::create)
                .assertNext(session -> {
                    assertThat(session.currentUser()).isEqualTo(user);
                    assertThat(session.currentDatabase()).isEqualTo(database);
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void registersAlloyDbAndBitioAndLeavesPostgresqlToR2dbcPostgresql() {
        List<String> drivers = new ArrayList<>();
        ServiceLoader.load(ConnectionFactoryProvider.class).forEach(provider -> drivers.add(provider.getDriver()));

        assertThat(drivers).containsOnlyOnce("postgresql", "alloydb", "bitio");
        assertThat(ConnectionFactories.supports(io.r2dbc.spi.ConnectionFactoryOptions.parse("r2dbc:alloydb://h/db"))).isTrue();
        assertThat(ConnectionFactories.supports(io.r2dbc.spi.ConnectionFactoryOptions.parse("r2dbc:bitio://h/a/b"))).isTrue();
    }

    @Test
    void postgresqlUrlsPassThroughToR2dbcPostgresql() {
        ConnectionFactory factory = ConnectionFactories.get(pg.r2dbcUrl("postgres"));

        assertThat(factory).isInstanceOf(PostgresqlConnectionFactory.class);
        assertThat(factory.getMetadata().getName()).isEqualTo("PostgreSQL");
        assertSession(factory, "postgres", "postgres");
    }

    @Test
    void alloyDbUrlsConnect() {
        assertSession(ConnectionFactories.get("r2dbc:alloydb://app:" + APP_PASSWORD + "@127.0.0.1:" + pg.port() + "/appdb"), "app", "appdb");
        assertSession(ConnectionFactories.get("r2dbc:alloydb://127.0.0.1:" + pg.port() + "/appdb?User=app&Password=" + APP_PASSWORD),
                "app", "appdb");
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice/demo", "alice%2Fdemo"})
    void bitioUrlsConnectToUsernameSlashDbName(String path) {
        assertSession(ConnectionFactories.get("r2dbc:bitio://alice:" + ALICE_KEY + "@127.0.0.1:" + pg.port() + "/" + path
                + "?sslmode=disable"), "alice", "alice/demo");
    }

    @Test
    void bitioBuilderConnectsToALocalServerWithTlsOff() {
        assertSession(ConnectionFactories.get(BitioOptions.builder().host("127.0.0.1").port(pg.port()).database("alice/demo")
                .apiKey(ALICE_KEY).sslMode(SSLMode.DISABLE).build()), "alice", "alice/demo");
    }
}
