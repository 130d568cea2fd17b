package dev.tributary.r2dbc.postgres;

import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.ConnectionFactoryProvider;

import java.util.Objects;

/**
 * The {@code bitio} R2DBC driver: the bit.io serverless platform's conventions
 * ({@link BitioOptions}) over r2dbc-postgresql. Found by {@link java.util.ServiceLoader}, so
 * {@code ConnectionFactories.get("r2dbc:bitio://alice:<api key>@db.bit.io/alice/demo")} and
 * Spring Boot's {@code spring.r2dbc.url} work.
 */
public final class BitioConnectionFactoryProvider implements ConnectionFactoryProvider {

    static {
        // names the sensitive options before any URL that carries them is parsed (Tributary.sql loads the providers first)
        java.util.Objects.requireNonNull(BitioOptions.API_KEY_PARAMETER);
    }


    /**
     * @param options options with driver {@value BitioOptions#DRIVER}
     * @return a connection factory (opens no connection)
     * @throws IllegalArgumentException if the options are incomplete (database, API key),
     *                                  conflicting, malformed (a database name not
     *                                  {@code <username>/<db_name>}) or ask for Kerberos/GSSAPI
     */
    @Override
    public PostgresqlConnectionFactory create(ConnectionFactoryOptions options) {
        return new PostgresqlConnectionFactory(PostgresOptionMapping.configuration(options, Backend.BITIO).build());
    }

    @Override
    public boolean supports(ConnectionFactoryOptions options) {
        return BitioOptions.DRIVER.equals(Objects.requireNonNull(options, "options").getValue(ConnectionFactoryOptions.DRIVER));
    }

    @Override
    public String getDriver() {
        return BitioOptions.DRIVER;
    }
}
