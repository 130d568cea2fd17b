package dev.tributary.r2dbc;

import dev.tributary.Tributary;
import dev.tributary.sql.IncorrectResultSizeException;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.sql.SqlSession;
import dev.tributary.sql.load.DataFormat;
import dev.tributary.sql.load.ExportRequest;
import dev.tributary.sql.load.HeaderMode;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadSource;
import dev.tributary.sql.load.LoadedColumn;
import dev.tributary.testkit.netty.NettyLeakCheck;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import io.netty.buffer.PooledByteBufAllocator;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.TransactionDefinition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlClientIT {

    private static EmbeddedPostgresServer pg;
    private static SqlClient db;

    record Airport(String ident, String name, Integer elevationFt, LocalDate openedOn) {
    }

    @BeforeAll
    static void start() {
        pg = EmbeddedPostgresServer.builder().start();
        db = Tributary.sql(pg.r2dbcUrl("postgres")).pool(PoolSettings.builder().maxSize(4).build()).build();
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close().block(Duration.ofSeconds(10));
        }
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void freshTable() {
        pg.execute("DROP TABLE IF EXISTS airport",
                "CREATE TABLE airport (ident text PRIMARY KEY, name text NOT NULL, elevation_ft int, opened_on date)",
                "INSERT INTO airport VALUES ('ENGM', 'Oslo Gardermoen', 681, '1998-10-08'), "
                        + "('ENBR', 'Bergen Flesland', 170, NULL), ('SLLP', 'El Alto', 13355, NULL)");
    }

    @Test
    void readsRowsWithPositionalAndNamedBinds() {
        db.sql("SELECT name FROM airport WHERE elevation_ft > $1 ORDER BY elevation_ft")
                .bind(0, 500)
                .map(row -> row.get("name", String.class))
                .all()
                .as(StepVerifier::create)
                .expectNext("Oslo Gardermoen", "El Alto")
                .verifyComplete();

        db.sql("SELECT name FROM airport WHERE elevation_ft BETWEEN :low AND :high OR ident = :ident ORDER BY ident")
                .bind("low", 100).bind("high", 700).bind("ident", "SLLP")
                .map(row -> row.get(0, String.class))
                .all()
                .as(StepVerifier::create)
                .expectNext("Bergen Flesland", "Oslo Gardermoen", "El Alto")
                .verifyComplete();
    }

    @Test
    void mapsRowsToRecordsBySnakeCaseColumnNames() {
        db.sql("SELECT * FROM airport WHERE ident = :ident").bind("ident", "ENGM")
                .mapTo(Airport.class)
                .one()
                .as(StepVerifier::create)
                .expectNext(new Airport("ENGM", "Oslo Gardermoen", 681, LocalDate.of(1998, 10, 8)))
                .verifyComplete();
    }

    @Test
    void mapsSingleColumnValuesAndRowsAsMaps() {
        db.sql("SELECT count(*) FROM airport").mapTo(Long.class).one()
                .as(StepVerifier::create).expectNext(3L).verifyComplete();
        db.sql("SELECT ident, elevation_ft FROM airport WHERE ident = 'ENBR'").fetch().one()
                .as(StepVerifier::create)
                .assertNext(row -> assertThat(row).containsExactly(Map.entry("ident", "ENBR"), Map.entry("elevation_ft", 170)))
                .verifyComplete();
    }

    @Test
    void recordMappingNamesTheMissingColumn() {
        db.sql("SELECT ident, name FROM airport").mapTo(Airport.class).first()
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("component 'elevationFt'").hasMessageContaining("elevation_ft"))
                .verify();
    }

    @Test
    void bindsTypedNulls() {
        db.sql("INSERT INTO airport VALUES (:ident, :name, :elevation, :opened)")
                .bind("ident", "XXXX").bind("name", "Nowhere")
                .bindNull("elevation", Integer.class).bindNull("opened", LocalDate.class)
                .rowsUpdated()
                .as(StepVerifier::create).expectNext(1L).verifyComplete();
        db.sql("SELECT elevation_ft IS NULL AND opened_on IS NULL FROM airport WHERE ident = $1").bind(0, "XXXX")
                .mapTo(Boolean.class).one()
                .as(StepVerifier::create).expectNext(true).verifyComplete();
    }

    @Test
    void oneFailsOnMoreThanOneRowAndFirstTakesTheFirst() {
        db.sql("SELECT ident FROM airport ORDER BY ident").mapTo(String.class).one()
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IncorrectResultSizeException.class)
                        .hasMessageContaining("SELECT ident FROM airport"))
                .verify();
        db.sql("SELECT ident FROM airport ORDER BY ident").mapTo(String.class).first()
                .as(StepVerifier::create).expectNext("ENBR").verifyComplete();
        db.sql("SELECT ident FROM airport WHERE false").mapTo(String.class).one()
                .as(StepVerifier::create).verifyComplete();
    }

    @Test
    void reportsRowsUpdated() {
        db.sql("UPDATE airport SET elevation_ft = elevation_ft + 1 WHERE elevation_ft < :limit").bind("limit", 1000)
                .rowsUpdated()
                .as(StepVerifier::create).expectNext(2L).verifyComplete();
        db.sql("CREATE TEMP TABLE ddl_has_no_count (x int)").rowsUpdated()
                .as(StepVerifier::create).expectNext(0L).verifyComplete();
    }

    @Test
    void transactionCommitsOnSuccess() {
        db.inTransaction(tx -> tx.sql("UPDATE airport SET elevation_ft = 0 WHERE ident = 'ENGM'").rowsUpdated()
                        .then(tx.sql("DELETE FROM airport WHERE ident = 'ENBR'").rowsUpdated()))
                .as(StepVerifier::create).expectNext(1L).verifyComplete();
        assertThat(count("SELECT count(*) FROM airport WHERE ident = 'ENGM' AND elevation_ft = 0")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM airport WHERE ident = 'ENBR'")).isZero();
        db.inTransaction(IsolationLevel.READ_COMMITTED, tx -> tx.sql("DELETE FROM airport WHERE ident = 'SLLP'").rowsUpdated())
                .as(StepVerifier::create).expectNext(1L).verifyComplete();
        assertThat(count("SELECT count(*) FROM airport")).isEqualTo(1);
        db.inTransactionMany(tx -> tx.sql("INSERT INTO airport (ident, name) VALUES ('A', 'a'), ('B', 'b')").rowsUpdated())
                .as(StepVerifier::create).expectNext(2L).verifyComplete();
        assertThat(count("SELECT count(*) FROM airport")).isEqualTo(3);
        assertThat(poolAcquired()).isZero();
    }

    @Test
    void transactionRollsBackOnErrorAndTheErrorCarriesTheSql() {
        db.inTransaction(tx -> tx.sql("DELETE FROM airport WHERE ident = 'SLLP'").rowsUpdated()
                        .then(tx.sql("INSERT INTO airport (ident, name) VALUES ('ENGM', 'duplicate')").rowsUpdated()))
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(R2dbcDataIntegrityViolationException.class)
                        .hasMessageContaining("duplicate key")
                        .hasMessageContaining("[SQL: INSERT INTO airport (ident, name) VALUES ('ENGM', 'duplicate')]")
                        .satisfies(x -> assertThat(((R2dbcException) x).getSqlState()).isEqualTo("23505")))
                .verify();
        assertThat(count("SELECT count(*) FROM airport")).isEqualTo(3);
        assertThat(poolAcquired()).isZero();
    }

    @Test
    void transactionRollsBackOnCancel() throws Exception {
        Flux<Long> work = db.inTransactionMany(tx -> tx.sql("DELETE FROM airport").rowsUpdated()
                .thenMany(Flux.interval(Duration.ofMillis(50))));
        work.take(Duration.ofMillis(300)).blockLast(Duration.ofSeconds(5));
        awaitPoolIdle();
        assertThat(count("SELECT count(*) FROM airport")).isEqualTo(3);
    }

    @Test
    void transactionUsesTheRequestedIsolationLevel() {
        db.inTransaction(IsolationLevel.SERIALIZABLE, tx -> tx.sql("SHOW transaction_isolation").mapTo(String.class).one())
                .as(StepVerifier::create).expectNext("serializable").verifyComplete();
        db.inTransaction(TransactionDefinition.class.cast(IsolationLevel.REPEATABLE_READ),
                        tx -> tx.sql("SELECT current_setting('transaction_isolation')").mapTo(String.class).one())
                .as(StepVerifier::create).expectNext("repeatable read").verifyComplete();
    }

    @Test
    void sessionWorkIsCommittedInAutoCommitMode() {
        db.inConnection(session -> session.sql("CREATE TEMP TABLE scratch AS SELECT 1 AS x").rowsUpdated()
                        .then(session.sql("UPDATE airport SET name = 'Oslo' WHERE ident = 'ENGM'").rowsUpdated()))
                .as(StepVerifier::create).expectNext(1L).verifyComplete();
        assertThat(count("SELECT count(*) FROM airport WHERE name = 'Oslo'")).isEqualTo(1);
    }

    @Test
    void sessionKeepsItsStateAndEndsWithItsPublisher() {
        SqlSession[] kept = new SqlSession[1];
        db.inConnection(session -> {
                    kept[0] = session;
                    return session.sql("SET search_path TO pg_catalog").rowsUpdated()
                            .then(session.sql("SELECT current_setting('search_path')").mapTo(String.class).one());
                })
                .as(StepVerifier::create).expectNext("pg_catalog").verifyComplete();
        kept[0].sql("SELECT 1").mapTo(Integer.class).one()
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class).hasMessageContaining("has ended"))
                .verify();
        // The session's SET did not leak into the pool.
        db.sql("SELECT current_setting('search_path')").mapTo(String.class).one()
                .as(StepVerifier::create).expectNext("\"$user\", public").verifyComplete();
    }

    @Test
    void badSqlIsAnR2dbcBadGrammarExceptionWithTheSql() {
        db.sql("SELEC 1").rowsUpdated()
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(R2dbcBadGrammarException.class)
                        .hasMessageContaining("syntax error").hasMessageContaining("[SQL: SELEC 1]")
                        .hasCauseInstanceOf(R2dbcBadGrammarException.class))
                .verify();
        assertThat(poolAcquired()).isZero();
    }

    @Test
    void errorMessagesDoNotCarryPasswordsFromTheSql() {
        db.sql("ALTER ROLE no_such_role PASSWORD 'hunter2-secret'").rowsUpdated()
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertThat(e.getMessage()).contains("PASSWORD 'REDACTED'").doesNotContain("hunter2-secret"))
                .verify();
    }

    @Test
    void usageMistakesNameTheArgument() {
        assertThatThrownBy(() -> db.sql("SELECT :a").bind("b", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(":b").hasMessageContaining("[a]");
        assertThatThrownBy(() -> db.sql("SELECT :a").bind(0, 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("named parameters");
        assertThatThrownBy(() -> db.sql("SELECT $1").bind(0, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bindNull");
        assertThatThrownBy(() -> db.sql("SELECT $1").fetchSize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fetchSize");
        assertThatThrownBy(() -> db.sql(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sql");
        db.sql("SELECT :a, :b").bind("a", 1).rowsUpdated()
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class).hasMessageContaining(":b is not bound"))
                .verify();
    }

    @Test
    void streamsWithBackpressureWithoutBufferingTheRest() throws Exception {
        String sql = "SELECT g, 'row ' || g AS label FROM generate_series(1, 5000000) g";
        AtomicLong mapped = new AtomicLong();
        Flux<Long> rows = db.sql(sql).map(row -> {
            mapped.incrementAndGet();
            return row.get("g", Long.class);
        }).all();
        long heapBefore = usedHeapAfterGc();
        long nettyBefore = nettyPooledMemory();

        StepVerifier.create(rows, 10)
                .expectNextCount(10)
                .then(() -> {
                    sleep(1500);
                    // The server is still in the middle of the query: its rows are not all read.
                    assertThat(backendState(sql)).isIn("active", "idle in transaction");
                    assertThat(mapped.get()).isLessThanOrEqualTo(1000);
                    assertThat(usedHeapAfterGc() - heapBefore).isLessThan(64L * 1024 * 1024);
                    assertThat(nettyPooledMemory() - nettyBefore).isLessThan(32L * 1024 * 1024);
                })
                .thenCancel()
                .verify(Duration.ofSeconds(30));

        awaitPoolIdle();
        assertThat(mapped.get()).isLessThan(5_000_000L);
        // After the cancel the connection is back in the pool and usable.
        db.sql("SELECT 42").mapTo(Integer.class).one().as(StepVerifier::create).expectNext(42).verifyComplete();
    }

    @Test
    void loadsAndExportsThroughTheFacadeAndTakesPartInTransactions() {
        String csv = "code,elevation_ft\nENGM,681\nSLLP,13355\n";
        LoadRequest request = LoadRequest.into("facade_load")
                .source(LoadSource.of("inline.csv", Flux.just(ByteBuffer.wrap(csv.getBytes(StandardCharsets.UTF_8)))))
                .format(DataFormat.CSV).header(HeaderMode.FIRST_ROW).build();

        // Inside a transaction that then fails, the load (and the table it created) is rolled back.
        db.inTransaction(tx -> tx.load(request).then(Mono.error(new IllegalStateException("changed my mind"))))
                .as(StepVerifier::create).expectErrorMessage("changed my mind").verify();
        assertThat(count("SELECT count(*) FROM pg_tables WHERE tablename = 'facade_load'")).isZero();

        db.load(request).as(StepVerifier::create)
                .assertNext(result -> {
                    assertThat(result.rows()).isEqualTo(2);
                    assertThat(result.tableCreated()).isTrue();
                    assertThat(result.columns()).extracting(LoadedColumn::sqlType).containsExactly("text", "bigint");
                })
                .verifyComplete();
        String exported = db.export(ExportRequest.query("SELECT * FROM facade_load ORDER BY elevation_ft DESC").format(DataFormat.NDJSON))
                .map(buffer -> StandardCharsets.UTF_8.decode(buffer).toString())
                .collect(java.util.stream.Collectors.joining())
                .block(Duration.ofSeconds(10));
        assertThat(exported).isEqualTo("{\"code\":\"SLLP\",\"elevation_ft\":13355}\n{\"code\":\"ENGM\",\"elevation_ft\":681}\n");
        assertThat(poolAcquired()).isZero();
    }

    @Test
    void cancellingWithPartialDemandLeaksNothing() {
        NettyLeakCheck.collectLeaks();
        for (int i = 0; i < 3; i++) {
            db.sql("SELECT g FROM generate_series(1, 1000000) g").mapTo(Long.class).all()
                    .as(rows -> StepVerifier.create(rows, 10))
                    .expectNextCount(10)
                    .then(() -> sleep(200))
                    .thenCancel()
                    .verify(Duration.ofSeconds(10));
        }
        List<String> leaks = new java.util.ArrayList<>();
        for (int attempt = 0; attempt < 5; attempt++) {
            leaks.addAll(NettyLeakCheck.collectLeaks());
        }
        assertThat(leaks).isEmpty();
    }

    @Test
    void cancelMidStreamReleasesTheConnection() throws Exception {
        List<Long> firsts = db.sql("SELECT g FROM generate_series(1, 1000000) g").mapTo(Long.class).all()
                .take(2500).collectList().block(Duration.ofSeconds(20));
        assertThat(firsts).hasSize(2500).startsWith(1L, 2L).endsWith(2500L);
        awaitPoolIdle();
    }

    @Test
    void closedClientRefusesWork() {
        SqlClient other = Tributary.sql(pg.r2dbcUrl("postgres")).build();
        other.sql("SELECT 1").mapTo(Integer.class).one().as(StepVerifier::create).expectNext(1).verifyComplete();
        other.close().as(StepVerifier::create).verifyComplete();
        other.sql("SELECT 1").mapTo(Integer.class).one().as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed"))
                .verify();
    }

    @Test
    void queriesWithSemicolonsInLiteralsOrAtTheEndStillRun() {
        db.sql("SELECT ';' AS s").mapTo(String.class).one().as(StepVerifier::create).expectNext(";").verifyComplete();
        db.sql("SELECT 7;").mapTo(Integer.class).one().as(StepVerifier::create).expectNext(7).verifyComplete();
        db.sql("SELECT $1::text || ';'").bind(0, "a").mapTo(String.class).one().as(StepVerifier::create).expectNext("a;").verifyComplete();
    }

    @Test
    void decimalAndDateValuesRoundTrip() {
        db.sql("SELECT $1::numeric(10,2) + 0.01, $2::date + 1")
                .bind(0, new BigDecimal("1.10")).bind(1, LocalDate.of(2024, 2, 28))
                .map(row -> List.of(row.get(0, BigDecimal.class), row.get(1, LocalDate.class)))
                .one()
                .as(StepVerifier::create)
                .expectNext(List.of(new BigDecimal("1.11"), LocalDate.of(2024, 2, 29)))
                .verifyComplete();
    }

    private static long count(String sql) {
        return pg.queryForLong(sql);
    }

    private static String backendState(String sql) {
        try (Connection c = pg.superuserDataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT state FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query = '"
                     + sql.replace("'", "''") + "'")) {
            return rs.next() ? rs.getString(1) : "absent";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int poolAcquired() {
        ConnectionPool pool = ((DefaultSqlClient) db).pool();
        return pool.getMetrics().orElseThrow().acquiredSize();
    }

    private static void awaitPoolIdle() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (poolAcquired() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(poolAcquired()).as("connections still acquired").isZero();
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static long nettyPooledMemory() {
        return PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() + PooledByteBufAllocator.DEFAULT.metric().usedHeapMemory();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
