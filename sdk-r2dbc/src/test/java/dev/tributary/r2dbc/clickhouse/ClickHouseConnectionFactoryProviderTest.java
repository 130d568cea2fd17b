package dev.tributary.r2dbc.clickhouse;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ClickHouseConnectionFactoryProviderTest {

    static {
        // the apiKey option is sensitive only if its options class names it before a URL parse does (as Tributary.sql ensures)
        java.util.Objects.requireNonNull(ByteHouseOptions.API_KEY);
    }


    private static final String PASSWORD = "s3cr3t-Pa55";

    private static ClickHouseConnectionConfiguration configurationOf(String url) {
        ConnectionFactory factory = ConnectionFactories.get(url);
        assertThat(factory).isInstanceOf(ClickHouseConnectionFactory.class);
        return ((ClickHouseConnectionFactory) factory).configuration();
    }

    private static ClickHouseConnectionConfiguration configurationOf(ConnectionFactoryOptions options) {
        return ((ClickHouseConnectionFactory) ConnectionFactories.get(options)).configuration();
    }

    @Test
    void readsHostPortUserPasswordAndDatabaseFromTheUrl() {
        ClickHouseConnectionConfiguration configuration =
                configurationOf("r2dbc:clickhouse://app:" + PASSWORD + "@ch.example.com:18123/analytics");

        assertThat(configuration.host()).isEqualTo("ch.example.com");
        assertThat(configuration.port()).isEqualTo(18123);
        assertThat(configuration.username()).isEqualTo("app");
        assertThat(configuration.password()).isEqualTo(PASSWORD);
        assertThat(configuration.database()).isEqualTo("analytics");
        assertThat(configuration.ssl()).isFalse();
        assertThat(configuration.settings()).isEmpty();
    }

    @Test
    void defaultsToPlainHttpOn8123AsUserDefaultWithGzipAndWithoutSession() {
        ClickHouseConnectionConfiguration configuration = configurationOf("r2dbc:clickhouse://127.0.0.1");

        assertThat(configuration.port()).isEqualTo(8123);
        assertThat(configuration.ssl()).isFalse();
        assertThat(configuration.username()).isEqualTo("default");
        assertThat(configuration.hasPassword()).isFalse();
        assertThat(configuration.database()).isEqualTo("default");
        assertThat(configuration.compression()).isTrue();
        assertThat(configuration.session()).isFalse();
        assertThat(configuration.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(configuration.responseTimeout()).isNull();
        assertThat(configuration.hostnameVerification()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"r2dbcs:clickhouse://ch.example.com/analytics", "r2dbc:clickhouse://ch.example.com/analytics?ssl=true",
            "r2dbc:clickhouse:https://ch.example.com/analytics"})
    void turnsTlsOnWithR2dbcsSslTrueOrHttpsOnPort8443(String url) {
        ClickHouseConnectionConfiguration configuration = configurationOf(url);

        assertThat(configuration.ssl()).isTrue();
        assertThat(configuration.port()).isEqualTo(8443);
        assertThat(configuration.host()).isEqualTo("ch.example.com");
    }

    @Test
    void readsTheTlsTrustAndHostNameCheckOptions() {
        ClickHouseConnectionConfiguration configuration = configurationOf(
                "r2dbcs:clickhouse://ch.example.com:9443/?sslRootCert=/etc/ch/ca.pem&sslHostnameVerification=false");

        assertThat(configuration.trustedCertificates()).isEqualTo(Path.of("/etc/ch/ca.pem"));
        assertThat(configuration.hostnameVerification()).isFalse();
        assertThat(configuration.port()).isEqualTo(9443);
    }

    @Test
    void readsTheDriverOptionsFromUrlText() {
        ClickHouseConnectionConfiguration configuration = configurationOf("r2dbc:clickhouse://h/?compression=false&session=1"
                + "&connectTimeout=PT3S&responseTimeout=500ms&applicationName=etl-job&authentication=headers&serverSideParameters=never");

        assertThat(configuration.compression()).isFalse();
        assertThat(configuration.session()).isTrue();
        assertThat(configuration.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(configuration.responseTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(configuration.applicationName()).isEqualTo("etl-job");
        assertThat(configuration.authentication()).isEqualTo(ClickHouseConnectionConfiguration.Authentication.CLICKHOUSE_HEADERS);
        assertThat(configuration.serverSideParameters()).isEqualTo(ClickHouseConnectionConfiguration.ServerSideParameters.NEVER);
        assertThat(configuration.settings()).isEmpty();
    }

    @Test
    void readsTheDriverOptionsFromTypedValuesInCode() {
        ClickHouseConnectionConfiguration configuration = configurationOf(ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, ClickHouseOptions.DRIVER)
                .option(ConnectionFactoryOptions.HOST, "h")
                .option(ConnectionFactoryOptions.PORT, 8124)
                .option(ConnectionFactoryOptions.SSL, true)
                .option(ClickHouseOptions.SSL_ROOT_CERT, Path.of("ca.pem"))
                .option(ClickHouseOptions.COMPRESSION, false)
                .option(ClickHouseOptions.SESSION, true)
                .option(ConnectionFactoryOptions.CONNECT_TIMEOUT, Duration.ofSeconds(2))
                .option(ClickHouseOptions.RESPONSE_TIMEOUT, Duration.ofMinutes(1))
                .option(ClickHouseOptions.AUTHENTICATION, ClickHouseConnectionConfiguration.Authentication.CLICKHOUSE_HEADERS)
                .option(ClickHouseOptions.setting("max_threads"), "4")
                .build());

        assertThat(configuration.port()).isEqualTo(8124);
        assertThat(configuration.ssl()).isTrue();
        assertThat(configuration.trustedCertificates()).isEqualTo(Path.of("ca.pem"));
        assertThat(configuration.compression()).isFalse();
        assertThat(configuration.session()).isTrue();
        assertThat(configuration.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(configuration.responseTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(configuration.authentication()).isEqualTo(ClickHouseConnectionConfiguration.Authentication.CLICKHOUSE_HEADERS);
        assertThat(configuration.settings()).containsExactly(Map.entry("max_threads", "4"));
    }

    @Test
    void passesSnakeCaseQueryParametersThroughAsClickHouseSettings() {
        ClickHouseConnectionConfiguration configuration = configurationOf(
                "r2dbc:clickhouse://h/db?max_execution_time=30&join_use_nulls=1&max_result_rows=1000&compression=true");

        assertThat(configuration.settings()).containsOnly(Map.entry("max_execution_time", "30"), Map.entry("join_use_nulls", "1"),
                Map.entry("max_result_rows", "1000"));
    }

    @Test
    void sendsTheStatementTimeoutAsMaxExecutionTimeInWholeSecondsRoundedUp() {
        assertThat(configurationOf("r2dbc:clickhouse://h/?statementTimeout=PT2.5S").settings())
                .containsExactly(Map.entry("max_execution_time", "3"));
        assertThat(configurationOf("r2dbc:clickhouse://h/?statementTimeout=3s&max_execution_time=3").settings())
                .containsExactly(Map.entry("max_execution_time", "3"));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ConnectionFactories.get("r2dbc:clickhouse://h/?statementTimeout=3s&max_execution_time=10"))
                .withMessageContaining("conflicting statement time limits").withMessageContaining("3 s").withMessageContaining("10");
    }

    @ParameterizedTest
    @ValueSource(strings = {"connectTimout=5s", "Password=" + PASSWORD, "maxExecutionTime=30"})
    void rejectsAnUnknownOptionByNameWithoutItsValue(String parameter) {
        String name = parameter.substring(0, parameter.indexOf('='));

        assertThatIllegalArgumentException().isThrownBy(() -> ConnectionFactories.get("r2dbc:clickhouse://h/?" + parameter))
                .withMessageContaining("unknown option '" + name + "'")
                .withMessageContaining("connectTimeout")
                .withMessageContaining("snake_case")
                .withMessageNotContaining(PASSWORD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"query_id=q1", "session_id=s1", "enable_http_compression=1", "query=SELECT", "decompress=1",
            "default_format=JSON", "param_x=1", "session_timeout=60"})
    void refusesTheHttpInterfaceParametersTheDriverSetsItself(String parameter) {
        String name = parameter.substring(0, parameter.indexOf('='));

        assertThatIllegalArgumentException().isThrownBy(() -> ConnectionFactories.get("r2dbc:clickhouse://h/?" + parameter))
                .withMessageContaining("'" + name + "' cannot be given as a ClickHouse setting");
    }

    @Test
    void refusesCompressOneButAcceptsCompressZeroAsByteHouseDocumentsIt() {
        assertThatIllegalArgumentException().isThrownBy(() -> ConnectionFactories.get("r2dbc:clickhouse://h/?compress=1"))
                .withMessageContaining("compress=1").withMessageContaining("empty body");

        assertThat(configurationOf("r2dbc:clickhouse://h/?compress=0").settings()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"api_key", "apikey", "db_password", "access_token", "client_secret"})
    void refusesSettingsThatLookLikeCredentialsWithoutShowingTheValue(String name) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ConnectionFactories.get("r2dbc:clickhouse://h/?" + name + "=" + PASSWORD))
                .withMessageContaining("'" + name + "' looks like a credential")
                .withMessageNotContaining(PASSWORD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"region=AP-SOUTHEAST-1", "account=A", "apiKey=" + PASSWORD, "secure=true"})
    void pointsByteHouseOptionsToTheByteHouseDriver(String parameter) {
        assertThatIllegalArgumentException().isThrownBy(() -> ConnectionFactories.get("r2dbc:clickhouse://h/?" + parameter))
                .withMessageContaining("is a ByteHouse option").withMessageContaining("r2dbc:bytehouse:")
                .withMessageNotContaining(PASSWORD);
    }

    @Test
    void requiresAHost() {
        assertThatIllegalArgumentException().isThrownBy(() -> ConnectionFactories.get("r2dbc:clickhouse:///analytics"))
                .withMessageContaining("the host is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"compression=maybe", "connectTimeout=5", "responseTimeout=-PT1S", "authentication=kerberos",
            "serverSideParameters=sometimes", "lockWaitTimeout=PT1S"})
    void rejectsMalformedValuesNamingTheOption(String parameter) {
        String name = parameter.substring(0, parameter.indexOf('='));

        assertThatIllegalArgumentException().isThrownBy(() -> ConnectionFactories.get("r2dbc:clickhouse://h/?" + parameter))
                .withMessageContaining("'" + name + "'");
    }

    @Test
    void rejectsTlsTrustOptionsWithoutTlsAndAnUnknownProtocol() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ConnectionFactories.get("r2dbc:clickhouse://h/?sslRootCert=/etc/ca.pem"))
                .withMessageContaining("'sslRootCert' is given but TLS is off");
        assertThatIllegalArgumentException().isThrownBy(() -> ConnectionFactories.get("r2dbc:clickhouse:tcp://h/"))
                .withMessageContaining("protocol 'tcp' is not supported");
    }

    @Test
    void neverShowsThePasswordInToStrings() {
        String url = "r2dbc:clickhouse://app:" + PASSWORD + "@ch.example.com/analytics?max_threads=2";
        ConnectionFactoryOptions options = ConnectionFactoryOptions.parse(url);
        ClickHouseConnectionFactory factory = (ClickHouseConnectionFactory) ConnectionFactories.get(options);

        assertThat(options.toString()).doesNotContain(PASSWORD);
        assertThat(ClickHouseOptionMapping.resolve(options).toString()).doesNotContain(PASSWORD).contains("REDACTED");
        assertThat(factory.toString()).doesNotContain(PASSWORD).contains("REDACTED");
        assertThat(factory.configuration().toString()).doesNotContain(PASSWORD);
    }

    @Test
    void supportsOnlyItsOwnDriverName() {
        ClickHouseConnectionFactoryProvider provider = new ClickHouseConnectionFactoryProvider();

        assertThat(provider.getDriver()).isEqualTo("clickhouse");
        assertThat(provider.supports(ConnectionFactoryOptions.parse("r2dbc:clickhouse://h"))).isTrue();
        assertThat(provider.supports(ConnectionFactoryOptions.parse("r2dbc:bytehouse://h"))).isFalse();
        assertThat(provider.supports(ConnectionFactoryOptions.parse("r2dbc:postgresql://h"))).isFalse();
    }
}
