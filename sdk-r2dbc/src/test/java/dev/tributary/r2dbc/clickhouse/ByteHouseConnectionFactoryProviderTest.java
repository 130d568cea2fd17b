package dev.tributary.r2dbc.clickhouse;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ByteHouseConnectionFactoryProviderTest {

    static {
        // the apiKey option is sensitive only if its options class names it before a URL parse does (as Tributary.sql ensures)
        java.util.Objects.requireNonNull(ByteHouseOptions.API_KEY);
    }


    private static final String PASSWORD = "Pw-7x!q";
    /** ByteHouse API keys contain a colon (driver-go's README shows one). */
    private static final String API_KEY = "HhPNNvXncU:S82kyc44Il";

    private static ClickHouseConnectionConfiguration configurationOf(ConnectionFactoryOptions options) {
        return ((ClickHouseConnectionFactory) ConnectionFactories.get(options)).configuration();
    }

    private static ClickHouseConnectionConfiguration parsed(String url) {
        return configurationOf(ByteHouseOptions.parse(url));
    }

    @Test
    void readsTheRegionAccountUserPasswordForm() {
        ClickHouseConnectionConfiguration configuration = parsed(
                "r2dbc:bytehouse:///?region=AP-SOUTHEAST-1&account=AC1234&user=alice&password=" + PASSWORD + "&database=sales");

        assertThat(configuration.host()).isEqualTo("gateway.aws-ap-southeast-1.bytehouse.cloud");
        assertThat(configuration.port()).isEqualTo(8123);
        assertThat(configuration.ssl()).isTrue();
        assertThat(configuration.hostnameVerification()).isTrue();
        assertThat(configuration.username()).isEqualTo("AC1234::alice");
        assertThat(configuration.password()).isEqualTo(PASSWORD);
        assertThat(configuration.database()).isEqualTo("sales");
    }

    @Test
    void readsTheHostPortAccountUserPasswordForm() {
        ClickHouseConnectionConfiguration configuration = parsed(
                "r2dbc:bytehouse://tenant-42-cn-beijing-public.bytehouse.volces.com:8124/?account=AC1234&user=alice&password=" + PASSWORD);

        assertThat(configuration.host()).isEqualTo("tenant-42-cn-beijing-public.bytehouse.volces.com");
        assertThat(configuration.port()).isEqualTo(8124);
        assertThat(configuration.ssl()).isTrue();
        assertThat(configuration.username()).isEqualTo("AC1234::alice");
        assertThat(configuration.password()).isEqualTo(PASSWORD);
        assertThat(configuration.database()).isEqualTo("default");
    }

    @Test
    void readsTheRegionApiKeyForm() {
        ClickHouseConnectionConfiguration configuration = parsed(
                "bytehouse:///?region=us-east-1&user=bytehouse&password=" + API_KEY);

        assertThat(configuration.host()).isEqualTo("gateway.aws-us-east-1.bytehouse.cloud");
        assertThat(configuration.port()).isEqualTo(8123);
        assertThat(configuration.ssl()).isTrue();
        assertThat(configuration.username()).isEqualTo("bytehouse");
        assertThat(configuration.password()).isEqualTo(API_KEY);
    }

    @Test
    void readsTheHostPortApiKeyForm() {
        ClickHouseConnectionConfiguration configuration = parsed(
                "r2dbc:bytehouse://gw.example.com:443/?user=bytehouse&password=" + API_KEY);

        assertThat(configuration.host()).isEqualTo("gw.example.com");
        assertThat(configuration.port()).isEqualTo(443);
        assertThat(configuration.username()).isEqualTo("bytehouse");
        assertThat(configuration.password()).isEqualTo(API_KEY);
    }

    @Test
    void acceptsTheR2dbcSpiFormsWithCredentialsInTheUserInfo() {
        ClickHouseConnectionConfiguration apiKey = configurationOf(
                ConnectionFactoryOptions.parse("r2dbc:bytehouse://bytehouse:" + API_KEY + "@/?region=CN-NORTH-1"));
        ClickHouseConnectionConfiguration account = configurationOf(
                ConnectionFactoryOptions.parse("r2dbc:bytehouse://alice:" + PASSWORD + "@gw.example.com/sales?account=AC1234"));

        assertThat(apiKey.host()).isEqualTo("gateway.aws-cn-north-1.bytehouse.cn");
        assertThat(apiKey.username()).isEqualTo("bytehouse");
        assertThat(apiKey.password()).isEqualTo(API_KEY);
        assertThat(account.host()).isEqualTo("gw.example.com");
        assertThat(account.port()).isEqualTo(8123);
        assertThat(account.ssl()).isTrue();
        assertThat(account.username()).isEqualTo("AC1234::alice");
        assertThat(account.database()).isEqualTo("sales");
    }

    @Test
    void takesAnApiKeyOptionAsUserBytehouseWithTheKeyAsPassword() {
        ClickHouseConnectionConfiguration fromUrl = configurationOf(
                ConnectionFactoryOptions.parse("r2dbc:bytehouse://gw.example.com/?apiKey=" + API_KEY));
        ClickHouseConnectionConfiguration fromBuilder = configurationOf(
                ByteHouseOptions.builder().region(ByteHouseRegion.CN_BEIJING).apiKey(API_KEY).build());

        for (ClickHouseConnectionConfiguration configuration : List.of(fromUrl, fromBuilder)) {
            assertThat(configuration.username()).isEqualTo("bytehouse");
            assertThat(configuration.password()).isEqualTo(API_KEY);
        }
        assertThat(fromBuilder.host()).isEqualTo("bytehouse-cn-beijing.volces.com");
    }

    @Test
    void passesWarehouseAndRoleAsClickHouseSettings() {
        ClickHouseConnectionConfiguration configuration = parsed("r2dbc:bytehouse:///?region=AP-SOUTHEAST-1&user=bytehouse&password="
                + API_KEY + "&virtual_warehouse=vw-1234-etl&vw=vw-short&active_role=analyst&role=reader");
        ClickHouseConnectionConfiguration built = configurationOf(ByteHouseOptions.builder().region("AP-SOUTHEAST-1")
                .apiKey(API_KEY).virtualWarehouse("vw-1234-etl").activeRole("analyst").setting("max_threads", "2").build());

        assertThat(configuration.settings()).containsOnly(Map.entry("virtual_warehouse", "vw-1234-etl"), Map.entry("vw", "vw-short"),
                Map.entry("active_role", "analyst"), Map.entry("role", "reader"));
        assertThat(built.settings()).containsOnly(Map.entry("virtual_warehouse", "vw-1234-etl"), Map.entry("active_role", "analyst"),
                Map.entry("max_threads", "2"));
    }

    @Test
    void letsAnExplicitHostWinOverTheRegion() {
        ClickHouseConnectionConfiguration configuration = parsed(
                "r2dbc:bytehouse://gw.example.com:9443/?region=AP-SOUTHEAST-1&user=bytehouse&password=" + API_KEY);

        assertThat(configuration.host()).isEqualTo("gw.example.com");
        assertThat(configuration.port()).isEqualTo(9443);
    }

    @Test
    void requiresAHostOrARegionNamingBoth() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ConnectionFactories.get(ByteHouseOptions.parse("r2dbc:bytehouse:///?user=bytehouse&password=" + API_KEY)))
                .withMessageContaining("neither a host nor a region")
                .withMessageContaining("r2dbc:bytehouse://HOST:PORT/").withMessageContaining("region=")
                .withMessageContaining("AP-SOUTHEAST-1")
                .withMessageNotContaining(API_KEY);
    }

    @Test
    void rejectsAnUnknownRegionListingTheKnownOnes() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> parsed("r2dbc:bytehouse:///?region=EU-CENTRAL-9&user=bytehouse&password=" + API_KEY))
                .withMessageContaining("'EU-CENTRAL-9'").withMessageContaining("CN-BEIJING")
                .withMessageNotContaining(API_KEY);
    }

    @Test
    void turnsTlsOffOnlyWhenAskedAndWarnsThatItIsInsecure() {
        Logger logger = (Logger) LoggerFactory.getLogger(ByteHouseConnectionFactoryProvider.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            ClickHouseConnectionConfiguration secure = parsed("r2dbc:bytehouse://gw.example.com/?user=bytehouse&password=" + API_KEY);
            assertThat(secure.ssl()).isTrue();
            assertThat(appender.list).isEmpty();

            for (String off : List.of("ssl=false", "secure=false", "secure=0")) {
                ClickHouseConnectionConfiguration plain = parsed("r2dbc:bytehouse://gw.example.com/?" + off + "&user=bytehouse&password=" + API_KEY);
                assertThat(plain.ssl()).as(off).isFalse();
                assertThat(plain.port()).as(off).isEqualTo(8123);
            }
        } finally {
            logger.detachAppender(appender);
        }
        assertThat(appender.list).hasSize(3).allSatisfy(event -> {
            assertThat(event.getLevel()).hasToString("WARN");
            assertThat(event.getFormattedMessage()).contains("insecure").contains("gw.example.com:8123").doesNotContain(API_KEY);
        });
    }

    @Test
    void rejectsConflictingTlsOptions() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> parsed("r2dbc:bytehouse://h/?ssl=true&secure=false&user=bytehouse&password=" + API_KEY))
                .withMessageContaining("ssl is true but secure is false");
    }

    @Test
    void rejectsMissingOrConflictingCredentialsWithoutShowingThem() {
        Map<String, String> cases = Map.of(
                "r2dbc:bytehouse://h/", "credentials are missing",
                "r2dbc:bytehouse://h/?user=alice&account=A", "credentials are missing",
                "r2dbc:bytehouse://h/?apiKey=" + API_KEY + "&user=bytehouse&password=" + PASSWORD, "both an apiKey and a password",
                "r2dbc:bytehouse://h/?apiKey=" + API_KEY + "&user=alice", "an apiKey logs in as user 'bytehouse'",
                "r2dbc:bytehouse://h/?account=A&user=bytehouse&password=" + API_KEY, "the API key login (user 'bytehouse') has no account",
                "r2dbc:bytehouse://h/?account=A&user=B::alice&password=" + PASSWORD, "already has an account part");
        cases.forEach((url, message) -> assertThatIllegalArgumentException().as(message)
                .isThrownBy(() -> parsed(url))
                .withMessageContaining(message)
                .withMessageNotContaining(API_KEY).withMessageNotContaining(PASSWORD));
    }

    @Test
    void acceptsAUserAlreadyWrittenAccountColonColonUser() {
        assertThat(parsed("r2dbc:bytehouse://h/?user=AC1234::alice&password=" + PASSWORD).username()).isEqualTo("AC1234::alice");
    }

    @Test
    void sendsAccountUsersInHeadersBecauseBasicCredentialsCannotCarryAColonInTheUser() {
        ClickHouseConnectionConfiguration account = parsed("r2dbc:bytehouse://h/?account=A&user=alice&password=" + PASSWORD);
        ClickHouseConnectionConfiguration apiKey = parsed("r2dbc:bytehouse://h/?user=bytehouse&password=" + API_KEY);

        assertThat(account.authentication()).isEqualTo(ClickHouseConnectionConfiguration.Authentication.CLICKHOUSE_HEADERS);
        assertThat(apiKey.authentication()).isEqualTo(ClickHouseConnectionConfiguration.Authentication.BASIC);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> parsed("r2dbc:bytehouse://h/?account=A&user=alice&authentication=basic&password=" + PASSWORD))
                .withMessageContaining("user 'A::alice' contains ':'").withMessageContaining("RFC 7617")
                .withMessageNotContaining(PASSWORD);
    }

    @Test
    void readsR2dbcsAndPercentEncodedValues() {
        ConnectionFactoryOptions options = ByteHouseOptions.parse(
                "r2dbcs:bytehouse://gw.example.com/my%20db?user=bytehouse&password=" + API_KEY.replace(":", "%3A") + "&vw=vw%2Done");

        assertThat(options.getValue(ConnectionFactoryOptions.SSL)).isEqualTo(true);
        ClickHouseConnectionConfiguration configuration = configurationOf(options);
        assertThat(configuration.database()).isEqualTo("my db");
        assertThat(configuration.password()).isEqualTo(API_KEY);
        assertThat(configuration.settings()).containsExactly(Map.entry("vw", "vw-one"));
    }

    @Test
    void readsTheApiKeyWithItsColonFromTheUserInfo() {
        ClickHouseConnectionConfiguration configuration = parsed("r2dbc:bytehouse://bytehouse:" + API_KEY + "@gw.example.com:8123/");

        assertThat(configuration.username()).isEqualTo("bytehouse");
        assertThat(configuration.password()).isEqualTo(API_KEY);
        assertThat(configuration.host()).isEqualTo("gw.example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"r2dbc:clickhouse://h/?password=" + PASSWORD, "https://h/?password=" + PASSWORD,
            "r2dbc:bytehouse://h:port/?password=" + PASSWORD, "r2dbc:bytehouse://h/?user=a&user=b&password=" + PASSWORD,
            "r2dbc:bytehouse://h/?password=" + PASSWORD + "&password=other", "r2dbc:bytehouse://h/a b?password=" + PASSWORD,
            "r2dbc:bytehouse://h/?=x&password=" + PASSWORD, "r2dbc:bytehouse://h/?password=%zz" + PASSWORD})
    void rejectsMalformedUrlsWithoutRepeatingThem(String url) {
        assertThatIllegalArgumentException().isThrownBy(() -> ByteHouseOptions.parse(url))
                .withMessageNotContaining(PASSWORD);
    }

    @Test
    void neverShowsThePasswordOrApiKeyInToStringsOrMessages() {
        ConnectionFactoryOptions account = ByteHouseOptions.parse(
                "r2dbc:bytehouse:///?region=AP-SOUTHEAST-1&account=A&user=U&password=" + PASSWORD);
        ConnectionFactoryOptions apiKey = ByteHouseOptions.parse("r2dbc:bytehouse:///?region=AP-SOUTHEAST-1&apiKey=" + API_KEY);
        ByteHouseOptions.Builder builder = ByteHouseOptions.builder().region("AP-SOUTHEAST-1").apiKey(API_KEY);

        List<Supplier<String>> texts = List.of(account::toString, apiKey::toString, builder::toString,
                () -> builder.build().toString(),
                () -> ConnectionFactories.get(account).toString(), () -> ConnectionFactories.get(apiKey).toString(),
                () -> ClickHouseOptionMapping.resolve(account).toString(), () -> ClickHouseOptionMapping.resolve(apiKey).toString());
        for (Supplier<String> text : texts) {
            assertThat(text.get()).doesNotContain(PASSWORD).doesNotContain(API_KEY);
        }
        assertThat(ClickHouseOptionMapping.resolve(apiKey).toString()).contains("password=REDACTED");
    }

    @Test
    void supportsOnlyItsOwnDriverName() {
        ByteHouseConnectionFactoryProvider provider = new ByteHouseConnectionFactoryProvider();

        assertThat(provider.getDriver()).isEqualTo("bytehouse");
        assertThat(provider.supports(ConnectionFactoryOptions.parse("r2dbc:bytehouse://h"))).isTrue();
        assertThat(provider.supports(ConnectionFactoryOptions.parse("r2dbc:clickhouse://h"))).isFalse();
    }
}
