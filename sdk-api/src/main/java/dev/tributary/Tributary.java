package dev.tributary;

import dev.tributary.sql.SqlClientBuilder;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;

/**
 * Where a user starts.
 *
 * <pre>{@code
 * SqlClient db = Tributary.sql("r2dbc:postgresql://app@localhost/app").build();
 * }</pre>
 */
public final class Tributary {

    private Tributary() {
    }

    /**
     * A SQL client for an R2DBC URL ({@code r2dbc:postgresql://...}, {@code r2dbc:alloydb://...},
     * {@code r2dbc:bitio://...}, or any R2DBC driver on the class path).
     *
     * @param r2dbcUrl the URL; a password in it is kept as a sensitive option and never printed
     * @return a builder
     * @throws IllegalArgumentException if the URL is {@code null} or not an R2DBC URL (the message
     *                                  does not repeat the URL, which may hold a password)
     */
    public static SqlClientBuilder sql(String r2dbcUrl) {
        if (r2dbcUrl == null || r2dbcUrl.isBlank()) {
            throw new IllegalArgumentException("r2dbcUrl must not be null or blank");
        }
        ConnectionFactoryOptions options;
        try {
            DriverOptions.declare();
            options = ConnectionFactoryOptions.parse(r2dbcUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("r2dbcUrl is not a valid R2DBC URL (expected r2dbc:driver[:protocol]://"
                    + "[user[:password]@]host[:port][/database][?option=value]): " + e.getMessage().replace(r2dbcUrl, "<url>"));
        }
        return SqlClientBuilder.of(options);
    }

    /**
     * A SQL client for R2DBC connection options.
     *
     * @param options not {@code null}
     * @return a builder
     */
    public static SqlClientBuilder sql(ConnectionFactoryOptions options) {
        return SqlClientBuilder.of(options);
    }

    /**
     * A SQL client over a connection factory of the user's.
     *
     * @param connectionFactory not {@code null}
     * @return a builder
     */
    public static SqlClientBuilder sql(ConnectionFactory connectionFactory) {
        return SqlClientBuilder.of(connectionFactory);
    }

    /**
     * Loads the R2DBC drivers on the class path once, before the first URL is parsed, so that the
     * options they declare sensitive (passwords, API keys in the query string) are named with that
     * sensitivity: r2dbc-spi fixes an option's sensitivity when its name is first used, and parsing
     * would otherwise name an unknown query parameter as an ordinary, printable option.
     */
    private static final class DriverOptions {

        static {
            java.util.ServiceLoader.load(io.r2dbc.spi.ConnectionFactoryProvider.class, Tributary.class.getClassLoader())
                    .stream().forEach(provider -> {
                        try {
                            provider.get();
                        } catch (java.util.ServiceConfigurationError e) {
                            // a broken driver fails later, where it is used, with ConnectionFactories' own error
                        }
                    });
        }

        static void declare() {
            // the class initialiser does the work, once
        }
    }
}
