package dev.tributary.emulator.pgwire;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway's side of the startup protocol, byte by byte, with what real drivers never send:
 * absurd lengths, old protocols, data in clear after an SSLRequest. The upstream port is closed:
 * these tests never get past the gateway (an accepted client sees 08006).
 */
class PostgresGatewayProtocolTest {

    private static final String KEY = "v2_protocol-test-key-7f3a";
    private static final String WRONG_KEY = "v2_wrong-key-should-never-be-printed";

    private static final AtomicBoolean slowAuthenticationCancelled = new AtomicBoolean();
    private static int closedPort;
    private static PostgresGateway gateway;

    @BeforeAll
    static void startGateway() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        gateway = PostgresGateway.to("127.0.0.1", closedPort)
                .startupTimeout(Duration.ofSeconds(1))
                .authenticator((database, user, password) -> switch (user) {
                    case "never" -> Mono.<UpstreamLogin>never().doOnCancel(() -> slowAuthenticationCancelled.set(true));
                    case "broken" -> Mono.error(new IllegalStateException("the key store is unavailable"));
                    case "throws" -> throw new IllegalStateException("the authenticator threw");
                    default -> KEY.equals(password) ? Mono.just(UpstreamLogin.trusted(database, "postgres")) : Mono.empty();
                })
                .start();
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    private static WireClient connect() throws IOException {
        return new WireClient(gateway.host(), gateway.port());
    }

    private static Map<String, String> login(String user, String database) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("user", user);
        parameters.put("database", database);
        parameters.put("application_name", "protocol-test");
        return parameters;
    }

    private static void assertFatal(WireClient.Message message, String sqlState, String text) {
        assertThat(message.type()).isEqualTo('E');
        assertThat(message.fields()).containsEntry('S', "FATAL").containsEntry('V', "FATAL").containsEntry('C', sqlState);
        assertThat(message.fields().get('M')).contains(text);
    }

    @Test
    void answersGssEncRequestWithNAndGoesOnWithTheStartup() throws IOException {
        try (WireClient client = connect()) {
            assertThat(client.request(WireMessages.GSSENC_REQUEST_CODE)).isEqualTo('N');
            WireClient.Message asked = client.startup(WireMessages.PROTOCOL_3_0, login("alice", "alice/demo")).read();
            assertThat(asked.type()).isEqualTo('R');
            assertThat(asked.authenticationCode()).isEqualTo(WireMessages.AUTH_CLEARTEXT_PASSWORD);
        }
    }

    @Test
    void answersSslRequestWithNWhenTlsIsOff() throws IOException {
        try (WireClient client = connect()) {
            assertThat(client.request(WireMessages.SSL_REQUEST_CODE)).isEqualTo('N');
            WireClient.Message asked = client.startup(WireMessages.PROTOCOL_3_0, login("alice", "alice/demo")).read();
            assertThat(asked.authenticationCode()).isEqualTo(WireMessages.AUTH_CLEARTEXT_PASSWORD);
        }
    }

    @Test
    void refusesAWrongPasswordWith28P01WithoutConnectingUpstream() throws IOException {
        long upstreamBefore = gateway.upstreamConnections();
        long refusedBefore = gateway.refusedSessions();
        try (LogCapture logs = LogCapture.gateway(); WireClient client = connect()) {
            client.startup(WireMessages.PROTOCOL_3_0, login("mallory", "alice/demo")).read();
            WireClient.Message refusal = client.password(WRONG_KEY).read();
            assertFatal(refusal, "28P01", "password authentication failed for user \"mallory\"");
            assertThat(refusal.text()).doesNotContain(WRONG_KEY);
            assertThat(client.closedByServer()).isTrue();
            assertThat(logs.printable()).isNotEmpty().noneMatch(line -> line.contains(WRONG_KEY));
        }
        assertThat(gateway.upstreamConnections()).isEqualTo(upstreamBefore);
        assertThat(gateway.refusedSessions()).isEqualTo(refusedBefore + 1);
    }

    @Test
    void refusesAnAbsurdStartupLengthWith08P01() throws IOException {
        try (WireClient client = connect()) {
            client.writeInt(Integer.MAX_VALUE).writeInt(WireMessages.PROTOCOL_3_0).flush();
            assertFatal(client.read(), "08P01", "invalid length of startup packet from the client: 2147483647 bytes (8 to 10000 allowed)");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void refusesAStartupLengthShorterThanItsHeaderWith08P01() throws IOException {
        try (WireClient client = connect()) {
            client.writeInt(4).writeInt(0).flush();
            assertFatal(client.read(), "08P01", "invalid length of startup packet from the client: 4 bytes");
        }
    }

    @Test
    void refusesAnAbsurdPasswordMessageLengthWith08P01() throws IOException {
        try (WireClient client = connect()) {
            client.startup(WireMessages.PROTOCOL_3_0, login("alice", "alice/demo")).read();
            client.writeBytes(new byte[] {'p'}).writeInt(1 << 30).flush();
            assertFatal(client.read(), "08P01", "invalid message length 1073741824 of a message of type 'p' from the client");
        }
    }

    @Test
    void refusesAQueryInsteadOfAPasswordWith08P01() throws IOException {
        try (WireClient client = connect()) {
            client.startup(WireMessages.PROTOCOL_3_0, login("alice", "alice/demo")).read();
            byte[] sql = "SELECT 1\0".getBytes(StandardCharsets.US_ASCII);
            client.writeBytes(new byte[] {'Q'}).writeInt(4 + sql.length).writeBytes(sql).flush();
            assertFatal(client.read(), "08P01", "expected password response, got message type 'Q'");
        }
    }

    @Test
    void refusesAnUnterminatedStartupPacketWith08P01() throws IOException {
        try (WireClient client = connect()) {
            byte[] body = "user\0alice".getBytes(StandardCharsets.US_ASCII);
            client.writeInt(8 + body.length).writeInt(WireMessages.PROTOCOL_3_0).writeBytes(body).flush();
            assertFatal(client.read(), "08P01", "missing terminating zero byte");
        }
    }

    @Test
    void refusesProtocolVersion2With0A000() throws IOException {
        try (WireClient client = connect()) {
            client.startup(2 << 16, login("alice", "alice/demo"));
            assertFatal(client.read(), "0A000", "unsupported frontend protocol 2.0: server supports 3.0 to 3.0");
        }
    }

    @Test
    void refusesAStartupWithoutUserWith28000() throws IOException {
        try (WireClient client = connect()) {
            client.startup(WireMessages.PROTOCOL_3_0, Map.of("database", "alice/demo"));
            assertFatal(client.read(), "28000", "no PostgreSQL user name specified in startup packet");
        }
    }

    @Test
    void refusesDataSentInClearAfterAnSslRequest() throws IOException {
        try (WireClient client = connect()) {
            // CVE-2021-23214: a StartupMessage pipelined behind the SSLRequest
            client.writeInt(8).writeInt(WireMessages.SSL_REQUEST_CODE).writeInt(9).writeInt(WireMessages.PROTOCOL_3_0)
                    .writeBytes(new byte[] {0}).flush();
            assertFatal(client.read(), "08P01", "received unencrypted data after SSL request");
        }
    }

    @Test
    void refusesWithXX000WhenTheAuthenticatorFailsAndLogsTheFailureWithoutThePassword() throws IOException {
        try (LogCapture logs = LogCapture.gateway(); WireClient client = connect()) {
            client.startup(WireMessages.PROTOCOL_3_0, login("broken", "alice/demo")).read();
            assertFatal(client.password(WRONG_KEY).read(), "XX000", "could not authenticate user \"broken\"");
            assertThat(logs.printable()).anyMatch(line -> line.contains("the key store is unavailable"))
                    .noneMatch(line -> line.contains(WRONG_KEY));
        }
    }

    @Test
    void refusesWithXX000WhenTheAuthenticatorThrows() throws IOException {
        try (WireClient client = connect()) {
            client.startup(WireMessages.PROTOCOL_3_0, login("throws", "alice/demo")).read();
            assertFatal(client.password(KEY).read(), "XX000", "could not authenticate user \"throws\"");
        }
    }

    @Test
    void cancelsASlowAuthenticatorAtTheStartupTimeoutWith57014() throws IOException {
        try (WireClient client = connect()) {
            client.startup(WireMessages.PROTOCOL_3_0, login("never", "alice/demo")).read();
            long start = System.nanoTime();
            assertFatal(client.password(KEY).read(), "57014", "canceling authentication due to timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
        assertThat(slowAuthenticationCancelled).isTrue();
    }

    @Test
    void answers08006WhenTheUpstreamServerIsUnreachable() throws IOException {
        long authenticatedBefore = gateway.authenticatedSessions();
        long upstreamBefore = gateway.upstreamConnections();
        try (WireClient client = connect()) {
            client.startup(WireMessages.PROTOCOL_3_0, login("alice", "alice/demo")).read();
            assertFatal(client.password(KEY).read(), "08006", "could not connect to the database server");
        }
        assertThat(gateway.authenticatedSessions()).isEqualTo(authenticatedBefore + 1);
        assertThat(gateway.upstreamConnections()).isEqualTo(upstreamBefore + 1);
    }

    @Test
    void closesACancelRequestItCannotForward() throws IOException {
        long before = gateway.cancelRequests();
        try (WireClient client = connect()) {
            client.writeInt(16).writeInt(WireMessages.CANCEL_REQUEST_CODE).writeInt(4242).writeInt(123456).flush();
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(gateway.cancelRequests()).isEqualTo(before + 1);
    }

    @Test
    void neverPrintsPasswords() {
        UpstreamLogin login = UpstreamLogin.of("alice/demo", "alice", KEY);
        assertThat(login.toString()).doesNotContain(KEY).contains("REDACTED").contains("alice/demo");
        assertThat(UpstreamLogin.trusted("alice/demo", "postgres").toString()).contains("password=none");
        assertThat(gateway.toString()).startsWith("PostgresGateway{127.0.0.1:" + gateway.port() + " -> 127.0.0.1:" + closedPort);
    }

    @Test
    void checksItsSettings() {
        PostgresGateway.Builder builder = PostgresGateway.to("127.0.0.1", closedPort);
        assertThatThrownBy(builder::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("authenticator");
        builder.authenticator((database, user, password) -> Mono.empty()).requireTls(true);
        assertThatThrownBy(builder::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot require TLS");
        assertThatThrownBy(() -> PostgresGateway.to(" ", 5432)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PostgresGateway.to("127.0.0.1", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.startupTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("startupTimeout");
        assertThatThrownBy(() -> UpstreamLogin.of("alice/demo", " ", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user");
    }

    @Test
    void closeFreesThePortAndRefusesNewClients() throws IOException {
        PostgresGateway other = PostgresGateway.to("127.0.0.1", closedPort)
                .authenticator((database, user, password) -> Mono.empty())
                .start();
        int port = other.port();
        WireClient open = new WireClient(other.host(), port);
        open.startup(WireMessages.PROTOCOL_3_0, login("alice", "alice/demo")).read();
        other.close();
        assertThat(open.closedByServer()).isTrue();
        open.close();
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        try (ServerSocket rebound = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(rebound.getLocalPort()).isEqualTo(port);
        }
    }
}
