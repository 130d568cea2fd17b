package dev.tributary.r2dbc.clickhouse;

import io.netty.handler.ssl.SslContext;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The options of the {@code clickhouse} R2DBC driver ({@link ClickHouseConnectionFactoryProvider}):
 * the ClickHouse HTTP interface, one POST per statement.
 *
 * <pre>{@code
 * // a URL (Spring Boot: spring.r2dbc.url)
 * ConnectionFactory cf = ConnectionFactories.get(
 *         "r2dbc:clickhouse://app:secret@ch.example.com:8123/analytics?max_execution_time=30&session=true");
 *
 * // TLS: r2dbcs:, or ssl=true (port 8443 unless given)
 * ConnectionFactories.get("r2dbcs:clickhouse://app:secret@ch.example.com/analytics?sslRootCert=/etc/ch-ca.pem");
 *
 * // code
 * ConnectionFactories.get(ConnectionFactoryOptions.builder()
 *         .option(ConnectionFactoryOptions.DRIVER, ClickHouseOptions.DRIVER)
 *         .option(ConnectionFactoryOptions.HOST, "127.0.0.1")
 *         .option(ClickHouseOptions.COMPRESSION, false)
 *         .option(ClickHouseOptions.setting("max_threads"), "4")
 *         .build());
 * }</pre>
 *
 * <table>
 *   <caption>Options (URL values are text; in code the type given, or its text form)</caption>
 *   <tr><th>option</th><th>name</th><th>default</th></tr>
 *   <tr><td>host</td><td>URL host, {@link ConnectionFactoryOptions#HOST}</td><td>required</td></tr>
 *   <tr><td>port</td><td>URL port, {@link ConnectionFactoryOptions#PORT}</td><td>{@value #DEFAULT_PORT}, or {@value #DEFAULT_TLS_PORT} with TLS</td></tr>
 *   <tr><td>user</td><td>URL user, {@link ConnectionFactoryOptions#USER}</td><td>{@code default}</td></tr>
 *   <tr><td>password (sensitive)</td><td>URL password, {@link ConnectionFactoryOptions#PASSWORD}</td><td>none</td></tr>
 *   <tr><td>database</td><td>URL path, {@link ConnectionFactoryOptions#DATABASE}</td><td>{@code default}</td></tr>
 *   <tr><td>TLS (HTTPS)</td><td>{@code r2dbcs:}, {@link ConnectionFactoryOptions#SSL} ({@code ssl=true})</td><td>off</td></tr>
 *   <tr><td>trusted certificate authorities (PEM file)</td><td>{@link #SSL_ROOT_CERT} ({@code sslRootCert})</td><td>the JDK's trust store</td></tr>
 *   <tr><td>host name check of the certificate</td><td>{@link #SSL_HOSTNAME_VERIFICATION} ({@code sslHostnameVerification})</td><td>{@code true}</td></tr>
 *   <tr><td>TLS context (code only)</td><td>{@link #SSL_CONTEXT}</td><td>built from the two above</td></tr>
 *   <tr><td>gzip responses ({@code enable_http_compression=1})</td><td>{@link #COMPRESSION} ({@code compression})</td><td>{@code true}</td></tr>
 *   <tr><td>a {@code session_id} per connection</td><td>{@link #SESSION} ({@code session})</td><td>{@code false}</td></tr>
 *   <tr><td>connect timeout</td><td>{@link ConnectionFactoryOptions#CONNECT_TIMEOUT} ({@code connectTimeout})</td><td>10 s</td></tr>
 *   <tr><td>time to the response headers</td><td>{@link #RESPONSE_TIMEOUT} ({@code responseTimeout})</td><td>none</td></tr>
 *   <tr><td>server-side statement time limit</td><td>{@link ConnectionFactoryOptions#STATEMENT_TIMEOUT} ({@code statementTimeout}):
 *       sent as the setting {@code max_execution_time}, in whole seconds rounded up</td><td>the server's</td></tr>
 *   <tr><td>how the credentials travel</td><td>{@link #AUTHENTICATION} ({@code authentication}): {@code basic} or {@code headers}</td><td>{@code basic}; {@code headers} for a user name with {@code :}</td></tr>
 *   <tr><td>binds as server-side parameters</td><td>{@link #SERVER_SIDE_PARAMETERS} ({@code serverSideParameters}): {@code auto}, {@code always}, {@code never}</td><td>{@code auto}</td></tr>
 *   <tr><td>client name (User-Agent)</td><td>{@link #APPLICATION_NAME} ({@code applicationName})</td><td>the driver's</td></tr>
 *   <tr><td>any ClickHouse setting</td><td>its own name, lower-case {@code snake_case}: {@code max_execution_time=30},
 *       or {@link #setting(String)} in code</td><td>the server's</td></tr>
 * </table>
 * Durations are a {@link Duration}, ISO-8601 text ({@code PT30S}) or a number with a unit
 * ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}). Booleans are {@code true}/{@code false}
 * or {@code 1}/{@code 0}.
 *
 * <h2>Options and settings</h2>
 * An option name is one of the names above (camelCase, as r2dbc-spi's standard options); every
 * other name that is lower-case {@code snake_case} ({@code [a-z][a-z0-9_]*}) is a ClickHouse
 * setting and travels as a URL parameter of each request (ClickHouse HTTP interface: "you can
 * specify any settings ... as URL parameters"). A misspelt setting is therefore not dropped: the
 * server rejects it ({@code Code: 115, Unknown setting}). Any other name (a misspelt option such as
 * {@code connectTimout}, or {@code Password}) is an {@link IllegalArgumentException} naming it.
 * Refused as settings, each with its reason: the HTTP interface's own parameters the driver sets
 * ({@code query}, {@code query_id}, {@code session_id}: use {@code session=true},
 * {@code enable_http_compression}: use {@code compression}, {@code database}, {@code user},
 * {@code password}), {@code compress=1}/{@code decompress=1} (ClickHouse's LZ4 framing, which
 * 18.16 answers with an empty body; {@code compress=0} as ByteHouse's JDBC guide writes it is
 * accepted and changes nothing), and names that look like credentials ({@code *password*},
 * {@code *secret*}, {@code *token*}, {@code apikey}, {@code api_key}), so that a secret never
 * lands in a request URL.
 * <p>
 * Secrets: put the password in the URL's user-info part ({@code user:password@host}):
 * r2dbc-spi refuses {@code user}, {@code password} and {@code database} in the query string.
 * The password is a sensitive option, printed as {@code REDACTED}, and never in this driver's
 * messages or logs.
 *
 * @see <a href="https://clickhouse.com/docs/en/interfaces/http">ClickHouse HTTP interface</a>
 * @see <a href="https://clickhouse.com/docs/en/operations/settings/settings">ClickHouse settings</a>
 */
public final class ClickHouseOptions {

    /** The R2DBC driver name: {@code r2dbc:clickhouse://...}. */
    public static final String DRIVER = "clickhouse";

    /** The HTTP interface's port. */
    public static final int DEFAULT_PORT = 8123;

    /** The HTTPS interface's port (ClickHouse's {@code https_port}), the default with TLS. */
    public static final int DEFAULT_TLS_PORT = 8443;

    /** Gzip-compressed responses ({@code enable_http_compression=1}, {@code Accept-Encoding: gzip}); default {@code true}. */
    public static final Option<Boolean> COMPRESSION = Option.valueOf("compression");

    /** A {@code session_id} per connection, so temporary tables and {@code SET} last; default {@code false}. */
    public static final Option<Boolean> SESSION = Option.valueOf("session");

    /** The longest wait for the response headers of a statement; default none. */
    public static final Option<Duration> RESPONSE_TIMEOUT = Option.valueOf("responseTimeout");

    /** A PEM file of the certificate authorities to trust for TLS (a {@link Path} or its text); default the JDK's trust store. */
    public static final Option<Path> SSL_ROOT_CERT = Option.valueOf("sslRootCert");

    /** Whether TLS checks that the certificate names the host; default {@code true}. */
    public static final Option<Boolean> SSL_HOSTNAME_VERIFICATION = Option.valueOf("sslHostnameVerification");

    /** A client {@link SslContext} of the caller's (code only); replaces {@link #SSL_ROOT_CERT}. */
    public static final Option<SslContext> SSL_CONTEXT = Option.valueOf("sslContext");

    /** The client name sent as {@code User-Agent}; default the driver's. */
    public static final Option<String> APPLICATION_NAME = Option.valueOf("applicationName");

    /**
     * How the credentials travel: {@code basic} ({@code Authorization: Basic}, RFC 7617) or
     * {@code headers} ({@code X-ClickHouse-User}/{@code X-ClickHouse-Key}); default {@code basic}, and
     * {@code headers} for a user name with a colon (ByteHouse's {@code account::user}), which Basic
     * credentials cannot carry (RFC 7617: ClickHouse splits them at the first colon).
     * A {@link ClickHouseConnectionConfiguration.Authentication} or its text.
     */
    public static final Option<ClickHouseConnectionConfiguration.Authentication> AUTHENTICATION = Option.valueOf("authentication");

    /**
     * Whether binds travel as server-side parameters: {@code auto} (when the server supports them),
     * {@code always} or {@code never} (escaped literals); default {@code auto}. A
     * {@link ClickHouseConnectionConfiguration.ServerSideParameters} or its text.
     */
    public static final Option<ClickHouseConnectionConfiguration.ServerSideParameters> SERVER_SIDE_PARAMETERS =
            Option.valueOf("serverSideParameters");

    private ClickHouseOptions() {
    }

    /**
     * The option for a ClickHouse setting, for code that builds {@link ConnectionFactoryOptions}.
     *
     * @param name the setting's name, lower-case {@code snake_case}, for example {@code max_execution_time}
     * @return the option under that name (its value: text, or a number or boolean written as text)
     * @throws IllegalArgumentException if the name is not a setting name, or is one the driver
     *                                  refuses (see the class description)
     */
    public static Option<String> setting(String name) {
        ClickHouseOptionMapping.checkSettingName(name);
        return Option.valueOf(name);
    }
}
