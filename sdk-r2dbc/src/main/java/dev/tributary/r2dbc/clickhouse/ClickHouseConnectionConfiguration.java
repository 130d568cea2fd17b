package dev.tributary.r2dbc.clickhouse;

import io.netty.handler.ssl.SslContext;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Immutable settings of a {@link ClickHouseConnectionFactory}: where the ClickHouse HTTP
 * interface is, how to authenticate, and what every statement sends along.
 *
 * <pre>{@code
 * ClickHouseConnectionConfiguration configuration = ClickHouseConnectionConfiguration.builder()
 *         .host("127.0.0.1").port(8123)
 *         .database("default").username("default").password(secret)
 *         .setting("max_execution_time", "60")
 *         .build();
 * ConnectionFactory factory = new ClickHouseConnectionFactory(configuration);
 * }</pre>
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>what it does</th></tr>
 *   <tr><td>{@code host}</td><td>required</td><td>the server's host name or address</td></tr>
 *   <tr><td>{@code port}</td><td>{@value #DEFAULT_PORT}, {@value #DEFAULT_TLS_PORT} with {@code ssl}</td><td>the HTTP interface's port</td></tr>
 *   <tr><td>{@code ssl}</td><td>{@code false}</td><td>HTTPS; the JDK's trust store unless {@code trustedCertificates} or {@code sslContext}</td></tr>
 *   <tr><td>{@code trustedCertificates}</td><td>none</td><td>a PEM file of CA certificates to trust (instead of the JDK's)</td></tr>
 *   <tr><td>{@code hostnameVerification}</td><td>{@code true}</td><td>check that the server's certificate names {@code host} (RFC 6125)</td></tr>
 *   <tr><td>{@code sslContext}</td><td>none</td><td>a ready Netty client {@link SslContext}; replaces {@code trustedCertificates}</td></tr>
 *   <tr><td>{@code database}</td><td>{@value #DEFAULT_DATABASE}</td><td>sent as the {@code database} URL parameter</td></tr>
 *   <tr><td>{@code username}</td><td>{@value #DEFAULT_USERNAME}</td><td>sent in the {@code Authorization} or {@code X-ClickHouse-User} header</td></tr>
 *   <tr><td>{@code password}</td><td>empty</td><td>sensitive: never in {@code toString}, URLs, logs or messages</td></tr>
 *   <tr><td>{@code authentication}</td><td>{@link Authentication#BASIC}</td><td>how the credentials travel (both are headers, never URL parameters)</td></tr>
 *   <tr><td>{@code setting(name, value)}</td><td>none</td><td>ClickHouse settings sent as URL parameters with every statement
 *       ({@code max_execution_time}, ByteHouse's {@code virtual_warehouse} ...)</td></tr>
 *   <tr><td>{@code compression}</td><td>{@code true}</td><td>gzip responses: {@code enable_http_compression=1} and {@code Accept-Encoding: gzip}</td></tr>
 *   <tr><td>{@code connectTimeout}</td><td>10 s</td><td>the TCP (and TLS) connect timeout</td></tr>
 *   <tr><td>{@code responseTimeout}</td><td>none</td><td>the longest wait for a statement's response headers (not its rows)</td></tr>
 *   <tr><td>{@code session}</td><td>{@code false}</td><td>one {@code session_id} per connection (temporary tables, {@code SET})</td></tr>
 *   <tr><td>{@code serverSideParameters}</td><td>{@link ServerSideParameters#AUTO}</td><td>binds as {@code param_} URL parameters or as literals in the SQL</td></tr>
 *   <tr><td>{@code applicationName}</td><td>{@value #DEFAULT_APPLICATION_NAME}</td><td>sent as the {@code User-Agent} header</td></tr>
 * </table>
 *
 * The {@code compress=1} URL parameter (ClickHouse's own LZ4 framing) is never sent: ClickHouse
 * 18.16 answers it with an empty body.
 */
public final class ClickHouseConnectionConfiguration {

    /** The HTTP interface's default port. */
    public static final int DEFAULT_PORT = 8123;

    /** The HTTPS interface's default port. */
    public static final int DEFAULT_TLS_PORT = 8443;

    /** The database used when none is set. */
    public static final String DEFAULT_DATABASE = "default";

    /** The user used when none is set. */
    public static final String DEFAULT_USERNAME = "default";

    /** The {@code User-Agent} sent when no application name is set. */
    public static final String DEFAULT_APPLICATION_NAME = "tributary-r2dbc-clickhouse";

    /** How the credentials travel. Neither puts the password in the URL (URLs reach logs). */
    public enum Authentication {
        /** {@code Authorization: Basic base64(user:password)} (RFC 7617). */
        BASIC,
        /** {@code X-ClickHouse-User} and {@code X-ClickHouse-Key} headers. */
        CLICKHOUSE_HEADERS
    }

    /** Whether binds travel as server-side query parameters ({@code {name:Type}}, {@code param_name=} URL parameters). */
    public enum ServerSideParameters {
        /** Server-side when the server's version (from the handshake) supports them (19.x and later), else client-side literals. */
        AUTO,
        /** Always server-side. */
        ALWAYS,
        /** Always client-side: each bind rendered as an escaped SQL literal. */
        NEVER
    }

    /** URL parameters the driver itself sends (or must never send); a {@code setting(...)} may not use them. */
    static final Set<String> RESERVED_PARAMETERS = Set.of("database", "query", "query_id", "session_id", "session_timeout",
            "session_check", "user", "password", "quota_key", "compress", "decompress", "enable_http_compression",
            "default_format");

    private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final String host;
    private final int port;
    private final boolean ssl;
    private final SslContext sslContext;
    private final Path trustedCertificates;
    private final boolean hostnameVerification;
    private final String database;
    private final String username;
    private final String password;
    private final Authentication authentication;
    private final Map<String, String> settings;
    private final boolean compression;
    private final Duration connectTimeout;
    private final Duration responseTimeout;
    private final boolean session;
    private final ServerSideParameters serverSideParameters;
    private final String applicationName;

    private ClickHouseConnectionConfiguration(Builder builder) {
        this.host = builder.host;
        this.ssl = builder.ssl;
        this.port = builder.port != null ? builder.port : builder.ssl ? DEFAULT_TLS_PORT : DEFAULT_PORT;
        this.sslContext = builder.sslContext;
        this.trustedCertificates = builder.trustedCertificates;
        this.hostnameVerification = builder.hostnameVerification;
        this.database = builder.database;
        this.username = builder.username;
        this.password = builder.password;
        this.authentication = builder.authentication;
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(builder.settings));
        this.compression = builder.compression;
        this.connectTimeout = builder.connectTimeout;
        this.responseTimeout = builder.responseTimeout;
        this.session = builder.session;
        this.serverSideParameters = builder.serverSideParameters;
        this.applicationName = builder.applicationName;
    }

    /**
     * @return a builder with the defaults of the table above; {@code host} must be set
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return a builder holding these settings, to derive another configuration
     */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.host = host;
        builder.port = port;
        builder.ssl = ssl;
        builder.sslContext = sslContext;
        builder.trustedCertificates = trustedCertificates;
        builder.hostnameVerification = hostnameVerification;
        builder.database = database;
        builder.username = username;
        builder.password = password;
        builder.authentication = authentication;
        builder.settings.putAll(settings);
        builder.compression = compression;
        builder.connectTimeout = connectTimeout;
        builder.responseTimeout = responseTimeout;
        builder.session = session;
        builder.serverSideParameters = serverSideParameters;
        builder.applicationName = applicationName;
        return builder;
    }

    /** @return the server's host name or address */
    public String host() {
        return host;
    }

    /** @return the HTTP(S) port */
    public int port() {
        return port;
    }

    /** @return whether the connection uses HTTPS */
    public boolean ssl() {
        return ssl;
    }

    /** @return the Netty client TLS context given, or {@code null} */
    public SslContext sslContext() {
        return sslContext;
    }

    /** @return the PEM file of trusted CA certificates, or {@code null} for the JDK's trust store */
    public Path trustedCertificates() {
        return trustedCertificates;
    }

    /** @return whether the server's certificate must name {@link #host()} */
    public boolean hostnameVerification() {
        return hostnameVerification;
    }

    /** @return the database sent with every statement */
    public String database() {
        return database;
    }

    /** @return the user name */
    public String username() {
        return username;
    }

    /** @return the password (possibly empty); package-private so that it cannot leak through the API */
    String password() {
        return password;
    }

    /** @return whether a password is set (without revealing it) */
    public boolean hasPassword() {
        return !password.isEmpty();
    }

    /** @return how the credentials travel */
    public Authentication authentication() {
        return authentication;
    }

    /** @return the ClickHouse settings sent as URL parameters, in the order they were set; unmodifiable */
    public Map<String, String> settings() {
        return settings;
    }

    /** @return whether responses are requested gzip-compressed */
    public boolean compression() {
        return compression;
    }

    /** @return the TCP (and TLS) connect timeout */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** @return the longest wait for a statement's response headers, or {@code null} for none */
    public Duration responseTimeout() {
        return responseTimeout;
    }

    /** @return whether each connection has its own {@code session_id} */
    public boolean session() {
        return session;
    }

    /** @return whether binds travel as server-side parameters */
    public ServerSideParameters serverSideParameters() {
        return serverSideParameters;
    }

    /** @return the {@code User-Agent} sent */
    public String applicationName() {
        return applicationName;
    }

    @Override
    public String toString() {
        return "ClickHouseConnectionConfiguration{" + (ssl ? "https" : "http") + "://" + host + ":" + port
                + ", database=" + database + ", username=" + username + ", password=" + (password.isEmpty() ? "<none>" : "REDACTED")
                + ", authentication=" + authentication + ", settings=" + settings + ", compression=" + compression
                + (ssl ? ", trustedCertificates=" + trustedCertificates + ", sslContext=" + (sslContext != null)
                        + ", hostnameVerification=" + hostnameVerification : "")
                + ", connectTimeout=" + connectTimeout + ", responseTimeout=" + responseTimeout + ", session=" + session
                + ", serverSideParameters=" + serverSideParameters + ", applicationName=" + applicationName + "}";
    }

    /** Collects settings; not thread-safe. Each setter checks its argument, {@link #build()} the combinations. */
    public static final class Builder {

        private String host;
        private Integer port;
        private boolean ssl;
        private SslContext sslContext;
        private Path trustedCertificates;
        private boolean hostnameVerification = true;
        private String database = DEFAULT_DATABASE;
        private String username = DEFAULT_USERNAME;
        private String password = "";
        private Authentication authentication = Authentication.BASIC;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private boolean compression = true;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration responseTimeout;
        private boolean session;
        private ServerSideParameters serverSideParameters = ServerSideParameters.AUTO;
        private String applicationName = DEFAULT_APPLICATION_NAME;

        private Builder() {
        }

        /**
         * @param host the server's host name or address; not blank
         * @return this builder
         * @throws IllegalArgumentException when blank or when it holds a scheme, port or path
         */
        public Builder host(String host) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank() || host.contains("/") || host.contains("@") || host.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("host must be a host name or address (no scheme, user or path), got '" + host + "'");
            }
            this.host = host;
            return this;
        }

        /**
         * @param port 1..65535
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * @param ssl whether to use HTTPS (the default port becomes {@value #DEFAULT_TLS_PORT})
         * @return this builder
         */
        public Builder ssl(boolean ssl) {
            this.ssl = ssl;
            return this;
        }

        /**
         * @param sslContext a Netty client TLS context (trust, client certificates, protocols); {@code null} for none.
         *                   Host name verification follows {@link #hostnameVerification(boolean)} (set on each TLS engine).
         * @return this builder
         */
        public Builder sslContext(SslContext sslContext) {
            if (sslContext != null && sslContext.isServer()) {
                throw new IllegalArgumentException("sslContext must be a client context");
            }
            this.sslContext = sslContext;
            return this;
        }

        /**
         * @param pemFile a PEM file of CA certificates to trust instead of the JDK's trust store; {@code null} for none
         * @return this builder
         */
        public Builder trustedCertificates(Path pemFile) {
            this.trustedCertificates = pemFile;
            return this;
        }

        /**
         * @param verify whether the server's certificate must name the host (default {@code true})
         * @return this builder
         */
        public Builder hostnameVerification(boolean verify) {
            this.hostnameVerification = verify;
            return this;
        }

        /**
         * @param database the database; not blank
         * @return this builder
         */
        public Builder database(String database) {
            Objects.requireNonNull(database, "database");
            if (database.isBlank()) {
                throw new IllegalArgumentException("database must not be blank");
            }
            this.database = database;
            return this;
        }

        /**
         * @param username the user; not blank, no control characters
         * @return this builder
         */
        public Builder username(String username) {
            Objects.requireNonNull(username, "username");
            if (username.isBlank() || username.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("username must not be blank nor hold control characters");
            }
            this.username = username;
            return this;
        }

        /**
         * @param password the password; {@code null} or empty for none; no control characters
         * @return this builder
         */
        public Builder password(CharSequence password) {
            String value = password == null ? "" : password.toString();
            if (value.chars().anyMatch(Character::isISOControl)) {
                // never echo the value: it is a secret
                throw new IllegalArgumentException("password must not hold control characters");
            }
            this.password = value;
            return this;
        }

        /**
         * @param authentication how the credentials travel
         * @return this builder
         */
        public Builder authentication(Authentication authentication) {
            this.authentication = Objects.requireNonNull(authentication, "authentication");
            return this;
        }

        /**
         * Adds (or replaces) a ClickHouse setting sent as a URL parameter with every statement.
         *
         * @param name  a setting name ({@code [A-Za-z_][A-Za-z0-9_]*}), not one the driver sends itself
         *              ({@code database}, {@code query_id}, {@code session_id}, {@code compress} ...)
         * @param value its value; not null
         * @return this builder
         * @throws IllegalArgumentException naming the setting when the name is malformed or reserved
         */
        public Builder setting(String name, String value) {
            Objects.requireNonNull(name, "setting name");
            Objects.requireNonNull(value, () -> "value of setting " + name);
            if (!SETTING_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("setting name must match [A-Za-z_][A-Za-z0-9_]*, got '" + name + "'");
            }
            if (RESERVED_PARAMETERS.contains(name.toLowerCase(Locale.ROOT)) || name.startsWith("param_")) {
                throw new IllegalArgumentException("setting '" + name + "' is sent by the driver itself"
                        + (name.equals("compress") ? " (never: ClickHouse 18.16 answers compress=1 with an empty body; use compression(true))" : "")
                        + "; use the builder's own option");
            }
            settings.put(name, value);
            return this;
        }

        /**
         * @param compression whether to ask for gzip responses (default {@code true})
         * @return this builder
         */
        public Builder compression(boolean compression) {
            this.compression = compression;
            return this;
        }

        /**
         * @param timeout the TCP (and TLS) connect timeout; positive
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * @param timeout the longest wait for a statement's response headers; positive, or {@code null} for none
         * @return this builder
         */
        public Builder responseTimeout(Duration timeout) {
            this.responseTimeout = timeout == null ? null : positive(timeout, "responseTimeout");
            return this;
        }

        /**
         * @param session whether each connection gets its own {@code session_id} (default {@code false})
         * @return this builder
         */
        public Builder session(boolean session) {
            this.session = session;
            return this;
        }

        /**
         * @param mode whether binds travel as server-side parameters (default {@link ServerSideParameters#AUTO})
         * @return this builder
         */
        public Builder serverSideParameters(ServerSideParameters mode) {
            this.serverSideParameters = Objects.requireNonNull(mode, "serverSideParameters");
            return this;
        }

        /**
         * @param name the {@code User-Agent} sent; not blank, no control characters
         * @return this builder
         */
        public Builder applicationName(String name) {
            Objects.requireNonNull(name, "applicationName");
            if (name.isBlank() || name.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("applicationName must not be blank nor hold control characters");
            }
            this.applicationName = name;
            return this;
        }

        /**
         * @return the configuration
         * @throws IllegalStateException when {@code host} is missing, or TLS settings are given without {@code ssl},
         *                               or both {@code sslContext} and {@code trustedCertificates} are given
         */
        public ClickHouseConnectionConfiguration build() {
            if (host == null) {
                throw new IllegalStateException("host is required");
            }
            if (!ssl && (sslContext != null || trustedCertificates != null)) {
                throw new IllegalStateException("sslContext and trustedCertificates need ssl(true)");
            }
            if (sslContext != null && trustedCertificates != null) {
                throw new IllegalStateException("give either sslContext or trustedCertificates, not both");
            }
            return new ClickHouseConnectionConfiguration(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        }
    }
}
