package dev.tributary.http.platform;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.http.HttpBadRequestException;
import dev.tributary.http.HttpTransientException;
import dev.tributary.http.RetrySettings;
import dev.tributary.testkit.netty.NettyLeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(NettyLeakCheck.class)
class QuerySpecTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ARRAYS = """
            {"query_string":"SELECT name, population FROM cities","metadata":{"name":"text","population":"int8"},
             "data":[["Oslo",709037],["Bergen",null],["Tromsø",77544]]}""";
    private static final String OBJECTS = """
            {"query_string":"SELECT name, population FROM cities","metadata":{"name":"text","population":"int8"},
             "data":[{"name":"Oslo","population":709037},{"name":"Bergen","population":null},{"name":"Tromsø","population":77544}]}""";
    private static final String ROW = "x".repeat(1000);
    private static final int HUGE_ROWS = 1_000_000;

    private static final AtomicReference<String> mode = new AtomicReference<>("ok");
    private static final AtomicInteger failures = new AtomicInteger();
    private static final AtomicLong generatedRows = new AtomicLong();
    private static WireServer server;
    private static PlatformClient platform;

    @BeforeAll
    static void start() {
        server = WireServer.start((request, response) -> switch (mode.get()) {
            case "503" -> {
                failures.incrementAndGet();
                yield WireServer.json(response, 503, "{\"detail\":\"warming up\",\"uuid\":\"33333333-0000-4000-8000-000000000503\"}");
            }
            case "sql-error" -> WireServer.json(response, 400, "{\"status_code\":400,\"error_id\":\"44444444-0000-4000-8000-000000000400\","
                    + "\"message\":\"relation \\\"citiez\\\" does not exist (SQLSTATE 42P01)\",\"error\":{\"type\":\"QueryError\"}}");
            case "huge" -> response.status(200).header("Content-Type", "application/json")
                    .sendString(Flux.concat(
                            Mono.just("{\"query_string\":\"big\",\"metadata\":{\"n\":\"int4\",\"pad\":\"text\"},\"data\":["),
                            Flux.range(1, HUGE_ROWS).map(i -> {
                                generatedRows.incrementAndGet();
                                return (i == 1 ? "" : ",") + "[" + i + ",\"" + ROW + "\"]";
                            }),
                            Mono.just("]}")))
                    .then();
            default -> WireServer.json(response, 200, request.uri().contains("data_format=objects") ? OBJECTS : ARRAYS);
        });
        platform = PlatformClient.builder().baseUrl(server.baseUrl()).apiKey(Fixtures.KEY)
                .retry(RetrySettings.builder().backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build())
                .build();
    }

    @AfterAll
    static void stop() {
        platform.closeLater().block(Duration.ofSeconds(5));
        server.close();
    }

    @BeforeEach
    void reset() {
        mode.set("ok");
        failures.set(0);
        server.seen().clear();
    }

    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    record CityRow(String name, Long population) {
    }

    record City(String name, Long population) {
    }

    @Test
    void postsTheStatementAndTheDatabaseAndStreamsRowsAsArrays() throws Exception {
        List<List<Object>> rows = platform.query("alice/demo", "SELECT name, population FROM cities").rows().collectList().block();

        assertThat(rows).containsExactly(List.of("Oslo", 709037), java.util.Arrays.asList("Bergen", null), List.of("Tromsø", 77544));
        WireServer.Seen seen = server.last();
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.uri()).isEqualTo("/v2beta/query");
        assertThat(JSON.readTree(seen.body())).isEqualTo(JSON.readTree(
                "{\"query_string\":\"SELECT name, population FROM cities\",\"database_name\":\"alice/demo\"}"));
    }

    @Test
    void asksForObjectsWithTheDataFormatParameter() {
        List<Map<String, Object>> rows = platform.query("alice/demo", "SELECT name, population FROM cities").objects()
                .collectList().block();

        assertThat(server.last().uri()).isEqualTo("/v2beta/query?data_format=objects");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).containsExactly(Map.entry("name", "Oslo"), Map.entry("population", 709037));
        assertThat(rows.get(1)).containsEntry("population", null);
    }

    @Test
    void decodesRowsIntoTypesFromArraysAndFromObjects() {
        assertThat(platform.query("alice/demo", "SELECT name, population FROM cities").rows(CityRow.class).collectList().block())
                .containsExactly(new CityRow("Oslo", 709037L), new CityRow("Bergen", null), new CityRow("Tromsø", 77544L));
        assertThat(platform.query("alice/demo", "SELECT name, population FROM cities").objects(City.class).collectList().block())
                .containsExactly(new City("Oslo", 709037L), new City("Bergen", null), new City("Tromsø", 77544L));
    }

    @Test
    void givesTheColumnsFromTheMetadataWithOrWithoutTheRows() {
        assertThat(platform.query("alice/demo", "SELECT name, population FROM cities").columns().block())
                .containsExactly(new QueryColumn("name", "text"), new QueryColumn("population", "int8"));

        List<String> lines = platform.query("alice/demo", "SELECT name, population FROM cities")
                .execute((columns, rows) -> Flux.concat(
                        Mono.just(columns.stream().map(QueryColumn::name).reduce((a, b) -> a + "," + b).orElse("")),
                        rows.map(values -> values.get(0) + "," + values.get(1))))
                .collectList().block();
        assertThat(lines).containsExactly("name,population", "Oslo,709037", "Bergen,null", "Tromsø,77544");
    }

    @Test
    void doesNotRepeatAQueryAfterA503UnlessDeclaredSafe() {
        mode.set("503");
        assertThatThrownBy(() -> platform.query("alice/demo", "UPDATE t SET x = x + 1").rows().blockLast())
                .isInstanceOf(HttpTransientException.class)
                .hasMessageContaining("503");
        assertThat(failures.get()).isEqualTo(1);

        failures.set(0);
        assertThatThrownBy(() -> platform.query("alice/demo", "SELECT 1").safeToRepeat().rows().blockLast())
                .isInstanceOf(HttpTransientException.class);
        assertThat(failures.get()).isEqualTo(RetrySettings.defaults().getMaxAttempts());
    }

    @Test
    void signalsSqlTheDatabaseRejectsAsABadRequestWithTheServicesMessage() {
        mode.set("sql-error");
        assertThatThrownBy(() -> platform.query("alice/demo", "SELECT * FROM citiez").rows().blockLast())
                .isInstanceOf(HttpBadRequestException.class)
                .hasMessageContaining("42P01")
                .hasMessageContaining("POST")
                .hasMessageContaining("/v2beta/query");
    }

    @Test
    void readsTheResponseOnlyAsFastAsRowsAreRequested() {
        mode.set("huge");
        generatedRows.set(0);

        List<List<Object>> first = platform.query("alice/demo", "big").rows().take(10).collectList().block(Duration.ofSeconds(30));

        assertThat(first).hasSize(10);
        assertThat(first.get(9).get(0)).isEqualTo(10);
        // the server produced rows only as the client read them: socket buffers hold a few MB (about
        // a thousand 1 kB rows each way), not the gigabyte of the whole answer
        assertThat(generatedRows.get()).isLessThan(HUGE_ROWS / 20);
    }

    @Test
    void rejectsABlankStatementOrAMalformedDatabaseName() {
        assertThatThrownBy(() -> platform.query("alice/demo", " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank");
        assertThatThrownBy(() -> platform.query("alice", "SELECT 1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("<username>/<db_name>");
        assertThatThrownBy(() -> platform.query("alice/demo", "SELECT 1").responseTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
