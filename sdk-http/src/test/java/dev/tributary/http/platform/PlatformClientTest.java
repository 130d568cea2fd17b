package dev.tributary.http.platform;

import dev.tributary.http.auth.CredentialsUnavailableException;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.netty.NettyLeakCheck;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.netty.http.client.HttpClient;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(NettyLeakCheck.class)
class PlatformClientTest {

    private static WireServer server;

    @BeforeAll
    static void start() {
        server = WireServer.start((request, response) -> WireServer.json(response, 200,
                "{\"databases\":[" + Fixtures.database("alice/demo", true) + "]}"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void reset() {
        server.seen().clear();
    }

    @Test
    void requiresAnApiKeySource() {
        assertThatThrownBy(() -> PlatformClient.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("apiKeyFromEnvironment()").hasMessageContaining("TRIBUTARY_API_KEY");
        assertThatThrownBy(() -> PlatformClient.builder().apiKey(" "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void failsEachRequestWithATypedErrorNamingTheUnsetVariableAndSendsNothing() {
        try (PlatformClient platform = PlatformClient.builder().baseUrl(server.baseUrl())
                .apiKeyFromEnvironment("TRIBUTARY_API_KEY", Map.<String, String>of()::get).build()) {
            assertThatThrownBy(() -> platform.databases().list().blockLast())
                    .isInstanceOf(CredentialsUnavailableException.class)
                    .hasMessageContaining("environment variable TRIBUTARY_API_KEY is not set");
        }
        assertThat(server.seen()).isEmpty();
    }

    @Test
    void readsTheEnvironmentAndSuppliersOnEveryRequest() {
        AtomicReference<String> current = new AtomicReference<>("v2_first");
        try (PlatformClient fromEnv = PlatformClient.builder().baseUrl(server.baseUrl())
                .apiKeyFromEnvironment("MY_KEY", name -> name.equals("MY_KEY") ? current.get() : null).build();
             PlatformClient fromSupplier = PlatformClient.builder().baseUrl(server.baseUrl()).apiKey(current::get).build()) {
            fromEnv.databases().list().blockLast();
            fromSupplier.databases().list().blockLast();
            current.set("v2_rotated");
            fromEnv.databases().list().blockLast();
            fromSupplier.databases().list().blockLast();
        }
        assertThat(server.seen()).extracting(seen -> seen.header("Authorization"))
                .containsExactly("Bearer v2_first", "Bearer v2_first", "Bearer v2_rotated", "Bearer v2_rotated");
    }

    @Test
    void neverPrintsTheKey() {
        try (PlatformClient platform = PlatformClient.builder().baseUrl(server.baseUrl()).apiKey(Fixtures.KEY).build()) {
            assertThat(platform.toString()).doesNotContain(Fixtures.KEY)
                    .contains(server.baseUrl()).contains("a fixed key").contains("db.bit.io:5432?sslmode=require");
        }
    }

    @Test
    void checksTheBuilderSettings() {
        assertThatThrownBy(() -> PlatformClient.builder().apiKey(Fixtures.KEY).baseUrl("http://api.example.org/v2beta").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain http");
        assertThatThrownBy(() -> PlatformClient.builder().apiKey(Fixtures.KEY).httpClient(HttpClient.create())
                .connectTimeout(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> PlatformClient.builder().sslMode("required"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("verify-full");
        assertThatThrownBy(() -> PlatformClient.builder().databaseEndpoint("db.example.org", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..65535");
        try (PlatformClient platform = PlatformClient.builder().apiKey(Fixtures.KEY).build()) {
            assertThat(platform.getBaseUrl()).hasToString(PlatformClient.DEFAULT_BASE_URL);
        }
    }

    @Test
    void givesTheBitioDriverTheDatabaseTheKeyAsPasswordAndTheTlsMode() {
        ConnectionFactoryOptions options = new DatabaseEndpoint("127.0.0.1", 6543, DatabaseEndpoint.checkSslMode("DISABLE"), null)
                .options(DatabaseName.parse("alice/demo"), ApiKeySource.fixed(Fixtures.KEY));

        assertThat(options.getValue(ConnectionFactoryOptions.DRIVER)).isEqualTo("bitio");
        assertThat(options.getValue(ConnectionFactoryOptions.HOST)).isEqualTo("127.0.0.1");
        assertThat(options.getValue(ConnectionFactoryOptions.PORT)).isEqualTo(6543);
        assertThat(options.getValue(ConnectionFactoryOptions.DATABASE)).isEqualTo("alice/demo");
        assertThat(options.getValue(ConnectionFactoryOptions.PASSWORD)).hasToString(Fixtures.KEY);
        assertThat(options.getValue(DatabaseEndpoint.SSL_MODE)).isEqualTo("disable");
        assertThat(options.toString()).doesNotContain(Fixtures.KEY);
        // sdk-r2dbc's bitio backend (a runtime dependency) accepts them
        assertThat(ConnectionFactories.get(options).getMetadata().getName()).isEqualTo("PostgreSQL");
    }

    @Test
    void ownsOneSqlClientPerDatabaseAndClosesThem() {
        PlatformClient platform = PlatformClient.builder().baseUrl(server.baseUrl()).apiKey(Fixtures.KEY)
                .databaseEndpoint("127.0.0.1", 6543).sslMode("disable").build();
        SqlClient demo = platform.sql("alice/demo");

        assertThat(platform.sql("alice/demo")).isSameAs(demo);
        assertThat(platform.sql("alice/other")).isNotSameAs(demo);
        platform.closeLater().block(Duration.ofSeconds(10));

        assertThatThrownBy(() -> platform.sql("alice/demo")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> demo.sql("SELECT 1").map(row -> 1).all().blockLast(Duration.ofSeconds(10)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("SqlClient is closed");
    }
}
