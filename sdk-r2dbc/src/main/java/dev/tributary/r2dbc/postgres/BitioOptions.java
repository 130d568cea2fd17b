package dev.tributary.r2dbc.postgres;

import dev.tributary.sql.PoolSettings;
import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import org.reactivestreams.Publisher;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Connection options for the bit.io serverless PostgreSQL platform, for the {@code bitio} R2DBC
 * driver ({@link BitioConnectionFactoryProvider}). The platform's conventions (docs.bit.io, see
 * the project's {@code shared/fixtures/bitio/API.md}): the endpoint {@code db.bit.io:5432},
 * {@code sslmode=require}, the API key as the password, database names
 * {@code <username>/<db_name>}.
 *
 * <pre>{@code
 * // a URL: the database name is the path, slash included (or percent-encoded: alice%2Fdemo)
 * ConnectionFactory cf = ConnectionFactories.get("r2dbc:bitio://alice:" + apiKey + "@db.bit.io/alice/demo");
 *
 * // code
 * ConnectionFactory cf = ConnectionFactories.get(BitioOptions.builder()
 *         .database("alice/demo").apiKey(apiKey)
 *         .build());
 *
 * // a local server (tests, an emulator): plain TCP
 * BitioOptions.builder().host("127.0.0.1").port(port).database("alice/demo").apiKey(key)
 *         .sslMode(SSLMode.DISABLE).build();
 * }</pre>
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>names</th><th>default</th></tr>
 *   <tr><td>host</td><td>URL host, {@code host}</td><td>{@value #DEFAULT_HOST}</td></tr>
 *   <tr><td>port</td><td>URL port, {@code port}</td><td>{@value #DEFAULT_PORT}</td></tr>
 *   <tr><td>database</td><td>URL path, {@code database}; must be {@code <username>/<db_name>}</td><td>required</td></tr>
 *   <tr><td>user</td><td>URL user, {@code user}</td><td>the {@code <username>} of the database name (the service ignores it)</td></tr>
 *   <tr><td>API key (sensitive)</td><td>URL password, {@code password}, {@code apiKey}</td><td>required</td></tr>
 *   <tr><td>TLS mode</td><td>{@code sslmode}, {@code sslMode}</td><td>{@code require}; {@code disable} for local servers</td></tr>
 *   <tr><td>root certificate</td><td>{@code sslrootcert}, {@code sslRootCert}</td><td>the JDK's trust store</td></tr>
 * </table>
 * Other names and rules are {@link AlloyDbOptions}'s (the same mapping; Kerberos/GSSAPI is
 * rejected the same way).
 * <p>
 * Pool: the platform closes sessions idle for 5 minutes (SQLSTATE 57P05), caps a connection at
 * 60 minutes and scales to zero after 60 s without connections. {@code Tributary.sql(...)}
 * therefore pools {@code r2dbc:bitio:} URLs with {@link #POOL_SETTINGS}
 * ({@link PoolSettings#serverless()}: idle connections closed after 4 minutes, lifetime 25
 * minutes, no minimum idle connections that would keep the database awake).
 */
public final class BitioOptions {

    /**
     * The {@code apiKey} URL parameter, declared sensitive so that r2dbc-spi never prints it: an
     * option's sensitivity is fixed by whoever names it first in the JVM, and a URL parsed before
     * this class is loaded would name it as an ordinary option.
     */
    static final io.r2dbc.spi.Option<CharSequence> API_KEY_PARAMETER = io.r2dbc.spi.Option.sensitiveValueOf("apiKey");


    /** The R2DBC driver name: {@code r2dbc:bitio://...}. */
    public static final String DRIVER = "bitio";

    /** The platform's PostgreSQL endpoint. */
    public static final String DEFAULT_HOST = "db.bit.io";

    /** The platform's PostgreSQL port. */
    public static final int DEFAULT_PORT = 5432;

    /**
     * The pool defaults for this backend: {@link PoolSettings#serverless()}, which
     * {@code SqlClientBuilder} picks for driver {@value #DRIVER} when no pool is given.
     */
    public static final PoolSettings POOL_SETTINGS = PoolSettings.serverless();

    private BitioOptions() {
    }

    /**
     * @return a builder: host {@value #DEFAULT_HOST}, port {@value #DEFAULT_PORT}, {@code sslmode=require}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds bit.io {@link ConnectionFactoryOptions}. Not thread-safe. Setters check their own
     * argument; {@link #build()} checks the combination through the same mapping the
     * {@code bitio} driver applies to URLs.
     */
    public static final class Builder {

        private final ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, DRIVER);

        private Builder() {
        }

        /**
         * @param fullName {@code <username>/<db_name>}, for example {@code alice/demo}
         * @return this builder
         * @throws IllegalArgumentException if it is not of that shape
         */
        public Builder database(String fullName) {
            String name = OptionChecks.text("database", fullName);
            if (!Backend.isFullDatabaseName(name)) {
                throw new IllegalArgumentException("database must be '<username>/<db_name>' (for example 'alice/demo'), was '" + name + "'");
            }
            this.options.option(ConnectionFactoryOptions.DATABASE, name);
            return this;
        }

        /**
         * @param username the user to log in as (default: the owner part of the database name;
         *                 the platform identifies the caller by the API key); not blank
         * @return this builder
         */
        public Builder username(String username) {
            this.options.option(ConnectionFactoryOptions.USER, OptionChecks.text("username", username));
            return this;
        }

        /**
         * @param apiKey the API key ({@code v2_...}), sent as the password; not {@code null}; kept
         *               as a sensitive option
         * @return this builder
         */
        public Builder apiKey(CharSequence apiKey) {
            this.options.option(ConnectionFactoryOptions.PASSWORD, Objects.requireNonNull(apiKey, "apiKey"));
            return this;
        }

        /**
         * @param apiKey asked for the key on every connect (rotation); must not block; not {@code null}
         * @return this builder
         */
        public Builder apiKey(Supplier<? extends CharSequence> apiKey) {
            OptionChecks.putSecret(this.options, ConnectionFactoryOptions.PASSWORD, Objects.requireNonNull(apiKey, "apiKey"));
            return this;
        }

        /**
         * @param apiKey subscribed to for the key on every connect; not {@code null}
         * @return this builder
         */
        public Builder apiKey(Publisher<? extends CharSequence> apiKey) {
            OptionChecks.putSecret(this.options, ConnectionFactoryOptions.PASSWORD, Objects.requireNonNull(apiKey, "apiKey"));
            return this;
        }

        /**
         * @param host the PostgreSQL endpoint (default {@value #DEFAULT_HOST}); not blank
         * @return this builder
         */
        public Builder host(String host) {
            this.options.option(ConnectionFactoryOptions.HOST, OptionChecks.text("host", host));
            return this;
        }

        /**
         * @param port 1..65535 (default {@value #DEFAULT_PORT})
         * @return this builder
         */
        public Builder port(int port) {
            this.options.option(ConnectionFactoryOptions.PORT, OptionChecks.port(port));
            return this;
        }

        /**
         * @param sslMode libpq's TLS mode (default {@link SSLMode#REQUIRE}; {@link SSLMode#DISABLE}
         *                for a local server without TLS); not {@code null}
         * @return this builder
         */
        public Builder sslMode(SSLMode sslMode) {
            this.options.option(PostgresqlConnectionFactoryProvider.SSL_MODE, Objects.requireNonNull(sslMode, "sslMode"));
            return this;
        }

        /**
         * @param rootCertificate PEM file of the certificate authorities trusted for
         *                        {@code verify-ca}/{@code verify-full}; not {@code null}
         * @return this builder
         */
        public Builder sslRootCert(Path rootCertificate) {
            this.options.option(PostgresqlConnectionFactoryProvider.SSL_ROOT_CERT, OptionChecks.file("sslRootCert", rootCertificate));
            return this;
        }

        /**
         * Sets any other option, for example {@link ConnectionFactoryOptions#CONNECT_TIMEOUT}.
         *
         * @param option the option; not {@code null}
         * @param value  its value; not {@code null}
         * @param <T>    the value type
         * @return this builder
         */
        public <T> Builder option(Option<T> option, T value) {
            this.options.option(option, value);
            return this;
        }

        /**
         * @return the options (driver {@value #DRIVER}, the API key sensitive)
         * @throws IllegalArgumentException if the database or API key is missing, the database
         *                                  name is not {@code <username>/<db_name>}, or two
         *                                  options conflict
         */
        public ConnectionFactoryOptions build() {
            return PostgresOptionMapping.normalize(this.options.build(), Backend.BITIO);
        }

        @Override
        public String toString() {
            return "BitioOptions.Builder" + this.options.build();
        }
    }
}
