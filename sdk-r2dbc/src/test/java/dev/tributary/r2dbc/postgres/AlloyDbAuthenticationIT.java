package dev.tributary.r2dbc.postgres;

import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.test.StepVerifier;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each authentication method r2dbc-postgresql answers, through the {@code alloydb} driver's three
 * entry points, against a real PostgreSQL whose {@code pg_hba.conf} demands that method of that
 * user. {@code system_user} (PostgreSQL 16+) reports the method the server actually used.
 */
class AlloyDbAuthenticationIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** user, its pg_hba method, its password (with characters URLs and connection strings must escape). */
    private static final Map<String, String[]> USERS = new LinkedHashMap<>();

    static {
        USERS.put("pw_user", new String[]{"password", "Pw-cleartext:1@;x"});
        USERS.put("md5_user", new String[]{"md5", "Md5-hashed/2#;y"});
        USERS.put("scram_user", new String[]{"scram-sha-256", "Scram-256 ?3&z"});
    }

    private static EmbeddedPostgresServer pg;

    @BeforeAll
    static void startServerWithOneUserPerAuthenticationMethod() {
        EmbeddedPostgresServer.Builder builder = EmbeddedPostgresServer.builder();
        USERS.forEach((user, methodAndPassword) -> builder.hba("host all " + user + " 127.0.0.1/32 " + methodAndPassword[0]));
        pg = builder.start();
        pg.execute("SET password_encryption = 'md5'",
                "CREATE ROLE md5_user LOGIN PASSWORD '" + password("md5_user") + "'",
                "SET password_encryption = 'scram-sha-256'",
                "CREATE ROLE pw_user LOGIN PASSWORD '" + password("pw_user") + "'",
                "CREATE ROLE scram_user LOGIN PASSWORD '" + password("scram_user") + "'");
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    private static String password(String user) {
        return USERS.get(user)[1];
    }

    private static String method(String user) {
        return USERS.get(user)[0];
    }

    private static String urlEncoded(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The three ways in: a URL, the builder, a connection string. */
    private static ConnectionFactory alloyDb(String entry, String user, String password) {
        switch (entry) {
            case "url":
                return ConnectionFactories.get("r2dbc:alloydb://" + user + ":" + urlEncoded(password) + "@127.0.0.1:" + pg.port()
                        + "/postgres");
            case "builder":
                return ConnectionFactories.get(AlloyDbOptions.builder().server("127.0.0.1").port(pg.port()).user(user)
                        .password(password).database("postgres").build());
            case "connection string":
                return ConnectionFactories.get(AlloyDbOptions.fromConnectionString("Server=127.0.0.1;Port=" + pg.port()
                        + ";Database=postgres;User Id=" + user + ";Password=\"" + password.replace("\"", "\"\"") + "\""));
            default:
                throw new IllegalArgumentException(entry);
        }
    }

    static Stream<Arguments> usersAndEntries() {
        return USERS.keySet().stream().flatMap(user -> Stream.of("url", "builder", "connection string")
                .map(entry -> Arguments.of(user, entry)));
    }

    @Test
    void storesEachPasswordInTheFormItsMethodNeeds() throws Exception {
        // md5 authentication of a SCRAM-stored password would silently use SCRAM instead
        try (Connection c = pg.superuserDataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT rolname, left(rolpassword, 14) FROM pg_authid"
                     + " WHERE rolname IN ('md5_user', 'scram_user', 'pw_user') ORDER BY rolname")) {
            Map<String, String> stored = new LinkedHashMap<>();
            while (rs.next()) {
                stored.put(rs.getString(1), rs.getString(2));
            }
            assertThat(stored.get("md5_user")).startsWith("md5");
            assertThat(stored.get("pw_user")).startsWith("SCRAM-SHA-256$");
            assertThat(stored.get("scram_user")).startsWith("SCRAM-SHA-256$");
        }
    }

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("usersAndEntries")
    void logsInWithTheRightPasswordUsingTheMethodPgHbaDemands(String user, String entry) {
        SessionFacts.of(alloyDb(entry, user, password(user)))
                .as(StepVerifier::create)
                .assertNext(session -> {
                    assertThat(session.currentUser()).isEqualTo(user);
                    assertThat(session.systemUser()).isEqualTo(method(user) + ":" + user);
                    assertThat(session.currentDatabase()).isEqualTo("postgres");
                    assertThat(session.ssl()).as("default sslmode=prefer falls back to plain TCP on a server without TLS").isFalse();
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("usersAndEntries")
    void aWrongPasswordIsDeniedWithSqlState28P01AndNoPasswordInTheMessage(String user, String entry) {
        String wrong = "wrong-" + password(user);
        SessionFacts.of(alloyDb(entry, user, wrong))
                .as(StepVerifier::create)
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(R2dbcPermissionDeniedException.class);
                    assertThat(((R2dbcException) error).getSqlState()).isEqualTo("28P01");
                    assertThat(error.getMessage()).contains("authentication failed for user \"" + user + "\"")
                            .doesNotContain(wrong).doesNotContain(password(user));
                })
                .verify(TIMEOUT);
    }

    @Test
    void asksAPasswordSupplierAgainOnEveryConnect() {
        AtomicInteger asked = new AtomicInteger();
        Supplier<CharSequence> rotating = () -> {
            asked.incrementAndGet();
            return password("scram_user");
        };
        ConnectionFactory factory = ConnectionFactories.get(AlloyDbOptions.builder().server("127.0.0.1").port(pg.port())
                .user("scram_user").password(rotating).database("postgres").build());

        SessionFacts.of(factory).then(SessionFacts.of(factory))
                .as(StepVerifier::create)
                .assertNext(session -> assertThat(session.systemUser()).isEqualTo("scram-sha-256:scram_user"))
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(asked).hasValue(2);
    }

    @Test
    void sslModeRequireFailsClearlyAgainstAServerWithoutTls() {
        ConnectionFactory factory = ConnectionFactories.get(AlloyDbOptions.builder().server("127.0.0.1").port(pg.port())
                .user("scram_user").password(password("scram_user")).database("postgres").sslMode(SSLMode.REQUIRE).build());

        SessionFacts.of(factory)
                .as(StepVerifier::create)
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(R2dbcException.class)
                            .hasMessage("Server support for SSL connection is disabled, but client was configured with SSL mode require");
                    assertThat(((R2dbcException) error).getSqlState()).isEqualTo("08006");
                })
                .verify(TIMEOUT);
    }
}
