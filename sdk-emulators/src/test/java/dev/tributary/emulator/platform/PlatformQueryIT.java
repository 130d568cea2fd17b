package dev.tributary.emulator.platform;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.emulator.platform.PlatformHttp.Answer;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The query endpoint over an embedded PostgreSQL the emulator starts itself: row shapes, type
 * names, empty results, statements without rows, the error shapes, and a million rows streamed.
 */
class PlatformQueryIT {

    private static final Logger LOG = LoggerFactory.getLogger(PlatformQueryIT.class);

    private static PlatformEmulator platform;
    private static PlatformHttp http;
    private static String alice;

    @BeforeAll
    static void start() {
        platform = PlatformEmulator.builder().build().start();
        http = new PlatformHttp(platform.baseUrl());
        alice = platform.createUser("alice");
        assertThat(platform.createDatabase("alice", "q").block(PlatformHttp.TIMEOUT)).isEqualTo("alice/q");
        assertThat(platform.createDatabase("alice", "stream").block(PlatformHttp.TIMEOUT)).isEqualTo("alice/stream");
        query("CREATE TABLE airports (ident text PRIMARY KEY, name text, elevation_ft int4, tags text[])");
        query("INSERT INTO airports VALUES ('ENGM', 'Oslo Gardermoen', 681, ARRAY['hub']), ('ENBR', 'Bergen Flesland', 170, NULL)");
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    private static Answer post(String sql, String database, String suffix) {
        return http.post("/query" + suffix, alice, PlatformHttp.json(Map.of("database_name", database, "query_string", sql)));
    }

    private static JsonNode query(String sql) {
        Answer a = post(sql, "alice/q", "");
        assertThat(a.status()).as("%s: %s", sql, a).isEqualTo(200);
        return a.json();
    }

    @Test
    void answersRowsAsArraysWithPostgresTypeNames() {
        JsonNode answer = query("SELECT 1::int4 AS a, 'x'::text AS b, 2.50::numeric AS c, true AS d, DATE '2024-05-31' AS e, "
                + "'{\"k\": [1, 2]}'::jsonb AS f, ARRAY[1, 2]::int4[] AS g, NULL::text AS h, 9007199254740993::int8 AS i, "
                + "TIMESTAMPTZ '2024-05-31 12:00:00+02' AS j, '\\x0a1b'::bytea AS k, 0.5::float8 AS l;");

        assertThat(answer.get("query_string").asText()).endsWith("AS l;");
        assertThat(PlatformHttp.JSON.convertValue(answer.get("metadata"), Map.class)).containsExactly(
                Map.entry("a", "int4"), Map.entry("b", "text"), Map.entry("c", "numeric"), Map.entry("d", "bool"), Map.entry("e", "date"),
                Map.entry("f", "jsonb"), Map.entry("g", "_int4"), Map.entry("h", "text"), Map.entry("i", "int8"),
                Map.entry("j", "timestamptz"), Map.entry("k", "bytea"), Map.entry("l", "float8"));
        JsonNode row = answer.get("data").get(0);
        assertThat(answer.get("data")).hasSize(1);
        assertThat(row.get(0).isInt()).isTrue();
        assertThat(row.get(0).asInt()).isEqualTo(1);
        assertThat(row.get(1).asText()).isEqualTo("x");
        assertThat(row.get(2).decimalValue()).isEqualByComparingTo("2.50");
        assertThat(row.get(3).asBoolean()).isTrue();
        assertThat(row.get(4).asText()).isEqualTo("2024-05-31");
        assertThat(row.get(5).get("k").get(1).asInt()).isEqualTo(2);
        assertThat(row.get(6).toString()).isEqualTo("[1,2]");
        assertThat(row.get(7).isNull()).isTrue();
        assertThat(row.get(8).asLong()).isEqualTo(9007199254740993L);
        assertThat(row.get(9).asText()).isEqualTo("2024-05-31T10:00Z");   // the session is in UTC
        assertThat(row.get(10).asText()).isEqualTo("\\x0a1b");
        assertThat(row.get(11).asDouble()).isEqualTo(0.5);
    }

    @Test
    void answersRowsAsObjectsWithDataFormatObjects() {
        Answer a = post("SELECT ident, elevation_ft, tags FROM airports ORDER BY ident", "alice/q", "?data_format=objects");
        assertThat(a.status()).isEqualTo(200);
        JsonNode data = a.json().get("data");
        assertThat(data).hasSize(2);
        assertThat(data.get(0).get("ident").asText()).isEqualTo("ENBR");
        assertThat(data.get(0).get("tags").isNull()).isTrue();
        assertThat(data.get(1).get("elevation_ft").asInt()).isEqualTo(681);
        assertThat(data.get(1).get("tags").get(0).asText()).isEqualTo("hub");
        assertThat(a.json().get("metadata").get("tags").asText()).isEqualTo("_text");
    }

    @Test
    void anEmptyResultStillNamesItsColumns() {
        JsonNode answer = query("SELECT ident, elevation_ft FROM airports WHERE elevation_ft > 100000");
        assertThat(answer.get("data")).isEmpty();
        assertThat(PlatformHttp.JSON.convertValue(answer.get("metadata"), Map.class))
                .containsExactly(Map.entry("ident", "text"), Map.entry("elevation_ft", "int4"));
        // and its description ran read-only: nothing counted, nothing changed
        assertThat(query("WITH x AS (SELECT 1 AS one) SELECT * FROM x WHERE false").get("metadata").get("one").asText()).isEqualTo("int4");
    }

    @Test
    void statementsWithoutRowsAnswerEmptyMetadataAndRunInTheirOwnTransaction() {
        JsonNode created = query("CREATE TABLE notes (id serial PRIMARY KEY, body text)");
        assertThat(created.get("metadata").size()).isZero();
        assertThat(created.get("data")).isEmpty();
        JsonNode inserted = query("INSERT INTO notes (body) VALUES ('a'), ('b')");
        assertThat(inserted.get("metadata").size()).isZero();
        assertThat(inserted.get("data")).isEmpty();
        JsonNode returned = query("INSERT INTO notes (body) VALUES ('c') RETURNING id, body");
        assertThat(returned.get("metadata").get("id").asText()).isEqualTo("int4");
        assertThat(returned.get("data").get(0).get(1).asText()).isEqualTo("c");
        // a failing statement rolls back alone: the rows before it stay
        assertThat(post("INSERT INTO notes (id, body) VALUES (1, 'duplicate')", "alice/q", "").status()).isEqualTo(400);
        assertThat(query("SELECT count(*) FROM notes").get("data").get(0).get(0).asInt()).isEqualTo(3);
    }

    @Test
    void sqlErrorsAnswer400QueryErrorWithTheSqlstate() {
        Answer a = post("SELECT * FROM no_such_table", "alice/q", "");
        assertThat(a.status()).isEqualTo(400);
        PlatformDatabasesIT.assertDjangoShape(a, 400);
        assertThat(a.json().get("error").get("type").asText()).isEqualTo("QueryError");
        assertThat(a.json().get("message").asText()).contains("no_such_table").contains("42P01").doesNotContain("[SQL:");

        Answer syntax = post("SELEC 1", "alice/q", "");
        assertThat(syntax.status()).isEqualTo(400);
        assertThat(syntax.json().get("message").asText()).contains("42601");
    }

    @Test
    void oneStatementPerRequest() {
        Answer two = post("SELECT 1; DROP TABLE airports", "alice/q", "");
        assertThat(two.status()).isEqualTo(400);
        assertThat(two.json().get("error").get("type").asText()).isEqualTo("QueryError");
        assertThat(two.json().get("message").asText()).contains("more than one statement");
        assertThat(query("SELECT count(*) FROM airports").get("data").get(0).get(0).asInt()).isEqualTo(2);
        // semicolons in literals, identifiers, comments and dollar quotes, and a trailing one, are one statement
        assertThat(query("SELECT 'a;b' AS \"c;d\", $$e;f$$ AS g -- h;i\n;").get("data").get(0).get(0).asText()).isEqualTo("a;b");
        assertThat(post(" ;  ", "alice/q", "").status()).isEqualTo(400);
    }

    @Test
    void missingFieldsAnswer422AndUnknownDatabases404() {
        PlatformDatabasesIT.assertValidationError(http.post("/query", alice, "{\"database_name\": \"alice/q\"}"), "query_string",
                "value_error.missing");
        PlatformDatabasesIT.assertValidationError(http.post("/query", alice, "{\"query_string\": \"SELECT 1\"}"), "database_name",
                "value_error.missing");
        Answer unknown = post("SELECT 1", "alice/nope", "");
        assertThat(unknown.status()).isEqualTo(404);
        PlatformDatabasesIT.assertDjangoShape(unknown, 404);
        assertThat(http.post("/query", null, "{\"query_string\": \"SELECT 1\", \"database_name\": \"alice/q\"}").status()).isEqualTo(401);
    }

    @Test
    void anErrorAfterTheFirstRowsBreaksTheBodyInsteadOfEndingItValid() {
        assertThatThrownBy(() -> post("SELECT 1000000 / (5000 - i) FROM generate_series(1, 1000000) AS i", "alice/stream", ""))
                .hasMessageContaining("prematurely closed");
    }

    /**
     * A million rows through the emulator, the client pausing after 100,000: the emulator must
     * stop with it. Netty's leak detector runs at {@code simple} during this test: at
     * {@code paranoid} it records a stack trace for each of the two million buffers the driver and
     * the servers allocate here, which takes the test from about 5 to about 35 seconds. The other
     * tests of the class, and the leak check after it, run at the level the build sets.
     */
    @Test
    void streamsAMillionRowsWithBoundedMemoryAndBackpressure() throws Exception {
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        try {
            streamAMillionRows();
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }

    private void streamAMillionRows() throws Exception {
        String sql = "SELECT i, repeat('x', 64) AS pad FROM generate_series(1, 1000000) AS i";
        byte[] request = PlatformHttp.json(Map.of("database_name", "alice/stream", "query_string", sql)).getBytes(StandardCharsets.UTF_8);
        long rowsBefore = rowsQueried("stream");
        long baseline = liveHeap();
        RowCounter counter = new RowCounter();
        Sinks.Empty<Void> resume = Sinks.empty();
        CountDownLatch paused = new CountDownLatch(1);
        AtomicBoolean pausedOnce = new AtomicBoolean();
        long started = System.nanoTime();
        CompletableFuture<Integer> status = new CompletableFuture<>();
        CompletableFuture<Void> done = http.client()
                // a small receive buffer, so that the kernel holds little of what the emulator sends
                .option(ChannelOption.SO_RCVBUF, 64 * 1024)
                .headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + alice).set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
                .post()
                .uri(http.url("/query"))
                .send(Mono.just(Unpooled.wrappedBuffer(request)))
                .response((res, content) -> {
                    status.complete(res.status().code());
                    return content.asByteArray().concatMap(bytes -> {
                        counter.feed(bytes);
                        if (counter.rows() >= 100_000 && pausedOnce.compareAndSet(false, true)) {
                            paused.countDown();
                            // stop reading: the emulator must stop too
                            return resume.asMono().thenReturn(bytes);
                        }
                        return Mono.just(bytes);
                    }, 1);
                })
                .then()
                .toFuture();

        assertThat(paused.await(2, TimeUnit.MINUTES)).as("100,000 rows arrive").isTrue();
        Thread.sleep(1000);   // time the emulator would use to run ahead if it ignored backpressure
        long received = counter.rows();
        long encoded = rowsQueried("stream") - rowsBefore;
        long heapGrowth = liveHeap() - baseline;
        resume.tryEmitEmpty();
        done.get(3, TimeUnit.MINUTES);
        counter.end();
        double seconds = (System.nanoTime() - started) / 1e9;

        LOG.info("Streamed {} rows in {} s ({} rows/s); paused at {} rows received while the emulator had encoded {} "
                        + "(ahead by {} rows); live heap growth while paused: {} KiB",
                counter.rows(), String.format("%.1f", seconds), Math.round(counter.rows() / seconds), received, encoded,
                encoded - received, heapGrowth / 1024);
        assertThat(status.get()).isEqualTo(200);
        assertThat(counter.rows()).isEqualTo(1_000_000);
        assertThat(counter.sum()).isEqualTo(500_000_500_000L);
        // the emulator ran ahead of the client by what sockets and a few prefetched chunks hold, not by the rest of the result
        assertThat(encoded - received).as("rows encoded but not yet received while the client paused").isLessThan(150_000);
        assertThat(heapGrowth).as("live heap growth while paused with 900,000 rows to go").isLessThan(48L * 1024 * 1024);
        assertThat(rowsQueried("stream") - rowsBefore).isEqualTo(1_000_000);
    }

    @Test
    void aClientThatGoesAwayEndsTheQuery() throws Exception {
        // generate_series in the select list streams (in FROM it would be materialized first)
        String sql = "SELECT generate_series(1, 50000000) AS i /* goes-away */";
        byte[] request = PlatformHttp.json(Map.of("database_name", "alice/stream", "query_string", sql)).getBytes(StandardCharsets.UTF_8);
        CountDownLatch someRows = new CountDownLatch(1);
        Disposable call = http.client()
                .headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + alice).set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
                .post()
                .uri(http.url("/query"))
                .send(Mono.just(Unpooled.wrappedBuffer(request)))
                .response((res, content) -> content.asByteArray().doOnNext(b -> someRows.countDown()))
                .subscribe();
        assertThat(someRows.await(1, TimeUnit.MINUTES)).isTrue();
        String running = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%goes-away%' AND state <> 'idle' AND pid <> pg_backend_pid()";
        assertThat(platform.postgres().queryForLong(running)).as("the query's session while rows stream").isEqualTo(1);
        call.dispose();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long busy;
        do {
            Thread.sleep(100);
            busy = platform.postgres().queryForLong(running);
        } while (busy > 0 && System.nanoTime() < deadline);
        assertThat(busy).as("sessions still running or in a transaction for the abandoned query").isZero();
        assertThat(query("SELECT 1").get("data").get(0).get(0).asInt()).isEqualTo(1);
    }

    private static long rowsQueried(String db) {
        return http.get("/db/alice/" + db, alice).json().get("usage_current").get("rows_queried").asLong();
    }

    private static long liveHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * Counts the rows of a streamed query answer ({@code data} arrays of arrays) and sums their
     * first column, fed chunk by chunk to Jackson's non-blocking parser: nothing is held.
     */
    static final class RowCounter {

        private final JsonParser parser;
        private final AtomicLong rows = new AtomicLong();
        private long sum;
        private int depth;
        private boolean inData;
        private boolean firstValue;

        RowCounter() {
            try {
                this.parser = PlatformHttp.JSON.getFactory().createNonBlockingByteArrayParser();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void feed(byte[] bytes) {
            try {
                ((ByteArrayFeeder) this.parser.getNonBlockingInputFeeder()).feedInput(bytes, 0, bytes.length);
                drain();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void end() throws IOException {
            ((ByteArrayFeeder) this.parser.getNonBlockingInputFeeder()).endOfInput();
            drain();
            assertThat(this.depth).as("the JSON document is complete").isZero();
        }

        private void drain() throws IOException {
            JsonToken t;
            while ((t = this.parser.nextToken()) != null && t != JsonToken.NOT_AVAILABLE) {
                switch (t) {
                    case START_OBJECT:
                    case START_ARRAY:
                        this.depth++;
                        if (this.inData && this.depth == 3) {
                            this.rows.incrementAndGet();
                            this.firstValue = true;
                        }
                        break;
                    case END_OBJECT:
                    case END_ARRAY:
                        this.depth--;
                        if (this.depth <= 1) {
                            this.inData = false;
                        }
                        break;
                    case FIELD_NAME:
                        if (this.depth == 1 && "data".equals(this.parser.currentName())) {
                            this.inData = true;
                        }
                        break;
                    default:
                        if (this.inData && this.depth == 3 && this.firstValue) {
                            this.sum += this.parser.getLongValue();
                            this.firstValue = false;
                        }
                        break;
                }
            }
        }

        long rows() {
            return this.rows.get();
        }

        long sum() {
            return this.sum;
        }
    }
}
