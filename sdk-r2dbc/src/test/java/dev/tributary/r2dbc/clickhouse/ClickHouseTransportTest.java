package dev.tributary.r2dbc.clickhouse;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** What reaches the wire, checked by a loopback reactor-netty server that answers like ClickHouse. */
class ClickHouseTransportTest {

    /** One request as the server saw it. */
    record Seen(String uri, Map<String, List<String>> parameters, HttpHeaders headers, String body) {
        String parameter(String name) {
            List<String> values = parameters.get(name);
            return values == null ? null : values.get(0);
        }
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private DisposableServer server;

    private void start(String version, String summary) {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .flatMap(body -> {
                            seen.add(new Seen(request.uri(), new QueryStringDecoder(request.uri()).parameters(), request.requestHeaders().copy(), body));
                            if (body.contains("version()")) {
                                return response.sendString(Mono.just("version()\ttimezone()\nString\tString\n" + version + "\tEurope/Paris\n")).then();
                            }
                            if (body.contains("slow")) {
                                return Mono.delay(Duration.ofSeconds(8)).then(response.sendString(Mono.just("x\nString\nlate\n")).then());
                            }
                            if (body.startsWith("KILL")) {
                                return response.send().then();
                            }
                            if (body.startsWith("INSERT")) {
                                if (summary != null) {
                                    response.header("X-ClickHouse-Summary", summary);
                                }
                                return response.send().then();
                            }
                            return response.sendString(Mono.just("x\nString\nok\n")).then();
                        }))
                .bindNow();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.disposeNow();
        }
    }

    private ClickHouseConnectionConfiguration.Builder config() {
        return ClickHouseConnectionConfiguration.builder().host("127.0.0.1").port(server.port());
    }

    private static List<String> run(ClickHouseConnectionConfiguration configuration, String sql, Object... binds) {
        ClickHouseConnection connection = new ClickHouseConnectionFactory(configuration).create().block(Duration.ofSeconds(10));
        try {
            ClickHouseStatement statement = connection.createStatement(sql);
            for (int i = 0; i < binds.length; i++) {
                statement.bind(i, binds[i]);
            }
            return Flux.from(statement.execute()).concatMap(r -> r.map((row, meta) -> row.get(0, String.class)))
                    .collectList().block(Duration.ofSeconds(10));
        } finally {
            Mono.from(connection.close()).block(Duration.ofSeconds(10));
        }
    }

    @Test
    void sendsDatabaseQueryIdSessionSettingsAndCredentialsOnlyInHeaders() {
        start("18.16.1", null);
        ClickHouseConnectionConfiguration configuration = config().database("db1").username("alice").password("pa:ss word")
                .session(true).setting("max_threads", "2").applicationName("tests/1.0").build();
        assertThat(run(configuration, "SELECT $1; -- a comment", "a")).containsExactly("ok");

        assertThat(seen).as(seen.toString()).hasSize(2);
        Seen handshake = seen.get(0);
        Seen query = seen.get(1);
        for (Seen request : seen) {
            assertThat(request.parameter("database")).isEqualTo("db1");
            assertThat(request.parameter("enable_http_compression")).isEqualTo("1");
            assertThat(request.parameter("max_threads")).isEqualTo("2");
            assertThat(UUID.fromString(request.parameter("query_id")).version()).isEqualTo(4);
            assertThat(request.parameters()).doesNotContainKeys("password", "user", "compress");
            assertThat(request.uri()).doesNotContain("pa%3Ass").doesNotContain("pa:ss");
            assertThat(request.headers().get("Authorization"))
                    .isEqualTo("Basic " + Base64.getEncoder().encodeToString("alice:pa:ss word".getBytes(StandardCharsets.UTF_8)));
            assertThat(request.headers().get("User-Agent")).isEqualTo("tests/1.0");
            assertThat(request.headers().get("Accept-Encoding")).contains("gzip");
        }
        assertThat(handshake.parameter("session_id")).isNotNull().isEqualTo(query.parameter("session_id"));
        assertThat(handshake.parameter("query_id")).isNotEqualTo(query.parameter("query_id"));
        // trailing semicolon and comment dropped, the format on a line of its own
        assertThat(query.body()).isEqualTo("SELECT 'a'\nFORMAT TabSeparatedWithNamesAndTypes");
    }

    @Test
    void statementsWithoutRowsGetNoFormatAndReportTheSummarysWrittenRows() {
        start("23.8.1.1", "{\"read_rows\":\"0\",\"read_bytes\":\"0\",\"written_rows\":\"3\",\"written_bytes\":\"12\",\"total_rows_to_read\":\"0\"}");
        ClickHouseConnection connection = new ClickHouseConnectionFactory(config().compression(false).build()).create().block(Duration.ofSeconds(10));
        try {
            List<Long> counts = Flux.from(connection.createStatement("INSERT INTO t VALUES (1), (2), (3)").execute())
                    .concatMap(ClickHouseResult::getRowsUpdated).collectList().block(Duration.ofSeconds(10));
            assertThat(counts).containsExactly(3L);
        } finally {
            Mono.from(connection.close()).block(Duration.ofSeconds(10));
        }
        Seen insert = seen.get(1);
        assertThat(insert.body()).isEqualTo("INSERT INTO t VALUES (1), (2), (3)");
        assertThat(insert.parameters()).doesNotContainKey("enable_http_compression");
        assertThat(insert.headers().get("Accept-Encoding")).isNull();
    }

    @Test
    void serverSideParametersTravelAsParamUrlParametersWhenTheServerHasThem() {
        start("23.8.1.1", null);
        run(config().build(), "SELECT $1, $2, $3", "it's\ta \\ test", 42L, java.time.LocalDate.of(2024, 2, 29));
        Seen query = seen.get(1);
        assertThat(query.body()).startsWith("SELECT {p1:String}, {p2:Int64}, {p3:Date}\n");
        assertThat(query.parameter("param_p1")).isEqualTo("it's\\ta \\\\ test");
        assertThat(query.parameter("param_p2")).isEqualTo("42");
        assertThat(query.parameter("param_p3")).isEqualTo("2024-02-29");
    }

    @Test
    void clickHouse1816GetsLiteralsUnlessForced() {
        start("18.16.1", null);
        run(config().build(), "SELECT $1", "it's");
        assertThat(seen.get(1).body()).startsWith("SELECT 'it\\'s'\n");
        assertThat(seen.get(1).parameters()).doesNotContainKey("param_p1");

        seen.clear();
        run(config().serverSideParameters(ClickHouseConnectionConfiguration.ServerSideParameters.ALWAYS).build(), "SELECT $1", "x");
        assertThat(seen.get(1).body()).as(seen.toString()).startsWith("SELECT {p1:String}");
        assertThat(seen.get(1).parameter("param_p1")).isEqualTo("x");
    }

    @Test
    void neverKeepsLiteralsOnANewServer() {
        start("24.3.1", null);
        run(config().serverSideParameters(ClickHouseConnectionConfiguration.ServerSideParameters.NEVER).build(), "SELECT $1", 7);
        assertThat(seen.get(1).body()).startsWith("SELECT 7\n");
    }

    @Test
    void clickHouseHeadersCarryTheCredentialsWhenChosen() {
        start("18.16.1", null);
        run(config().username("bob").password("key-123")
                .authentication(ClickHouseConnectionConfiguration.Authentication.CLICKHOUSE_HEADERS).build(), "SELECT 1");
        assertThat(seen).allSatisfy(request -> {
            assertThat(request.headers().get("X-ClickHouse-User")).isEqualTo("bob");
            assertThat(request.headers().get("X-ClickHouse-Key")).isEqualTo("key-123");
            assertThat(request.headers().get("Authorization")).isNull();
        });
    }

    @Test
    void responseTimeoutBoundsTheWaitForHeadersAndKillsTheQuery() throws Exception {
        start("18.16.1", null);
        // warm up (class loading on a loaded machine can take longer than the timeout below)
        run(config().build(), "SELECT 1");
        seen.clear();
        ClickHouseConnection connection = new ClickHouseConnectionFactory(config().responseTimeout(Duration.ofSeconds(2)).build())
                .create().block(Duration.ofSeconds(10));
        try {
            long t0 = System.nanoTime();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Flux.from(connection.createStatement("SELECT 'slow'").execute())
                            .concatMap(r -> r.map((row, meta) -> 1)).blockLast(Duration.ofSeconds(10)))
                    .isInstanceOf(io.r2dbc.spi.R2dbcTimeoutException.class).hasMessageContaining("responseTimeout");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(6));
            String queryId = seen.stream().filter(r -> r.body().contains("slow")).findFirst().orElseThrow().parameter("query_id");
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (seen.stream().noneMatch(r -> r.body().startsWith("KILL"))) {
                assertThat(System.nanoTime()).as("no KILL QUERY arrived").isLessThan(deadline);
                Thread.sleep(10);
            }
            Seen kill = seen.stream().filter(r -> r.body().startsWith("KILL")).findFirst().orElseThrow();
            assertThat(kill.body()).isEqualTo("KILL QUERY WHERE query_id = '" + queryId + "'");
            // on a connection of its own, without the statement's session or query id
            assertThat(kill.parameters()).doesNotContainKeys("session_id", "query_id");
            assertThat(kill.headers().get("Authorization")).startsWith("Basic ");
        } finally {
            Mono.from(connection.close()).block(Duration.ofSeconds(10));
        }
    }
}
