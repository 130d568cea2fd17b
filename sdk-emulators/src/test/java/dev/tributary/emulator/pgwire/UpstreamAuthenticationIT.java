package dev.tributary.emulator.pgwire;

import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway logs in to a real PostgreSQL server with each password method of {@code pg_hba.conf}
 * ({@code trust}, {@code password}, {@code md5}, {@code scram-sha-256}), and what the server
 * answers during its startup (a wrong role password, a database that does not exist) reaches the
 * client unchanged. The client's user name picks the upstream role.
 */
class UpstreamAuthenticationIT {

    private static final String KEY = "v2_upstream-auth-key";
    private static final Map<String, String> ROLE_PASSWORDS = Map.of(
            "password_user", "cleartext secret",
            "md5_user", "md5 secret",
            "scram_user", "scram secret ünïcödé");

    private static EmbeddedPostgresServer pg;
    private static PostgresGateway gateway;

    @BeforeAll
    static void start() {
        pg = EmbeddedPostgresServer.builder()
                .hba("host all trust_user 127.0.0.1/32 trust")
                .hba("host all password_user 127.0.0.1/32 password")
                .hba("host all md5_user 127.0.0.1/32 md5")
                .hba("host all scram_user 127.0.0.1/32 scram-sha-256")
                .defaultAuthMethod("scram-sha-256")
                .start();
        pg.execute("CREATE ROLE trust_user LOGIN",
                "CREATE ROLE password_user LOGIN PASSWORD '" + ROLE_PASSWORDS.get("password_user") + "'",
                "CREATE ROLE scram_user LOGIN PASSWORD '" + ROLE_PASSWORDS.get("scram_user") + "'",
                // an MD5 hash is stored only when asked for: with a SCRAM verifier the server would insist on SCRAM
                "SET password_encryption = 'md5'",
                "CREATE ROLE md5_user LOGIN PASSWORD '" + ROLE_PASSWORDS.get("md5_user") + "'");
        pg.createDatabase("demo");
        pg.executeIn("demo", "GRANT ALL ON SCHEMA public TO PUBLIC");
        assertThat(pg.queryForLong("SELECT count(*) FROM pg_authid WHERE rolname = 'md5_user' AND rolpassword LIKE 'md5%'")).isEqualTo(1);
        assertThat(pg.queryForLong("SELECT count(*) FROM pg_authid WHERE rolname = 'scram_user' AND rolpassword LIKE 'SCRAM-SHA-256$%'"))
                .isEqualTo(1);
        gateway = PostgresGateway.to(pg.host(), pg.port())
                .authenticator((database, user, password) -> {
                    if (!KEY.equals(password)) {
                        return Mono.empty();
                    }
                    String upstreamDatabase = database.substring(database.indexOf('/') + 1);
                    return Mono.just(switch (user) {
                        case "trust_user" -> UpstreamLogin.trusted(upstreamDatabase, user);
                        case "scram_without_password" -> UpstreamLogin.trusted(upstreamDatabase, "scram_user");
                        case "scram_with_wrong_password" -> UpstreamLogin.of(upstreamDatabase, "scram_user", "not the password");
                        case "md5_with_wrong_password" -> UpstreamLogin.of(upstreamDatabase, "md5_user", "not the password");
                        case "password_with_wrong_password" -> UpstreamLogin.of(upstreamDatabase, "password_user", "not the password");
                        default -> UpstreamLogin.of(upstreamDatabase, user, ROLE_PASSWORDS.get(user));
                    });
                })
                .start();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private static Connection connect(String user, String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", KEY);
        properties.setProperty("connectTimeout", "10");
        // sslmode=prefer (pgjdbc's default): the gateway without TLS answers the SSLRequest with 'N'
        return DriverManager.getConnection("jdbc:postgresql://" + gateway.host() + ":" + gateway.port() + "/" + database, properties);
    }

    @ParameterizedTest
    @ValueSource(strings = {"trust_user", "password_user", "md5_user", "scram_user"})
    void logsInUpstreamWithEachPasswordMethod(String role) throws SQLException {
        try (Connection c = connect(role, "alice%2Fdemo"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_user, current_database(), sum(g) FROM generate_series(1, 1000) g")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(role);
            assertThat(rs.getString(2)).isEqualTo("demo");
            assertThat(rs.getLong(3)).isEqualTo(500_500L);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"password_with_wrong_password", "md5_with_wrong_password", "scram_with_wrong_password"})
    void forwardsTheUpstreamRefusalOfAWrongRolePassword(String user) {
        String role = user.substring(0, user.indexOf("_with")) + "_user";
        assertThatThrownBy(() -> connect(user, "alice%2Fdemo").close())
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28P01");
                    // the server's own message, naming the upstream role
                    assertThat(e.getMessage()).contains("password authentication failed for user \"" + role + "\"")
                            .doesNotContain("not the password");
                });
    }

    @Test
    void forwardsTheUpstreamErrorForADatabaseThatDoesNotExist() {
        assertThatThrownBy(() -> connect("scram_user", "alice%2Fmissing").close())
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("3D000");
                    assertThat(e.getMessage()).contains("database \"missing\" does not exist");
                });
    }

    @Test
    void forwardsTheUpstreamNegotiationOfANewerProtocolAndWhatFollowsAuthentication() throws IOException {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("user", "trust_user");
        parameters.put("database", "alice/demo");
        parameters.put("_pq_.gateway_test_option", "on");
        try (WireClient client = new WireClient(gateway.host(), gateway.port())) {
            // protocol 3.1 and an option PostgreSQL 17 does not know: it answers NegotiateProtocolVersion
            WireClient.Message asked = client.startup(WireMessages.PROTOCOL_3_0 | 1, parameters).read();
            assertThat(asked.authenticationCode()).isEqualTo(WireMessages.AUTH_CLEARTEXT_PASSWORD);
            client.password(KEY);
            WireClient.Message negotiation = client.read();
            assertThat(negotiation.type()).isEqualTo('v');
            ByteBuffer payload = ByteBuffer.wrap(negotiation.payload());
            // "newest minor protocol version" in the documentation; PostgreSQL 17 sends the whole version, 3.0
            assertThat(payload.getInt()).as("newest protocol version").isEqualTo(WireMessages.PROTOCOL_3_0);
            assertThat(payload.getInt()).as("options not recognized").isEqualTo(1);
            assertThat(new String(negotiation.payload(), 8, negotiation.payload().length - 9, StandardCharsets.UTF_8))
                    .isEqualTo("_pq_.gateway_test_option");
            WireClient.Message ok = client.read();
            assertThat(ok.type()).isEqualTo('R');
            assertThat(ok.authenticationCode()).isEqualTo(WireMessages.AUTH_OK);
            Map<String, String> serverParameters = new LinkedHashMap<>();
            boolean backendKey = false;
            WireClient.Message next;
            while ((next = client.read()).type() != 'Z') {
                if (next.type() == 'S') {
                    String[] pair = next.text().split("\0", -1);
                    serverParameters.put(pair[0], pair[1]);
                } else if (next.type() == 'K') {
                    backendKey = next.payload().length == 8;
                }
            }
            assertThat(serverParameters).containsEntry("session_authorization", "trust_user").containsKey("server_version");
            assertThat(backendKey).isTrue();
        }
    }

    @Test
    void refusesWith08004WhenTheUpstreamWantsAPasswordTheLoginLacks() {
        assertThatThrownBy(() -> connect("scram_without_password", "alice%2Fdemo").close())
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("08004");
                    assertThat(e.getMessage()).contains("asks user \"scram_user\" for a password (scram-sha-256 authentication)");
                });
    }
}
