package dev.tributary.testkit.proxy;

import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.tributary.testkit.proxy.FaultProxyTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The proxy in front of a real PostgreSQL, driven through JDBC on the test thread.
 */
class FaultProxyIT {

    private static EmbeddedPostgresServer pg;

    @BeforeAll
    static void startPostgres() {
        pg = EmbeddedPostgresServer.startDefault();
    }

    @AfterAll
    static void stopPostgres() {
        pg.close();
    }

    @Test
    void passesQueriesThroughAndCountsTheBytes() throws Exception {
        try (FaultProxy proxy = FaultProxy.to(pg.host(), pg.port()).start(); Connection c = connect(proxy, "")) {
            assertThat(queryLong(c, "SELECT 6 * 7")).isEqualTo(42);
            assertThat(queryLong(c, "SELECT inet_server_port()")).isEqualTo(pg.port());
            assertThat(proxy.acceptedConnections()).isEqualTo(1);
            assertThat(proxy.openConnections()).isEqualTo(1);
            assertThat(proxy.bytesToUpstream()).isPositive();
            assertThat(proxy.bytesToClients()).isGreaterThan(proxy.bytesToUpstream());
        }
    }

    @Test
    void dropAllBreaksOpenConnectionsWhileNewOnesWork() throws Exception {
        try (FaultProxy proxy = FaultProxy.to(pg.host(), pg.port()).start();
             Connection first = connect(proxy, ""); Connection second = connect(proxy, "")) {
            assertThat(queryLong(first, "SELECT 1")).isEqualTo(1);
            assertThat(queryLong(second, "SELECT 2")).isEqualTo(2);

            proxy.dropAll();

            for (Connection dropped : List.of(first, second)) {
                SQLException e = catchThrowableOfType(SQLException.class, () -> queryLong(dropped, "SELECT 3"));
                assertThat(e.getSQLState()).as("a connection failure").isEqualTo("08006");
            }
            try (Connection fresh = connect(proxy, "")) {
                assertThat(queryLong(fresh, "SELECT 4")).isEqualTo(4);
            }
            assertThat(proxy.droppedConnections()).isEqualTo(2);
            assertThat(proxy.acceptedConnections()).isEqualTo(3);
        }
    }

    @Test
    void refuseNewFailsNewConnectsFastUntilPassThrough() throws Exception {
        try (FaultProxy proxy = FaultProxy.to(pg.host(), pg.port()).start(); Connection existing = connect(proxy, "")) {
            proxy.refuseNew();

            long start = System.nanoTime();
            SQLException refused = catchThrowableOfType(SQLException.class, () -> connect(proxy, "&connectTimeout=5"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(refused.getSQLState()).startsWith("08");
            assertThat(queryLong(existing, "SELECT 5")).isEqualTo(5);
            assertThat(proxy.refusedConnections()).isEqualTo(1);

            proxy.passThrough();

            try (Connection fresh = connect(proxy, "")) {
                assertThat(queryLong(fresh, "SELECT 6")).isEqualTo(6);
            }
        }
    }

    @Test
    void holdNewDelaysTheFirstQueryThenItWorks() throws Exception {
        try (FaultProxy proxy = FaultProxy.to(pg.host(), pg.port()).start().holdNew(Duration.ofMillis(1500))) {
            long start = System.nanoTime();
            try (Connection c = connect(proxy, "")) {
                assertThat(queryLong(c, "SELECT 7")).isEqualTo(7);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        }
    }

    @Test
    void blackHoleMakesQueriesAndConnectsTimeOutInsteadOfFailingFast() throws Exception {
        ExecutorService background = Executors.newSingleThreadExecutor();
        try (FaultProxy proxy = FaultProxy.to(pg.host(), pg.port()).start();
             Connection existing = connect(proxy, "&socketTimeout=2")) {
            assertThat(queryLong(existing, "SELECT 8")).isEqualTo(8);

            proxy.blackHole();

            long start = System.nanoTime();
            Future<Long> connecting = background.submit(() -> {
                long t0 = System.nanoTime();
                try (Connection c = connect(proxy, "&connectTimeout=2&socketTimeout=2")) {
                    return -1L;
                } catch (SQLException e) {
                    return System.nanoTime() - t0;
                }
            });
            SQLException timedOut = catchThrowableOfType(SQLException.class, () -> queryLong(existing, "SELECT 9"));
            Duration queryTook = Duration.ofNanos(System.nanoTime() - start);
            Duration connectTook = Duration.ofNanos(connecting.get(10, TimeUnit.SECONDS));

            assertThat((Throwable) timedOut).hasRootCauseInstanceOf(SocketTimeoutException.class);
            assertThat(queryTook).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
            assertThat(connectTook).as("a new connection hangs until its timeout").isGreaterThanOrEqualTo(Duration.ofMillis(1900));
            assertThat(proxy.acceptedConnections()).isEqualTo(2);
            assertThat(proxy.refusedConnections()).isZero();
        } finally {
            background.shutdownNow();
        }
    }

    @Test
    void throttleSlowsALargeResultToTheRate() throws Exception {
        try (FaultProxy proxy = FaultProxy.to(pg.host(), pg.port()).start(); Connection c = connect(proxy, "")) {
            assertThat(queryLong(c, "SELECT 10")).isEqualTo(10);
            proxy.throttle(100_000);
            long start = System.nanoTime();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT repeat('x', 100000)")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).hasSize(100_000).matches("x+");
            }
            // 100 kB at 100 kB/s: about one second, less one slice of 50 ms
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            proxy.unthrottled();
            assertThat(queryLong(c, "SELECT 11")).isEqualTo(11);
        }
    }

    @Test
    void aTerminatedBackendReachesTheClientAndClosesBothSides() throws Exception {
        try (FaultProxy proxy = FaultProxy.to(pg.host(), pg.port()).start();
             Connection c = connect(proxy, "&ApplicationName=terminated-through-proxy")) {
            assertThat(queryLong(c, "SELECT 12")).isEqualTo(12);

            pg.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'terminated-through-proxy'");

            SQLException e = catchThrowableOfType(SQLException.class, () -> queryLong(c, "SELECT 13"));
            // the server's ErrorResponse (57P01 admin_shutdown) passes through, then the close
            assertThat(e.getSQLState()).isIn("57P01", "08006");
            eventually(() -> assertThat(proxy.openConnections()).isZero());
            assertThat(proxy.droppedConnections()).isZero();
        }
    }

    @Test
    void aServerRestartBehindTheProxyResetsClientsUntilTheServerIsBack() throws Exception {
        try (FaultProxy proxy = FaultProxy.to(pg.host(), pg.port()).start(); Connection before = connect(proxy, "")) {
            assertThat(queryLong(before, "SELECT 14")).isEqualTo(14);
            pg.stop();
            try {
                assertThat(catchThrowableOfType(SQLException.class, () -> queryLong(before, "SELECT 15")).getSQLState())
                        .isIn("57P01", "08006");
                long start = System.nanoTime();
                SQLException down = catchThrowableOfType(SQLException.class, () -> connect(proxy, ""));
                assertThat(down.getSQLState()).startsWith("08");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
                assertThat(proxy.failedUpstreamConnects()).isEqualTo(1);
            } finally {
                pg.start();
            }
            try (Connection after = connect(proxy, "")) {
                assertThat(queryLong(after, "SELECT 16")).isEqualTo(16);
            }
        }
    }

    @Test
    void manyConcurrentConnectionsGetTheirOwnResults() throws Exception {
        int connections = 32;
        ExecutorService clients = Executors.newFixedThreadPool(connections);
        try (FaultProxy proxy = FaultProxy.to(pg.host(), pg.port()).start()) {
            List<CompletableFuture<Long>> sums = new ArrayList<>();
            for (int i = 1; i <= connections; i++) {
                long n = 1000L * i;
                sums.add(CompletableFuture.supplyAsync(() -> {
                    try (Connection c = connect(proxy, "")) {
                        return queryLong(c, "SELECT sum(g) FROM generate_series(1, " + n + ") g");
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }, clients));
            }
            for (int i = 1; i <= connections; i++) {
                long n = 1000L * i;
                assertThat(sums.get(i - 1).get(20, TimeUnit.SECONDS)).isEqualTo(n * (n + 1) / 2);
            }
            assertThat(proxy.acceptedConnections()).isEqualTo(connections);
            eventually(() -> assertThat(proxy.openConnections()).isZero());
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void closingTheProxyBreaksItsConnections() throws Exception {
        FaultProxy proxy = FaultProxy.to(pg.host(), pg.port()).start();
        try (Connection c = connect(proxy, "")) {
            assertThat(queryLong(c, "SELECT 17")).isEqualTo(17);
            proxy.close();
            assertThatThrownBy(() -> queryLong(c, "SELECT 18")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08006"));
        }
    }

    private static Connection connect(FaultProxy proxy, String options) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + proxy.host() + ":" + proxy.port() + "/postgres?user="
                + EmbeddedPostgresServer.SUPERUSER + options);
    }

    private static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }
}
