package dev.tributary.r2dbc.postgres;

import dev.tributary.Tributary;
import dev.tributary.sql.DatabaseUnavailableException;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import dev.tributary.testkit.postgres.ServerTls;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import javax.net.ssl.SSLHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * libpq's TLS modes through the {@code alloydb} and {@code bitio} drivers against a real
 * PostgreSQL with a self-signed authority and a server certificate for {@code localhost} only
 * (so {@code 127.0.0.1} is the same server under a name the certificate does not carry).
 */
class PostgresTlsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String APP_PASSWORD = "tls-app-pw";
    private static final String TLS_ONLY_PASSWORD = "tls-only-pw";
    private static final String ALICE_KEY = "v2_aliceKeyOverTls";

    private static ServerTls tls;
    private static ServerTls otherAuthority;
    private static EmbeddedPostgresServer pg;

    @BeforeAll
    static void startServerWithTls() {
        tls = ServerTls.selfSigned("localhost");
        otherAuthority = ServerTls.selfSigned("localhost");
        pg = EmbeddedPostgresServer.builder()
                .tls(tls)
                .hba("host all app 127.0.0.1/32 scram-sha-256")
                .hba("hostssl all tls_user 127.0.0.1/32 scram-sha-256")
                .hba("hostnossl all tls_user 127.0.0.1/32 reject")
                .hba("host all alice 127.0.0.1/32 scram-sha-256")
                .start();
        pg.execute("CREATE ROLE app LOGIN PASSWORD '" + APP_PASSWORD + "'",
                "CREATE ROLE tls_user LOGIN PASSWORD '" + TLS_ONLY_PASSWORD + "'",
                "CREATE ROLE alice LOGIN PASSWORD '" + ALICE_KEY + "'",
                "CREATE DATABASE \"alice/demo\" OWNER alice");
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
        tls.close();
        otherAuthority.close();
    }

    private static ConnectionFactory app(String host, SSLMode mode, Path root) {
        return ConnectionFactories.get(appOptions(host, mode, root));
    }

    private static ConnectionFactoryOptions appOptions(String host, SSLMode mode, Path root) {
        AlloyDbOptions.Builder builder = AlloyDbOptions.builder().server(host).port(pg.port()).user("app").password(APP_PASSWORD)
                .database("postgres");
        if (mode != null) {
            builder.sslMode(mode);
        }
        if (root != null) {
            builder.sslRootCert(root);
        }
        return builder.build();
    }

    private static void assertConnects(ConnectionFactory factory, boolean overTls) {
        SessionFacts.of(factory)
                .as(StepVerifier::create)
                .assertNext(session -> {
                    assertThat(session.currentUser()).isEqualTo("app");
                    assertThat(session.ssl()).isEqualTo(overTls);
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void disableConnectsOverPlainTcp() {
        assertConnects(app("127.0.0.1", SSLMode.DISABLE, null), false);
    }

    @Test
    void requireEncryptsWithoutCheckingTheCertificate() {
        assertConnects(app("127.0.0.1", SSLMode.REQUIRE, null), true);
    }

    @Test
    void theDefaultPreferUsesTlsWhenTheServerOffersIt() {
        assertConnects(app("127.0.0.1", null, null), true);
    }

    @Test
    void verifyCaWithTheRightRootAcceptsTheServerUnderAnyName() {
        // verify-ca checks the chain only (libpq); Netty 4.2's default host name check is turned off for it
        assertConnects(app("localhost", SSLMode.VERIFY_CA, tls.rootCertificate()), true);
        assertConnects(app("127.0.0.1", SSLMode.VERIFY_CA, tls.rootCertificate()), true);
    }

    @Test
    void verifyCaWithAWrongRootFailsTheHandshake() {
        SessionFacts.of(app("localhost", SSLMode.VERIFY_CA, otherAuthority.rootCertificate()))
                .as(StepVerifier::create)
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(R2dbcException.class);
                    assertThat(error).hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class);
                    assertThat(error).cause().isInstanceOf(SSLHandshakeException.class)
                            .hasMessageContaining("unable to find valid certification path");
                })
                .verify(TIMEOUT);
    }

    @Test
    void verifyFullAcceptsTheHostNameTheCertificateNames() {
        assertConnects(app("localhost", SSLMode.VERIFY_FULL, tls.rootCertificate()), true);
        assertConnects(ConnectionFactories.get("r2dbcs:alloydb://app:" + APP_PASSWORD + "@localhost:" + pg.port()
                + "/postgres?sslRootCert=" + tls.rootCertificate()), true);
    }

    @Test
    void verifyFullRejectsAnAddressTheCertificateDoesNotName() {
        for (ConnectionFactory factory : new ConnectionFactory[]{app("127.0.0.1", SSLMode.VERIFY_FULL, tls.rootCertificate()),
                ConnectionFactories.get("r2dbc:alloydb://app:" + APP_PASSWORD + "@127.0.0.1:" + pg.port()
                        + "/postgres?sslmode=verify-full&sslrootcert=" + tls.rootCertificate())}) {
            SessionFacts.of(factory)
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(error -> {
                        assertThat(error).isInstanceOf(R2dbcException.class).hasMessageContaining("hostname").hasMessageContaining("127.0.0.1")
                                .hasMessageContaining("could not be verified");
                        assertThat(((R2dbcException) error).getSqlState()).isEqualTo("08006");
                        assertThat(error.getMessage()).doesNotContain(APP_PASSWORD);
                    })
                    .verify(TIMEOUT);
        }
    }

    @Test
    void certificateFailuresFailAtOnceThroughTheSdkInsteadOfBeingRetriedUntilTheWakeDeadline() {
        record Misconfigured(String requirement, ConnectionFactoryOptions options) {
        }
        String hostNotNamed = "sslMode verify-full: the server's certificate does not name the host";
        List<Misconfigured> clients = List.of(
                // alloydb checks the host name with its own verifier, the plain driver through Netty's endpoint identification
                new Misconfigured(hostNotNamed, appOptions("127.0.0.1", SSLMode.VERIFY_FULL, tls.rootCertificate())),
                new Misconfigured(hostNotNamed, ConnectionFactoryOptions.parse("r2dbc:postgresql://app:" + APP_PASSWORD + "@127.0.0.1:"
                        + pg.port() + "/postgres?sslMode=verify-full&sslRootCert=" + tls.rootCertificate())),
                new Misconfigured("sslMode verify-ca or verify-full: the server's certificate chain does not lead to a trusted root",
                        appOptions("localhost", SSLMode.VERIFY_CA, otherAuthority.rootCertificate())));
        for (Misconfigured client : clients) {
            String requirement = client.requirement();
            SqlClient db = Tributary.sql(client.options()).pool(PoolSettings.serverless()).build();
            try {
                long started = System.nanoTime();
                db.sql("SELECT 1").mapTo(Integer.class).one()
                        .as(StepVerifier::create)
                        .expectErrorSatisfies(error -> {
                            assertThat(error).isInstanceOf(R2dbcNonTransientResourceException.class)
                                    .isNotInstanceOf(DatabaseUnavailableException.class)
                                    .hasMessageContaining(requirement)
                                    .hasMessageContaining("Not retried");
                            assertThat(error.getMessage()).doesNotContain(APP_PASSWORD);
                        })
                        .verify(Duration.ofSeconds(40));
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as(requirement).isLessThan(Duration.ofSeconds(5));
                assertThat(db.metrics().connectRetries()).as(requirement).isZero();
            } finally {
                db.close().block(Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void aHostsslOnlyUserIsRejectedWithoutTlsAndAcceptedWithIt() {
        ConnectionFactory plain = ConnectionFactories.get(AlloyDbOptions.fromConnectionString("Server=127.0.0.1;Port=" + pg.port()
                + ";Database=postgres;User=tls_user;Password=" + TLS_ONLY_PASSWORD + ";SSL Mode=Disable"));
        ConnectionFactory encrypted = ConnectionFactories.get(AlloyDbOptions.fromConnectionString("Server=127.0.0.1;Port=" + pg.port()
                + ";Database=postgres;User=tls_user;Password=" + TLS_ONLY_PASSWORD + ";SSL Mode=Require"));

        SessionFacts.of(plain)
                .as(StepVerifier::create)
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(R2dbcPermissionDeniedException.class)
                            .hasMessageContaining("pg_hba.conf rejects connection").hasMessageContaining("no encryption");
                    assertThat(((R2dbcException) error).getSqlState()).isEqualTo("28000");
                })
                .verify(TIMEOUT);
        SessionFacts.of(encrypted)
                .as(StepVerifier::create)
                .assertNext(session -> {
                    assertThat(session.systemUser()).isEqualTo("scram-sha-256:tls_user");
                    assertThat(session.ssl()).isTrue();
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void bitioRequiresTlsByDefault() {
        ConnectionFactory fromUrl = ConnectionFactories.get("r2dbc:bitio://alice:" + ALICE_KEY + "@localhost:" + pg.port() + "/alice/demo");
        ConnectionFactory fromBuilder = ConnectionFactories.get(BitioOptions.builder().host("localhost").port(pg.port())
                .database("alice/demo").apiKey(ALICE_KEY).build());
        ConnectionFactory verified = ConnectionFactories.get(BitioOptions.builder().host("localhost").port(pg.port())
                .database("alice/demo").apiKey(ALICE_KEY).sslMode(SSLMode.VERIFY_FULL).sslRootCert(tls.rootCertificate()).build());

        for (ConnectionFactory factory : new ConnectionFactory[]{fromUrl, fromBuilder, verified}) {
            SessionFacts.of(factory)
                    .as(StepVerifier::create)
                    .assertNext(session -> {
                        assertThat(session.currentUser()).isEqualTo("alice");
                        assertThat(session.currentDatabase()).isEqualTo("alice/demo");
                        assertThat(session.ssl()).isTrue();
                    })
                    .expectComplete()
                    .verify(TIMEOUT);
        }
    }
}
