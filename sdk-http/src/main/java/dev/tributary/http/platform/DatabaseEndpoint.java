package dev.tributary.http.platform;

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The platform's PostgreSQL endpoint (host, port, TLS mode) and the R2DBC options of the
 * {@code bitio} driver (sdk-r2dbc's {@code BitioConnectionFactoryProvider}, found by
 * {@code ServiceLoader}; named here, not linked) for one database: the API key as the password,
 * the database's full name as the database.
 */
final class DatabaseEndpoint {

    static final String DEFAULT_HOST = "db.bit.io";
    static final int DEFAULT_PORT = 5432;
    static final String DEFAULT_SSL_MODE = "require";

    /** The R2DBC driver of the platform's conventions (sdk-r2dbc's {@code BitioOptions.DRIVER}). */
    static final String DRIVER = "bitio";

    /** libpq's sslmode values, which the driver takes. */
    static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    /** The driver's TLS mode option (r2dbc-postgresql's {@code sslMode}). */
    static final Option<Object> SSL_MODE = Option.valueOf("sslMode");

    /** The driver's trusted certificate authorities option (r2dbc-postgresql's {@code sslRootCert}). */
    static final Option<Object> SSL_ROOT_CERT = Option.valueOf("sslRootCert");

    private final String host;
    private final int port;
    private final String sslMode;
    private final Path sslRootCert;

    DatabaseEndpoint(String host, int port, String sslMode, Path sslRootCert) {
        this.host = host;
        this.port = port;
        this.sslMode = sslMode;
        this.sslRootCert = sslRootCert;
    }

    static String checkHost(String host) {
        Objects.requireNonNull(host, "host");
        if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("the database host must be a host name or address, was '" + host + "'");
        }
        return host;
    }

    static int checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the database port must be 1..65535, was " + port);
        }
        return port;
    }

    static String checkSslMode(String sslMode) {
        Objects.requireNonNull(sslMode, "sslMode");
        String mode = sslMode.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        if (!SSL_MODES.contains(mode)) {
            throw new IllegalArgumentException("sslmode must be one of disable, allow, prefer, require, verify-ca,"
                    + " verify-full (libpq's values), was '" + sslMode + "'");
        }
        return mode;
    }

    /**
     * @param database the database's full name {@code <username>/<db_name>}
     * @param apiKey   the key, sent as the password (asked on every connect when it is not fixed)
     * @return the options of the {@code bitio} driver
     */
    @SuppressWarnings("unchecked")
    ConnectionFactoryOptions options(DatabaseName database, ApiKeySource apiKey) {
        ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, DRIVER)
                .option(ConnectionFactoryOptions.HOST, this.host)
                .option(ConnectionFactoryOptions.PORT, this.port)
                .option(ConnectionFactoryOptions.DATABASE, database.toString())
                .option(ConnectionFactoryOptions.USER, database.owner())
                .option((Option<Object>) (Option<?>) ConnectionFactoryOptions.PASSWORD, apiKey.password())
                .option(SSL_MODE, this.sslMode);
        if (this.sslRootCert != null) {
            options.option(SSL_ROOT_CERT, this.sslRootCert);
        }
        return options.build();
    }

    @Override
    public String toString() {
        return this.host + ':' + this.port + "?sslmode=" + this.sslMode + (this.sslRootCert == null ? "" : "&sslrootcert=" + this.sslRootCert);
    }
}
