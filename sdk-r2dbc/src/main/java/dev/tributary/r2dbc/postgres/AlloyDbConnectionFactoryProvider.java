package dev.tributary.r2dbc.postgres;

import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.ConnectionFactoryProvider;

import java.util.Objects;

/**
 * The {@code alloydb} R2DBC driver: AlloyDB conventions ({@link AlloyDbOptions}) over
 * r2dbc-postgresql. Found by {@link java.util.ServiceLoader}, so
 * {@code ConnectionFactories.get("r2dbc:alloydb://user:password@host:5432/db?sslmode=require")}
 * and Spring Boot's {@code spring.r2dbc.url} work.
 */
public final class AlloyDbConnectionFactoryProvider implements ConnectionFactoryProvider {

    /**
     * @param options options with driver {@value AlloyDbOptions#DRIVER}
     * @return a connection factory (opens no connection)
     * @throws IllegalArgumentException if the options are incomplete, conflicting, malformed or
     *                                  ask for Kerberos/GSSAPI (see {@link AlloyDbOptions})
     */
    @Override
    public PostgresqlConnectionFactory create(ConnectionFactoryOptions options) {
        return new PostgresqlConnectionFactory(PostgresOptionMapping.configuration(options, Backend.ALLOYDB).build());
    }

    @Override
    public boolean supports(ConnectionFactoryOptions options) {
        return AlloyDbOptions.DRIVER.equals(Objects.requireNonNull(options, "options").getValue(ConnectionFactoryOptions.DRIVER));
    }

    @Override
    public String getDriver() {
        return AlloyDbOptions.DRIVER;
    }
}
