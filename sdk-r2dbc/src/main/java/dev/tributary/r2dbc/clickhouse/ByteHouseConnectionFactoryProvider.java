package dev.tributary.r2dbc.clickhouse;

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.ConnectionFactoryProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * The {@code bytehouse} R2DBC driver: ByteHouse (ByteDance's ClickHouse-derived cloud warehouse)
 * through its ClickHouse HTTP interface, a preset of the {@code clickhouse} driver
 * ({@link ClickHouseConnectionFactory}) with ByteHouse's conventions. Found by
 * {@link java.util.ServiceLoader}, so
 * {@code ConnectionFactories.get("r2dbc:bytehouse://bytehouse:<API key>@/?region=AP-SOUTHEAST-1")} and
 * Spring Boot's {@code spring.r2dbc.url} work.
 *
 * <h2>URL forms</h2>
 * The forms ByteHouse's drivers document (bytehouse-sqlalchemy, driver-py), read by
 * {@link ByteHouseOptions#parse(CharSequence)} (r2dbc-spi's own parser refuses {@code user},
 * {@code password} and {@code database} in the query string):
 * <ul>
 *   <li>{@code r2dbc:bytehouse:///?region=R&account=A&user=U&password=P[&database=D]}: logs in as {@code A::U};</li>
 *   <li>{@code r2dbc:bytehouse://HOST:PORT/?account=A&user=U&password=P};</li>
 *   <li>{@code r2dbc:bytehouse:///?region=R&user=bytehouse&password=API_KEY}: the API-key login;</li>
 *   <li>{@code r2dbc:bytehouse://HOST:PORT/?user=bytehouse&password=API_KEY}.</li>
 * </ul>
 * The same with r2dbc-spi's parser ({@code ConnectionFactories.get(String)}), credentials in the user-info part:
 * <ul>
 *   <li>{@code r2dbc:bytehouse://U:P@/D?region=R&account=A} and {@code r2dbc:bytehouse://U:P@HOST:PORT/D?account=A};</li>
 *   <li>{@code r2dbc:bytehouse://bytehouse:API_KEY@/?region=R} and {@code r2dbc:bytehouse://bytehouse:API_KEY@HOST:PORT/};</li>
 *   <li>{@code ?apiKey=KEY} as a convenience (user {@code bytehouse}); see {@link ByteHouseOptions} on its sensitivity.</li>
 * </ul>
 *
 * <h2>Options and defaults</h2>
 * <ul>
 *   <li>host: the URL host; without one, the gateway of {@code region} ({@link ByteHouseRegion}); an
 *       explicit host wins over a region; neither is an error;</li>
 *   <li>port: {@value ByteHouseOptions#DEFAULT_PORT}, the HTTP interface, over TLS;</li>
 *   <li>TLS ({@code ssl}, {@code secure}): on; {@code false} turns it off and logs a warning that the
 *       connection is insecure;</li>
 *   <li>login: {@code apiKey} (user {@value ByteHouseOptions#API_KEY_USER}, the key as password), user
 *       {@value ByteHouseOptions#API_KEY_USER} with the key as password, or {@code account} + user +
 *       password (sent as {@code account::user}), or a user already written {@code account::user}; such a
 *       user travels in the {@code X-ClickHouse-User}/{@code X-ClickHouse-Key} headers, because Basic
 *       credentials cannot carry a colon in the user name (RFC 7617; ClickHouse splits at the first one),
 *       the API-key login in Basic credentials;</li>
 *   <li>{@code virtual_warehouse}, {@code vw}, {@code active_role}, {@code role} and every other
 *       lower-case {@code snake_case} name: ClickHouse settings, URL parameters of every request;</li>
 *   <li>everything else as the {@code clickhouse} driver ({@link ClickHouseOptions}): {@code database}
 *       ({@code default}), {@code sslRootCert}, {@code sslHostnameVerification} ({@code true}),
 *       {@code compression} ({@code true}), {@code session} ({@code false}), {@code connectTimeout}
 *       (10 s), {@code responseTimeout} (none), {@code statementTimeout}, {@code authentication}
 *       ({@code basic}), {@code applicationName}.</li>
 * </ul>
 * The password and API key are sensitive options: never in {@code toString}, logs or messages.
 * <p>
 * Sources: bytehouse-cloud/bytehouse-sqlalchemy README (URI formats, regions, "Virtual warehouse &amp;
 * Role Management"), bytehouse-cloud/driver-py, driver-java ({@code ByteHouseRegion}) and driver-go
 * ({@code conn/region.go}: region tables, {@code secure} on by default, user {@code bytehouse} for API
 * keys); ByteHouse's documentation for Java users (the ClickHouse HTTP interface on 8123 with
 * {@code ssl=true&compress=0}). That the HTTP interface is served on the region's gateway host is
 * an assumption from that documentation (see {@link ByteHouseRegion}).
 */
public final class ByteHouseConnectionFactoryProvider implements ConnectionFactoryProvider {

    static {
        // names the sensitive options before any URL that carries them is parsed (Tributary.sql loads the providers first)
        java.util.Objects.requireNonNull(ByteHouseOptions.API_KEY);
    }


    private static final Logger LOG = LoggerFactory.getLogger(ByteHouseConnectionFactoryProvider.class);

    /**
     * @param options options with driver {@value ByteHouseOptions#DRIVER}
     * @return a connection factory (opens no connection)
     * @throws IllegalArgumentException if neither a host nor a region is given, the region is
     *                                  unknown, credentials are missing or conflict, an option is
     *                                  unknown or malformed; never with a password or API key in the message
     */
    @Override
    public ClickHouseConnectionFactory create(ConnectionFactoryOptions options) {
        ResolvedOptions resolved = ClickHouseOptionMapping.resolve(Objects.requireNonNull(options, "options"));
        if (!resolved.ssl) {
            LOG.warn("ByteHouse connection to {}:{} without TLS (ssl/secure=false): insecure, the credentials travel in clear text;"
                    + " meant for local test servers only", resolved.host, resolved.effectivePort());
        }
        return new ClickHouseConnectionFactory(resolved.configuration());
    }

    @Override
    public boolean supports(ConnectionFactoryOptions options) {
        return ByteHouseOptions.DRIVER.equals(Objects.requireNonNull(options, "options").getValue(ConnectionFactoryOptions.DRIVER));
    }

    @Override
    public String getDriver() {
        return ByteHouseOptions.DRIVER;
    }
}
