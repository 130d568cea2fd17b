package dev.tributary.r2dbc.clickhouse;

import dev.tributary.testkit.clickhouse.ClickHouseServer;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code clickhouse} driver found through {@link ConnectionFactories#get(String)} against a real
 * clickhouse-server: the URL's user, password, database and settings reach the server.
 */
class ClickHouseConnectionFactoryProviderIT {

    private static final String PASSWORD = "app-Pa55:w0rd";

    private static ClickHouseServer clickhouse;

    @BeforeAll
    static void startServer() {
        clickhouse = ClickHouseServer.builder().user("app", PASSWORD).keepAliveTimeout(Duration.ofSeconds(1)).start();
    }

    @AfterAll
    static void stopServer() {
        if (clickhouse != null) {
            clickhouse.close();
        }
    }

    private static String url(String userInfo, String query) {
        return "r2dbc:clickhouse://" + userInfo + "@" + clickhouse.host() + ":" + clickhouse.httpPort() + "/system" + query;
    }

    private static Mono<String> firstValue(ConnectionFactory factory, String sql) {
        return Flux.usingWhen(factory.create(),
                        connection -> Flux.from(connection.createStatement(sql).execute())
                                .flatMap(result -> result.map((row, metadata) -> String.valueOf(row.get(0)))),
                        Connection::close)
                .single();
    }

    @Test
    void runsSelectOneThroughTheProviderWithTheUrlsUserAndPassword() {
        ConnectionFactory factory = ConnectionFactories.get(url("app:" + PASSWORD.replace(":", "%3A"), ""));

        assertThat(factory).isInstanceOf(ClickHouseConnectionFactory.class);
        assertThat(firstValue(factory, "SELECT 1").block(Duration.ofSeconds(30))).isEqualTo("1");
        // 18.16 has no currentUser(): the statement finds itself in system.processes
        assertThat(firstValue(factory, "SELECT user FROM system.processes WHERE query LIKE '%provider-it-whoami%'")
                .block(Duration.ofSeconds(30))).isEqualTo("app");
        assertThat(firstValue(factory, "SELECT currentDatabase()").block(Duration.ofSeconds(30))).isEqualTo("system");
    }

    @Test
    void sendsQueryParametersThatAreSettingsAndTheStatementTimeoutToTheServer() {
        ConnectionFactory settings = ConnectionFactories.get(url("app:" + PASSWORD.replace(":", "%3A"),
                "?max_execution_time=37&max_result_rows=1234"));
        ConnectionFactory statementTimeout = ConnectionFactories.get(url("app:" + PASSWORD.replace(":", "%3A"), "?statementTimeout=PT1M"));

        assertThat(firstValue(settings, "SELECT value FROM system.settings WHERE name = 'max_result_rows'")
                .block(Duration.ofSeconds(30))).isEqualTo("1234");
        assertThat(firstValue(settings, "SELECT value FROM system.settings WHERE name = 'max_execution_time'")
                .block(Duration.ofSeconds(30))).isEqualTo("37");
        assertThat(firstValue(statementTimeout, "SELECT value FROM system.settings WHERE name = 'max_execution_time'")
                .block(Duration.ofSeconds(30))).isEqualTo("60");
    }

    @Test
    void letsTheServerRejectAMisspeltSettingInsteadOfDroppingIt() {
        ConnectionFactory factory = ConnectionFactories.get(url("app:" + PASSWORD.replace(":", "%3A"), "?max_execution_tme=30"));

        assertThatThrownBy(() -> firstValue(factory, "SELECT 1").block(Duration.ofSeconds(30)))
                .isInstanceOf(R2dbcException.class)
                .hasMessageContaining("max_execution_tme");
    }

    @Test
    void reportsAWrongPasswordAsPermissionDeniedWithoutShowingIt() {
        ConnectionFactory factory = ConnectionFactories.get(url("app:not-" + PASSWORD.replace(":", "%3A"), ""));

        assertThatThrownBy(() -> firstValue(factory, "SELECT 1").block(Duration.ofSeconds(30)))
                .isInstanceOf(R2dbcPermissionDeniedException.class)
                .satisfies(error -> assertThat(error.toString()).doesNotContain("Pa55"));
    }
}
