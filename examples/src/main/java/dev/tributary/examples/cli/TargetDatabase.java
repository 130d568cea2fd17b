package dev.tributary.examples.cli;

import dev.tributary.Tributary;
import dev.tributary.examples.demo.DemoDataSet;
import dev.tributary.r2dbc.clickhouse.ByteHouseOptions;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import io.r2dbc.spi.ConnectionFactoryOptions;

import java.time.Duration;
import java.util.Map;

/**
 * The database a command works on: the one {@code TRIBUTARY_URL} names, or else an embedded
 * PostgreSQL started for this run (and stopped, its data deleted, on {@link #close()}). Opening
 * and closing block: main thread only.
 */
final class TargetDatabase implements AutoCloseable {

    /** The environment variable holding the R2DBC URL of the database to use. */
    static final String URL_VARIABLE = "TRIBUTARY_URL";

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final SqlClient client;
    private final EmbeddedPostgresServer server;
    private final String description;
    private final Duration startup;
    private final Thread shutdownHook;

    private TargetDatabase(SqlClient client, EmbeddedPostgresServer server, String description, Duration startup) {
        this.client = client;
        this.server = server;
        this.description = description;
        this.startup = startup;
        if (server != null) {
            // Ctrl-C: stop the server and delete its temporary data directory.
            this.shutdownHook = new Thread(server::close, "tributary-embedded-postgres-shutdown");
            Runtime.getRuntime().addShutdownHook(this.shutdownHook);
        } else {
            this.shutdownHook = null;
        }
    }

    /**
     * @param environment the process environment ({@value #URL_VARIABLE})
     * @return a client on the URL's database, or on a freshly started embedded PostgreSQL
     * @throws IllegalArgumentException if the URL is not an R2DBC URL (the message does not repeat it)
     */
    static TargetDatabase open(Map<String, String> environment) {
        String url = environment.get(URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            SqlClient client = connect(url);
            return new TargetDatabase(client, null, describe(url), Duration.ZERO);
        }
        long start = System.nanoTime();
        EmbeddedPostgresServer server = EmbeddedPostgresServer.builder().start();
        try {
            SqlClient client = Tributary.sql(server.r2dbcUrl("postgres")).build();
            return new TargetDatabase(client, server, "an embedded PostgreSQL on " + server.host() + ":" + server.port()
                    + ", database postgres", Duration.ofNanos(System.nanoTime() - start));
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * {@link #open(Map)}, and when the database is an embedded one (so empty) loads the demo data
     * sets into it, so that one-off queries and exports have something to work on.
     */
    static TargetDatabase openWithDemoData(Map<String, String> environment) {
        TargetDatabase db = open(environment);
        if (db.isEmbedded()) {
            try {
                DemoDataSet.reloadAll(db.client()).blockLast();
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
        }
        return db;
    }

    /**
     * @param url an R2DBC URL: {@code r2dbc:postgresql://...}, {@code r2dbc:clickhouse://...}, or
     *            {@code r2dbc:bytehouse://...} also in the forms ByteHouse's own drivers accept
     *            ({@code ?region=R&user=bytehouse&password=API_KEY}, see {@link ByteHouseOptions#parse})
     * @return a client on it
     * @throws IllegalArgumentException if the URL is malformed (the message does not repeat it)
     */
    static SqlClient connect(String url) {
        return isByteHouse(url) ? Tributary.sql(ByteHouseOptions.parse(url)).build() : Tributary.sql(url).build();
    }

    /**
     * @param url an R2DBC URL, as for {@link #connect(String)}
     * @return its options (ByteHouse's query-string user, password and API key read as such, and sensitive)
     * @throws IllegalArgumentException if the URL is malformed
     */
    static ConnectionFactoryOptions options(String url) {
        return isByteHouse(url) ? ByteHouseOptions.parse(url) : ConnectionFactoryOptions.parse(url);
    }

    private static boolean isByteHouse(String url) {
        String u = url.strip();
        return u.startsWith("r2dbc:" + ByteHouseOptions.DRIVER + ":") || u.startsWith("r2dbcs:" + ByteHouseOptions.DRIVER + ":")
                || u.startsWith(ByteHouseOptions.DRIVER + ":");
    }

    /**
     * @param url an R2DBC URL, as for {@link #connect(String)}
     * @return the URL without user, password and options: {@code r2dbc:postgresql://host:port/database};
     *         a ByteHouse region instead of a host as {@code r2dbc:bytehouse://?region=R}
     */
    static String describe(String url) {
        ConnectionFactoryOptions options;
        try {
            options = options(url);
        } catch (RuntimeException e) {
            return "an R2DBC URL that cannot be parsed";
        }
        StringBuilder b = new StringBuilder("r2dbc:").append(options.getValue(ConnectionFactoryOptions.DRIVER));
        Object protocol = options.getValue(ConnectionFactoryOptions.PROTOCOL);
        if (protocol != null && !protocol.toString().isEmpty()) {
            b.append(':').append(protocol);
        }
        b.append("://").append(valueOrEmpty(options.getValue(ConnectionFactoryOptions.HOST)));
        Object port = options.getValue(ConnectionFactoryOptions.PORT);
        if (port != null) {
            b.append(':').append(port);
        }
        Object database = options.getValue(ConnectionFactoryOptions.DATABASE);
        if (database != null) {
            b.append('/').append(database);
        }
        Object region = options.getValue(ByteHouseOptions.REGION);
        if (region != null && options.getValue(ConnectionFactoryOptions.HOST) == null) {
            b.append("?region=").append(region);
        }
        return b.toString();
    }

    SqlClient client() {
        return this.client;
    }

    /** Stops and starts the embedded server (same port, same data). */
    void restartEmbedded() {
        if (this.server == null) {
            throw new IllegalStateException("only the embedded database can be restarted");
        }
        this.server.restart();
    }

    boolean isEmbedded() {
        return this.server != null;
    }

    /** @return where the database is, without credentials */
    String description() {
        return this.description;
    }

    /** @return how long starting the embedded server took; zero for a URL */
    Duration startup() {
        return this.startup;
    }

    @Override
    public void close() {
        try {
            this.client.close().block(CLOSE_TIMEOUT);
        } finally {
            if (this.server != null) {
                this.server.close();
                try {
                    Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting: the hook runs (and finds the server closed)
                }
            }
        }
    }

    @Override
    public String toString() {
        return "TargetDatabase{" + this.description + '}';
    }

    private static String valueOrEmpty(Object value) {
        return value == null ? "" : value.toString();
    }
}
