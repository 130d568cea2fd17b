package dev.tributary.benchmarks.sql;

import dev.tributary.testkit.postgres.EmbeddedPostgresServer;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The benchmarks' database: an embedded PostgreSQL on 127.0.0.1 (sdk-testkit's
 * {@link EmbeddedPostgresServer}, {@code max_connections} raised so that every contender's pool
 * and pgbench's clients fit at once), database {@code bench} with
 * <ul>
 *   <li>{@code items}: {@code rows} rows of six columns (bigint key, text, int, double precision,
 *       timestamptz, boolean), for point selects and streaming;</li>
 *   <li>{@code accounts} (100,000 rows) and {@code transfers}, for the transactions;</li>
 *   <li>{@code cities_load}, the bulk load's target (the six columns of geonames-cities.csv).</li>
 * </ul>
 */
public final class BenchDatabase implements AutoCloseable {

    /** The database the contenders use. */
    public static final String DATABASE = "bench";

    private final EmbeddedPostgresServer server;
    private final long rows;

    private BenchDatabase(EmbeddedPostgresServer server, long rows) {
        this.server = server;
        this.rows = rows;
    }

    /**
     * Starts the server and creates and fills the tables.
     *
     * @param rows rows of {@code items}
     * @return the database
     */
    public static BenchDatabase start(long rows) {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.builder()
                .serverConfig("max_connections", "300")
                .serverConfig("shared_buffers", "256MB")
                .start();
        try {
            server.createDatabase(DATABASE);
            server.executeIn(DATABASE,
                    "CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, score int NOT NULL, amount double precision NOT NULL,"
                            + " created timestamptz NOT NULL, flag boolean NOT NULL)",
                    "INSERT INTO items SELECT g, 'item-' || g, (g % 1000)::int, g * 0.25,"
                            + " timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second', g % 2 = 0 FROM generate_series(1, " + rows + ") g",
                    "CREATE TABLE accounts (id bigint PRIMARY KEY, balance bigint NOT NULL)",
                    "INSERT INTO accounts SELECT g, 1000 FROM generate_series(1, " + Workload.ACCOUNTS + ") g",
                    "CREATE TABLE transfers (id bigserial PRIMARY KEY, account_id bigint NOT NULL, amount bigint NOT NULL)",
                    "CREATE TABLE cities_load (name text, lat double precision, lng double precision, country text, admin1 text, admin2 text)",
                    "VACUUM ANALYZE");
            return new BenchDatabase(server, rows);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** @return the server (the recovery scenario restarts it) */
    public EmbeddedPostgresServer server() {
        return this.server;
    }

    /** @return rows of {@code items} */
    public long rows() {
        return this.rows;
    }

    /** @return the R2DBC URL of {@link #DATABASE} */
    public String r2dbcUrl() {
        return this.server.r2dbcUrl(DATABASE);
    }

    /** @return the JDBC URL of {@link #DATABASE} */
    public String jdbcUrl() {
        return this.server.jdbcUrl(DATABASE);
    }

    /** @return the server's {@code version()} */
    public String version() {
        try (var c = this.server.superuserDataSource().getConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Could not read the server version", e);
        }
    }

    long count(String table) {
        try (var c = java.sql.DriverManager.getConnection(jdbcUrl()); var s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Could not count " + table, e);
        }
    }

    void execute(String sql) {
        this.server.executeIn(DATABASE, sql);
    }

    /**
     * Finds a PostgreSQL client program on the {@code PATH} or in {@code /usr/lib/postgresql/<version>/bin}
     * (Debian's package {@code postgresql-client}).
     *
     * @param program {@code pgbench} or {@code psql}
     * @return its path, empty when it is not installed
     */
    static Optional<Path> clientProgram(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                return versions.map(v -> v.resolve("bin").resolve(program)).filter(Files::isExecutable).findFirst();
            } catch (java.io.IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        this.server.close();
    }
}
