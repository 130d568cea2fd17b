package dev.tributary.r2dbc.clickhouse;

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.ConnectionFactoryProvider;

import java.util.Objects;

/**
 * The {@code clickhouse} R2DBC driver: ClickHouse over its HTTP interface
 * ({@link ClickHouseConnectionFactory}). Found by {@link java.util.ServiceLoader}, so
 * {@code ConnectionFactories.get("r2dbc:clickhouse://user:password@host:8123/database?max_execution_time=30")}
 * and Spring Boot's {@code spring.r2dbc.url} work.
 *
 * <h2>URL forms</h2>
 * <ul>
 *   <li>{@code r2dbc:clickhouse://[user[:password]@]host[:port][/database][?option=value&setting=value...]}: plain HTTP,
 *       port {@value ClickHouseOptions#DEFAULT_PORT} by default;</li>
 *   <li>{@code r2dbcs:clickhouse://...}, {@code ?ssl=true} or {@code r2dbc:clickhouse:https://...}: HTTPS, port
 *       {@value ClickHouseOptions#DEFAULT_TLS_PORT} by default, the server's certificate checked against the JDK's
 *       trust store (or {@code sslRootCert}) and the host name ({@code sslHostnameVerification}).</li>
 * </ul>
 * Every option, its default, and how options are told from ClickHouse settings:
 * {@link ClickHouseOptions}. In short: {@code user} ({@code default}), {@code password} (none),
 * {@code database} ({@code default}), {@code ssl} ({@code false}), {@code sslRootCert} (JDK trust
 * store), {@code sslHostnameVerification} ({@code true}), {@code compression} ({@code true}: gzip),
 * {@code session} ({@code false}), {@code connectTimeout} (10 s), {@code responseTimeout} (none),
 * {@code statementTimeout} (as {@code max_execution_time}), {@code authentication}
 * ({@code basic}), {@code serverSideParameters} ({@code auto}), {@code applicationName}; every
 * lower-case {@code snake_case} name is a ClickHouse setting sent with each request.
 * <p>
 * Source: the ClickHouse HTTP interface documentation
 * (<a href="https://clickhouse.com/docs/en/interfaces/http">clickhouse.com/docs/en/interfaces/http</a>):
 * settings as URL parameters, {@code database}, {@code session_id}, Basic or
 * {@code X-ClickHouse-User}/{@code X-ClickHouse-Key} authentication, {@code enable_http_compression}.
 */
public final class ClickHouseConnectionFactoryProvider implements ConnectionFactoryProvider {

    /**
     * @param options options with driver {@value ClickHouseOptions#DRIVER}
     * @return a connection factory (opens no connection)
     * @throws IllegalArgumentException if the host is missing, an option is unknown or
     *                                  malformed, a setting is refused, or two options conflict
     *                                  (see {@link ClickHouseOptions}); never with a password in the message
     */
    @Override
    public ClickHouseConnectionFactory create(ConnectionFactoryOptions options) {
        return new ClickHouseConnectionFactory(ClickHouseOptionMapping.resolve(Objects.requireNonNull(options, "options")).configuration());
    }

    @Override
    public boolean supports(ConnectionFactoryOptions options) {
        return ClickHouseOptions.DRIVER.equals(Objects.requireNonNull(options, "options").getValue(ConnectionFactoryOptions.DRIVER));
    }

    @Override
    public String getDriver() {
        return ClickHouseOptions.DRIVER;
    }
}
