package dev.tributary.r2dbc.clickhouse;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code bytehouse} driver against a real ByteHouse account. <b>An explicit, documented
 * exception to the project's "tests never skip" rule</b>: ByteHouse is a paid cloud service that
 * neither CI nor a developer machine has, so this class runs only when {@code BYTEHOUSE_HOST} and
 * {@code BYTEHOUSE_API_KEY} are set (JUnit's {@link EnabledIfEnvironmentVariable}); everything
 * ByteHouse-specific is also checked without an account by {@link ByteHouseWireIT} and the unit tests.
 * <p>
 * Environment: {@code BYTEHOUSE_HOST} (the gateway or tenant host), {@code BYTEHOUSE_API_KEY};
 * optional {@code BYTEHOUSE_PORT} (default 8123), {@code BYTEHOUSE_DATABASE} (default
 * {@code default}), {@code BYTEHOUSE_VIRTUAL_WAREHOUSE} (default: the account's), and
 * {@code BYTEHOUSE_TABLE_ENGINE} (default {@code CnchMergeTree}, ByteHouse's MergeTree). The table
 * this test creates has a random name and is dropped at the end.
 */
@EnabledIfEnvironmentVariable(named = "BYTEHOUSE_HOST", matches = ".+")
@EnabledIfEnvironmentVariable(named = "BYTEHOUSE_API_KEY", matches = ".+")
class ByteHouseLiveIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private static ClickHouseConnectionFactory factory() {
        ByteHouseOptions.Builder builder = ByteHouseOptions.builder()
                .host(System.getenv("BYTEHOUSE_HOST"))
                .apiKey(System.getenv("BYTEHOUSE_API_KEY"));
        String port = System.getenv("BYTEHOUSE_PORT");
        if (port != null && !port.isBlank()) {
            builder.port(Integer.parseInt(port.trim()));
        }
        String database = System.getenv("BYTEHOUSE_DATABASE");
        if (database != null && !database.isBlank()) {
            builder.database(database);
        }
        String warehouse = System.getenv("BYTEHOUSE_VIRTUAL_WAREHOUSE");
        if (warehouse != null && !warehouse.isBlank()) {
            builder.virtualWarehouse(warehouse);
        }
        ConnectionFactoryOptions options = builder.build();
        return (ClickHouseConnectionFactory) ConnectionFactories.get(options);
    }

    private static Flux<String> run(ClickHouseConnection connection, String sql) {
        return Flux.from(connection.createStatement(sql).execute())
                .flatMap(result -> result.map((row, metadata) -> String.valueOf(row.get(0))));
    }

    @Test
    void selectsOne() {
        String one = Flux.usingWhen(factory().create(), connection -> run(connection, "SELECT 1"), ClickHouseConnection::close)
                .single().block(TIMEOUT);

        assertThat(one).isEqualTo("1");
    }

    @Test
    void insertsAndSelectsRowsOfAFreshTable() {
        String table = "tributary_it_" + UUID.randomUUID().toString().replace("-", "");
        String engine = System.getenv().getOrDefault("BYTEHOUSE_TABLE_ENGINE", "CnchMergeTree");

        List<String> names = Flux.usingWhen(factory().create(), connection -> Flux.concat(
                                run(connection, "CREATE TABLE " + table + " (id UInt32, name String) ENGINE = " + engine + " ORDER BY id"),
                                run(connection, "INSERT INTO " + table + " VALUES (1, 'alpha'), (2, 'beta'), (3, 'gamma')"),
                                run(connection, "SELECT name FROM " + table + " ORDER BY id"))
                        .concatWith(Mono.defer(() -> run(connection, "DROP TABLE IF EXISTS " + table).then(Mono.empty()))),
                        ClickHouseConnection::close,
                        (connection, error) -> Flux.concat(run(connection, "DROP TABLE IF EXISTS " + table).then(),
                                connection.close()),
                        ClickHouseConnection::close)
                .collectList().block(TIMEOUT);

        assertThat(names).containsExactly("alpha", "beta", "gamma");
    }
}
