package dev.tributary.emulator.pgwire;

import dev.tributary.Tributary;
import dev.tributary.r2dbc.postgres.BitioOptions;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import dev.tributary.testkit.postgres.ServerTls;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS between clients and the gateway, as bit.io's {@code sslmode=require}: a gateway that
 * requires TLS, one that offers it, and one without it, in front of one PostgreSQL (trust). The
 * certificate is {@link ServerTls}'s, for {@code localhost}.
 */
class GatewayTlsIT {

    private static final String KEY = "v2_tls-key-91b2";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static EmbeddedPostgresServer pg;
    private static ServerTls tls;
    private static Path tlsFiles;
    private static PostgresGateway required;
    private static PostgresGateway offered;
    private static PostgresGateway plain;

    @BeforeAll
    static void start() throws IOException {
        pg = EmbeddedPostgresServer.builder().start();
        pg.createDatabase("alice/demo");
        tls = ServerTls.selfSigned("localhost");
        tlsFiles = Files.createTempDirectory("gateway-tls-");
        tls.writeServerFiles(tlsFiles);
        Path certificate = tlsFiles.resolve(ServerTls.SERVER_CERTIFICATE_FILE);
        Path key = tlsFiles.resolve(ServerTls.SERVER_KEY_FILE);
        PasswordAuthenticator byKey = (database, user, password) -> KEY.equals(password)
                ? Mono.just(UpstreamLogin.trusted(database, EmbeddedPostgresServer.SUPERUSER)) : Mono.empty();
        required = PostgresGateway.to(pg.host(), pg.port()).authenticator(byKey).tls(certificate, key).requireTls(true).start();
        offered = PostgresGateway.to(pg.host(), pg.port()).authenticator(byKey).tls(certificate, key).start();
        plain = PostgresGateway.to(pg.host(), pg.port()).authenticator(byKey).start();
    }

    @AfterAll
    static void stop() throws IOException {
        for (PostgresGateway gateway : new PostgresGateway[] {required, offered, plain}) {
            if (gateway != null) {
                gateway.close();
            }
        }
        if (pg != null) {
            pg.close();
        }
        if (tls != null) {
            tls.close();
        }
        if (tlsFiles != null) {
            try (Stream<Path> files = Files.walk(tlsFiles)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static SqlClient bitio(PostgresGateway gateway, SSLMode sslMode) {
        return Tributary.sql(BitioOptions.builder()
                        .host(gateway.host()).port(gateway.port())
                        .database("alice/demo").apiKey(KEY)
                        .sslMode(sslMode)
                        .build())
                .pool(PoolSettings.serverless())
                .build();
    }

    private static Connection jdbc(String host, PostgresGateway gateway, Properties ssl) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "alice");
        properties.setProperty("password", KEY);
        properties.setProperty("connectTimeout", "10");
        properties.putAll(ssl);
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + gateway.port() + "/alice%2Fdemo", properties);
    }

    private static Properties sslMode(String mode) {
        Properties p = new Properties();
        p.setProperty("sslmode", mode);
        return p;
    }

    private static String database(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_database()")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static R2dbcException r2dbcCause(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof R2dbcException) {
                return (R2dbcException) t;
            }
        }
        return null;
    }

    @Test
    void sdkBitioBackendWithSslModeRequireQueriesOverTls() {
        SqlClient db = bitio(required, SSLMode.REQUIRE);
        try {
            // connect (TLS handshake) and warm up first
            assertThat(db.sql("SELECT g FROM generate_series(1, 1000) g").map(row -> row.get(0, Integer.class)).all().count()
                    .block(TIMEOUT)).isEqualTo(1000);
            long start = System.nanoTime();
            Long sum = db.sql("SELECT g, md5(g::text) FROM generate_series(1, 100000) g").map(row -> row.get(0, Integer.class))
                    .all().reduce(0L, Long::sum).block(TIMEOUT);
            assertThat(sum).isEqualTo(5_000_050_000L);
            System.out.printf("100,000 rows (int, md5 text) with the SDK through the gateway over TLS: %d ms%n",
                    (System.nanoTime() - start) / 1_000_000);
            assertThat(db.sql("SELECT current_database()").map(row -> row.get(0, String.class)).one().block(TIMEOUT))
                    .isEqualTo("alice/demo");
        } finally {
            db.close().block(TIMEOUT);
        }
    }

    @Test
    void sdkBitioBackendWithoutTlsIsRefusedWith28000WhenTlsIsRequired() {
        long upstreamBefore = required.upstreamConnections();
        SqlClient db = bitio(required, SSLMode.DISABLE);
        try {
            assertThatThrownBy(() -> db.sql("SELECT 1").map(row -> row.get(0, Integer.class)).one().block(TIMEOUT))
                    .satisfies(error -> {
                        R2dbcException r2dbc = r2dbcCause(error);
                        assertThat(r2dbc).as("an R2dbcException in the cause chain of %s", error).isNotNull();
                        assertThat(r2dbc.getSqlState()).isEqualTo("28000");
                        assertThat(r2dbc.getMessage()).contains("the server requires TLS");
                    });
        } finally {
            db.close().block(TIMEOUT);
        }
        assertThat(required.upstreamConnections()).isEqualTo(upstreamBefore);
    }

    @Test
    void pgjdbcVerifiesTheGatewayCertificate() throws SQLException {
        Properties verifyFull = sslMode("verify-full");
        verifyFull.setProperty("sslrootcert", tls.rootCertificate().toString());
        try (Connection c = jdbc("localhost", required, verifyFull)) {
            assertThat(database(c)).isEqualTo("alice/demo");
        }
        // the certificate names localhost only: the client checked it against the address it dialled
        assertThatThrownBy(() -> jdbc("127.0.0.1", required, verifyFull).close())
                .isInstanceOf(SQLException.class)
                .hasStackTraceContaining("127.0.0.1");
    }

    @Test
    void pgjdbcWithoutTlsIsRefusedWith28000WhenTlsIsRequired() {
        long refusedBefore = required.refusedSessions();
        assertThatThrownBy(() -> jdbc("127.0.0.1", required, sslMode("disable")).close())
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28000");
                    assertThat(e.getMessage()).contains("no encryption: the server requires TLS for user \"alice\", database \"alice/demo\"");
                });
        assertThat(required.refusedSessions()).isEqualTo(refusedBefore + 1);
    }

    @Test
    void offeredTlsServesPlainAndTlsClients() throws SQLException {
        try (Connection withTls = jdbc("127.0.0.1", offered, sslMode("require"));
             Connection withoutTls = jdbc("127.0.0.1", offered, sslMode("disable"))) {
            assertThat(database(withTls)).isEqualTo("alice/demo");
            assertThat(database(withoutTls)).isEqualTo("alice/demo");
        }
        SqlClient db = bitio(offered, SSLMode.REQUIRE);
        try {
            assertThat(db.sql("SELECT 6 * 7").map(row -> row.get(0, Integer.class)).one().block(TIMEOUT)).isEqualTo(42);
        } finally {
            db.close().block(TIMEOUT);
        }
    }

    @Test
    void clientsThatRequireTlsRefuseAGatewayWithoutIt() {
        assertThatThrownBy(() -> jdbc("127.0.0.1", plain, sslMode("require")).close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getMessage()).contains("does not support SSL"));
        // a TLS set-up failure is not transient: it fails at once, not after the serverless wake deadline (30 s)
        SqlClient db = Tributary.sql(BitioOptions.builder()
                        .host(plain.host()).port(plain.port())
                        .database("alice/demo").apiKey(KEY)
                        .sslMode(SSLMode.REQUIRE)
                        .build())
                .pool(PoolSettings.serverless())
                .build();
        try {
            long start = System.nanoTime();
            assertThatThrownBy(() -> db.sql("SELECT 1").map(row -> row.get(0, Integer.class)).one().block(TIMEOUT))
                    .satisfies(error -> System.out.println("r2dbc sslMode=require against a gateway without TLS: " + error))
                    .isInstanceOf(R2dbcNonTransientResourceException.class)
                    .hasMessageContaining("TLS")
                    .hasStackTraceContaining("SSL");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        } finally {
            db.close().block(TIMEOUT);
        }
        assertThat(plain.authenticatedSessions()).isZero();
    }

    @Test
    void cancelRequestOfATlsSessionReachesTheUpstreamServer() throws Exception {
        long cancelsBefore = required.cancelRequests();
        ScheduledExecutorService canceller = Executors.newSingleThreadScheduledExecutor();
        try (Connection c = jdbc("127.0.0.1", required, sslMode("require")); Statement s = c.createStatement()) {
            long start = System.nanoTime();
            canceller.schedule(() -> {
                s.cancel();
                return null;
            }, 300, TimeUnit.MILLISECONDS);
            assertThatThrownBy(() -> s.executeQuery("SELECT pg_sleep(30)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        } finally {
            canceller.shutdownNow();
        }
        assertThat(required.cancelRequests()).isEqualTo(cancelsBefore + 1);
    }
}
