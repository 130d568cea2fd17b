package dev.tributary.r2dbc.postgres;

import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

import static io.r2dbc.spi.ConnectionFactoryOptions.CONNECT_TIMEOUT;
import static io.r2dbc.spi.ConnectionFactoryOptions.DATABASE;
import static io.r2dbc.spi.ConnectionFactoryOptions.DRIVER;
import static io.r2dbc.spi.ConnectionFactoryOptions.HOST;
import static io.r2dbc.spi.ConnectionFactoryOptions.PASSWORD;
import static io.r2dbc.spi.ConnectionFactoryOptions.PORT;
import static io.r2dbc.spi.ConnectionFactoryOptions.STATEMENT_TIMEOUT;
import static io.r2dbc.spi.ConnectionFactoryOptions.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class AlloyDbOptionsTest {

    private static final String SECRET = "s3cr3t-Pa55";

    private static ConnectionFactoryOptions fromUrl(String url) {
        return PostgresOptionMapping.normalize(ConnectionFactoryOptions.parse(url), Backend.ALLOYDB);
    }

    private static void assertSettings(ConnectionFactoryOptions options, String host, int port, String user, String database, SSLMode mode) {
        assertThat(options.getValue(DRIVER)).isEqualTo("alloydb");
        assertThat(options.getValue(HOST)).isEqualTo(host);
        assertThat(options.getValue(PORT)).isEqualTo(port);
        assertThat(options.getValue(USER)).isEqualTo(user);
        assertThat(options.getValue(DATABASE)).isEqualTo(database);
        assertThat(options.getValue(PASSWORD)).asString().isEqualTo(SECRET);
        assertThat(options.getValue(PostgresqlConnectionFactoryProvider.SSL_MODE)).isEqualTo(mode);
    }

    @Test
    void urlBuilderAndConnectionStringGiveTheSameSettings() {
        ConnectionFactoryOptions url = fromUrl("r2dbc:alloydb://app:" + SECRET + "@10.0.0.5:5432/appdb?sslmode=require");
        ConnectionFactoryOptions code = AlloyDbOptions.builder().server("10.0.0.5").port(5432).user("app").password(SECRET)
                .database("appdb").sslMode(SSLMode.REQUIRE).build();
        ConnectionFactoryOptions string = AlloyDbOptions.fromConnectionString(
                "Server=10.0.0.5;Port=5432;Database=appdb;User=app;Password=" + SECRET + ";SSL Mode=Require");

        assertSettings(url, "10.0.0.5", 5432, "app", "appdb", SSLMode.REQUIRE);
        assertSettings(code, "10.0.0.5", 5432, "app", "appdb", SSLMode.REQUIRE);
        assertSettings(string, "10.0.0.5", 5432, "app", "appdb", SSLMode.REQUIRE);
    }

    @Test
    void acceptsAlloyDbPropertyNamesInAnyCase() {
        ConnectionFactoryOptions options = PostgresOptionMapping.normalize(ConnectionFactoryOptions.builder()
                .option(DRIVER, "alloydb")
                .option(Option.valueOf("SERVER"), "db.internal")
                .option(Option.valueOf("User"), "app")
                .option(Option.sensitiveValueOf("PassWord"), SECRET)
                .option(Option.valueOf("database"), "appdb")
                .option(Option.valueOf("Port"), "6432")
                .build(), Backend.ALLOYDB);

        assertSettings(options, "db.internal", 6432, "app", "appdb", SSLMode.PREFER);
    }

    @Test
    void alloyDbNamesWorkAsUrlQueryParameters() {
        ConnectionFactoryOptions options = fromUrl("r2dbc:alloydb://app:" + SECRET + "@10.0.0.5/appdb?Port=6543&SSL%20Mode=verify-ca");

        assertSettings(options, "10.0.0.5", 6543, "app", "appdb", SSLMode.VERIFY_CA);
    }

    @Test
    void portDefaultsTo5432AndSslModeToPrefer() {
        ConnectionFactoryOptions options = AlloyDbOptions.builder().server("10.0.0.5").user("app").password(SECRET).database("appdb").build();

        assertSettings(options, "10.0.0.5", 5432, "app", "appdb", SSLMode.PREFER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sslmode=verify-full", "sslMode=VERIFY_FULL", "sslmode=Verify-Full", "ssl_mode=verify_full"})
    void readsTheSslModeInLibpqAndR2dbcSpellings(String query) {
        assertThat(fromUrl("r2dbc:alloydb://app@10.0.0.5/appdb?" + query).getValue(PostgresqlConnectionFactoryProvider.SSL_MODE))
                .isEqualTo(SSLMode.VERIFY_FULL);
    }

    @Test
    void r2dbcsSchemeMeansVerifyFullUnlessSslModeSaysOtherwise() {
        assertThat(fromUrl("r2dbcs:alloydb://app@10.0.0.5/appdb").getValue(PostgresqlConnectionFactoryProvider.SSL_MODE))
                .isEqualTo(SSLMode.VERIFY_FULL);
        assertThat(fromUrl("r2dbcs:alloydb://app@10.0.0.5/appdb?sslmode=require").getValue(PostgresqlConnectionFactoryProvider.SSL_MODE))
                .isEqualTo(SSLMode.REQUIRE);
    }

    @Test
    void readsRootCertificateUnderLibpqAndR2dbcNames() {
        assertThat(fromUrl("r2dbc:alloydb://app@h/db?sslrootcert=/etc/ca.pem").getValue(PostgresqlConnectionFactoryProvider.SSL_ROOT_CERT))
                .isEqualTo("/etc/ca.pem");
        assertThat(fromUrl("r2dbc:alloydb://app@h/db?sslRootCert=/etc/ca.pem").getValue(PostgresqlConnectionFactoryProvider.SSL_ROOT_CERT))
                .isEqualTo("/etc/ca.pem");
        assertThat(AlloyDbOptions.builder().server("h").user("app").sslRootCert(Path.of("/etc/ca.pem")).build()
                .getValue(PostgresqlConnectionFactoryProvider.SSL_ROOT_CERT)).isEqualTo("/etc/ca.pem");
    }

    @Test
    void rejectsAnUnknownSslMode() {
        assertThatIllegalArgumentException().isThrownBy(() -> fromUrl("r2dbc:alloydb://app@h/db?sslmode=paranoid"))
                .withMessageContaining("'sslmode'").withMessageContaining("verify-full").withMessageContaining("paranoid");
    }

    @Test
    void conflictingValuesNameBothOptions() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> fromUrl("r2dbc:alloydb://app@10.0.0.5/appdb?Server=10.0.0.6"))
                .withMessageContaining("'host'").withMessageContaining("'Server'")
                .withMessageContaining("10.0.0.5").withMessageContaining("10.0.0.6");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> fromUrl("r2dbc:alloydb://app@h/db?sslmode=require&sslMode=disable"))
                .withMessageContaining("'sslMode'").withMessageContaining("'sslmode'");
    }

    @Test
    void conflictingPasswordsNameBothOptionsButNeitherValue() {
        ConnectionFactoryOptions options = ConnectionFactoryOptions.builder()
                .option(DRIVER, "alloydb").option(HOST, "h").option(USER, "app")
                .option(PASSWORD, SECRET)
                .option(Option.sensitiveValueOf("Pwd"), "other-" + SECRET)
                .build();

        assertThatIllegalArgumentException().isThrownBy(() -> PostgresOptionMapping.normalize(options, Backend.ALLOYDB))
                .withMessageContaining("'password'").withMessageContaining("'Pwd'")
                .withMessageNotContaining(SECRET);
    }

    @Test
    void theSameValueUnderTwoNamesIsNoConflict() {
        ConnectionFactoryOptions options = fromUrl("r2dbc:alloydb://app:" + SECRET + "@10.0.0.5:5432/appdb?Server=10.0.0.5&Port=5432");

        assertSettings(options, "10.0.0.5", 5432, "app", "appdb", SSLMode.PREFER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Integrated%20Security=true", "Kerberos%20Service%20Name=postgres", "krbsrvname=postgres",
            "gssEncMode=require", "GSS%20Encryption%20Mode=Require", "authMethod=gss", "authMethod=GSSAPI",
            "authMethod=kerberos", "authMethod=sspi", "AuthenticationMethod=Kerberos", "gsslib=gssapi", "require_auth=gss",
            "kerberosServerName=postgres", "jaasApplicationName=pgjdbc", "useSpnego=true", "Include%20Realm=true",
            "ServicePrincipalName=postgres%2Fdb%40EXAMPLE.COM"})
    void rejectsKerberosInAUrlSayingTheDriverDoesNotSupportIt(String query) {
        String url = "r2dbc:alloydb://app@10.0.0.5/appdb?" + query;
        assertThatIllegalArgumentException().isThrownBy(() -> ConnectionFactories.get(url))
                .withMessageContaining("r2dbc-postgresql does not support Kerberos/GSSAPI authentication; use password, md5 or scram-sha-256");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Integrated Security=true", "Integrated Security=SSPI", "Kerberos Service Name=postgres",
            "GSS Encryption Mode=Require", "gssEncMode=require"})
    void rejectsKerberosInAConnectionStringEvenWithoutAPassword(String pair) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> AlloyDbOptions.fromConnectionString("Server=10.0.0.5;Database=appdb;" + pair))
                .withMessageStartingWith("r2dbc-postgresql does not support Kerberos/GSSAPI authentication; use password, md5 or scram-sha-256")
                .withMessageContaining(pair.substring(0, pair.indexOf('=')));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Integrated%20Security=false", "gssEncMode=disable", "gssencmode=prefer", "authMethod=scram-sha-256",
            "authMethod=md5", "authMethod=password", "useSpnego=false"})
    void acceptsSettingsThatDoNotAskForKerberos(String query) {
        assertSettings(fromUrl("r2dbc:alloydb://app:" + SECRET + "@10.0.0.5/appdb?" + query), "10.0.0.5", 5432, "app", "appdb", SSLMode.PREFER);
    }

    @Test
    void rejectsAnAuthenticationMethodTheDriverDoesNotKnow() {
        assertThatIllegalArgumentException().isThrownBy(() -> fromUrl("r2dbc:alloydb://app@h/db?authMethod=cert"))
                .withMessageContaining("password, md5 or scram-sha-256").withMessageContaining("cert");
        assertThatIllegalArgumentException().isThrownBy(() -> fromUrl("r2dbc:alloydb://app@h/db?require_auth=scram-sha-256"))
                .withMessageContaining("require_auth");
    }

    @Test
    void requiresAServerAndAUser() {
        assertThatIllegalArgumentException().isThrownBy(() -> AlloyDbOptions.builder().user("app").build())
                .withMessageContaining("alloydb: the host is missing");
        assertThatIllegalArgumentException().isThrownBy(() -> AlloyDbOptions.fromConnectionString("Server=h;Password=" + SECRET))
                .withMessageContaining("alloydb: the user is missing").withMessageNotContaining(SECRET);
    }

    @Test
    void printsPasswordsAsRedacted() {
        Supplier<CharSequence> rotating = () -> SECRET;
        ConnectionFactoryOptions fromBuilder = AlloyDbOptions.builder().server("h").user("app").password(SECRET)
                .sslKeyPassword("key-" + SECRET).build();
        ConnectionFactoryOptions fromSupplier = AlloyDbOptions.builder().server("h").user("app").password(rotating).build();
        ConnectionFactoryOptions fromString = AlloyDbOptions.fromConnectionString("Server=h;User=app;PWD=" + SECRET + ";SSL Password=key-" + SECRET);
        ConnectionFactoryOptions fromUrl = fromUrl("r2dbc:alloydb://app@h/db?Password=" + SECRET);

        for (Object printed : new Object[]{fromBuilder, fromSupplier, fromString, fromUrl,
                AlloyDbOptions.builder().server("h").password(SECRET)}) {
            assertThat(printed.toString()).doesNotContain(SECRET).contains("REDACTED");
        }
        assertThat(fromSupplier.getValue(PASSWORD)).isSameAs(rotating);
        assertThat(fromString.getValue(PASSWORD)).asString().isEqualTo(SECRET);
        assertThat(fromUrl.getValue(PASSWORD)).asString().isEqualTo(SECRET);
    }

    @Test
    void aPasswordGivenAsAUrlQueryParameterIsRedactedOnceMapped() {
        // r2dbc-spi's parser keeps query parameters as ordinary options (Option.valueOf: sensitive
        // only if that name was first declared sensitive somewhere in the JVM), so its own toString
        // may show this one; the mapping moves it to the sensitive PASSWORD option
        ConnectionFactoryOptions parsed = ConnectionFactoryOptions.parse("r2dbc:alloydb://app@h/db?Password=" + SECRET);
        ConnectionFactoryOptions mapped = PostgresOptionMapping.normalize(parsed, Backend.ALLOYDB);

        assertThat(mapped.toString()).doesNotContain(SECRET).contains("password=REDACTED");
        assertThat(mapped.getValue(PASSWORD)).asString().isEqualTo(SECRET);
    }

    @Test
    void keepsAPasswordPublisherForR2dbcPostgresqlToSubscribeOnConnect() {
        Mono<String> password = Mono.just(SECRET);

        assertThat(AlloyDbOptions.builder().server("h").user("app").password(password).build().getValue(PASSWORD)).isSameAs(password);
    }

    @Test
    void readsQuotedValuesTimeoutsAndSearchPathFromAConnectionString() {
        ConnectionFactoryOptions options = AlloyDbOptions.fromConnectionString(
                " server = 10.0.0.5 ; USER ID=app; Password=\"a;b\"\"c\" ; Database='app''db';Timeout=15;Command Timeout=30;"
                        + "Search Path=reporting;Application Name=tributary-test;");

        assertThat(options.getValue(HOST)).isEqualTo("10.0.0.5");
        assertThat(options.getValue(USER)).isEqualTo("app");
        assertThat(options.getValue(PASSWORD)).asString().isEqualTo("a;b\"c");
        assertThat(options.getValue(DATABASE)).isEqualTo("app'db");
        assertThat(options.getValue(CONNECT_TIMEOUT)).isEqualTo(Duration.ofSeconds(15));
        assertThat(options.getValue(STATEMENT_TIMEOUT)).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.getValue(PostgresqlConnectionFactoryProvider.CURRENT_SCHEMA)).isEqualTo("reporting");
        assertThat(options.getValue(PostgresqlConnectionFactoryProvider.APPLICATION_NAME)).isEqualTo("tributary-test");
    }

    @Test
    void rejectsMalformedConnectionStringsWithoutQuotingValues() {
        assertThatIllegalArgumentException().isThrownBy(() -> AlloyDbOptions.fromConnectionString("Server=h;Password " + SECRET))
                .withMessageContaining("pair 2 has no '='").withMessageNotContaining(SECRET);
        assertThatIllegalArgumentException().isThrownBy(() -> AlloyDbOptions.fromConnectionString("Server=h;Password='" + SECRET))
                .withMessageContaining("quote").withMessageNotContaining(SECRET);
        assertThatIllegalArgumentException().isThrownBy(() -> AlloyDbOptions.fromConnectionString("Server=h;User=app;Pooling=true"))
                .withMessageContaining("key 'Pooling' is not supported").withMessageContaining("PoolSettings");
        assertThatIllegalArgumentException().isThrownBy(() -> AlloyDbOptions.fromConnectionString("Server=h;User=a;Password=x;password=y"))
                .withMessageContaining("'Password' and 'password'").withMessageNotContaining("=x").withMessageNotContaining("=y");
        assertThatIllegalArgumentException().isThrownBy(() -> AlloyDbOptions.fromConnectionString("Server=h;User=app;Timeout=soon"))
                .withMessageContaining("'Timeout' must be a whole number of seconds");
    }

    @Test
    void passesOtherR2dbcPostgresqlOptionsThrough() {
        ConnectionFactoryOptions options = fromUrl("r2dbc:alloydb://app@h/db?fetchSize=250&connectTimeout=PT3S");

        assertThat(options.getValue(Option.valueOf("fetchSize"))).isEqualTo("250");
        assertThat(options.getValue(CONNECT_TIMEOUT)).isEqualTo("PT3S");
        assertThat(PostgresOptionMapping.configuration(options, Backend.ALLOYDB).build().toString()).contains("connectTimeout=PT3S");
    }

    @Test
    void rejectsFailoverProtocolsSocketsAndSeveralHosts() {
        assertThatIllegalArgumentException().isThrownBy(() -> fromUrl("r2dbc:alloydb:failover://app@h1,h2/db"))
                .withMessageContaining("protocol 'failover' is not supported");
        assertThatIllegalArgumentException().isThrownBy(() -> fromUrl("r2dbc:alloydb://app@h/db?socket=/tmp/.s.PGSQL.5432"))
                .withMessageContaining("'socket' is not supported");
        assertThatIllegalArgumentException().isThrownBy(() -> AlloyDbOptions.builder().server("h1,h2").user("app").build())
                .withMessageContaining("one host expected");
    }

    @Test
    void verifyFullChecksTheConfiguredHostNameAndOtherModesDoNot() {
        ConnectionFactoryOptions verifyFull = fromUrl("r2dbc:alloydb://app:" + SECRET + "@localhost/db?sslmode=verify-full");
        ConnectionFactoryOptions verifyCa = fromUrl("r2dbc:alloydb://app:" + SECRET + "@localhost/db?sslmode=verify-ca");

        String configured = PostgresOptionMapping.configuration(verifyFull, Backend.ALLOYDB).toString();
        assertThat(configured).contains("sslHostnameVerifier='ConfiguredHostnameVerifier{host='localhost'}'")
                .contains("sslMode='verify-full'").doesNotContain(SECRET);
        assertThat(PostgresOptionMapping.configuration(verifyCa, Backend.ALLOYDB).toString()).doesNotContain("ConfiguredHostnameVerifier");
    }

    @Test
    void builderSettersCheckTheirArguments() {
        assertThatIllegalArgumentException().isThrownBy(() -> AlloyDbOptions.builder().port(0)).withMessageContaining("1..65535");
        assertThatIllegalArgumentException().isThrownBy(() -> AlloyDbOptions.builder().server(" ")).withMessageContaining("server must not be blank");
        assertThatIllegalArgumentException().isThrownBy(() -> fromUrl("r2dbc:alloydb://app@h/db?Port=http"))
                .withMessageContaining("'Port' must be a TCP port 1..65535, was 'http'");
    }
}
