package dev.tributary.r2dbc.clickhouse;

import dev.tributary.testkit.clickhouse.ClickHouseServer;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Clob;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Parameter;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcNonTransientException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcType;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.TransactionDefinition;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.test.TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.core.JdbcOperations;
import reactor.core.publisher.Flux;

import java.lang.reflect.Proxy;
import java.time.Duration;

/**
 * The R2DBC TCK ({@code io.r2dbc:r2dbc-spi-test} {@link TestKit}) against the ClickHouse driver and a
 * real clickhouse-server. The kit's fixtures (its {@link JdbcOperations}) run through the driver
 * itself, blocking on the JUnit thread: no ClickHouse JDBC driver works against 18.16. Tests of
 * what ClickHouse does not have are overridden, each by a test of what the driver documents instead.
 */
class ClickHouseTestKitIT implements TestKit<String> {

    private static ClickHouseServer ch;
    private static ConnectionFactory factory;

    @BeforeAll
    static void start() {
        ch = ClickHouseServer.builder().keepAliveTimeout(Duration.ofSeconds(1)).start();
        factory = ConnectionFactories.get("r2dbc:clickhouse://default@127.0.0.1:" + ch.httpPort() + "/default");
    }

    @AfterAll
    static void stop() {
        if (ch != null) {
            ch.close();
        }
    }

    @Override
    public ConnectionFactory getConnectionFactory() {
        return factory;
    }

    /** Bind markers are {@code $1, $2, ...}. */
    @Override
    public String getPlaceholder(int index) {
        return "$" + (index + 1);
    }

    /** The driver binds by the marker's name ({@code $1}) as well as by index. */
    @Override
    public String getIdentifier(int index) {
        return getPlaceholder(index);
    }

    /** ClickHouse has no BLOB type: bytes are a {@code String}. */
    @Override
    public String blobType() {
        return "Nullable(String)";
    }

    /** ClickHouse has no CLOB type: text is a {@code String}. */
    @Override
    public String clobType() {
        return "Nullable(String)";
    }

    /** The kit's tables in ClickHouse's DDL: an engine is required ({@code Memory}), columns are Nullable to take NULLs. */
    @Override
    public String doGetSql(TestStatement statement) {
        switch (statement) {
            case CREATE_TABLE:
                return "CREATE TABLE test ( test_value Nullable(Int32) ) ENGINE = Memory";
            case CREATE_TABLE_TWO_COLUMNS:
                return "CREATE TABLE test_two_column ( col1 Nullable(Int32), col2 Nullable(String) ) ENGINE = Memory";
            case CREATE_BLOB_TABLE:
                return "CREATE TABLE blob_test ( test_value %s ) ENGINE = Memory";
            case CREATE_CLOB_TABLE:
                return "CREATE TABLE clob_test ( test_value %s ) ENGINE = Memory";
            // IF EXISTS: a test that drops a table itself must not leave the next test's fixtures behind
            case DROP_TABLE:
                return "DROP TABLE IF EXISTS test";
            case DROP_TABLE_TWO_COLUMNS:
                return "DROP TABLE IF EXISTS test_two_column";
            case DROP_BLOB_TABLE:
                return "DROP TABLE IF EXISTS blob_test";
            case DROP_CLOB_TABLE:
                return "DROP TABLE IF EXISTS clob_test";
            default:
                return TestKit.super.doGetSql(statement);
        }
    }

    /**
     * The kit's fixtures through the driver under test: {@code execute(String)} runs one statement
     * on a fresh connection and waits for it (on the JUnit thread); any other method fails loudly.
     */
    @Override
    public JdbcOperations getJdbcOperations() {
        return (JdbcOperations) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{JdbcOperations.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("execute") && args != null && args.length == 1 && args[0] instanceof String sql) {
                        Flux.usingWhen(factory.create(),
                                        c -> Flux.from(c.createStatement(sql).execute()).concatMap(r -> r.map((row, meta) -> 1)),
                                        Connection::close)
                                .blockLast(Duration.ofSeconds(30));
                        return null;
                    }
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "toString" -> "ClickHouse JdbcOperations of the TCK";
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> throw new UnsupportedOperationException(method.toString());
                        };
                    }
                    throw new UnsupportedOperationException("The TCK's ClickHouse JdbcOperations only runs execute(String), not " + method);
                });
    }

    // ---- what ClickHouse does not have, and what the driver does instead ------------------------

    private static final String NO_TRANSACTIONS = "ClickHouse has no transactions";

    /** Runs statements on a fresh connection, emitting the results' values (rows, then update counts). */
    private Flux<Object> run(Function<Connection, Publisher<?>> work) {
        return Flux.usingWhen(getConnectionFactory().create(), c -> Flux.from(work.apply(c)).map(Object.class::cast), Connection::close);
    }

    private Set<Integer> values() {
        return run(c -> Flux.from(c.createStatement(expand(TestStatement.SELECT_VALUE)).execute())
                .concatMap(r -> r.map((row, meta) -> Optional.ofNullable(row.get("test_value", Integer.class)).orElse(-1))))
                .map(Integer.class::cast).collect(Collectors.toSet()).block(Duration.ofSeconds(30));
    }

    private Statement insertPlaceholder(Connection connection) {
        return connection.createStatement(expand(TestStatement.INSERT_VALUE_PLACEHOLDER, getPlaceholder(0)));
    }

    /** No transactions: {@code setAutoCommit(false)} signals the no-transactions error, and the connection stays in auto-commit. */
    @Override
    @Test
    public void changeAutoCommitCommitsTransaction() {
        StepVerifier.create(run(c -> Flux.from(c.setAutoCommit(false)).thenMany(Flux.just(c.isAutoCommit()))))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(R2dbcNonTransientResourceException.class).hasMessageContaining(NO_TRANSACTIONS))
                .verify(Duration.ofSeconds(10));
        StepVerifier.create(run(c -> Flux.from(c.setAutoCommit(true)).thenMany(Flux.just(c.isAutoCommit()))))
                .expectNext(true).verifyComplete();
    }

    /** No transactions: an insert is committed on its own whatever {@code rollbackTransaction()} says afterwards (it completes, doing nothing). */
    @Override
    @Test
    public void sameAutoCommitLeavesTransactionUnchanged() {
        StepVerifier.create(run(c -> Flux.from(c.createStatement(expand(TestStatement.INSERT_VALUE200)).execute())
                        .concatMap(Result::getRowsUpdated).thenMany(c.rollbackTransaction())))
                .verifyComplete();
        assertThat(values()).containsExactly(200);
    }

    /** No transactions: {@code beginTransaction()} signals the no-transactions error; {@code commitTransaction()} completes (nothing to commit). */
    @Override
    @Test
    public void transactionCommit() {
        getJdbcOperations().execute(expand(TestStatement.INSERT_VALUE100));
        StepVerifier.create(run(Connection::beginTransaction))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(R2dbcNonTransientResourceException.class).hasMessageContaining(NO_TRANSACTIONS))
                .verify(Duration.ofSeconds(10));
        StepVerifier.create(run(c -> Flux.from(insertPlaceholder(c).bind(getIdentifier(0), 200).execute())
                .concatMap(Result::getRowsUpdated).thenMany(c.commitTransaction()))).verifyComplete();
        assertThat(values()).containsExactlyInAnyOrder(100, 200);
    }

    /** No transactions: {@code beginTransaction()} fails, and a rollback does not undo a statement (each commits on its own). */
    @Override
    @Test
    public void transactionRollback() {
        getJdbcOperations().execute(expand(TestStatement.INSERT_VALUE100));
        StepVerifier.create(run(c -> c.beginTransaction(TransactionDefinition.class.cast(IsolationLevel.READ_COMMITTED))))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining(NO_TRANSACTIONS))
                .verify(Duration.ofSeconds(10));
        StepVerifier.create(run(c -> Flux.from(insertPlaceholder(c).bind(getIdentifier(0), 200).execute())
                .concatMap(Result::getRowsUpdated).thenMany(c.rollbackTransaction()))).verifyComplete();
        assertThat(values()).containsExactlyInAnyOrder(100, 200);
    }

    /** No savepoints: {@code createSavepoint}, {@code releaseSavepoint} and {@code rollbackTransactionToSavepoint} signal the no-transactions error. */
    @Override
    @Test
    public void savePoint() {
        for (Function<Connection, Publisher<?>> savepointCall : List.<Function<Connection, Publisher<?>>>of(
                c -> c.createSavepoint("test_savepoint"), c -> c.releaseSavepoint("test_savepoint"),
                c -> c.rollbackTransactionToSavepoint("test_savepoint"))) {
            StepVerifier.create(run(savepointCall))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(R2dbcNonTransientResourceException.class).hasMessageContaining(NO_TRANSACTIONS))
                    .verify(Duration.ofSeconds(10));
        }
    }

    /** No savepoints: {@code createSavepoint} starts nothing; the connection stays in auto-commit. */
    @Override
    @Test
    public void savePointStartsTransaction() {
        StepVerifier.create(run(c -> Flux.from(c.createSavepoint("test_savepoint")).onErrorResume(e -> Flux.empty())
                        .thenMany(Flux.just(c.isAutoCommit()))))
                .expectNext(true).verifyComplete();
    }

    /**
     * ClickHouse 18.16 does not say how many rows an INSERT wrote (no {@code X-ClickHouse-Summary} header): the
     * result's {@code getRowsUpdated()} is empty (the SPI's "not applicable"); the NULL row is there.
     */
    @Override
    @Test
    public void bindNull() {
        StepVerifier.create(run(c -> Flux.from(TestKit.bindNull(insertPlaceholder(c), getIdentifier(0), Integer.class).execute())
                .concatMap(Result::getRowsUpdated))).verifyComplete();
        assertThat(values()).containsExactly(-1);
    }

    /** As {@link #bindNull()}: no update count on 18.16; the value bound as a {@link Parameter} is inserted. */
    @Override
    @Test
    public void bindValueAsParameter() {
        StepVerifier.create(run(c -> Flux.from(TestKit.bind(insertPlaceholder(c), getIdentifier(0), Parameters.in(R2dbcType.INTEGER, 100)).execute())
                .concatMap(Result::getRowsUpdated))).verifyComplete();
        assertThat(values()).containsExactly(100);
    }

    /** As {@link #bindNull()}: no update count on 18.16; a NULL bound as a typed {@link Parameter} is inserted. */
    @Override
    @Test
    public void bindNullAsParameter() {
        StepVerifier.create(run(c -> Flux.from(TestKit.bind(insertPlaceholder(c), getIdentifier(0), Parameters.in(R2dbcType.INTEGER)).execute())
                .concatMap(Result::getRowsUpdated))).verifyComplete();
        assertThat(values()).containsExactly(-1);
    }

    /** As {@link #bindNull()}: ten sets of bindings run as ten inserts, none with an update count on 18.16; all ten rows are there. */
    @Override
    @Test
    public void prepareStatement() {
        StepVerifier.create(run(c -> {
            Statement statement = insertPlaceholder(c);
            for (int i = 0; i < 10; i++) {
                TestKit.bind(statement, getIdentifier(0), i);
                if (i != 9) {
                    statement.add();
                }
            }
            return Flux.from(statement.execute()).concatMap(Result::getRowsUpdated);
        })).verifyComplete();
        assertThat(values()).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    /** As {@link #bindNull()} (no update count): the set before a trailing {@code add()} runs, then the empty set is an error. */
    @Override
    @Test
    public void prepareStatementWithTrailingAddShouldFail() {
        StepVerifier.create(run(c -> Flux.from(TestKit.bind(insertPlaceholder(c), getIdentifier(0), 0).add().execute())
                        .concatMap(Result::getRowsUpdated)))
                .verifyError(R2dbcNonTransientException.class);
        assertThat(values()).containsExactly(0);
    }

    /** As {@link #bindNull()}: the INSERT's result has no update-count segment on 18.16 (and no other segment). */
    @Override
    @Test
    public void segmentInsertEmitsUpdateCount() {
        StepVerifier.create(run(c -> Flux.from(c.createStatement(expand(TestStatement.INSERT_VALUE100)).execute())
                .concatMap(result -> result.flatMap(Flux::just)))).verifyComplete();
        assertThat(values()).containsExactly(100);
    }

    /**
     * No LOB types in ClickHouse (bytes and text are both {@code String}), and the driver takes no {@link Blob}:
     * binding one fails at bind time naming its class; the bytes bound as a {@code ByteBuffer} are inserted.
     */
    @Override
    @Test
    public void blobInsert() {
        StepVerifier.create(run(c -> {
            Statement statement = c.createStatement(expand(TestStatement.INSERT_BLOB_VALUE_PLACEHOLDER, getPlaceholder(0)));
            assertThatThrownBy(() -> TestKit.bind(statement, getIdentifier(0), Blob.from(Mono.just(StandardCharsets.UTF_8.encode("x")))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Blob");
            return Flux.from(TestKit.bind(statement, getIdentifier(0), StandardCharsets.UTF_8.encode("test-value")).execute())
                    .concatMap(Result::getRowsUpdated);
        })).verifyComplete();
        StepVerifier.create(run(c -> Flux.from(c.createStatement(expand(TestStatement.SELECT_BLOB_VALUE)).execute())
                .concatMap(r -> r.map((row, meta) -> row.get("test_value", String.class))))).expectNext("test-value").verifyComplete();
    }

    /** No LOB types, no {@link Blob} reads: a String column's bytes read as {@code byte[]} and {@code ByteBuffer}. */
    @Override
    @Test
    public void blobSelect() {
        getJdbcOperations().execute(expand(TestStatement.INSERT_BLOB_VALUE_PLACEHOLDER, "'test-value'"));
        StepVerifier.create(run(c -> Flux.from(c.createStatement(expand(TestStatement.SELECT_BLOB_VALUE)).execute())
                        .concatMap(r -> r.map((row, meta) -> List.of(new String(row.get("test_value", byte[].class), StandardCharsets.UTF_8),
                                StandardCharsets.UTF_8.decode(row.get("test_value", ByteBuffer.class)).toString())))))
                .expectNext(List.of("test-value", "test-value")).verifyComplete();
    }

    /** No LOB types, and the driver takes no {@link Clob}: binding one fails naming its class; a String is inserted. */
    @Override
    @Test
    public void clobInsert() {
        StepVerifier.create(run(c -> {
            Statement statement = c.createStatement(expand(TestStatement.INSERT_CLOB_VALUE_PLACEHOLDER, getPlaceholder(0)));
            assertThatThrownBy(() -> TestKit.bind(statement, getIdentifier(0), Clob.from(Mono.just("x"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Clob");
            return Flux.from(TestKit.bind(statement, getIdentifier(0), "test-value").execute()).concatMap(Result::getRowsUpdated);
        })).verifyComplete();
        StepVerifier.create(run(c -> Flux.from(c.createStatement(expand(TestStatement.SELECT_CLOB_VALUE)).execute())
                .concatMap(r -> r.map((row, meta) -> row.get("test_value"))))).expectNext("test-value").verifyComplete();
    }

    /** No LOB types, no {@link Clob} reads: text reads as {@code String} (the kit's first half). */
    @Override
    @Test
    public void clobSelect() {
        getJdbcOperations().execute(expand(TestStatement.INSERT_CLOB_VALUE_PLACEHOLDER, "'test-value'"));
        StepVerifier.create(run(c -> Flux.from(c.createStatement(expand(TestStatement.SELECT_CLOB_VALUE)).execute())
                .concatMap(r -> r.map((row, meta) -> row.get("test_value"))))).expectNext("test-value").verifyComplete();
    }

    /**
     * ClickHouse refuses two different expressions under one alias (error 179, a bad-grammar error here);
     * metadata lookup by name is case-insensitive, shown with distinct aliases.
     */
    @Override
    @Test
    public void columnMetadata() {
        getJdbcOperations().execute(expand(TestStatement.INSERT_TWO_COLUMNS));
        StepVerifier.create(run(c -> c.createStatement(expand(TestStatement.SELECT_VALUE_TWO_COLUMNS)).execute()).concatMap(r -> ((Result) r).getRowsUpdated()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(R2dbcBadGrammarException.class,
                        bad -> assertThat(bad.getErrorCode()).isEqualTo(179)))
                .verify(Duration.ofSeconds(10));
        StepVerifier.create(run(c -> Flux.from(c.createStatement("SELECT col1 AS test_value, col2 AS other FROM test_two_column").execute())
                        .concatMap(r -> r.map((row, meta) -> List.of(meta.contains("test_value"), meta.contains("TEST_VALUE"),
                                meta.getColumnMetadata("TEST_VALUE").getName())))))
                .expectNext(List.of(true, true, "test_value")).verifyComplete();
    }

    /** Duplicate aliases are refused by ClickHouse (see {@link #columnMetadata()}); a column is found by name ignoring case. */
    @Override
    @Test
    public void duplicateColumnNames() {
        getJdbcOperations().execute(expand(TestStatement.INSERT_TWO_COLUMNS));
        StepVerifier.create(run(c -> Flux.from(c.createStatement("SELECT col1 AS test_value, col2 AS other FROM test_two_column").execute())
                        .concatMap(r -> r.map((row, meta) -> List.of(row.get("test_value"), row.get("TEST_VALUE"))))))
                .expectNext(List.of(100, 100)).verifyComplete();
    }

    /**
     * The ClickHouse HTTP interface runs one statement per request and refuses several ("Multi-statements are not
     * allowed", error 62); {@code createBatch()} runs several, one request each.
     */
    @Override
    @Test
    public void compoundStatement() {
        getJdbcOperations().execute(expand(TestStatement.INSERT_VALUE100));
        StepVerifier.create(run(c -> c.createStatement(expand(TestStatement.SELECT_VALUE_BATCH)).execute()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(R2dbcBadGrammarException.class,
                        bad -> assertThat(bad.getErrorCode()).isEqualTo(62)))
                .verify(Duration.ofSeconds(10));
        StepVerifier.create(run(c -> Flux.from(c.createBatch().add(expand(TestStatement.SELECT_VALUE)).add(expand(TestStatement.SELECT_VALUE)).execute())
                        .concatMap(this::extractColumns)))
                .expectNext(Set.of(100), Set.of(100)).verifyComplete();
    }

    /**
     * ClickHouse has no generated keys (no IDENTITY, SERIAL or RETURNING): {@code returnGeneratedValues()} is
     * accepted and an INSERT still returns no rows.
     */
    @Override
    @Test
    public void returnGeneratedValues() {
        StepVerifier.create(run(c -> Flux.from(c.createStatement(expand(TestStatement.INSERT_VALUE100)).returnGeneratedValues().execute())
                .concatMap(r -> r.map((row, meta) -> row.get(0))))).verifyComplete();
        assertThat(values()).containsExactly(100);
    }
}
