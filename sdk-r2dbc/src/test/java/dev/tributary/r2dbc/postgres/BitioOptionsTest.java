package dev.tributary.r2dbc.postgres;

import dev.tributary.sql.PoolSettings;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static io.r2dbc.spi.ConnectionFactoryOptions.DATABASE;
import static io.r2dbc.spi.ConnectionFactoryOptions.DRIVER;
import static io.r2dbc.spi.ConnectionFactoryOptions.HOST;
import static io.r2dbc.spi.ConnectionFactoryOptions.PASSWORD;
import static io.r2dbc.spi.ConnectionFactoryOptions.PORT;
import static io.r2dbc.spi.ConnectionFactoryOptions.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BitioOptionsTest {

    static {
        // the apiKey option is sensitive only if its options class names it before a URL parse does (as Tributary.sql ensures)
        java.util.Objects.requireNonNull(BitioOptions.API_KEY_PARAMETER);
    }


    private static final String API_KEY = "v2_4Xq9secretApiKey";

    private static ConnectionFactoryOptions fromUrl(String url) {
        return PostgresOptionMapping.normalize(ConnectionFactoryOptions.parse(url), Backend.BITIO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"r2dbc:bitio://alice:" + API_KEY + "@db.bit.io/alice/demo",
            "r2dbc:bitio://alice:" + API_KEY + "@db.bit.io/alice%2Fdemo",
            "r2dbc:bitio://alice:" + API_KEY + "@db.bit.io:5432/alice/demo?sslmode=require"})
    void readsTheFullDatabaseNameFromTheUrlPathWithASlashOrPercentEncoded(String url) {
        ConnectionFactoryOptions options = fromUrl(url);

        assertThat(options.getValue(DRIVER)).isEqualTo("bitio");
        assertThat(options.getValue(HOST)).isEqualTo("db.bit.io");
        assertThat(options.getValue(PORT)).isEqualTo(5432);
        assertThat(options.getValue(DATABASE)).isEqualTo("alice/demo");
        assertThat(options.getValue(USER)).isEqualTo("alice");
        assertThat(options.getValue(PASSWORD)).asString().isEqualTo(API_KEY);
        assertThat(options.getValue(PostgresqlConnectionFactoryProvider.SSL_MODE)).isEqualTo(SSLMode.REQUIRE);
    }

    @Test
    void defaultsToThePlatformEndpointWithTlsRequiredAndTheOwnerAsUser() {
        ConnectionFactoryOptions built = BitioOptions.builder().database("alice/demo").apiKey(API_KEY).build();
        ConnectionFactoryOptions urlWithoutHost = fromUrl("r2dbc:bitio://:" + API_KEY + "@/alice/demo");

        for (ConnectionFactoryOptions options : new ConnectionFactoryOptions[]{built, urlWithoutHost}) {
            assertThat(options.getValue(HOST)).isEqualTo(BitioOptions.DEFAULT_HOST).isEqualTo("db.bit.io");
            assertThat(options.getValue(PORT)).isEqualTo(5432);
            assertThat(options.getValue(USER)).isEqualTo("alice");
            assertThat(options.getValue(DATABASE)).isEqualTo("alice/demo");
            assertThat(options.getValue(PostgresqlConnectionFactoryProvider.SSL_MODE)).isEqualTo(SSLMode.REQUIRE);
        }
    }

    @Test
    void letsALocalServerTurnTlsOffAndAnotherUserReadASharedDatabase() {
        ConnectionFactoryOptions options = BitioOptions.builder().host("127.0.0.1").port(15432).username("bob")
                .database("alice/demo").apiKey(API_KEY).sslMode(SSLMode.DISABLE).build();

        assertThat(options.getValue(HOST)).isEqualTo("127.0.0.1");
        assertThat(options.getValue(PORT)).isEqualTo(15432);
        assertThat(options.getValue(USER)).isEqualTo("bob");
        assertThat(options.getValue(PostgresqlConnectionFactoryProvider.SSL_MODE)).isEqualTo(SSLMode.DISABLE);
        assertThat(fromUrl("r2dbc:bitio://alice:" + API_KEY + "@127.0.0.1:15432/alice/demo?sslmode=disable")
                .getValue(PostgresqlConnectionFactoryProvider.SSL_MODE)).isEqualTo(SSLMode.DISABLE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "alice/", "/demo", "alice/demo/extra", "alice /demo"})
    void rejectsADatabaseNameThatIsNotUsernameSlashDbName(String name) {
        assertThatIllegalArgumentException().isThrownBy(() -> BitioOptions.builder().database(name))
                .withMessageContaining("'<username>/<db_name>'");
        String url = "r2dbc:bitio://alice:" + API_KEY + "@db.bit.io/" + name.replace(" ", "%20");
        assertThatIllegalArgumentException().isThrownBy(() -> ConnectionFactories.get(url))
                .withMessageContaining("bitio: the database must be named '<username>/<db_name>'")
                .withMessageNotContaining(API_KEY);
    }

    @Test
    void requiresADatabaseAndAnApiKey() {
        assertThatIllegalArgumentException().isThrownBy(() -> BitioOptions.builder().apiKey(API_KEY).build())
                .withMessageContaining("bitio: the database is missing").withMessageNotContaining(API_KEY);
        assertThatIllegalArgumentException().isThrownBy(() -> ConnectionFactories.get("r2dbc:bitio://alice@db.bit.io/alice/demo"))
                .withMessageContaining("bitio: the API key is missing");
    }

    @Test
    void acceptsTheApiKeyUnderItsOwnNameAndPrintsItRedacted() {
        ConnectionFactoryOptions fromQuery = fromUrl("r2dbc:bitio://db.bit.io/alice/demo?apiKey=" + API_KEY);
        ConnectionFactoryOptions built = BitioOptions.builder().database("alice/demo").apiKey(() -> API_KEY).build();

        assertThat(fromQuery.getValue(PASSWORD)).asString().isEqualTo(API_KEY);
        assertThat(fromQuery.toString()).doesNotContain(API_KEY).contains("password=REDACTED");
        assertThat(built.toString()).doesNotContain(API_KEY).contains("password=REDACTED");
        assertThat(BitioOptions.builder().apiKey(API_KEY).toString()).doesNotContain(API_KEY);
        assertThat(PostgresOptionMapping.configuration(fromQuery, Backend.BITIO).toString()).doesNotContain(API_KEY);
    }

    @Test
    void isFoundByUrlAndCreatesAnR2dbcPostgresqlFactoryWithoutConnecting() {
        assertThat(ConnectionFactories.get("r2dbc:bitio://alice:" + API_KEY + "@db.bit.io/alice/demo"))
                .isInstanceOf(PostgresqlConnectionFactory.class);
        assertThat(ConnectionFactories.get("r2dbc:alloydb://app:" + API_KEY + "@10.0.0.5/appdb"))
                .isInstanceOf(PostgresqlConnectionFactory.class);
        assertThat(new BitioConnectionFactoryProvider().getDriver()).isEqualTo(BitioOptions.DRIVER);
        assertThat(new AlloyDbConnectionFactoryProvider().getDriver()).isEqualTo(AlloyDbOptions.DRIVER);
    }

    @Test
    void poolDefaultsStayBelowThePlatformsIdleAndLifetimeLimits() {
        // API.md: idle sessions closed after 5 min, a connection lives at most 60 min, scale to zero after 60 s idle
        assertThat(BitioOptions.POOL_SETTINGS).isEqualTo(PoolSettings.serverless());
        assertThat(BitioOptions.POOL_SETTINGS.getMaxIdleTime()).isLessThan(Duration.ofMinutes(5));
        assertThat(BitioOptions.POOL_SETTINGS.getMaxLifeTime()).isLessThan(Duration.ofMinutes(60));
        assertThat(BitioOptions.POOL_SETTINGS.getMinIdle()).isZero();
    }
}
