package dev.tributary.r2dbc.clickhouse;

import dev.tributary.testkit.postgres.ServerTls;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transport honours ssl, trustedCertificates and hostnameVerification (loopback HTTPS server; its certificate names "localhost" only). */
class ClickHouseTlsTest {

    @TempDir
    static Path files;

    private static ServerTls tls;
    private static ServerTls otherAuthority;
    private static DisposableServer server;

    @BeforeAll
    static void start() throws Exception {
        tls = ServerTls.selfSigned("localhost");
        otherAuthority = ServerTls.selfSigned("localhost");
        tls.writeServerFiles(files);
        SslContext serverContext = SslContextBuilder.forServer(files.resolve(ServerTls.SERVER_CERTIFICATE_FILE).toFile(),
                files.resolve(ServerTls.SERVER_KEY_FILE).toFile()).build();
        server = HttpServer.create().host("127.0.0.1").port(0)
                .secure(spec -> spec.sslContext(serverContext))
                .handle((request, response) -> request.receive().then(
                        response.sendString(Mono.just("version()\ttimezone()\nString\tString\n18.16.1\tUTC\n")).then()))
                .bindNow();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.disposeNow();
        }
        if (tls != null) {
            tls.close();
            otherAuthority.close();
        }
    }

    private static ClickHouseConnectionConfiguration.Builder config(String host) {
        return ClickHouseConnectionConfiguration.builder().host(host).port(server.port()).ssl(true);
    }

    private static String connect(ClickHouseConnectionConfiguration configuration) {
        ClickHouseConnection connection = new ClickHouseConnectionFactory(configuration).create().block(Duration.ofSeconds(10));
        try {
            return connection.serverVersion();
        } finally {
            Mono.from(connection.close()).block(Duration.ofSeconds(10));
        }
    }

    @Test
    void trustsTheGivenAuthorityForTheNamedHost() {
        assertThat(connect(config("localhost").trustedCertificates(tls.rootCertificate()).build())).isEqualTo("18.16.1");
    }

    @Test
    void checksTheHostNameUnlessTurnedOff() {
        assertThatThrownBy(() -> connect(config("127.0.0.1").trustedCertificates(tls.rootCertificate()).build()))
                .isInstanceOf(R2dbcNonTransientResourceException.class).hasMessageContaining("TLS");
        assertThat(connect(config("127.0.0.1").trustedCertificates(tls.rootCertificate()).hostnameVerification(false).build()))
                .isEqualTo("18.16.1");
    }

    @Test
    void refusesAServerOfAnotherAuthority() {
        assertThatThrownBy(() -> connect(config("localhost").trustedCertificates(otherAuthority.rootCertificate()).build()))
                .isInstanceOf(R2dbcNonTransientResourceException.class).hasMessageContaining("TLS");
        assertThatThrownBy(() -> connect(config("localhost").build()))
                .isInstanceOf(R2dbcNonTransientResourceException.class);
    }

    @Test
    void takesAReadyClientContext() throws Exception {
        SslContext client = SslContextBuilder.forClient().trustManager(Files.newInputStream(tls.rootCertificate())).build();
        assertThat(connect(config("localhost").sslContext(client).build())).isEqualTo("18.16.1");
        assertThatThrownBy(() -> connect(config("127.0.0.1").sslContext(client).build())).isInstanceOf(R2dbcNonTransientResourceException.class);
        assertThat(connect(config("127.0.0.1").sslContext(client).hostnameVerification(false).build())).isEqualTo("18.16.1");
    }
}
