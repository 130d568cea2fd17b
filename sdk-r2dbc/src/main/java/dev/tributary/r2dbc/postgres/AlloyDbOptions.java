package dev.tributary.r2dbc.postgres;

import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import org.reactivestreams.Publisher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Connection options for Google AlloyDB for PostgreSQL, for the {@code alloydb} R2DBC driver
 * ({@link AlloyDbConnectionFactoryProvider}). Three equivalent ways in, one mapping behind them:
 *
 * <pre>{@code
 * // 1. a URL (Spring Boot: spring.r2dbc.url)
 * ConnectionFactory cf = ConnectionFactories.get("r2dbc:alloydb://app:secret@10.0.0.5:5432/appdb?sslmode=require");
 *
 * // 2. code
 * ConnectionFactory cf = ConnectionFactories.get(AlloyDbOptions.builder()
 *         .server("10.0.0.5").user("app").password(secret).database("appdb")
 *         .sslMode(SSLMode.VERIFY_FULL).sslRootCert(Path.of("alloydb-ca.pem"))
 *         .build());
 *
 * // 3. the key=value string users of other AlloyDB/.NET connectors have
 * ConnectionFactory cf = ConnectionFactories.get(
 *         AlloyDbOptions.fromConnectionString("Server=10.0.0.5;Port=5432;Database=appdb;User=app;Password=" + secret));
 * }</pre>
 *
 * <table>
 *   <caption>Settings (names are matched ignoring case, spaces, {@code _} and {@code -})</caption>
 *   <tr><th>setting</th><th>names</th><th>default</th></tr>
 *   <tr><td>host</td><td>URL host, {@code host}, {@code Server}</td><td>required</td></tr>
 *   <tr><td>port</td><td>URL port, {@code port}</td><td>{@value #DEFAULT_PORT}</td></tr>
 *   <tr><td>database</td><td>URL path, {@code database}, {@code db}, {@code dbname}</td><td>the server's (the user name)</td></tr>
 *   <tr><td>user</td><td>URL user, {@code user}, {@code username}, {@code User Id}, {@code uid}</td><td>required</td></tr>
 *   <tr><td>password (sensitive)</td><td>URL password, {@code password}, {@code pwd}, {@code psw}</td><td>none</td></tr>
 *   <tr><td>TLS mode</td><td>{@code sslmode}, {@code sslMode}, {@code SSL Mode}; {@code r2dbcs:} or {@code ssl=true} mean verify-full</td><td>{@code prefer} (as libpq and Npgsql)</td></tr>
 *   <tr><td>root certificate (PEM file)</td><td>{@code sslrootcert}, {@code sslRootCert}, {@code Root Certificate}</td><td>the JDK's trust store</td></tr>
 *   <tr><td>client certificate / key (PEM files)</td><td>{@code sslcert}, {@code SSL Certificate} / {@code sslkey}</td><td>none</td></tr>
 *   <tr><td>client key password (sensitive)</td><td>{@code sslpassword}, {@code SSL Password}</td><td>none</td></tr>
 *   <tr><td>application name</td><td>{@code applicationName}, {@code application_name}, {@code Application Name}</td><td>r2dbc-postgresql's</td></tr>
 * </table>
 * Other r2dbc-postgresql options ({@code fetchSize}, {@code connectTimeout}, {@code options}, ...)
 * pass through unchanged. Two names for one setting with different values are an error naming
 * both. TLS modes are libpq's: {@code disable}, {@code allow}, {@code prefer}, {@code require}
 * (encrypted, certificate not checked), {@code verify-ca} (certificate chains to the root),
 * {@code verify-full} (and names the host as configured: {@code localhost} or {@code 10.0.0.5}, as
 * written).
 * <p>
 * Authentication: the server picks the method in {@code pg_hba.conf}; cleartext password, MD5 and
 * SCRAM-SHA-256 work. Kerberos/GSSAPI (for example {@code Integrated Security=true},
 * {@code Kerberos Service Name}, {@code gssEncMode=require}, {@code authMethod=gss}) is rejected
 * at configuration time with an {@link IllegalArgumentException}: r2dbc-postgresql does not
 * implement it.
 * <p>
 * Passwords are kept in {@link ConnectionFactoryOptions#PASSWORD} (a sensitive option, printed
 * as {@code REDACTED}) and never appear in this package's messages. In a URL, put the password
 * in the user-info part ({@code user:password@host}): r2dbc-spi's URL parser keeps query
 * parameters ({@code ?Password=...}) as ordinary options that its own {@code toString} would show.
 */
public final class AlloyDbOptions {

    /** The R2DBC driver name: {@code r2dbc:alloydb://...}. */
    public static final String DRIVER = "alloydb";

    /** PostgreSQL's port, AlloyDB's too. */
    public static final int DEFAULT_PORT = 5432;

    private AlloyDbOptions() {
    }

    /**
     * @return a builder with no settings
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a {@code key=value;...} connection string as Npgsql (and the .NET AlloyDB samples)
     * write it: {@code Server} (or {@code Host}), {@code Port}, {@code Database}, {@code User}
     * (or {@code Username}, {@code User Id}), {@code Password}, {@code SSL Mode},
     * {@code Root Certificate}, {@code SSL Certificate}, {@code SSL Key}, {@code SSL Password},
     * {@code Application Name}, {@code Timeout} (connect timeout, seconds),
     * {@code Command Timeout} (statement timeout, seconds), {@code Search Path}. Keys are
     * case-insensitive; a value containing {@code ;} is quoted with {@code "} or {@code '}.
     *
     * <pre>{@code
     * ConnectionFactoryOptions options = AlloyDbOptions.fromConnectionString(
     *         "Server=10.0.0.5;Port=5432;Database=appdb;User=app;Password=" + secret + ";SSL Mode=Require");
     * }</pre>
     *
     * @param connectionString the string; not {@code null}
     * @return options for {@link ConnectionFactories#get(ConnectionFactoryOptions)} (driver
     * {@value #DRIVER}, the password sensitive)
     * @throws IllegalArgumentException if the string is malformed, has an unknown key (pool
     *                                  settings such as {@code Pooling} belong to
     *                                  {@code PoolSettings}), asks for Kerberos/GSSAPI, gives
     *                                  conflicting values, or lacks the server or user; the
     *                                  message never contains a value that may be a password
     */
    public static ConnectionFactoryOptions fromConnectionString(CharSequence connectionString) {
        Objects.requireNonNull(connectionString, "connectionString");
        ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, DRIVER);
        for (Map.Entry<String, String> pair : KeywordConnectionString.parse(connectionString).entrySet()) {
            String name = pair.getKey();
            String value = pair.getValue();
            switch (PostgresSetting.key(name)) {
                case "timeout":
                    options.option(ConnectionFactoryOptions.CONNECT_TIMEOUT, seconds(name, value));
                    break;
                case "commandtimeout":
                    options.option(ConnectionFactoryOptions.STATEMENT_TIMEOUT, seconds(name, value));
                    break;
                case "searchpath":
                    options.option(PostgresqlConnectionFactoryProvider.CURRENT_SCHEMA, value);
                    break;
                default:
                    PostgresSetting setting = settingNamed(name);
                    if (setting != null && setting.isSecret()) {
                        options.option(Option.sensitiveValueOf(name), value);
                    } else if (setting != null || GssapiRequest.isKerberosOption(name)) {
                        options.option(Option.valueOf(name), value);
                    } else {
                        throw new IllegalArgumentException("Connection string: key '" + name + "' is not supported; the keys"
                                + " are Server (Host), Port, Database, User (Username, User Id), Password, SSL Mode,"
                                + " Root Certificate, SSL Certificate, SSL Key, SSL Password, Application Name, Timeout,"
                                + " Command Timeout, Search Path (pool settings belong to PoolSettings)");
                    }
            }
        }
        return PostgresOptionMapping.normalize(options.build(), Backend.ALLOYDB);
    }

    private static PostgresSetting settingNamed(String name) {
        String key = PostgresSetting.key(name);
        for (PostgresSetting setting : PostgresSetting.values()) {
            if (Backend.ALLOYDB.keys(setting).contains(key)) {
                return setting;
            }
        }
        return null;
    }

    private static Duration seconds(String name, String value) {
        try {
            long seconds = Long.parseLong(value.trim());
            if (seconds < 0) {
                throw new NumberFormatException();
            }
            return Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Connection string: '" + name + "' must be a whole number of seconds, was '" + value + "'");
        }
    }

    /**
     * Builds AlloyDB {@link ConnectionFactoryOptions}. Not thread-safe. Setters check their own
     * argument; {@link #build()} checks the combination through the same mapping the
     * {@code alloydb} driver applies to URLs.
     */
    public static final class Builder {

        private final ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, DRIVER);

        private Builder() {
        }

        /**
         * @param host the instance's IP address or DNS name; not blank
         * @return this builder
         * @throws IllegalArgumentException if blank
         */
        public Builder server(String host) {
            this.options.option(ConnectionFactoryOptions.HOST, OptionChecks.text("server", host));
            return this;
        }

        /**
         * @param port 1..65535 (default {@value #DEFAULT_PORT})
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder port(int port) {
            this.options.option(ConnectionFactoryOptions.PORT, OptionChecks.port(port));
            return this;
        }

        /**
         * @param user the database user; not blank
         * @return this builder
         */
        public Builder user(String user) {
            this.options.option(ConnectionFactoryOptions.USER, OptionChecks.text("user", user));
            return this;
        }

        /**
         * @param password the password; not {@code null}; kept as a sensitive option
         * @return this builder
         */
        public Builder password(CharSequence password) {
            this.options.option(ConnectionFactoryOptions.PASSWORD, Objects.requireNonNull(password, "password"));
            return this;
        }

        /**
         * @param password asked for the password on every connect (rotation, for example an IAM
         *                 token); must not block; not {@code null}
         * @return this builder
         */
        public Builder password(Supplier<? extends CharSequence> password) {
            OptionChecks.putSecret(this.options, ConnectionFactoryOptions.PASSWORD, Objects.requireNonNull(password, "password"));
            return this;
        }

        /**
         * @param password subscribed to for the password on every connect; not {@code null}
         * @return this builder
         */
        public Builder password(Publisher<? extends CharSequence> password) {
            OptionChecks.putSecret(this.options, ConnectionFactoryOptions.PASSWORD, Objects.requireNonNull(password, "password"));
            return this;
        }

        /**
         * @param database the database name; not blank (default: the server's, the user name)
         * @return this builder
         */
        public Builder database(String database) {
            this.options.option(ConnectionFactoryOptions.DATABASE, OptionChecks.text("database", database));
            return this;
        }

        /**
         * @param sslMode libpq's TLS mode (default {@link SSLMode#PREFER}); not {@code null}
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
         * @param certificate PEM file of the client certificate; not {@code null}
         * @return this builder
         */
        public Builder sslCert(Path certificate) {
            this.options.option(PostgresqlConnectionFactoryProvider.SSL_CERT, OptionChecks.file("sslCert", certificate));
            return this;
        }

        /**
         * @param key PEM file (PKCS#8) of the client key; not {@code null}
         * @return this builder
         */
        public Builder sslKey(Path key) {
            this.options.option(PostgresqlConnectionFactoryProvider.SSL_KEY, OptionChecks.file("sslKey", key));
            return this;
        }

        /**
         * @param password the client key's password; not {@code null}; kept as a sensitive option
         * @return this builder
         */
        public Builder sslKeyPassword(CharSequence password) {
            OptionChecks.putSecret(this.options, PostgresSetting.SSL_KEY_PASSWORD.option, Objects.requireNonNull(password, "password"));
            return this;
        }

        /**
         * @param name shown in {@code pg_stat_activity.application_name}; not blank
         * @return this builder
         */
        public Builder applicationName(String name) {
            this.options.option(PostgresqlConnectionFactoryProvider.APPLICATION_NAME, OptionChecks.text("applicationName", name));
            return this;
        }

        /**
         * Sets any other option, for example r2dbc-postgresql's
         * {@link PostgresqlConnectionFactoryProvider#FETCH_SIZE} or
         * {@link ConnectionFactoryOptions#CONNECT_TIMEOUT}.
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
         * @return the options (driver {@value #DRIVER}, password sensitive)
         * @throws IllegalArgumentException if the server or user is missing, two options
         *                                  conflict, or Kerberos/GSSAPI is asked for
         */
        public ConnectionFactoryOptions build() {
            return PostgresOptionMapping.normalize(this.options.build(), Backend.ALLOYDB);
        }

        @Override
        public String toString() {
            return "AlloyDbOptions.Builder" + this.options.build();
        }
    }
}
