package dev.tributary.r2dbc.clickhouse;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The options of the {@code bytehouse} R2DBC driver ({@link ByteHouseConnectionFactoryProvider}):
 * ByteHouse, ByteDance's ClickHouse-derived cloud warehouse, through its ClickHouse HTTP
 * interface, with the platform's conventions on top of {@link ClickHouseOptions}: TLS on, port
 * {@value #DEFAULT_PORT}, a region instead of a host, the API-key login and the
 * {@code account::user} login.
 *
 * <pre>{@code
 * // the forms ByteHouse's own drivers accept (bytehouse-sqlalchemy, driver-py), read by parse(...)
 * ConnectionFactories.get(ByteHouseOptions.parse(
 *         "r2dbc:bytehouse:///?region=AP-SOUTHEAST-1&account=AC1234&user=alice&password=" + password + "&database=sales"));
 * ConnectionFactories.get(ByteHouseOptions.parse("r2dbc:bytehouse://HOST:8123/?user=bytehouse&password=" + apiKey));
 *
 * // plain r2dbc-spi URLs (Spring Boot's spring.r2dbc.url): credentials in the user-info part
 * ConnectionFactories.get("r2dbc:bytehouse://bytehouse:" + apiKey + "@/?region=AP-SOUTHEAST-1&virtual_warehouse=vw-1-etl");
 * ConnectionFactories.get("r2dbc:bytehouse://alice:" + password + "@tenant-42-cn-beijing-public.bytehouse.volces.com/sales?account=AC1234");
 *
 * // code
 * ConnectionFactories.get(ByteHouseOptions.builder()
 *         .region(ByteHouseRegion.AP_SOUTHEAST_1).apiKey(apiKey).virtualWarehouse("vw-1-etl").build());
 * }</pre>
 *
 * <table>
 *   <caption>Options (besides those of {@link ClickHouseOptions}, which all apply)</caption>
 *   <tr><th>option</th><th>names</th><th>default</th></tr>
 *   <tr><td>host</td><td>URL host ({@code parse}: also {@code host=})</td><td>the region's gateway</td></tr>
 *   <tr><td>region</td><td>{@link #REGION} ({@code region}), see {@link ByteHouseRegion}; case-insensitive</td>
 *       <td>none; a host or a region is required, an explicit host wins</td></tr>
 *   <tr><td>port</td><td>URL port ({@code parse}: also {@code port=})</td><td>{@value #DEFAULT_PORT} (HTTPS)</td></tr>
 *   <tr><td>TLS</td><td>{@code ssl}, {@link #SECURE} ({@code secure}); {@code false} turns it off with a warning</td><td>{@code true}</td></tr>
 *   <tr><td>API key (sensitive)</td><td>{@link #API_KEY} ({@code apiKey}); or user {@value #API_KEY_USER} with the key as password</td><td>none</td></tr>
 *   <tr><td>account</td><td>{@link #ACCOUNT} ({@code account}); the user logs in as {@code account::user}</td><td>none</td></tr>
 *   <tr><td>user</td><td>URL user ({@code parse}: also {@code user=}); {@code A::U} accepted as is</td><td>{@value #API_KEY_USER} with an API key</td></tr>
 *   <tr><td>password (sensitive)</td><td>URL password ({@code parse}: also {@code password=})</td><td>required unless an API key is given</td></tr>
 *   <tr><td>database</td><td>URL path ({@code parse}: also {@code database=})</td><td>the server's ({@code default})</td></tr>
 *   <tr><td>virtual warehouse</td><td>{@link #VIRTUAL_WAREHOUSE} ({@code virtual_warehouse}, for example {@code vw-<env><account>-<name>}), {@link #VW} ({@code vw})</td>
 *       <td>the account's default warehouse (the console's setting)</td></tr>
 *   <tr><td>role</td><td>{@link #ACTIVE_ROLE} ({@code active_role}); {@code role} travels as a setting too</td><td>the user's default role</td></tr>
 * </table>
 * {@code virtual_warehouse}, {@code vw}, {@code active_role} and every other lower-case
 * {@code snake_case} name are ClickHouse settings: URL parameters of each request, as ByteHouse's
 * drivers send them as query settings. A default warehouse and role must exist in the console, or
 * every query fails with "No default virtual warehouse selected". AK/SK logins exist only on the
 * native TCP protocol and are not supported here.
 * <p>
 * Secrets: r2dbc-spi's own URL parser ({@link ConnectionFactories#get(String)}) refuses
 * {@code user}, {@code password} and {@code database} in the query string, and its error message
 * repeats the URL, password included. The ByteHouse forms that carry them in the query therefore go
 * through {@link #parse(CharSequence)}, whose messages never contain the URL. With r2dbc-spi's
 * parser, put the API key in the user-info part ({@code bytehouse:KEY@}): a query parameter
 * {@code apiKey} read before this class is loaded is a plain (not sensitive) option of
 * r2dbc-spi's, which its {@code toString} would show.
 * <p>
 * Sources: ByteHouse's drivers bytehouse-cloud/bytehouse-sqlalchemy (README: URI formats,
 * regions, virtual warehouse and role management), driver-py, driver-java and driver-go (region
 * tables, {@code secure} defaulting to true, the API-key user {@code bytehouse}), and ByteHouse's
 * documentation for JDBC users (HTTP interface on 8123 with {@code ssl=true&compress=0}).
 */
public final class ByteHouseOptions {

    /** The R2DBC driver name: {@code r2dbc:bytehouse://...}. */
    public static final String DRIVER = "bytehouse";

    /** The HTTP interface's port on ByteHouse gateways, over TLS. */
    public static final int DEFAULT_PORT = ByteHouseRegion.HTTP_PORT;

    /** The user name of the API-key login: the key is its password. */
    public static final String API_KEY_USER = "bytehouse";

    /** A region name of {@link ByteHouseRegion} instead of a host. */
    public static final Option<String> REGION = Option.valueOf("region");

    /** The account of the {@code account::user} login. */
    public static final Option<String> ACCOUNT = Option.valueOf("account");

    /** The API key (sensitive): logs in as user {@value #API_KEY_USER} with the key as password. */
    public static final Option<CharSequence> API_KEY = Option.sensitiveValueOf("apiKey");

    /** TLS, as ByteHouse's drivers name it (same as {@link ConnectionFactoryOptions#SSL}); default {@code true}. */
    public static final Option<Boolean> SECURE = Option.valueOf("secure");

    /** The ClickHouse setting naming the virtual warehouse that runs the queries. */
    public static final Option<String> VIRTUAL_WAREHOUSE = Option.valueOf("virtual_warehouse");

    /** The short form of {@link #VIRTUAL_WAREHOUSE} some ByteHouse drivers use. */
    public static final Option<String> VW = Option.valueOf("vw");

    /** The ClickHouse setting naming the role the queries run as. */
    public static final Option<String> ACTIVE_ROLE = Option.valueOf("active_role");

    private static final String URL_PREFIX = "bytehouse:";

    private ByteHouseOptions() {
    }

    /**
     * @return a builder: TLS on, port {@value #DEFAULT_PORT}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a ByteHouse URL in the forms ByteHouse's own drivers accept, where the user, password,
     * database, host and port may also be query parameters:
     * <ul>
     *   <li>{@code r2dbc:bytehouse:///?region=R&account=A&user=U&password=P[&database=D]}</li>
     *   <li>{@code r2dbc:bytehouse://HOST:PORT/?account=A&user=U&password=P}</li>
     *   <li>{@code r2dbc:bytehouse:///?region=R&user=bytehouse&password=API_KEY}</li>
     *   <li>{@code r2dbc:bytehouse://HOST:PORT/?user=bytehouse&password=API_KEY}</li>
     *   <li>and every r2dbc-spi form ({@code r2dbc:bytehouse://user:password@host:port/database?...}).</li>
     * </ul>
     * The {@code r2dbc:} prefix may be left out ({@code bytehouse:///?...}, as the SQLAlchemy
     * dialect writes it); {@code r2dbcs:} asks for TLS, which is on anyway. Parameter values are
     * percent-decoded (UTF-8, {@code +} is a space). Nothing is checked beyond the URL's shape:
     * the driver checks the options when it creates the factory ({@link ByteHouseConnectionFactoryProvider}).
     *
     * @param url the URL; not {@code null}
     * @return options with driver {@value #DRIVER}, the password and API key sensitive
     * @throws IllegalArgumentException if the URL is not a {@code bytehouse} URL, is malformed,
     *                                  or gives one option twice; the message never contains the URL
     */
    public static ConnectionFactoryOptions parse(CharSequence url) {
        Objects.requireNonNull(url, "url");
        String text = url.toString().trim();
        boolean r2dbcs = false;
        if (text.startsWith("r2dbcs:")) {
            r2dbcs = true;
            text = text.substring("r2dbcs:".length());
        } else if (text.startsWith("r2dbc:")) {
            text = text.substring("r2dbc:".length());
        }
        if (!text.startsWith(URL_PREFIX + "//")) {
            throw new IllegalArgumentException("Not a ByteHouse URL: it must start with r2dbc:bytehouse:// (or bytehouse://)");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            // e.getMessage() would repeat the URL, password included
            throw new IllegalArgumentException("Malformed ByteHouse URL: " + e.getReason() + " at index " + e.getIndex()
                    + " (after the r2dbc: prefix)");
        }
        Map<Option<?>, Object> values = new HashMap<>();
        ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, DRIVER);
        if (r2dbcs) {
            put(options, values, ConnectionFactoryOptions.SSL, Boolean.TRUE);
        }
        String host = uri.getHost();
        String userInfo = uri.getRawUserInfo();
        if (host == null && uri.getRawAuthority() != null) {
            // "user:password@" with no host: java.net.URI sees a registry-based authority
            String authority = uri.getRawAuthority();
            int at = authority.lastIndexOf('@');
            userInfo = at < 0 ? null : authority.substring(0, at);
            host = authority.substring(at + 1);
            int colon = host.lastIndexOf(':');
            if (colon >= 0 && !host.endsWith("]")) {
                putPort(options, values, host.substring(colon + 1));
                host = host.substring(0, colon);
            }
        } else if (uri.getPort() != -1) {
            put(options, values, ConnectionFactoryOptions.PORT, uri.getPort());
        }
        if (host != null && !host.isBlank()) {
            put(options, values, ConnectionFactoryOptions.HOST, decode(host));
        }
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            if (!user.isEmpty()) {
                put(options, values, ConnectionFactoryOptions.USER, user);
            }
            if (colon >= 0 && colon < userInfo.length() - 1) {
                put(options, values, ConnectionFactoryOptions.PASSWORD, decode(userInfo.substring(colon + 1)));
            }
        }
        String path = uri.getRawPath();
        if (path != null && path.length() > 1) {
            put(options, values, ConnectionFactoryOptions.DATABASE, decode(path.substring(1)));
        }
        String query = uri.getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = decode(equals < 0 ? pair : pair.substring(0, equals)).trim();
                String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
                if (name.isEmpty()) {
                    throw new IllegalArgumentException("Malformed ByteHouse URL: a query parameter without a name");
                }
                switch (name) {
                    case "user":
                        put(options, values, ConnectionFactoryOptions.USER, value);
                        break;
                    case "password":
                        put(options, values, ConnectionFactoryOptions.PASSWORD, value);
                        break;
                    case "database":
                        put(options, values, ConnectionFactoryOptions.DATABASE, value);
                        break;
                    case "host":
                        put(options, values, ConnectionFactoryOptions.HOST, value);
                        break;
                    case "port":
                        putPort(options, values, value);
                        break;
                    case "apiKey":
                        put(options, values, API_KEY, value);
                        break;
                    default:
                        put(options, values, Option.valueOf(name), value);
                }
            }
        }
        return options.build();
    }

    private static void putPort(ConnectionFactoryOptions.Builder options, Map<Option<?>, Object> values, String port) {
        try {
            put(options, values, ConnectionFactoryOptions.PORT, Integer.parseInt(port.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Malformed ByteHouse URL: the port must be a number, was '" + port + "'");
        }
    }

    @SuppressWarnings("unchecked")
    private static void put(ConnectionFactoryOptions.Builder options, Map<Option<?>, Object> values, Option<?> option, Object value) {
        Object earlier = values.putIfAbsent(option, value);
        if (earlier != null && !earlier.toString().equals(value.toString())) {
            throw new IllegalArgumentException("ByteHouse URL: option '" + option.name() + "' is given twice with different values"
                    + (isSecret(option) ? "" : " ('" + earlier + "' and '" + value + "')") + "; give it once");
        }
        options.option((Option<Object>) option, value);
    }

    private static boolean isSecret(Option<?> option) {
        return option.equals(ConnectionFactoryOptions.PASSWORD) || option.name().equals(API_KEY.name());
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Malformed ByteHouse URL: a bad percent-escape (" + e.getMessage() + ")");
        }
    }

    /**
     * Builds ByteHouse {@link ConnectionFactoryOptions}. Not thread-safe. Setters check their own
     * argument; {@link #build()} checks the combination through the same mapping the
     * {@code bytehouse} driver applies to URLs.
     */
    public static final class Builder {

        private final ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, DRIVER);

        private Builder() {
        }

        /**
         * @param region a region of the table; not {@code null}
         * @return this builder
         */
        public Builder region(ByteHouseRegion region) {
            this.options.option(REGION, Objects.requireNonNull(region, "region").regionName());
            return this;
        }

        /**
         * @param region a region name, case-insensitive, for example {@code AP-SOUTHEAST-1}
         * @return this builder
         * @throws IllegalArgumentException if the region is unknown (the message lists the known ones)
         */
        public Builder region(String region) {
            return region(ByteHouseRegion.of(region));
        }

        /**
         * @param host the gateway or tenant host (wins over a region); not blank
         * @return this builder
         */
        public Builder host(String host) {
            this.options.option(ConnectionFactoryOptions.HOST, nonBlank("host", host));
            return this;
        }

        /**
         * @param port 1..65535 (default {@value #DEFAULT_PORT})
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1..65535, was " + port);
            }
            this.options.option(ConnectionFactoryOptions.PORT, port);
            return this;
        }

        /**
         * @param apiKey the API key; logs in as user {@value #API_KEY_USER}; not empty; kept as a sensitive option
         * @return this builder
         */
        public Builder apiKey(CharSequence apiKey) {
            Objects.requireNonNull(apiKey, "apiKey");
            if (apiKey.length() == 0) {
                throw new IllegalArgumentException("apiKey must not be empty");
            }
            this.options.option(API_KEY, apiKey);
            return this;
        }

        /**
         * @param account the account of the {@code account::user} login; not blank
         * @return this builder
         */
        public Builder account(String account) {
            this.options.option(ACCOUNT, nonBlank("account", account));
            return this;
        }

        /**
         * @param user the user (with {@link #account(String)}), or {@code account::user}; not blank
         * @return this builder
         */
        public Builder user(String user) {
            this.options.option(ConnectionFactoryOptions.USER, nonBlank("user", user));
            return this;
        }

        /**
         * @param password the user's password; not {@code null}; kept as a sensitive option
         * @return this builder
         */
        public Builder password(CharSequence password) {
            this.options.option(ConnectionFactoryOptions.PASSWORD, Objects.requireNonNull(password, "password"));
            return this;
        }

        /**
         * @param database the default database of the statements; not blank
         * @return this builder
         */
        public Builder database(String database) {
            this.options.option(ConnectionFactoryOptions.DATABASE, nonBlank("database", database));
            return this;
        }

        /**
         * @param warehouse the virtual warehouse ({@code virtual_warehouse} setting), for example {@code vw-1-etl}; not blank
         * @return this builder
         */
        public Builder virtualWarehouse(String warehouse) {
            this.options.option(VIRTUAL_WAREHOUSE, nonBlank("virtualWarehouse", warehouse));
            return this;
        }

        /**
         * @param role the role ({@code active_role} setting); not blank
         * @return this builder
         */
        public Builder activeRole(String role) {
            this.options.option(ACTIVE_ROLE, nonBlank("activeRole", role));
            return this;
        }

        /**
         * @param name  a ClickHouse setting, lower-case {@code snake_case}, for example {@code max_execution_time}
         * @param value its value; not {@code null}
         * @return this builder
         * @throws IllegalArgumentException if the name is no setting name or one the driver refuses
         */
        public Builder setting(String name, String value) {
            this.options.option(ClickHouseOptions.setting(name), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * @param ssl {@code false} for plain HTTP (insecure: credentials in clear text; for local
         *            test servers only; default {@code true})
         * @return this builder
         */
        public Builder ssl(boolean ssl) {
            this.options.option(ConnectionFactoryOptions.SSL, ssl);
            return this;
        }

        /**
         * @param rootCertificate PEM file of the certificate authorities to trust (default the JDK's); not {@code null}
         * @return this builder
         */
        public Builder sslRootCert(Path rootCertificate) {
            this.options.option(ClickHouseOptions.SSL_ROOT_CERT, Objects.requireNonNull(rootCertificate, "rootCertificate"));
            return this;
        }

        /**
         * Sets any other option, for example {@link ClickHouseOptions#COMPRESSION} or
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
         * @return the options (driver {@value #DRIVER}, password and API key sensitive)
         * @throws IllegalArgumentException as the driver would: neither host nor region,
         *                                  missing or conflicting credentials, a malformed value
         */
        public ConnectionFactoryOptions build() {
            ConnectionFactoryOptions built = this.options.build();
            ClickHouseOptionMapping.resolve(built);
            return built;
        }

        @Override
        public String toString() {
            return "ByteHouseOptions.Builder" + this.options.build();
        }

        private static String nonBlank(String name, String value) {
            Objects.requireNonNull(value, name);
            if (value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value.trim();
        }
    }
}
