package dev.tributary.emulator.pgwire;

import dev.tributary.testkit.data.SharedData;

import dev.tributary.Tributary;
import dev.tributary.r2dbc.postgres.BitioOptions;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadResult;
import dev.tributary.sql.load.LoadSource;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.R2dbcException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import reactor.core.publisher.Mono;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * pgjdbc and the SDK's {@code bitio} backend against the gateway in front of a real PostgreSQL
 * that asks for SCRAM-SHA-256, as bit.io is used: database {@code alice/demo}, the API key as the
 * password. Queries, a 100,000-row stream, a bulk load (COPY FROM STDIN) and a COPY TO STDOUT
 * through the splice; wrong keys; a cancel request; sessions dropped under a pool.
 */
class PostgresGatewayIT {

    private static final String KEY = "v2_alice-demo-key-0c8e1d";
    private static final String WRONG_KEY = "v2_not-a-key-of-anyone";
    private static final String ROLE = "platform";
    private static final String ROLE_PASSWORD = "platform role secret";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String STREAM_SQL = "SELECT g, md5(g::text) AS h FROM generate_series(1, 100000) g";

    private static EmbeddedPostgresServer pg;
    private static PostgresGateway gateway;

    @BeforeAll
    static void start() {
        pg = EmbeddedPostgresServer.builder().defaultAuthMethod("scram-sha-256").start();
        pg.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + ROLE_PASSWORD + "'");
        pg.createDatabase("alice/demo");
        pg.execute("ALTER DATABASE \"alice/demo\" OWNER TO " + ROLE);
        // the authenticator looks keys up asynchronously (its answer arrives on another thread)
        gateway = PostgresGateway.to(pg.host(), pg.port())
                .authenticator((database, user, password) -> Mono.delay(Duration.ofMillis(1))
                        .filter(tick -> KEY.equals(password))
                        .map(tick -> UpstreamLogin.of(database, ROLE, ROLE_PASSWORD)))
                .start();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private static SqlClient bitio(String apiKey, PoolSettings pool) {
        return Tributary.sql(BitioOptions.builder()
                        .host(gateway.host()).port(gateway.port())
                        .database("alice/demo").apiKey(apiKey)
                        .sslMode(SSLMode.DISABLE)
                        .build())
                .pool(pool)
                .build();
    }

    /** The same database, straight to the server: the superuser, trusted on loopback. */
    private static SqlClient direct() {
        return Tributary.sql(ConnectionFactoryOptions.builder()
                        .option(ConnectionFactoryOptions.DRIVER, "postgresql")
                        .option(ConnectionFactoryOptions.HOST, pg.host())
                        .option(ConnectionFactoryOptions.PORT, pg.port())
                        .option(ConnectionFactoryOptions.USER, EmbeddedPostgresServer.SUPERUSER)
                        .option(ConnectionFactoryOptions.DATABASE, "alice/demo")
                        .build())
                .pool(PoolSettings.defaults())
                .build();
    }

    private static Connection jdbc(String apiKey, Properties extra) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "alice");
        properties.setProperty("password", apiKey);
        properties.setProperty("sslmode", "disable");
        properties.setProperty("connectTimeout", "10");
        properties.putAll(extra);
        return DriverManager.getConnection("jdbc:postgresql://" + gateway.host() + ":" + gateway.port() + "/alice%2Fdemo", properties);
    }

    private static void close(SqlClient db) {
        db.close().block(TIMEOUT);
    }

    @Test
    void pgjdbcQueriesThroughTheGatewayWithItsStartupParameters() throws SQLException {
        Properties extra = new Properties();
        extra.setProperty("ApplicationName", "gateway-it");
        extra.setProperty("options", "-c statement_timeout=4321");
        try (Connection c = jdbc(KEY, extra)) {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_database(), current_user, current_setting('application_name'), "
                         + "current_setting('statement_timeout'), current_setting('client_encoding')")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("alice/demo");
                assertThat(rs.getString(2)).isEqualTo(ROLE);
                assertThat(rs.getString(3)).isEqualTo("gateway-it");
                assertThat(rs.getString(4)).isEqualTo("4321ms");
                assertThat(rs.getString(5)).isEqualTo("UTF8");
            }
            try (PreparedStatement p = c.prepareStatement("SELECT ?::text || ' ' || ?::int * 2")) {
                p.setString(1, "Tromsø");
                p.setInt(2, 21);
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("Tromsø 42");
                }
            }
            // the upstream server saw the client's application_name on the gateway's connection
            assertThat(pg.queryForLong("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'gateway-it' AND usename = '"
                    + ROLE + "' AND datname = 'alice/demo'")).isEqualTo(1);
        }
    }

    @Test
    void sdkBitioBackendQueriesThroughTheGateway() {
        SqlClient db = bitio(KEY, PoolSettings.serverless());
        try {
            String answer = db.sql("SELECT current_database() || ' as ' || current_user || ': ' || ($1::int + 1)")
                    .bind(0, 41)
                    .map(row -> row.get(0, String.class))
                    .one()
                    .block(TIMEOUT);
            assertThat(answer).isEqualTo("alice/demo as platform: 42");
        } finally {
            close(db);
        }
    }

    /** Count, sum and an order-sensitive checksum of the 100,000 rows. */
    private record StreamFacts(long rows, long sum, long checksum, Duration elapsed) {
    }

    private static StreamFacts stream(SqlClient db) {
        long start = System.nanoTime();
        long[] facts = db.sql(STREAM_SQL)
                .map(row -> new Object[] {row.get("g", Integer.class), row.get("h", String.class)})
                .all()
                .reduce(new long[3], (acc, row) -> {
                    acc[0]++;
                    acc[1] += (Integer) row[0];
                    acc[2] = acc[2] * 31 + ((String) row[1]).hashCode();
                    return acc;
                })
                .block(TIMEOUT);
        return new StreamFacts(facts[0], facts[1], facts[2], Duration.ofNanos(System.nanoTime() - start));
    }

    @Test
    void streams100000RowsThroughTheGatewayAsTheServerSentThem() {
        SqlClient viaGateway = bitio(KEY, PoolSettings.defaults());
        SqlClient direct = direct();
        try {
            // connect and warm up both, then one measured run each (the machine is shared: figures, not limits)
            for (SqlClient db : new SqlClient[] {direct, viaGateway}) {
                assertThat(db.sql("SELECT g FROM generate_series(1, 5000) g").map(row -> row.get(0, Integer.class)).all().count()
                        .block(TIMEOUT)).isEqualTo(5000);
            }
            StreamFacts expected = stream(direct);
            StreamFacts throughGateway = stream(viaGateway);
            assertThat(expected.rows()).isEqualTo(100_000);
            assertThat(throughGateway.rows()).isEqualTo(100_000);
            assertThat(throughGateway.sum()).isEqualTo(5_000_050_000L);
            assertThat(throughGateway.checksum()).isEqualTo(expected.checksum());
            System.out.printf("100,000 rows (int, md5 text) with the SDK: direct %d ms (%.0f rows/s), through the gateway %d ms "
                            + "(%.0f rows/s)%n", expected.elapsed().toMillis(), 1e5 / seconds(expected.elapsed()),
                    throughGateway.elapsed().toMillis(), 1e5 / seconds(throughGateway.elapsed()));
        } finally {
            close(viaGateway);
            close(direct);
        }
    }

    @Test
    void streams100000RowsThroughTheGatewayToPgjdbc() throws SQLException {
        try (Connection viaGateway = jdbc(KEY, new Properties());
             Connection direct = pg.superuserDataSource("alice/demo").getConnection()) {
            long[] expected = jdbcStream(direct);
            jdbcStream(viaGateway);
            long bestDirect = Long.MAX_VALUE;
            long bestGateway = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                long[] d = jdbcStream(direct);
                long[] g = jdbcStream(viaGateway);
                assertThat(g[0]).isEqualTo(100_000);
                assertThat(g[1]).isEqualTo(5_000_050_000L);
                assertThat(g[2]).isEqualTo(expected[2]);
                bestDirect = Math.min(bestDirect, d[3]);
                bestGateway = Math.min(bestGateway, g[3]);
            }
            System.out.printf("100,000 rows (int, md5 text) with pgjdbc (one result, ~4.6 MB on the wire), best of 3: direct %.1f ms, "
                    + "through the gateway %.1f ms%n", bestDirect / 1e6, bestGateway / 1e6);
        }
    }

    /** @return rows, sum, checksum, elapsed nanoseconds */
    private static long[] jdbcStream(Connection c) throws SQLException {
        long start = System.nanoTime();
        long rows = 0;
        long sum = 0;
        long checksum = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(STREAM_SQL)) {
            while (rs.next()) {
                rows++;
                sum += rs.getInt(1);
                checksum = checksum * 31 + rs.getString(2).hashCode();
            }
        }
        return new long[] {rows, sum, checksum, System.nanoTime() - start};
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    @Test
    void copiesCitiesInWithTheSdkLoaderAndOutWithPgjdbcThroughTheGateway() throws SQLException, IOException {
        SqlClient viaGateway = bitio(KEY, PoolSettings.defaults());
        try {
            LoadResult loaded = viaGateway.load(LoadRequest.into("cities").source(LoadSource.of(SharedData.file("geonames-cities.csv")))
                    .build()).block(TIMEOUT);
            assertThat(loaded.rows()).isEqualTo(171_075);
            assertThat(loaded.tableCreated()).isTrue();
            assertThat(pg.superuserDataSource("alice/demo")).satisfies(ds -> {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT country) FROM cities")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(171_075);
                    assertThat(rs.getLong(2)).isGreaterThan(200);
                }
            });
            System.out.printf("geonames-cities.csv: %d rows loaded through the gateway (COPY FROM STDIN) in %d ms%n",
                    loaded.rows(), loaded.elapsed().toMillis());

            // and back out with COPY TO STDOUT (pgjdbc's CopyManager), through the gateway and directly
            String copy = "COPY (SELECT * FROM cities ORDER BY name, lat, lng) TO STDOUT (FORMAT csv, HEADER)";
            long start = System.nanoTime();
            byte[] exported = copyOut(jdbc(KEY, new Properties()), copy);
            long gatewayMillis = (System.nanoTime() - start) / 1_000_000;
            start = System.nanoTime();
            byte[] exportedDirect = copyOut(pg.superuserDataSource("alice/demo").getConnection(), copy);
            long directMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(exported).isEqualTo(exportedDirect);
            assertThat(new String(exported, StandardCharsets.UTF_8).lines().count()).isEqualTo(171_076);
            System.out.printf("COPY TO STDOUT of the cities (%d bytes of CSV) with pgjdbc: through the gateway %d ms, direct %d ms%n",
                    exported.length, gatewayMillis, directMillis);
        } finally {
            close(viaGateway);
        }
    }

    private static byte[] copyOut(Connection connection, String copy) throws SQLException, IOException {
        try (Connection c = connection) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            c.unwrap(PGConnection.class).getCopyAPI().copyOut(copy, out);
            return out.toByteArray();
        }
    }

    @Test
    void aClientThatDoesNotReadHoldsTheServerBackInsteadOfFillingTheGateway() throws Exception {
        try (WireClient client = new WireClient(gateway.host(), gateway.port())) {
            Map<String, String> startup = new LinkedHashMap<>();
            startup.put("user", "alice");
            startup.put("database", "alice/demo");
            startup.put("application_name", "stalled-reader");
            client.startup(WireMessages.PROTOCOL_3_0, startup).read();
            client.password(KEY);
            while (client.read().type() != 'Z') {
                // AuthenticationOk, ParameterStatus..., BackendKeyData
            }
            // about 50 MB of rows, far more than the socket buffers and the gateway's write buffer hold
            byte[] query = "SELECT repeat('x', 1000) FROM generate_series(1, 50000)\0".getBytes(StandardCharsets.US_ASCII);
            client.writeBytes(new byte[] {'Q'}).writeInt(4 + query.length).writeBytes(query).flush();

            // the gateway stops reading from the server while the client does not read: the backend waits to write
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (pg.queryForLong("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'stalled-reader' "
                    + "AND state = 'active' AND wait_event = 'ClientWrite'") == 0) {
                assertThat(System.nanoTime()).as("the backend never waited to write").isLessThan(deadline);
                Thread.sleep(50);
            }
            Thread.sleep(500);
            assertThat(pg.queryForLong("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'stalled-reader' "
                    + "AND wait_event = 'ClientWrite'")).as("still held back").isEqualTo(1);

            // then every row arrives, in order, nothing lost
            long rows = 0;
            WireClient.Message message;
            while ((message = client.read()).type() != 'Z') {
                if (message.type() == 'D') {
                    rows++;
                    assertThat(message.payload()).hasSize(2 + 4 + 1000);
                } else {
                    assertThat(message.type()).isIn('T', 'C');
                }
            }
            assertThat(rows).isEqualTo(50_000);
        }
    }

    @Test
    void refusesAWrongKeyWith28P01ThroughPgjdbcWithoutAnUpstreamConnection() {
        long upstreamBefore = gateway.upstreamConnections();
        long refusedBefore = gateway.refusedSessions();
        assertThatThrownBy(() -> jdbc(WRONG_KEY, new Properties()).close())
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28P01");
                    assertThat(e.getMessage()).contains("password authentication failed for user \"alice\"").doesNotContain(WRONG_KEY);
                });
        assertThat(gateway.upstreamConnections()).isEqualTo(upstreamBefore);
        assertThat(gateway.refusedSessions()).isEqualTo(refusedBefore + 1);
    }

    @Test
    void refusesAWrongKeyWith28P01ThroughTheSdkWithoutAnUpstreamConnection() {
        long upstreamBefore = gateway.upstreamConnections();
        long refusedBefore = gateway.refusedSessions();
        SqlClient db = bitio(WRONG_KEY, PoolSettings.serverless());
        try {
            long start = System.nanoTime();
            assertThatThrownBy(() -> db.sql("SELECT 1").map(row -> row.get(0, Integer.class)).one().block(TIMEOUT))
                    .satisfies(error -> {
                        R2dbcException r2dbc = r2dbcCause(error);
                        assertThat(r2dbc).as("an R2dbcException in the cause chain of %s", error).isNotNull();
                        assertThat(r2dbc.getSqlState()).isEqualTo("28P01");
                        assertThat(r2dbc.getMessage()).contains("password authentication failed for user \"alice\"");
                    })
                    .satisfies(error -> assertThat(stackTrace(error)).doesNotContain(WRONG_KEY));
            System.out.printf("wrong key through the SDK: refused in %d ms after %d attempt(s)%n",
                    (System.nanoTime() - start) / 1_000_000, gateway.refusedSessions() - refusedBefore);
        } finally {
            close(db);
        }
        assertThat(gateway.upstreamConnections()).isEqualTo(upstreamBefore);
        assertThat(gateway.refusedSessions()).isGreaterThan(refusedBefore);
    }

    private static R2dbcException r2dbcCause(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof R2dbcException) {
                return (R2dbcException) t;
            }
        }
        return null;
    }

    private static String stackTrace(Throwable error) {
        java.io.StringWriter out = new java.io.StringWriter();
        error.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }

    @Test
    void cancelRequestReachesTheUpstreamServer() throws Exception {
        long cancelsBefore = gateway.cancelRequests();
        ScheduledExecutorService canceller = Executors.newSingleThreadScheduledExecutor();
        try (Connection c = jdbc(KEY, new Properties()); Statement s = c.createStatement()) {
            long start = System.nanoTime();
            canceller.schedule(() -> {
                s.cancel();
                return null;
            }, 500, TimeUnit.MILLISECONDS);
            assertThatThrownBy(() -> s.executeQuery("SELECT pg_sleep(30)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014"));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            assertThat(elapsed).isLessThan(Duration.ofSeconds(10));
            System.out.printf("pg_sleep(30) cancelled through the gateway after %d ms%n", elapsed.toMillis());
            // the session goes on
            try (ResultSet rs = s.executeQuery("SELECT 7")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(7);
            }
        } finally {
            canceller.shutdownNow();
        }
        assertThat(gateway.cancelRequests()).isEqualTo(cancelsBefore + 1);
    }

    @Test
    void closeAllSessionsMakesThePoolReconnectOnTheNextQuery() throws InterruptedException {
        awaitNoOpenSessions();
        SqlClient db = bitio(KEY, PoolSettings.serverless());
        try {
            long authenticatedBefore = gateway.authenticatedSessions();
            Integer firstBackend = db.sql("SELECT pg_backend_pid()").map(row -> row.get(0, Integer.class)).one().block(TIMEOUT);
            assertThat(gateway.openSessions()).isEqualTo(1);

            assertThat(gateway.closeAllSessions()).isEqualTo(1);
            awaitNoOpenSessions();
            assertThat(pg.queryForLong("SELECT count(*) FROM pg_stat_activity WHERE pid = " + firstBackend)).isZero();

            Integer secondBackend = db.sql("SELECT pg_backend_pid()").map(row -> row.get(0, Integer.class)).one().block(TIMEOUT);
            assertThat(secondBackend).isNotEqualTo(firstBackend);
            assertThat(db.metrics().connectionsOpened()).isEqualTo(2);
            assertThat(gateway.authenticatedSessions()).isEqualTo(authenticatedBefore + 2);
            assertThat(gateway.openSessions()).isEqualTo(1);
        } finally {
            close(db);
        }
    }

    private static void awaitNoOpenSessions() throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (gateway.openSessions() > 0 || pg.queryForLong("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + ROLE + "'") > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("sessions still open after closeAllSessions(): " + gateway);
            }
            Thread.sleep(20);
        }
    }
}
