package dev.tributary.r2dbc.clickhouse;

import io.netty.handler.ssl.SslContext;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one path from {@link ConnectionFactoryOptions} (parsed from a URL by r2dbc-spi or
 * {@link ByteHouseOptions#parse}, or built in code) to {@link ResolvedOptions}, for both drivers:
 * options are told from settings by name (see {@link ClickHouseOptions}), values are checked, and
 * for {@code bytehouse} the platform's conventions are applied. Messages name the option and,
 * for options that are not secret, the value; never a password or API key.
 */
final class ClickHouseOptionMapping {

    /** A ClickHouse setting name, as {@code system.settings} lists them. */
    private static final Pattern SETTING_NAME = Pattern.compile("[a-z][a-z0-9_]*");

    private static final Pattern DURATION_WITH_UNIT = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    /** r2dbc-spi's standard options this driver reads. */
    private static final Set<String> STANDARD = Set.of(ConnectionFactoryOptions.DRIVER.name(), ConnectionFactoryOptions.HOST.name(),
            ConnectionFactoryOptions.PORT.name(), ConnectionFactoryOptions.USER.name(), ConnectionFactoryOptions.PASSWORD.name(),
            ConnectionFactoryOptions.DATABASE.name(), ConnectionFactoryOptions.SSL.name(), ConnectionFactoryOptions.PROTOCOL.name(),
            ConnectionFactoryOptions.CONNECT_TIMEOUT.name(), ConnectionFactoryOptions.STATEMENT_TIMEOUT.name(),
            ConnectionFactoryOptions.LOCK_WAIT_TIMEOUT.name());

    private static final Set<String> CLICKHOUSE = Set.of(ClickHouseOptions.COMPRESSION.name(), ClickHouseOptions.SESSION.name(),
            ClickHouseOptions.RESPONSE_TIMEOUT.name(), ClickHouseOptions.SSL_ROOT_CERT.name(),
            ClickHouseOptions.SSL_HOSTNAME_VERIFICATION.name(), ClickHouseOptions.SSL_CONTEXT.name(),
            ClickHouseOptions.APPLICATION_NAME.name(), ClickHouseOptions.AUTHENTICATION.name(),
            ClickHouseOptions.SERVER_SIDE_PARAMETERS.name());

    private static final Set<String> BYTEHOUSE = Set.of(ByteHouseOptions.REGION.name(), ByteHouseOptions.ACCOUNT.name(),
            ByteHouseOptions.API_KEY.name(), ByteHouseOptions.SECURE.name());

    /** URL parameters of the HTTP interface that the driver itself sets, with what to use instead. */
    private static final Map<String, String> RESERVED = Map.ofEntries(
            Map.entry("query", "the SQL is the request body"),
            Map.entry("query_id", "the driver gives every statement its own query_id"),
            Map.entry("session_id", "use the option session=true (a session per connection)"),
            Map.entry("enable_http_compression", "use the option compression=true|false"),
            Map.entry("decompress", "ClickHouse's LZ4-framed request bodies are not supported"),
            Map.entry("user", "give the user in the URL's user-info part (user:password@host)"),
            Map.entry("password", "give the password in the URL's user-info part (user:password@host)"),
            Map.entry("database", "give the database as the URL path (host:8123/database)"),
            Map.entry("session_timeout", "the driver manages the session (option session=true)"),
            Map.entry("session_check", "the driver manages the session (option session=true)"),
            Map.entry("quota_key", "the driver does not send quota keys"),
            Map.entry("default_format", "the driver sends an explicit FORMAT"));

    private ClickHouseOptionMapping() {
    }

    /**
     * @param options the options, driver {@code clickhouse} or {@code bytehouse} (others are read
     *                as {@code clickhouse})
     * @return the checked options
     * @throws IllegalArgumentException for an unknown option, a malformed value, a refused
     *                                  setting, two options in conflict, or something missing (the
     *                                  host; for ByteHouse a host or region, and credentials)
     */
    static ResolvedOptions resolve(ConnectionFactoryOptions options) {
        boolean bytehouse = ByteHouseOptions.DRIVER.equals(options.getValue(ConnectionFactoryOptions.DRIVER));
        String driver = bytehouse ? ByteHouseOptions.DRIVER : ClickHouseOptions.DRIVER;
        Map<String, String> settings = new LinkedHashMap<>();
        for (Option<?> option : optionsOf(options)) {
            String name = option.name();
            if (STANDARD.contains(name) || CLICKHOUSE.contains(name)) {
                continue;
            }
            if (BYTEHOUSE.contains(name)) {
                if (!bytehouse) {
                    throw new IllegalArgumentException(driver + ": option '" + name + "' is a ByteHouse option; use the bytehouse"
                            + " driver (r2dbc:bytehouse://...)");
                }
                continue;
            }
            if (name.equals("compress")) {
                // ByteHouse's JDBC guide writes compress=0; 1 would ask for LZ4 framing
                if (bool(driver, name, options.getValue(option))) {
                    throw new IllegalArgumentException(driver + ": compress=1 (ClickHouse's LZ4-framed responses) is not supported:"
                            + " ClickHouse 18.16 answers it with an empty body; use compression=true for gzip");
                }
                continue;
            }
            checkSettingName(driver, name);
            settings.put(name, settingValue(driver, name, options.getValue(option)));
        }
        if (options.hasOption(ConnectionFactoryOptions.LOCK_WAIT_TIMEOUT)) {
            throw new IllegalArgumentException(driver + ": option 'lockWaitTimeout' is not supported: ClickHouse has no lock waits"
                    + " to limit; use statementTimeout (max_execution_time)");
        }

        boolean ssl = tls(options, driver, bytehouse);
        String host = text(options.getValue(ConnectionFactoryOptions.HOST));
        Integer port = port(driver, options.getValue(ConnectionFactoryOptions.PORT));
        String username = text(options.getValue(ConnectionFactoryOptions.USER));
        CharSequence password = password(driver, ConnectionFactoryOptions.PASSWORD.name(), options.getValue(ConnectionFactoryOptions.PASSWORD));
        if (bytehouse) {
            ByteHouseLogin login = ByteHouseLogin.of(text(options.getValue(ByteHouseOptions.ACCOUNT)), username, password,
                    password(driver, ByteHouseOptions.API_KEY.name(), options.getValue(ByteHouseOptions.API_KEY)));
            username = login.username;
            password = login.password;
            String region = text(options.getValue(ByteHouseOptions.REGION));
            if (host == null) {
                if (region == null) {
                    throw new IllegalArgumentException("bytehouse: neither a host nor a region was given: give the host"
                            + " (r2dbc:bytehouse://HOST:PORT/...) or the region (region=AP-SOUTHEAST-1; known regions: "
                            + ByteHouseRegion.knownNames() + ")");
                }
                host = ByteHouseRegion.of(region).gatewayHost();
            } else if (region != null) {
                ByteHouseRegion.of(region); // an unknown region is still a mistake worth reporting
            }
            if (port == null) {
                port = ByteHouseOptions.DEFAULT_PORT;
            }
        } else if (host == null) {
            throw new IllegalArgumentException("clickhouse: the host is required (r2dbc:clickhouse://HOST:8123/database)");
        }

        Path trusted = path(driver, options.getValue(ClickHouseOptions.SSL_ROOT_CERT));
        Object sslContext = options.getValue(ClickHouseOptions.SSL_CONTEXT);
        if (sslContext != null && !(sslContext instanceof SslContext)) {
            throw new IllegalArgumentException(driver + ": option 'sslContext' must be an io.netty.handler.ssl.SslContext, was a "
                    + sslContext.getClass().getName());
        }
        if (sslContext != null && trusted != null) {
            throw new IllegalArgumentException(driver + ": give either option 'sslContext' or option 'sslRootCert', not both");
        }
        if (!ssl && (trusted != null || sslContext != null)) {
            throw new IllegalArgumentException(driver + ": option '" + (trusted != null ? "sslRootCert" : "sslContext")
                    + "' is given but TLS is off (ssl=false)");
        }

        Duration statementTimeout = duration(driver, ConnectionFactoryOptions.STATEMENT_TIMEOUT.name(),
                options.getValue(ConnectionFactoryOptions.STATEMENT_TIMEOUT));
        if (statementTimeout != null) {
            long seconds = Math.max(1, (statementTimeout.toMillis() + 999) / 1000);
            String earlier = settings.putIfAbsent("max_execution_time", Long.toString(seconds));
            if (earlier != null && !earlier.equals(Long.toString(seconds))) {
                throw new IllegalArgumentException(driver + ": conflicting statement time limits: statementTimeout is " + seconds
                        + " s but max_execution_time is " + earlier + "; give it once");
            }
        }

        ClickHouseConnectionConfiguration.Authentication authentication =
                authentication(driver, options.getValue(ClickHouseOptions.AUTHENTICATION));
        if (username != null && username.indexOf(':') >= 0) {
            // RFC 7617: a user-id with a colon cannot travel in Basic credentials; ClickHouse splits at the
            // first colon, so "account::user" would arrive as user "account". The headers carry it intact.
            if (authentication == ClickHouseConnectionConfiguration.Authentication.BASIC) {
                throw new IllegalArgumentException(driver + ": user '" + username + "' contains ':', which Basic authentication"
                        + " cannot carry (RFC 7617); use authentication=headers (the default for such users)");
            }
            authentication = ClickHouseConnectionConfiguration.Authentication.CLICKHOUSE_HEADERS;
        }

        return new ResolvedOptions(driver, host, port, ssl, trusted,
                bool(driver, ClickHouseOptions.SSL_HOSTNAME_VERIFICATION.name(), options.getValue(ClickHouseOptions.SSL_HOSTNAME_VERIFICATION)),
                (SslContext) sslContext, text(options.getValue(ConnectionFactoryOptions.DATABASE)), username, password, settings,
                bool(driver, ClickHouseOptions.COMPRESSION.name(), options.getValue(ClickHouseOptions.COMPRESSION)),
                bool(driver, ClickHouseOptions.SESSION.name(), options.getValue(ClickHouseOptions.SESSION)),
                duration(driver, ConnectionFactoryOptions.CONNECT_TIMEOUT.name(), options.getValue(ConnectionFactoryOptions.CONNECT_TIMEOUT)),
                duration(driver, ClickHouseOptions.RESPONSE_TIMEOUT.name(), options.getValue(ClickHouseOptions.RESPONSE_TIMEOUT)),
                text(options.getValue(ClickHouseOptions.APPLICATION_NAME)),
                authentication,
                serverSideParameters(driver, options.getValue(ClickHouseOptions.SERVER_SIDE_PARAMETERS)));
    }

    /**
     * @param name a would-be setting name
     * @throws IllegalArgumentException if it is no setting name, or one the driver refuses
     */
    static void checkSettingName(String name) {
        checkSettingName(ClickHouseOptions.DRIVER, name);
    }

    private static void checkSettingName(String driver, String name) {
        if (name == null || !SETTING_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(driver + ": unknown option '" + name + "'; the options are "
                    + String.join(", ", new java.util.TreeSet<>(knownOptions(driver)))
                    + ", and ClickHouse settings are lower-case snake_case names (max_execution_time=30)");
        }
        String reason = RESERVED.get(name);
        if (reason == null && name.startsWith("param_")) {
            reason = "param_ parameters carry the binds of server-side parameters";
        }
        if (reason != null) {
            throw new IllegalArgumentException(driver + ": '" + name + "' cannot be given as a ClickHouse setting: " + reason);
        }
        if (name.contains("password") || name.contains("secret") || name.contains("token") || name.equals("apikey")
                || name.equals("api_key") || name.equals("key")) {
            throw new IllegalArgumentException(driver + ": '" + name + "' looks like a credential and would travel in the request"
                    + " URL as a ClickHouse setting; give the password in the URL's user-info part (user:password@host)"
                    + (driver.equals(ByteHouseOptions.DRIVER) ? " or the API key as option apiKey" : ""));
        }
    }

    private static Set<String> knownOptions(String driver) {
        Set<String> names = new java.util.HashSet<>(STANDARD);
        names.addAll(CLICKHOUSE);
        if (driver.equals(ByteHouseOptions.DRIVER)) {
            names.addAll(BYTEHOUSE);
        }
        return names;
    }

    private static boolean tls(ConnectionFactoryOptions options, String driver, boolean bytehouse) {
        Boolean ssl = bool(driver, ConnectionFactoryOptions.SSL.name(), options.getValue(ConnectionFactoryOptions.SSL));
        if (bytehouse) {
            Boolean secure = bool(driver, ByteHouseOptions.SECURE.name(), options.getValue(ByteHouseOptions.SECURE));
            if (ssl != null && secure != null && !ssl.equals(secure)) {
                throw new IllegalArgumentException("bytehouse: conflicting TLS options: ssl is " + ssl + " but secure is " + secure
                        + "; give one");
            }
            if (ssl == null) {
                ssl = secure;
            }
        }
        Object protocol = options.getValue(ConnectionFactoryOptions.PROTOCOL);
        if (protocol != null) {
            String text = protocol.toString().trim().toLowerCase(Locale.ROOT);
            if (text.equals("https")) {
                if (Boolean.FALSE.equals(ssl)) {
                    throw new IllegalArgumentException(driver + ": conflicting TLS options: protocol https but ssl=false");
                }
                ssl = Boolean.TRUE;
            } else if (!text.equals("http")) {
                throw new IllegalArgumentException(driver + ": protocol '" + protocol + "' is not supported (the HTTP interface:"
                        + " r2dbc:" + driver + "://host or r2dbc:" + driver + ":https://host)");
            }
        }
        if (ssl == null) {
            return bytehouse;
        }
        return ssl;
    }

    /**
     * @return the options present, sorted by name (r2dbc-spi has no accessor for them; the
     * filter of {@code Builder.from} sees each one)
     */
    static List<Option<?>> optionsOf(ConnectionFactoryOptions options) {
        List<Option<?>> given = new ArrayList<>();
        ConnectionFactoryOptions.builder().from(options, option -> {
            given.add(option);
            return false;
        });
        given.sort(Comparator.comparing(Option::name));
        return given;
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        String text = value.toString().trim();
        return text.isEmpty() ? null : text;
    }

    private static Integer port(String driver, Object value) {
        if (value == null) {
            return null;
        }
        int port;
        if (value instanceof Integer) {
            port = (Integer) value;
        } else {
            try {
                port = Integer.parseInt(value.toString().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(driver + ": option 'port' must be a number 1..65535, was '" + value + "'");
            }
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(driver + ": option 'port' must be 1..65535, was " + port);
        }
        return port;
    }

    private static CharSequence password(String driver, String name, Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof CharSequence)) {
            throw new IllegalArgumentException(driver + ": option '" + name + "' must be a CharSequence, was a "
                    + value.getClass().getName());
        }
        return ((CharSequence) value).length() == 0 ? null : (CharSequence) value;
    }

    static Boolean bool(String driver, String name, Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Boolean) {
            return (Boolean) value;
        }
        switch (value.toString().trim().toLowerCase(Locale.ROOT)) {
            case "true":
            case "1":
                return Boolean.TRUE;
            case "false":
            case "0":
                return Boolean.FALSE;
            default:
                throw new IllegalArgumentException(driver + ": option '" + name + "' must be true or false (or 1 or 0), was '"
                        + value + "'");
        }
    }

    private static Duration duration(String driver, String name, Object value) {
        if (value == null) {
            return null;
        }
        Duration duration;
        if (value instanceof Duration) {
            duration = (Duration) value;
        } else if (value instanceof CharSequence) {
            String text = value.toString().trim().toLowerCase(Locale.ROOT);
            Matcher matcher = DURATION_WITH_UNIT.matcher(text);
            try {
                if (matcher.matches()) {
                    long amount = Long.parseLong(matcher.group(1));
                    switch (matcher.group(2)) {
                        case "ms":
                            duration = Duration.ofMillis(amount);
                            break;
                        case "s":
                            duration = Duration.ofSeconds(amount);
                            break;
                        case "m":
                            duration = Duration.ofMinutes(amount);
                            break;
                        default:
                            duration = Duration.ofHours(amount);
                    }
                } else {
                    duration = Duration.parse(text.toUpperCase(Locale.ROOT));
                }
            } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
                throw badDuration(driver, name, value);
            }
        } else {
            throw badDuration(driver, name, value);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(driver + ": option '" + name + "' must be positive, was " + duration);
        }
        return duration;
    }

    private static ClickHouseConnectionConfiguration.Authentication authentication(String driver, Object value) {
        if (value == null || value instanceof ClickHouseConnectionConfiguration.Authentication) {
            return (ClickHouseConnectionConfiguration.Authentication) value;
        }
        switch (value.toString().trim().toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "basic":
                return ClickHouseConnectionConfiguration.Authentication.BASIC;
            case "headers":
            case "clickhouse_headers":
                return ClickHouseConnectionConfiguration.Authentication.CLICKHOUSE_HEADERS;
            default:
                throw new IllegalArgumentException(driver + ": option 'authentication' must be basic or headers, was '" + value + "'");
        }
    }

    private static ClickHouseConnectionConfiguration.ServerSideParameters serverSideParameters(String driver, Object value) {
        if (value == null || value instanceof ClickHouseConnectionConfiguration.ServerSideParameters) {
            return (ClickHouseConnectionConfiguration.ServerSideParameters) value;
        }
        try {
            return ClickHouseConnectionConfiguration.ServerSideParameters.valueOf(value.toString().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(driver + ": option 'serverSideParameters' must be auto, always or never, was '"
                    + value + "'");
        }
    }

    private static IllegalArgumentException badDuration(String driver, String name, Object value) {
        return new IllegalArgumentException(driver + ": option '" + name + "' must be a duration (PT30S, 30s, 500ms, 2m, 1h),"
                + " was '" + value + "'");
    }

    private static Path path(String driver, Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Path) {
            return (Path) value;
        }
        String text = text(value);
        if (text == null) {
            throw new IllegalArgumentException(driver + ": option 'sslRootCert' must be the path of a PEM file, was blank");
        }
        return Path.of(text);
    }

    private static String settingValue(String driver, String name, Object value) {
        if (value instanceof Boolean) {
            return (Boolean) value ? "1" : "0";
        }
        if (value instanceof CharSequence || value instanceof Number || value instanceof Enum) {
            return value.toString();
        }
        throw new IllegalArgumentException(driver + ": the value of ClickHouse setting '" + name + "' must be text, a number or a"
                + " boolean, was a " + value.getClass().getName());
    }

    /** The login ByteHouse expects, from the forms its drivers accept. */
    private static final class ByteHouseLogin {

        final String username;
        final CharSequence password;

        private ByteHouseLogin(String username, CharSequence password) {
            this.username = username;
            this.password = password;
        }

        static ByteHouseLogin of(String account, String user, CharSequence password, CharSequence apiKey) {
            if (apiKey != null) {
                if (password != null) {
                    throw new IllegalArgumentException("bytehouse: both an apiKey and a password were given; an API key is the"
                            + " password of user '" + ByteHouseOptions.API_KEY_USER + "': give it once");
                }
                if (user != null && !user.equals(ByteHouseOptions.API_KEY_USER)) {
                    throw new IllegalArgumentException("bytehouse: an apiKey logs in as user '" + ByteHouseOptions.API_KEY_USER
                            + "', but user '" + user + "' was given");
                }
                user = ByteHouseOptions.API_KEY_USER;
                password = apiKey;
            }
            if (user == null || password == null) {
                throw new IllegalArgumentException("bytehouse: credentials are missing: give an API key (apiKey=..., or user '"
                        + ByteHouseOptions.API_KEY_USER + "' with the key as password) or account, user and password"
                        + (user == null ? "" : " (user '" + user + "' has no password)"));
            }
            if (account != null) {
                if (user.equals(ByteHouseOptions.API_KEY_USER)) {
                    throw new IllegalArgumentException("bytehouse: account '" + account + "' is for the account::user login; the API"
                            + " key login (user '" + ByteHouseOptions.API_KEY_USER + "') has no account");
                }
                if (user.contains("::")) {
                    throw new IllegalArgumentException("bytehouse: account '" + account + "' given and user '" + user
                            + "' already has an account part; give either account=A&user=U or user A::U");
                }
                return new ByteHouseLogin(account + "::" + user, password);
            }
            return new ByteHouseLogin(user, password);
        }
    }
}
