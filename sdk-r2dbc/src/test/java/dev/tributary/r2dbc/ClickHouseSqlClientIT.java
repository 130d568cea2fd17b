package dev.tributary.r2dbc;

import dev.tributary.Tributary;
import dev.tributary.sql.IncorrectResultSizeException;
import dev.tributary.sql.PoolMetrics;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.clickhouse.ClickHouseServer;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The facade ({@link SqlClient}) unchanged on the ClickHouse driver, pooled, against a real
 * clickhouse-server: binds (named and positional), mapping, {@code fetch}/{@code one}/{@code first},
 * {@code rowsUpdated}, errors, metrics, the missing transactions, and a read that waits through a
 * restart of the server.
 */
class ClickHouseSqlClientIT {

    private static ClickHouseServer ch;
    private static SqlClient db;

    record City(String name, Long population, LocalDate founded) {
    }

    @BeforeAll
    static void start() {
        ch = ClickHouseServer.builder().keepAliveTimeout(Duration.ofSeconds(1)).start();
        db = Tributary.sql("r2dbc:clickhouse://default@127.0.0.1:" + ch.httpPort() + "/default")
                .pool(PoolSettings.builder().maxSize(3).validateAfterIdle(Duration.ofMillis(200))
                        .wakeDeadline(Duration.ofSeconds(60)).build())
                .build();
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close().block(Duration.ofSeconds(10));
        }
        if (ch != null) {
            ch.close();
        }
    }

    @BeforeEach
    void freshTable() {
        ch.query("DROP TABLE IF EXISTS city");
        ch.query("CREATE TABLE city (name String, country FixedString(2), population UInt32, founded Nullable(Date)) ENGINE = Memory");
        ch.query("INSERT INTO city VALUES ('Oslo', 'NO', 709037, '1994-06-01'), ('Bergen', 'NO', 291940, NULL), "
                + "('Trondheim', 'NO', 212660, NULL), ('Lyon', 'FR', 522250, NULL)");
    }

    @Test
    void readsRecordsWithNamedAndPositionalBinds() {
        StepVerifier.create(db.sql("SELECT name, population, founded FROM city WHERE country = :country AND population > :min "
                                + "ORDER BY population DESC")
                        .bind("country", "NO").bind("min", 250_000).mapTo(City.class).all())
                .expectNext(new City("Oslo", 709_037L, LocalDate.of(1994, 6, 1)), new City("Bergen", 291_940L, null))
                .verifyComplete();
        StepVerifier.create(db.sql("SELECT name FROM city WHERE population < $1 ORDER BY name").bind(0, 300_000).mapTo(String.class).all())
                .expectNext("Bergen", "Trondheim")
                .verifyComplete();
    }

    @Test
    void roundTripsBoundTextWithQuotesBackslashesAndColonsThroughClickHouseLiterals() {
        String tricky = "O'Brien \\ :not_a_parameter\t\"x\"\n\u00e6\u00f8\u00e5 \ud83d\ude00";
        // a literal with a ClickHouse backslash escape and a colon word: lexed as ClickHouse, not PostgreSQL
        assertThat(db.sql("SELECT :v AS v, 'it\\'s :x' AS w").bind("v", tricky).fetch().one().block())
                .containsExactly(Map.entry("v", tricky), Map.entry("w", "it's :x"));
    }

    @Test
    void fetchesMapsOneAndFirst() {
        Map<String, Object> lyon = db.sql("SELECT name, country, population FROM city WHERE name = :n").bind("n", "Lyon").fetch().one().block();
        assertThat(lyon).containsExactly(Map.entry("name", "Lyon"), Map.entry("country", "FR"), Map.entry("population", 522_250L));
        assertThat(db.sql("SELECT name FROM city ORDER BY population").mapTo(String.class).first().block()).isEqualTo("Trondheim");
        StepVerifier.create(db.sql("SELECT name FROM city WHERE country = 'NO'").mapTo(String.class).one())
                .expectError(IncorrectResultSizeException.class)
                .verify(Duration.ofSeconds(10));
        StepVerifier.create(db.sql("SELECT name FROM city WHERE country = 'SE'").mapTo(String.class).one()).verifyComplete();
    }

    @Test
    void writesAndReportsWhatTheServerSays() {
        // ClickHouse 18.16 sends no X-ClickHouse-Summary header: the driver reports no count, the facade's sum is 0
        assertThat(db.sql("INSERT INTO city VALUES (:n, 'FR', 145000, NULL)").bind("n", "Dijon").rowsUpdated().block()).isZero();
        assertThat(db.sql("SELECT count() FROM city WHERE country = 'FR'").mapTo(Long.class).one().block()).isEqualTo(2L);
    }

    @Test
    void signalsServerErrorsTypedWithCodeAndSql() {
        assertThatThrownBy(() -> db.sql("SELECT nope FROM city").fetch().all().blockLast())
                .isInstanceOfSatisfying(R2dbcBadGrammarException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(47);
                    assertThat(e.getMessage()).contains("nope");
                    assertThat(e.getSql()).isEqualTo("SELECT nope FROM city");
                });
    }

    @Test
    void inTransactionSignalsThatClickHouseHasNoTransactions() {
        StepVerifier.create(db.inTransaction(tx -> tx.sql("INSERT INTO city VALUES ('Nice', 'FR', 342000, NULL)").rowsUpdated()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(R2dbcNonTransientResourceException.class)
                        .hasMessageContaining("ClickHouse has no transactions"))
                .verify(Duration.ofSeconds(10));
        // nothing ran: the work never started
        assertThat(db.sql("SELECT count() FROM city WHERE name = 'Nice'").mapTo(Long.class).one().block()).isZero();
        // a session (one connection, no transaction) works
        assertThat(db.inConnection(session -> session.sql("SELECT count() FROM city").mapTo(Long.class).one()).block()).isEqualTo(4L);
    }

    @Test
    void reportsPoolMetrics() {
        db.sql("SELECT 1").mapTo(Integer.class).one().block();
        PoolMetrics metrics = db.metrics();
        assertThat(metrics.maxSize()).isEqualTo(3);
        assertThat(metrics.connectionsOpened()).isPositive();
        assertThat(metrics.allocated()).isBetween(1, 3);
        assertThat(metrics.acquired()).isZero();
    }

    /**
     * The server restarts between two reads (stopped, then a new one on the same HTTP port): the
     * second read, issued while the server is down, waits (pooled connection found dead by its idle
     * validation, connects retried) and completes once the new server answers.
     */
    @Test
    void aReadIssuedWhileTheServerRestartsCompletesOnTheNewServer() throws Exception {
        String sum = "SELECT sum(number) FROM numbers(1000)";
        assertThat(db.sql(sum).mapTo(Long.class).one().block()).isEqualTo(499_500L);
        PoolMetrics before = db.metrics();
        int port = ch.httpPort();
        ch.close();
        CompletableFuture<Long> during = db.sql(sum).mapTo(Long.class).one().toFuture();
        Thread.sleep(300); // the read is waiting for a connection while nothing listens
        assertThat(during).isNotDone();
        ch = ClickHouseServer.builder().keepAliveTimeout(Duration.ofSeconds(1)).httpPort(port).start();
        assertThat(during.get(60, TimeUnit.SECONDS)).isEqualTo(499_500L);
        PoolMetrics after = db.metrics();
        assertThat(after.connectionsOpened()).isGreaterThan(before.connectionsOpened());
        assertThat(after.connectRetries() + after.staleConnectionsReplaced() + after.statementReruns())
                .isGreaterThan(before.connectRetries() + before.staleConnectionsReplaced() + before.statementReruns());
        // and the next read is an ordinary one
        assertThat(db.sql(sum).mapTo(Long.class).one().block()).isEqualTo(499_500L);
        freshTable();
    }

    @Test
    void classifiesTheDriversConnectionFailuresAsLostConnections() {
        // a refused socket, as the driver reports it
        R2dbcException refused = Mono.from(new dev.tributary.r2dbc.clickhouse.ClickHouseConnectionFactory(
                        dev.tributary.r2dbc.clickhouse.ClickHouseConnectionConfiguration.builder().host("127.0.0.1").port(closedPort()).build())
                .create()).then(Mono.<R2dbcException>empty())
                .onErrorResume(R2dbcException.class, Mono::just).block(Duration.ofSeconds(10));
        assertThat(refused).isNotNull();
        assertThat(ConnectionFailures.isTransientConnectFailure(refused)).isTrue();
        assertThat(ConnectionFailures.isConnectionLost(refused)).isTrue();
        assertThat(ConnectionFailures.isConnectionLost(new R2dbcBadGrammarException("x", null, 62))).isFalse();
    }

    private static int closedPort() {
        try {
            return dev.tributary.testkit.local.LocalResources.freeLoopbackPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
