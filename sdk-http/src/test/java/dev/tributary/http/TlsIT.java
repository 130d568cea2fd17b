package dev.tributary.http;

import dev.tributary.testkit.postgres.ServerTls;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTPS to a loopback server whose certificate a private authority signed (for {@code localhost}). */
class TlsIT {

    @TempDir
    static Path dir;

    private static ServerTls tls;
    private static DisposableServer server;
    private static final AtomicInteger requests = new AtomicInteger();

    @BeforeAll
    static void start() {
        tls = ServerTls.selfSigned("localhost");
        tls.writeServerFiles(dir);
        server = HttpServer.create().host("127.0.0.1").port(0)
                .secure(spec -> spec.sslContext(Http11SslContextSpec.forServer(
                        dir.resolve(ServerTls.SERVER_CERTIFICATE_FILE).toFile(), dir.resolve(ServerTls.SERVER_KEY_FILE).toFile())))
                .handle((request, response) -> {
                    requests.incrementAndGet();
                    return response.header("Content-Type", "application/json").sendString(Mono.just("{\"secure\": true}"));
                })
                .bindNow();
    }

    @AfterAll
    static void stop() {
        server.disposeNow();
        tls.close();
    }

    private static String baseUrl() {
        return "https://localhost:" + server.port();
    }

    private static KeyStore trustStore() throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream pem = Files.newInputStream(tls.rootCertificate())) {
            store.setCertificateEntry("tributary-test-root", CertificateFactory.getInstance("X.509").generateCertificate(pem));
        }
        return store;
    }

    @Test
    void trustsAPrivateAuthorityFromATrustStore() throws Exception {
        try (HttpServiceClient client = HttpServiceClient.builder().baseUrl(baseUrl()).trustStore(trustStore()).build()) {
            StepVerifier.create(client.get("/hello").retrieveJson())
                    .assertNext(json -> assertThat(json.get("secure").asBoolean()).isTrue())
                    .verifyComplete();
        }
    }

    @Test
    void usesAnInjectedSslContext() throws Exception {
        try (HttpServiceClient client = HttpServiceClient.builder().baseUrl(baseUrl())
                .sslContext(SslContextBuilder.forClient().trustManager(tls.rootCertificate().toFile()).build()).build()) {
            StepVerifier.create(client.get("/hello").retrieveJson())
                    .assertNext(json -> assertThat(json.get("secure").asBoolean()).isTrue())
                    .verifyComplete();
        }
    }

    @Test
    void theJdksDefaultTrustRejectsTheServerWithoutRetrying() {
        int before = requests.get();
        try (HttpServiceClient client = HttpServiceClient.builder().baseUrl(baseUrl()).build()) {
            StepVerifier.create(client.get("/hello").retrieveJson())
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isExactlyInstanceOf(HttpNonTransientException.class).hasMessageContaining("TLS failed");
                        assertThat(((HttpException) e).isTransient()).isFalse();
                    })
                    .verify(Duration.ofSeconds(10));
        }
        assertThat(requests.get()).isEqualTo(before);
    }
}
