package dev.tributary.http.platform;

import dev.tributary.emulator.platform.PlatformEmulator;
import dev.tributary.emulator.pgwire.PostgresGateway;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.netty.NettyLeakCheck;
import dev.tributary.testkit.postgres.ServerTls;
import io.r2dbc.spi.R2dbcException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PlatformClient#sql(String)} through the emulator's database endpoint (a PostgreSQL
 * wire-protocol gateway that takes API keys as passwords and requires TLS, as {@code db.bit.io}
 * does): the {@code bitio} backend of sdk-r2dbc found at run time, the scale-to-zero pool, the
 * same data as the HTTP query endpoint, sessions closed by the platform, key rotation, refusals.
 */
@ExtendWith(NettyLeakCheck.class)
class PlatformSqlIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static ServerTls tls;
    private static PlatformEmulator emulator;
    private static PostgresGateway endpoint;
    private static String aliceKey;
    private static PlatformClient platform;

    @BeforeAll
    static void start() {
        tls = ServerTls.selfSigned("localhost");
        emulator = PlatformEmulator.builder().databaseTls(tls).build().start();
        endpoint = emulator.databaseEndpoint();
        aliceKey = emulator.createUser("alice");
        platform = client(aliceKey).build();
        platform.databases().create("demo").block(TIMEOUT);
        platform.query("alice/demo", "CREATE TABLE visits (id int PRIMARY KEY, city text NOT NULL)").rows().blockLast(TIMEOUT);
        platform.query("alice/demo", "INSERT INTO visits VALUES (1, 'Oslo'), (2, 'Bergen')").rows().blockLast(TIMEOUT);
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.closeLater().block(TIMEOUT);
        }
        if (emulator != null) {
            emulator.close();
        }
        if (tls != null) {
            tls.close();
        }
    }

    /** The endpoint as the service's: sslmode=require by default. */
    private static PlatformClient.Builder client(String key) {
        return PlatformClient.builder().baseUrl(emulator.baseUrl()).apiKey(key)
                .databaseEndpoint(endpoint.host(), endpoint.port());
    }

    private static String sqlState(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof R2dbcException r2dbc && r2dbc.getSqlState() != null) {
                return r2dbc.getSqlState();
            }
        }
        return null;
    }

    @Test
    void readsAndWritesTheDatabaseTheHttpApiSeesThroughThePool() {
        SqlClient db = platform.sql("alice/demo");

        assertThat(db.sql("SELECT current_database()").mapTo(String.class).one().block(TIMEOUT)).isEqualTo("alice/demo");
        assertThat(db.sql("SELECT city FROM visits WHERE id <= 2 ORDER BY id").mapTo(String.class).all().collectList().block(TIMEOUT))
                .containsExactly("Oslo", "Bergen");
        assertThat(db.sql("INSERT INTO visits VALUES ($1, $2)").bind(0, 3).bind(1, "Tromsø").rowsUpdated().block(TIMEOUT)).isEqualTo(1);

        assertThat(platform.query("alice/demo", "SELECT city FROM visits WHERE id = 3").rows().blockFirst(TIMEOUT))
                .containsExactly("Tromsø");
        assertThat(platform.sql("alice/demo")).isSameAs(db);
    }

    @Test
    void reusesPooledSessionsAndSurvivesThePlatformClosingThem() {
        SqlClient db = platform.sql("alice/demo");
        db.sql("SELECT 1").mapTo(Integer.class).one().block(TIMEOUT);
        long sessions = endpoint.authenticatedSessions();

        for (int i = 0; i < 20; i++) {
            assertThat(db.sql("SELECT count(*) FROM visits").mapTo(Long.class).one().block(TIMEOUT)).isPositive();
        }
        assertThat(endpoint.authenticatedSessions() - sessions).as("sessions opened for 20 sequential queries").isZero();

        // the platform closes idle sessions (and a database that scales to zero closes them all)
        assertThat(endpoint.closeAllSessions()).isPositive();
        List<String> cities = db.sql("SELECT city FROM visits WHERE id <= 2 ORDER BY id").mapTo(String.class).all()
                .collectList().block(TIMEOUT);

        assertThat(cities).containsExactly("Oslo", "Bergen");
        assertThat(endpoint.authenticatedSessions()).isGreaterThan(sessions);
    }

    @Test
    void verifiesTheEndpointsCertificateWhenAskedTo() {
        try (PlatformClient verified = client(aliceKey).databaseEndpoint("localhost", endpoint.port())
                .sslMode("verify-full").sslRootCert(tls.rootCertificate()).build()) {
            assertThat(verified.sql("alice/demo").sql("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                    .mapTo(Boolean.class).one().block(TIMEOUT)).isNotNull();
            assertThat(verified.sql("alice/demo").sql("SELECT count(*) FROM visits").mapTo(Long.class).one().block(TIMEOUT))
                    .isPositive();
        }
        try (PlatformClient plaintext = client(aliceKey).sslMode("disable").build()) {
            assertThatThrownBy(() -> plaintext.sql("alice/demo").sql("SELECT 1").mapTo(Integer.class).one().block(TIMEOUT))
                    .satisfies(error -> assertThat(sqlState(error)).as("%s", error).isEqualTo("28000"));
        }
    }

    @Test
    void refusesAKeyWithoutAccessAndNeverShowsIt() {
        String bobKey = emulator.createUser("bob");
        try (PlatformClient bob = client(bobKey).build()) {
            assertThatThrownBy(() -> bob.sql("alice/demo").sql("SELECT 1").mapTo(Integer.class).one().block(TIMEOUT))
                    .satisfies(error -> {
                        assertThat(sqlState(error)).as("%s", error).isEqualTo("28P01");
                        for (Throwable t = error; t != null; t = t.getCause()) {
                            assertThat(String.valueOf(t.getMessage())).doesNotContain(bobKey);
                        }
                    });
        }
    }

    @Test
    void asksForTheKeyOnEveryConnectSoARotatedKeyIsUsed() {
        String first = emulator.createApiKey("alice");
        AtomicReference<String> current = new AtomicReference<>(first);
        try (PlatformClient rotating = PlatformClient.builder().baseUrl(emulator.baseUrl()).apiKey(current::get)
                .databaseEndpoint(endpoint.host(), endpoint.port()).build()) {
            SqlClient db = rotating.sql("alice/demo");
            assertThat(db.sql("SELECT count(*) FROM visits").mapTo(Long.class).one().block(TIMEOUT)).isPositive();

            ApiKey second = rotating.apiKeys().create().block(TIMEOUT);
            current.set(second.apiKey());
            platform.apiKeys().revoke(first).block(TIMEOUT);
            endpoint.closeAllSessions();

            assertThat(db.sql("SELECT count(*) FROM visits").mapTo(Long.class).one().block(TIMEOUT)).isPositive();
            assertThat(rotating.databases().get("alice/demo").block(TIMEOUT).name()).isEqualTo("alice/demo");
        }
    }
}
