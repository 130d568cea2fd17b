package dev.tributary.r2dbc.clickhouse;

import dev.tributary.testkit.clickhouse.ClickHouseServer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.r2dbc.spi.Nullability;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import io.r2dbc.spi.ValidationDepth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The driver against a real clickhouse-server (one per class). */
class ClickHouseConnectionIT {

    private static final String PASSWORD = "s3cret-pass";

    private static ClickHouseServer server;

    @BeforeAll
    static void startServer() {
        server = ClickHouseServer.builder().keepAliveTimeout(Duration.ofSeconds(1)).user("alice", PASSWORD).start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static ClickHouseConnectionConfiguration.Builder config() {
        return ClickHouseConnectionConfiguration.builder().host(server.host()).port(server.httpPort());
    }

    private static <T> List<T> withConnection(ClickHouseConnectionConfiguration configuration,
                                              Function<ClickHouseConnection, org.reactivestreams.Publisher<T>> use) {
        return withConnection(new ClickHouseConnectionFactory(configuration), use);
    }

    private static <T> List<T> withConnection(ClickHouseConnectionFactory factory,
                                              Function<ClickHouseConnection, org.reactivestreams.Publisher<T>> use) {
        // the test's own thread drives the connection (blocking is fine there, never on an event loop)
        ClickHouseConnection connection = factory.create().block(Duration.ofSeconds(30));
        try {
            return Flux.from(use.apply(connection)).collectList().block(Duration.ofSeconds(60));
        } finally {
            Mono.from(connection.close()).block(Duration.ofSeconds(10));
        }
    }

    private static List<List<Object>> rows(ClickHouseConnection c, String sql) {
        return Flux.from(c.createStatement(sql).execute())
                .concatMap(r -> r.map((row, meta) -> IntStream.range(0, meta.getColumnMetadatas().size())
                        .mapToObj(i -> row.get(i)).collect(Collectors.toList())))
                .collectList().block(Duration.ofSeconds(30));
    }

    @Test
    void handshakeReadsTheServerVersionAndZone() {
        List<String> seen = withConnection(config().build(), c -> Mono.just(c.serverVersion() + "|" + c.serverZone() + "|"
                + c.getMetadata().getDatabaseProductName() + "|" + c.getMetadata().getDatabaseVersion()));
        assertThat(seen).containsExactly(server.version() + "|" + ZoneId.of("Etc/UTC") + "|ClickHouse|" + server.version());
    }

    @Test
    void selectsRowsWithZeroBasedMetadataAndCaseInsensitiveNames() {
        List<Object> out = withConnection(config().build(), c -> Flux.from(c.createStatement(
                        "SELECT toInt32(number) AS id, toString(number) AS Name, toNullable(toDecimal64(number, 2)) AS amount "
                                + "FROM system.numbers LIMIT 3").execute())
                .concatMap(r -> r.map((row, meta) -> List.of(
                        row.get(0, Integer.class), row.get("name", String.class), row.get("AMOUNT", BigDecimal.class),
                        meta.getColumnMetadata(0).getName(), meta.getColumnMetadata(1).getJavaType(),
                        meta.getColumnMetadata("amount").getNullability(), meta.getColumnMetadata(2).getScale(),
                        meta.getColumnMetadata(2).getType().getName(), meta.contains("NAME")))));
        assertThat(out).containsExactly(
                List.of(0, "0", new BigDecimal("0.00"), "id", String.class, Nullability.NULLABLE, 2, "Nullable(Decimal(18, 2))", true),
                List.of(1, "1", new BigDecimal("1.00"), "id", String.class, Nullability.NULLABLE, 2, "Nullable(Decimal(18, 2))", true),
                List.of(2, "2", new BigDecimal("2.00"), "id", String.class, Nullability.NULLABLE, 2, "Nullable(Decimal(18, 2))", true));
    }

    @Test
    void bindsAreSubstitutedAsEscapedLiteralsOncePerAddedBinding() {
        List<Object> out = withConnection(config().build(), c -> Flux.from(c.createStatement(
                        "SELECT $1 AS s, $2 + 1 AS n, $3 IS NULL AS missing")
                .bind(0, "it's a \\ tab\t and\nline").bind("$2", 41L).bindNull(2, String.class).add()
                .bind(0, "é ü 🙂").bind(1, 1).bindNull("$3", Integer.class)
                .execute()).concatMap(r -> r.map((row, meta) -> row.get("s", String.class) + "|" + row.get("n", Long.class)
                + "|" + row.get("missing", Integer.class))));
        assertThat(out).containsExactly("it's a \\ tab\t and\nline|42|1", "é ü 🙂|2|1");
    }

    @Test
    void aMissingBindNamesTheMarker() {
        withConnection(config().build(), c -> {
            ClickHouseStatement statement = c.createStatement("SELECT $1, $2").bind(0, 1);
            assertThatThrownBy(statement::execute).isInstanceOf(IllegalStateException.class).hasMessageContaining("$2");
            assertThatThrownBy(() -> statement.bind(2, 1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> statement.bind("$3", 1)).isInstanceOf(java.util.NoSuchElementException.class);
            // the R2DBC TCK's rules
            assertThatThrownBy(() -> statement.bind(0, null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> statement.bind("$1", Class.class)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> statement.bindNull(null, String.class)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> statement.bindNull("$1", null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> c.createStatement(null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> statement.returnGeneratedValues((String[]) null)).isInstanceOf(IllegalArgumentException.class);
            ClickHouseStatement trailing = c.createStatement("SELECT $1").bind(0, 1).add();
            assertThatThrownBy(trailing::execute).isInstanceOf(IllegalStateException.class).hasMessageContaining("add()");
            return Mono.empty();
        });
    }

    @Test
    void batchRunsEachStatementAndInsertThenSelectRoundTrips() {
        List<Object> out = withConnection(config().build(), c -> Flux.from(c.createBatch()
                        .add("DROP TABLE IF EXISTS batch_t")
                        .add("CREATE TABLE batch_t (id UInt32, name String) ENGINE = Memory")
                        .add("INSERT INTO batch_t VALUES (1, 'a'), (2, 'b')")
                        .add("SELECT id, name FROM batch_t ORDER BY id")
                        .execute())
                .concatMap(r -> r.map((row, meta) -> (Object) (row.get(0, Long.class) + row.get(1, String.class)))));
        assertThat(out).containsExactly("1a", "2b");
    }

    @Test
    void rowsUpdatedIsEmptyWithoutTheSummaryHeader() {
        List<Long> counts = withConnection(config().build(), c -> Flux.from(c.createStatement("CREATE TABLE IF NOT EXISTS ru (x UInt8) ENGINE = Memory").execute())
                .concatMap(ClickHouseResult::getRowsUpdated)
                .thenMany(c.createStatement("INSERT INTO ru VALUES ($1)").bind(0, 7).execute())
                .concatMap(ClickHouseResult::getRowsUpdated));
        // ClickHouse 18.16 sends no X-ClickHouse-Summary: the count is unknown, not 0
        assertThat(counts).isEmpty();
        assertThat(server.query("SELECT sum(x) FROM ru")).isEqualTo("7\n");
    }

    @Test
    void bulkInsertStreamsRowsAsOnePostAndCountsThem() {
        server.query("CREATE TABLE bulk (id UInt32, name String, score Nullable(Float64)) ENGINE = Memory");
        int n = 200_000;
        Flux<List<?>> rows = Flux.range(0, n).map(i -> java.util.Arrays.asList(i, "name\t" + i + "\n'\\", i % 10 == 0 ? null : i / 2.0));
        List<Long> sent = withConnection(config().build(), c -> c.insert("bulk", List.of("id", "name", "score"), rows));
        assertThat(sent).containsExactly((long) n);
        assertThat(server.query("SELECT count(), sum(id), countIf(score IS NULL), any(name) FROM bulk WHERE id = 7"))
                .isEqualTo("1\t7\t0\tname\\t7\\n\\'\\\\\n");
        assertThat(server.query("SELECT count(), countIf(score IS NULL) FROM bulk")).isEqualTo(n + "\t" + n / 10 + "\n");
    }

    @Test
    void bulkInsertOfABadValueFailsWithTheServersErrorAndNoCount() {
        server.query("CREATE TABLE bulk_bad (id UInt32) ENGINE = Memory");
        // the bad value early in a body of 3,000,000 rows: the server answers while rows are still being sent
        Flux<List<?>> rows = Flux.range(0, 3_000_000).map(i -> List.of(i == 500 ? "not a number" : String.valueOf(i)));
        assertThatThrownBy(() -> withConnection(config().build(), c -> c.insert("bulk_bad", List.of("id"), rows)))
                .isInstanceOf(R2dbcDataIntegrityViolationException.class)
                .satisfies(e -> assertThat(((R2dbcException) e).getErrorCode()).isIn(6, 27, 72))
                .satisfies(e -> assertThat(((R2dbcException) e).getSql()).isEqualTo("INSERT INTO `bulk_bad` (`id`) FORMAT TabSeparated"));
    }

    @Test
    void bulkInsertOfAValueWithoutTsvFormNamesRowAndColumn() {
        Flux<List<?>> rows = Flux.just(List.of(1), List.of(new Object()));
        assertThatThrownBy(() -> withConnection(config().build(), c -> c.insert("nowhere", List.of("id"), rows)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Row 2, column id");
    }

    @Test
    void syntaxErrorIsBadGrammarWithCodeMessageAndSql() {
        String sql = "SELEKT 1";
        assertThatThrownBy(() -> withConnection(config().build(), c -> Flux.from(c.createStatement(sql).execute()).concatMap(ClickHouseResult::getRowsUpdated)))
                .isInstanceOf(R2dbcBadGrammarException.class)
                .satisfies(e -> {
                    R2dbcException r = (R2dbcException) e;
                    assertThat(r.getErrorCode()).isEqualTo(62);
                    assertThat(r.getSql()).isEqualTo(sql);
                    assertThat(r.getMessage()).contains("Syntax error").doesNotContain("Code: 62");
                });
    }

    @Test
    void unknownTableIsBadGrammar() {
        assertThatThrownBy(() -> withConnection(config().build(), c -> Flux.from(c.createStatement("SELECT * FROM no_such_table").execute())
                .concatMap(r -> r.map((row, meta) -> 1))))
                .isInstanceOf(R2dbcBadGrammarException.class)
                .satisfies(e -> assertThat(((R2dbcException) e).getErrorCode()).isEqualTo(60))
                .hasMessageContaining("no_such_table");
    }

    @Test
    void badPasswordFailsCreateWithPermissionDeniedAndNoSecretInTheMessage() {
        ClickHouseConnectionFactory factory = new ClickHouseConnectionFactory(config().username("alice").password("wrong-password").build());
        assertThatThrownBy(() -> factory.create().block(Duration.ofSeconds(30)))
                .isInstanceOf(R2dbcPermissionDeniedException.class)
                .satisfies(e -> assertThat(((R2dbcException) e).getErrorCode()).isIn(192, 193, 516))
                .satisfies(e -> assertThat(e.toString()).doesNotContain("wrong-password"));
        // the right password works (Basic auth)
        assertThat(withConnection(config().username("alice").password(PASSWORD).build(), c -> Flux.fromIterable(rows(c, "SELECT user FROM system.processes WHERE query LIKE '%alice-check%'"))))
                .containsExactly(List.of("alice"));
    }

    @Test
    void refusedConnectionIsATransientResourceErrorWithTheSocketCause() throws Exception {
        ClickHouseConnectionFactory factory = new ClickHouseConnectionFactory(ClickHouseConnectionConfiguration.builder()
                .host("127.0.0.1").port(dev.tributary.testkit.local.LocalResources.freeLoopbackPort()).build());
        assertThatThrownBy(() -> factory.create().block(Duration.ofSeconds(30)))
                .isInstanceOf(R2dbcTransientResourceException.class)
                .hasRootCauseInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void transactionsAreRefusedAndAutoCommitIsAlwaysOn() {
        withConnection(config().build(), c -> {
            assertThat(c.isAutoCommit()).isTrue();
            Mono.from(c.setAutoCommit(true)).block();
            Mono.from(c.commitTransaction()).block();
            Mono.from(c.rollbackTransaction()).block();
            assertThatThrownBy(() -> Mono.from(c.beginTransaction()).block())
                    .isInstanceOf(R2dbcNonTransientResourceException.class).hasMessageContaining("no transactions");
            assertThatThrownBy(() -> Mono.from(c.setAutoCommit(false)).block()).isInstanceOf(R2dbcNonTransientResourceException.class);
            assertThatThrownBy(() -> Mono.from(c.createSavepoint("s")).block()).isInstanceOf(R2dbcNonTransientResourceException.class);
            assertThat(c.isAutoCommit()).isTrue();
            return Mono.empty();
        });
    }

    @Test
    void validateAndCloseAreIdempotent() {
        ClickHouseConnection c = new ClickHouseConnectionFactory(config().build()).create().block(Duration.ofSeconds(30));
        assertThat(Mono.from(c.validate(ValidationDepth.REMOTE)).block()).isTrue();
        assertThat(Mono.from(c.validate(ValidationDepth.LOCAL)).block()).isTrue();
        Mono.from(c.close()).block();
        Mono.from(c.close()).block();
        assertThat(Mono.from(c.validate(ValidationDepth.LOCAL)).block()).isFalse();
        assertThat(Mono.from(c.validate(ValidationDepth.REMOTE)).block()).isFalse();
        assertThatThrownBy(() -> Flux.from(c.createStatement("SELECT 1").execute()).blockLast())
                .isInstanceOf(R2dbcNonTransientResourceException.class).hasMessageContaining("closed");
    }

    @Test
    void sessionKeepsTemporaryTablesAndSerialisesStatements() {
        List<Object> out = withConnection(config().session(true).build(), c -> Flux.from(c.createStatement("CREATE TEMPORARY TABLE tmp (x UInt32)").execute())
                .concatMap(ClickHouseResult::getRowsUpdated)
                .thenMany(Flux.from(c.createStatement("INSERT INTO tmp VALUES (5)").execute()).concatMap(ClickHouseResult::getRowsUpdated))
                // two statements subscribed at once on one session: the second waits for the first (no error 373)
                .thenMany(Flux.merge(
                        Flux.from(c.createStatement("SELECT sum(x) + sleepEachRow(0.5) FROM tmp").execute()).concatMap(r -> r.map((row, m) -> row.get(0, Long.class))),
                        Flux.from(c.createStatement("SELECT sum(x) * 2 FROM tmp").execute()).concatMap(r -> r.map((row, m) -> row.get(0, Long.class)))))
                .map(Object.class::cast));
        assertThat(out).containsExactlyInAnyOrder(5L, 10L);
    }

    @Test
    void gzipResponsesArriveCompressedAndDecodeRight() {
        Map<String, AtomicLong> wire = new ConcurrentHashMap<>();
        List<String> heads = new CopyOnWriteArrayList<>();
        UnaryOperator<HttpClient> observe = client -> client.doOnChannelInit((observer, channel, address) ->
                channel.pipeline().addFirst("wire-observer", new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof ByteBuf buf) {
                            wire.computeIfAbsent("bytes", k -> new AtomicLong()).addAndGet(buf.readableBytes());
                            if (heads.size() < 20) {
                                heads.add(buf.toString(buf.readerIndex(), Math.min(buf.readableBytes(), 512), StandardCharsets.ISO_8859_1));
                            }
                        }
                        ctx.fireChannelRead(msg);
                    }
                }));
        String sql = "SELECT concat('row ', toString(number), ' of a rather repetitive text') FROM system.numbers LIMIT 100000";
        List<Long> decoded = withConnection(new ClickHouseConnectionFactory(config().build(), observe), c -> Flux.from(c.createStatement(sql).execute())
                .concatMap(r -> r.map((row, meta) -> (long) row.get(0, String.class).length())).reduce(0L, Long::sum));
        long text = IntStream.range(0, 100_000).mapToLong(i -> ("row " + i + " of a rather repetitive text").length()).sum();
        assertThat(decoded).containsExactly(text);
        assertThat(heads).anySatisfy(h -> assertThat(h).containsIgnoringCase("Content-Encoding: gzip"));
        // the handshake and the query together crossed the wire in far fewer bytes than the text alone
        assertThat(wire.get("bytes").get()).isLessThan(text / 5);
    }

    @Test
    void uncompressedResponsesAreReadToo() {
        List<List<Object>> out = new ArrayList<>();
        withConnection(config().compression(false).build(), c -> {
            out.addAll(rows(c, "SELECT 'x' AS a, 1 AS b"));
            return Mono.empty();
        });
        assertThat(out).containsExactly(List.of("x", (short) 1));
    }

    @Test
    void toStringNeverShowsThePassword() {
        ClickHouseConnectionConfiguration configuration = config().username("alice").password(PASSWORD).setting("max_threads", "2").build();
        assertThat(configuration.toString()).doesNotContain(PASSWORD).contains("REDACTED").contains("max_threads");
        ClickHouseConnectionFactory factory = new ClickHouseConnectionFactory(configuration);
        assertThat(factory.toString()).doesNotContain(PASSWORD);
        assertThat(withConnection(factory, c -> Mono.just(c.toString()))).allSatisfy(s -> assertThat(s).doesNotContain(PASSWORD));
    }

    @Test
    void monoFromExecuteKeepsTheResultReadable() {
        // Mono.from cancels the execute() publisher after its first result: the result must survive that
        List<Long> out = withConnection(config().build(), c -> Mono.from(c.createStatement("SELECT number FROM system.numbers LIMIT 100000").execute())
                .flatMapMany(r -> r.map((row, meta) -> row.get(0, Long.class))).count());
        assertThat(out).containsExactly(100_000L);
    }

    @Test
    void aResultIsConsumedOnce() {
        withConnection(config().build(), c -> {
            ClickHouseResult result = Mono.from(c.createStatement("SELECT 1").execute()).block();
            assertThat(result.map((row, meta) -> row.get(0, Integer.class)).blockLast()).isEqualTo(1);
            assertThatThrownBy(() -> result.getRowsUpdated().block()).isInstanceOf(IllegalStateException.class).hasMessageContaining("consumed");
            return Mono.empty();
        });
    }

    @Test
    void segmentsAndFiltersFollowTheSpi() {
        List<Object> out = withConnection(config().build(), c -> Flux.from(c.createStatement("SELECT toUInt8(number) AS n FROM system.numbers LIMIT 3").execute())
                .concatMap(r -> r.filter(segment -> segment instanceof io.r2dbc.spi.Result.RowSegment)
                        .flatMap(segment -> Mono.just((Object) ((io.r2dbc.spi.Result.RowSegment) segment).row().get("N", Integer.class)))));
        assertThat(out).containsExactly(0, 1, 2);
    }

    @Test
    void statementTimeoutBecomesMaxExecutionTime() {
        assertThatThrownBy(() -> withConnection(config().build(), c -> Mono.from(c.setStatementTimeout(Duration.ofSeconds(1)))
                .thenMany(c.createStatement("SELECT sleepEachRow(0.5) FROM system.numbers LIMIT 10 SETTINGS max_block_size = 1").execute())
                .concatMap(r -> r.map((row, meta) -> 1))))
                .isInstanceOf(io.r2dbc.spi.R2dbcTimeoutException.class)
                .satisfies(e -> assertThat(((R2dbcException) e).getErrorCode()).isEqualTo(159));
    }
}
