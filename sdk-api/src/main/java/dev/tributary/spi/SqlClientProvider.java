package dev.tributary.spi;

import dev.tributary.sql.SqlClient;
import dev.tributary.sql.SqlClientSpec;

/**
 * Creates {@link SqlClient}s; found through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.tributary.spi.SqlClientProvider}). {@code sdk-r2dbc} provides the
 * implementation for every R2DBC {@link io.r2dbc.spi.ConnectionFactory}.
 */
public interface SqlClientProvider {

    /**
     * @param spec the client to build; not {@code null}
     * @return whether this provider can build it
     */
    boolean supports(SqlClientSpec spec);

    /**
     * @param spec the client to build; not {@code null}
     * @return the client; opens no connection
     */
    SqlClient create(SqlClientSpec spec);
}
