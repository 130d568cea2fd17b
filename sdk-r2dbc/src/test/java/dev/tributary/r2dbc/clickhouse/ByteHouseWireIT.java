package dev.tributary.r2dbc.clickhouse;

import dev.tributary.testkit.postgres.ServerTls;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import io.r2dbc.spi.R2dbcException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.net.ssl.SSLException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code bytehouse} driver on the wire, against {@link LoopbackClickHouseServer} (HTTPS on
 * 127.0.0.1, certificate for {@code localhost} from a test CA): TLS by default with the server's
 * certificate verified, the API-key and {@code account::user} logins, warehouse and role settings
 * as URL parameters, an explicit host winning over a region.
 */
class ByteHouseWireIT {

    static {
        // the apiKey option is sensitive only if its options class names it before a URL parse does (as Tributary.sql ensures)
        java.util.Objects.requireNonNull(ByteHouseOptions.API_KEY);
    }


    /** ByteHouse API keys contain a colon. */
    private static final String API_KEY = "K3yId:S3cretPart";

    private static ServerTls tls;
    private static ServerTls otherTls;
    private static ServerTls gatewayTls;
    private static LoopbackClickHouseServer server;
    private static LoopbackClickHouseServer plainServer;
    private static LoopbackClickHouseServer gatewayServer;

    @BeforeAll
    static void startServer() {
        tls = ServerTls.selfSigned("localhost");
        otherTls = ServerTls.selfSigned("localhost");
        // one certificate for every gateway host of the region table, served on loopback
        gatewayTls = ServerTls.selfSigned(Arrays.stream(ByteHouseRegion.values()).map(ByteHouseRegion::gatewayHost).distinct()
                .toArray(String[]::new));
        server = LoopbackClickHouseServer.start(tls, ByteHouseOptions.API_KEY_USER, API_KEY);
        plainServer = LoopbackClickHouseServer.start(null, ByteHouseOptions.API_KEY_USER, API_KEY);
        gatewayServer = LoopbackClickHouseServer.start(gatewayTls, ByteHouseOptions.API_KEY_USER, API_KEY);
    }

    @AfterAll
    static void stopServer() {
        for (LoopbackClickHouseServer running : new LoopbackClickHouseServer[]{server, plainServer, gatewayServer}) {
            if (running != null) {
                running.close();
            }
        }
        for (ServerTls material : new ServerTls[]{tls, gatewayTls}) {
            if (material != null) {
                material.close();
            }
        }
        if (otherTls != null) {
            otherTls.close();
        }
    }

    @BeforeEach
    void forgetEarlierRequests() {
        server.reset();
        plainServer.reset();
        gatewayServer.reset();
    }

    private static String base() {
        return "r2dbc:bytehouse://localhost:" + server.port() + "/";
    }

    private static String trust() {
        return "sslRootCert=" + tls.rootCertificate();
    }

    /** Opens a connection, runs SELECT 1, closes; emits the value. */
    private static Mono<Long> selectOne(ConnectionFactory factory) {
        return Flux.usingWhen(factory.create(),
                        connection -> Flux.from(connection.createStatement("SELECT 1").execute())
                                .flatMap(result -> result.map((row, metadata) -> ((Number) row.get(0)).longValue())),
                        Connection::close)
                .single();
    }

    @Test
    void usesTlsByDefaultWithTheServerCertificateVerifiedAndTheApiKeyAsUserBytehouse() {
        ConnectionFactory factory = ConnectionFactories.get(base() + "?apiKey=" + API_KEY.replace(":", "%3A") + "&" + trust());

        assertThat(selectOne(factory).block(Duration.ofSeconds(20))).isEqualTo(1L);

        // the server speaks HTTPS only: that anything arrived proves TLS, and that the test CA was needed proves verification
        List<LoopbackClickHouseServer.Received> received = server.received();
        assertThat(received).isNotEmpty().allSatisfy(request -> {
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.user()).isEqualTo("bytehouse");
            assertThat(request.key()).isEqualTo(API_KEY);
            assertThat(request.uri()).doesNotContain("S3cretPart").doesNotContain("K3yId");
        });
        assertThat(received).anySatisfy(request -> assertThat(request.body() + request.uri()).containsIgnoringCase("version()"));
        assertThat(received).anySatisfy(request -> assertThat(request.body() + request.uri()).containsIgnoringCase("SELECT 1"));
    }

    @Test
    void failsWithATlsErrorAndWithoutRetryingWhenTheServerCertificateIsNotTrusted() {
        ConnectionFactory factory = ConnectionFactories.get(base() + "?apiKey=" + API_KEY.replace(":", "%3A")
                + "&sslRootCert=" + otherTls.rootCertificate());
        long started = System.nanoTime();

        assertThatThrownBy(() -> selectOne(factory).block(Duration.ofSeconds(20)))
                .satisfies(error -> assertThat(causes(error)).anyMatch(cause -> cause instanceof SSLException))
                .satisfies(error -> assertThat(error.toString()).doesNotContain("S3cretPart"));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(server.received()).isEmpty();
        assertThat(server.acceptedConnections()).isEqualTo(1);
    }

    @Test
    void speaksTlsByDefaultSoThatAPlainHttpServerNeverSeesTheApiKey() {
        String url = "r2dbc:bytehouse://localhost:" + plainServer.port() + "/?apiKey=" + API_KEY.replace(":", "%3A");

        assertThatThrownBy(() -> selectOne(ConnectionFactories.get(url)).block(Duration.ofSeconds(20)))
                .isInstanceOf(R2dbcException.class)
                .satisfies(error -> assertThat(error.toString()).doesNotContain("S3cretPart"));
        assertThat(plainServer.received()).isEmpty();
        assertThat(plainServer.acceptedConnections()).isEqualTo(1);

        // secure=false (with a warning) is plain HTTP: the same server now answers
        assertThat(selectOne(ConnectionFactories.get(url + "&secure=false")).block(Duration.ofSeconds(20))).isEqualTo(1L);
        assertThat(plainServer.received()).isNotEmpty()
                .allSatisfy(request -> assertThat(request.user() + "/" + request.key()).isEqualTo("bytehouse/" + API_KEY));
    }

    @ParameterizedTest
    @EnumSource(ByteHouseRegion.class)
    void connectsToTheRegionsGatewayHostWhenOnlyARegionIsGiven(ByteHouseRegion region) {
        // the gateways are not reachable from tests: a resolver of the test maps their names to the loopback server,
        // whose certificate names every gateway, so the TLS host-name check sees the gateway name too
        Queue<String> resolved = new ConcurrentLinkedQueue<>();
        ConnectionFactoryOptions options = ByteHouseOptions.parse("r2dbc:bytehouse:///?region=" + region.regionName().toLowerCase()
                + "&port=" + gatewayServer.port() + "&apiKey=" + API_KEY.replace(":", "%3A") + "&sslRootCert=" + gatewayTls.rootCertificate());
        ClickHouseConnectionConfiguration configuration = ((ClickHouseConnectionFactory) ConnectionFactories.get(options)).configuration();
        ClickHouseConnectionFactory factory = new ClickHouseConnectionFactory(configuration,
                client -> client.resolver(new LoopbackResolverGroup(resolved)));

        assertThat(selectOne(factory).block(Duration.ofSeconds(20))).isEqualTo(1L);

        assertThat(resolved).isNotEmpty().containsOnly(region.gatewayHost());
        assertThat(gatewayServer.received()).isNotEmpty().allSatisfy(request ->
                assertThat(request.headers().get("host")).isEqualTo(region.gatewayHost() + ":" + gatewayServer.port()));
    }

    @Test
    void checksThatTheCertificateNamesTheHost() {
        // the certificate names localhost only: through 127.0.0.1 the chain is trusted but the name does not match
        String viaAddress = "r2dbc:bytehouse://127.0.0.1:" + server.port() + "/?apiKey=" + API_KEY.replace(":", "%3A") + "&" + trust();

        assertThatThrownBy(() -> selectOne(ConnectionFactories.get(viaAddress)).block(Duration.ofSeconds(20)))
                .satisfies(error -> assertThat(causes(error)).anyMatch(cause -> cause instanceof SSLException))
                .hasMessageContaining("127.0.0.1");
        assertThat(server.received()).isEmpty();

        assertThat(selectOne(ConnectionFactories.get(viaAddress + "&sslHostnameVerification=false")).block(Duration.ofSeconds(20)))
                .isEqualTo(1L);
    }

    @Test
    void sendsTheAccountLoginAsAccountColonColonUser() {
        try (LoopbackClickHouseServer accountServer = LoopbackClickHouseServer.start(tls, "AC1234::alice", "pa55:word")) {
            ConnectionFactoryOptions options = ByteHouseOptions.parse("r2dbc:bytehouse://localhost:" + accountServer.port()
                    + "/?account=AC1234&user=alice&password=pa55%3Aword&" + trust());

            assertThat(selectOne(ConnectionFactories.get(options)).block(Duration.ofSeconds(20))).isEqualTo(1L);

            // in the X-ClickHouse-User/Key headers: Basic credentials would arrive as user "AC1234" (split at the first colon)
            assertThat(accountServer.received()).isNotEmpty().allSatisfy(request -> {
                assertThat(request.headers()).containsEntry("x-clickhouse-user", "AC1234::alice").doesNotContainKey("authorization");
                assertThat(request.user()).isEqualTo("AC1234::alice");
                assertThat(request.key()).isEqualTo("pa55:word");
                assertThat(request.uri()).doesNotContain("pa55");
            });
        }
    }

    @Test
    void sendsTheApiKeyUserOfTheDriversUrlForm() {
        ConnectionFactoryOptions options = ByteHouseOptions.parse(base() + "?user=bytehouse&password=" + API_KEY + "&" + trust());

        assertThat(selectOne(ConnectionFactories.get(options)).block(Duration.ofSeconds(20))).isEqualTo(1L);
        assertThat(server.received()).isNotEmpty()
                .allSatisfy(request -> assertThat(request.user() + "/" + request.key()).isEqualTo("bytehouse/" + API_KEY));
    }

    @Test
    void sendsWarehouseAndRoleSettingsAsUrlParametersOfEveryRequest() {
        ConnectionFactory factory = ConnectionFactories.get(base() + "?apiKey=" + API_KEY.replace(":", "%3A") + "&" + trust()
                + "&virtual_warehouse=vw-1234-etl&vw=vw-short&active_role=analyst&role=reader");

        assertThat(selectOne(factory).block(Duration.ofSeconds(20))).isEqualTo(1L);

        assertThat(server.received()).hasSizeGreaterThanOrEqualTo(2).allSatisfy(request -> {
            assertThat(request.parameter("virtual_warehouse")).isEqualTo("vw-1234-etl");
            assertThat(request.parameter("vw")).isEqualTo("vw-short");
            assertThat(request.parameter("active_role")).isEqualTo("analyst");
            assertThat(request.parameter("role")).isEqualTo("reader");
        });
    }

    @Test
    void letsAnExplicitHostAndPortWinOverTheRegion() {
        ConnectionFactory factory = ConnectionFactories.get(base() + "?region=AP-SOUTHEAST-1&apiKey=" + API_KEY.replace(":", "%3A")
                + "&" + trust());

        assertThat(((ClickHouseConnectionFactory) factory).configuration().host()).isEqualTo("localhost");
        assertThat(selectOne(factory).block(Duration.ofSeconds(20))).isEqualTo(1L);
        assertThat(server.received()).isNotEmpty();
    }

    @Test
    void keepsTheApiKeyAndPasswordOutOfEveryLogLine() {
        ch.qos.logback.classic.LoggerContext context = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new ch.qos.logback.core.read.ListAppender<>();
        appender.setContext(context);
        appender.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        List<String> loggers = List.of("dev.tributary", "reactor.netty", "io.r2dbc");
        List<ch.qos.logback.classic.Level> previous = loggers.stream().map(name -> context.getLogger(name).getLevel()).toList();
        // the console would drown in TRACE lines: only the capture listens meanwhile
        List<ch.qos.logback.core.Appender<ch.qos.logback.classic.spi.ILoggingEvent>> console = new java.util.ArrayList<>();
        root.iteratorForAppenders().forEachRemaining(console::add);
        console.forEach(root::detachAppender);
        root.addAppender(appender);
        loggers.forEach(name -> context.getLogger(name).setLevel(ch.qos.logback.classic.Level.TRACE));
        try {
            selectOne(ConnectionFactories.get(base() + "?apiKey=" + API_KEY.replace(":", "%3A") + "&" + trust())).block(Duration.ofSeconds(20));
            try (LoopbackClickHouseServer accountServer = LoopbackClickHouseServer.start(tls, "AC1234::alice", "pa55:word")) {
                selectOne(ConnectionFactories.get(ByteHouseOptions.parse("r2dbc:bytehouse://localhost:" + accountServer.port()
                        + "/?account=AC1234&user=alice&password=pa55%3Aword&" + trust()))).block(Duration.ofSeconds(20));
            }
            // failures log too: a wrong key, a plain server with TLS off
            assertThatThrownBy(() -> selectOne(ConnectionFactories.get(base() + "?apiKey=Wr0ngK3y:Value&" + trust()))
                    .block(Duration.ofSeconds(20))).isInstanceOf(R2dbcException.class);
            selectOne(ConnectionFactories.get("r2dbc:bytehouse://localhost:" + plainServer.port() + "/?secure=false&apiKey="
                    + API_KEY.replace(":", "%3A"))).block(Duration.ofSeconds(20));
        } finally {
            root.detachAppender(appender);
            console.forEach(root::addAppender);
            for (int i = 0; i < loggers.size(); i++) {
                context.getLogger(loggers.get(i)).setLevel(previous.get(i));
            }
        }

        assertThat(appender.list).isNotEmpty().allSatisfy(event -> {
            StringBuilder text = new StringBuilder(event.getFormattedMessage());
            for (ch.qos.logback.classic.spi.IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                text.append('\n').append(t.getMessage());
            }
            assertThat(text.toString()).doesNotContain("S3cretPart").doesNotContain("pa55").doesNotContain("Wr0ngK3y")
                    // nor base64 of the credentials (a logged Authorization header)
                    .doesNotContain(java.util.Base64.getEncoder().encodeToString(("bytehouse:" + API_KEY).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        });
        assertThat(appender.list).anySatisfy(event -> assertThat(event.getFormattedMessage()).contains("insecure"));
    }

    /** Resolves every name to 127.0.0.1 (no lookup, nothing blocks) and records the names asked for. */
    private static final class LoopbackResolverGroup extends AddressResolverGroup<InetSocketAddress> {

        private final Queue<String> resolved;

        LoopbackResolverGroup(Queue<String> resolved) {
            this.resolved = resolved;
        }

        @Override
        protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
            return new InetNameResolver(executor) {
                @Override
                protected void doResolve(String host, Promise<InetAddress> promise) {
                    resolved.add(host);
                    try {
                        promise.setSuccess(InetAddress.getByAddress(host, new byte[]{127, 0, 0, 1}));
                    } catch (UnknownHostException e) {
                        promise.setFailure(e);
                    }
                }

                @Override
                protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
                    resolved.add(host);
                    try {
                        promise.setSuccess(List.of(InetAddress.getByAddress(host, new byte[]{127, 0, 0, 1})));
                    } catch (UnknownHostException e) {
                        promise.setFailure(e);
                    }
                }
            }.asAddressResolver();
        }
    }

    private static List<Throwable> causes(Throwable error) {
        List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
            for (Throwable suppressed : t.getSuppressed()) {
                chain.add(suppressed);
            }
        }
        return chain;
    }
}
