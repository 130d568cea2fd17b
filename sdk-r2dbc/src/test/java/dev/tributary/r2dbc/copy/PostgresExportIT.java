package dev.tributary.r2dbc.copy;

import dev.tributary.testkit.data.SharedData;

import dev.tributary.sql.load.DataFormat;
import dev.tributary.sql.load.ExportRequest;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadResult;
import dev.tributary.sql.load.LoadSource;
import dev.tributary.testkit.netty.NettyLeakCheck;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcBadGrammarException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exports from a real PostgreSQL through {@link PostgresCopy#export}: exact output, backpressure, and a
 * round trip through {@link PostgresCopy#load}.
 */
class PostgresExportIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private static EmbeddedPostgresServer pg;
    private static PostgresqlConnectionFactory factory;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void startServer() {
        pg = EmbeddedPostgresServer.builder().start();
        factory = new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
                .host(pg.host()).port(pg.port()).username("postgres").database("postgres")
                .options(Map.of("TimeZone", "UTC"))
                .build());
        jdbc = new JdbcTemplate(pg.superuserDataSource());
        pg.execute("CREATE TABLE typed (id bigint, ratio double precision, ok boolean, day date, at timestamptz, doc jsonb, note text,"
                        + " amount numeric(6,2), small int)",
                "INSERT INTO typed VALUES"
                        + " (1, 0.5, true, '2024-05-31', '2024-05-31 12:00:00+00', '{\"a\": [1, 2]}', 'plain', 12.50, 7),"
                        + " (2, -1e20, false, NULL, '2024-06-01 08:30:15.5+02', '\"text\"', E'comma, \"quote\"\\nnewline 日本', 0.05, NULL),"
                        + " (3, NULL, NULL, NULL, NULL, NULL, '', NULL, NULL)");
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        if (pg != null) {
            pg.close();
        }
        // NettyLeakCheck (auto-registered) also checks after every class; this names the leak here
        assertThat(NettyLeakCheck.collectLeaks()).isEmpty();
    }

    private static String export(ExportRequest request) {
        return Flux.usingWhen(factory.create(), c -> PostgresCopy.export(c, request, 100), Connection::close)
                .reduce(new ByteArrayOutputStream(), (out, chunk) -> {
                    byte[] bytes = new byte[chunk.remaining()];
                    chunk.get(bytes);
                    out.writeBytes(bytes);
                    return out;
                })
                .map(out -> out.toString(StandardCharsets.UTF_8))
                .block(TIMEOUT);
    }

    @Test
    void exportsATableAsCsv() {
        String csv = export(ExportRequest.table("typed").format(DataFormat.CSV));

        assertThat(csv).isEqualTo("id,ratio,ok,day,at,doc,note,amount,small\n"
                + "1,0.5,true,2024-05-31,2024-05-31T12:00Z,\"{\"\"a\"\": [1, 2]}\",plain,12.50,7\n"
                + "2,-1.0E20,false,,2024-06-01T06:30:15.500Z,\"\"\"text\"\"\",\"comma, \"\"quote\"\"\nnewline 日本\",0.05,\n"
                + "3,,,,,,\"\",,\n");
    }

    @Test
    void exportsATableAsAJsonArray() {
        String json = export(ExportRequest.table("typed").format(DataFormat.JSON));

        assertThat(json).isEqualTo("[\n"
                + "{\"id\":1,\"ratio\":0.5,\"ok\":true,\"day\":\"2024-05-31\",\"at\":\"2024-05-31T12:00Z\",\"doc\":{\"a\": [1, 2]},"
                + "\"note\":\"plain\",\"amount\":12.50,\"small\":7},\n"
                + "{\"id\":2,\"ratio\":-1.0E20,\"ok\":false,\"day\":null,\"at\":\"2024-06-01T06:30:15.500Z\",\"doc\":\"text\","
                + "\"note\":\"comma, \\\"quote\\\"\\nnewline 日本\",\"amount\":0.05,\"small\":null},\n"
                + "{\"id\":3,\"ratio\":null,\"ok\":null,\"day\":null,\"at\":null,\"doc\":null,\"note\":\"\",\"amount\":null,\"small\":null}\n"
                + "]\n");
    }

    @Test
    void exportsAQueryWithParametersAsNdjson() {
        String ndjson = export(ExportRequest.query("SELECT id, note FROM typed WHERE id >= $1 ORDER BY id;", 2L).format(DataFormat.NDJSON));

        assertThat(ndjson).isEqualTo("{\"id\":2,\"note\":\"comma, \\\"quote\\\"\\nnewline 日本\"}\n"
                + "{\"id\":3,\"note\":\"\"}\n");
    }

    @Test
    void exportsNoRowsAsAnEmptyArrayOrNothing() {
        ExportRequest none = ExportRequest.query("SELECT id FROM typed WHERE id < 0");

        assertThat(export(none.format(DataFormat.JSON))).isEqualTo("[\n]\n");
        assertThat(export(none.format(DataFormat.NDJSON))).isEmpty();
        assertThat(export(none.format(DataFormat.CSV))).isEmpty();
    }

    @Test
    void quotesSchemaQualifiedTableNames() {
        pg.execute("CREATE SCHEMA \"Odd Schema\"", "CREATE TABLE \"Odd Schema\".\"a.b\" (\"Mixed Case\" text)",
                "INSERT INTO \"Odd Schema\".\"a.b\" VALUES ('found')");

        assertThat(export(ExportRequest.table("\"Odd Schema\".\"a.b\"").format(DataFormat.CSV))).isEqualTo("\"Mixed Case\"\nfound\n");
    }

    @Test
    void reportsAMissingTableWithTheDriversError() {
        Throwable error = Flux.usingWhen(factory.create(),
                        c -> PostgresCopy.export(c, ExportRequest.table("no_such_table"), 100), Connection::close)
                .then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(TIMEOUT);

        assertThat(error).isInstanceOf(R2dbcBadGrammarException.class).hasMessageContaining("no_such_table");
    }

    @Test
    void readsOnlyAsManyRowsAsTheRequestedChunksNeed() {
        pg.execute("CREATE SEQUENCE rows_produced");
        long total = 40_000;
        PostgresqlConnection connection = factory.create().block(TIMEOUT);
        try {
            Flux<ByteBuffer> export = PostgresCopy.export(connection, ExportRequest.query(
                    "SELECT g, nextval('rows_produced') AS n, repeat('x', 100) AS padding FROM generate_series(1, " + total + ") g")
                    .format(DataFormat.CSV), 200);
            AtomicLong bytes = new AtomicLong();

            StepVerifier.create(export, 1)
                    .assertNext(chunk -> {
                        assertThat(chunk.remaining()).isBetween(ExportEncoder.CHUNK_SIZE, 2 * ExportEncoder.CHUNK_SIZE);
                        bytes.addAndGet(chunk.remaining());
                    })
                    .thenAwait(Duration.ofMillis(500))
                    .then(() -> {
                        long produced = jdbc.queryForObject("SELECT last_value FROM rows_produced", Long.class);
                        System.out.printf("export backpressure: one 64 KiB chunk requested, the server produced %d of %d rows%n", produced, total);
                        // a chunk holds ~580 rows; beyond that the server produced at most a fetch or two (200 rows each) ahead
                        assertThat(produced).isLessThan(total / 10);
                    })
                    .thenRequest(Long.MAX_VALUE)
                    .thenConsumeWhile(chunk -> bytes.addAndGet(chunk.remaining()) > 0)
                    .verifyComplete();

            assertThat(jdbc.queryForObject("SELECT last_value FROM rows_produced", Long.class)).isEqualTo(total);
            long rowBytes = 0;
            for (long g = 1; g <= total; g++) {
                // g,n,"xx...x"\n with n == g (Jackson quotes strings longer than 24 characters without looking into them)
                rowBytes += Long.toString(g).length() * 2L + 2 + 102 + 1;
            }
            assertThat(bytes.get()).isEqualTo("g,n,padding\n".length() + rowBytes);
        } finally {
            connection.close().block(TIMEOUT);
        }
    }

    @Test
    void cancellingAnExportMidStreamLeaksNothingAndKeepsTheConnectionUsable() {
        PostgresqlConnection connection = factory.create().block(TIMEOUT);
        try {
            Flux<ByteBuffer> export = PostgresCopy.export(connection, ExportRequest.query(
                    "SELECT g, repeat('x', 100) AS padding FROM generate_series(1, 200000) g").format(DataFormat.NDJSON), 200);
            StepVerifier.create(export, 1)
                    .expectNextCount(1)
                    .thenAwait(Duration.ofMillis(300))
                    .thenCancel()
                    .verify(TIMEOUT);
            Flux.from(connection.createStatement("SELECT 41 + 1").execute())
                    .concatMap(result -> result.map(row -> row.get(0, Integer.class)))
                    .as(StepVerifier::create).expectNext(42).verifyComplete();
        } finally {
            connection.close().block(TIMEOUT);
        }
    }

    @Test
    void roundTripsAirportsThroughCsvExportAndLoad() {
        LoadResult original = Mono.usingWhen(factory.create(),
                c -> PostgresCopy.load(c, LoadRequest.into("airports").source(LoadSource.of(SharedData.file("ourairports-airports.json"))).build()),
                Connection::close).block(TIMEOUT);

        // the export streams straight into the second load, on two connections
        Flux<ByteBuffer> exported = Flux.usingWhen(factory.create(),
                c -> PostgresCopy.export(c, ExportRequest.table("public.airports").format(DataFormat.CSV), 1000), Connection::close);
        LoadResult copy = Mono.usingWhen(factory.create(),
                c -> PostgresCopy.load(c, LoadRequest.into("airports_copy").source(LoadSource.of("airports export", exported))
                        .format(DataFormat.CSV).build()),
                Connection::close).block(TIMEOUT);

        assertThat(copy.rows()).isEqualTo(5_210).isEqualTo(original.rows());
        assertThat(copy.columns()).isEqualTo(original.columns());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM (TABLE airports EXCEPT ALL TABLE airports_copy) d", Long.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM (TABLE airports_copy EXCEPT ALL TABLE airports) d", Long.class)).isZero();
        assertThat(jdbc.queryForList("SELECT count(*) FROM airports_copy WHERE elevation_ft IS NULL UNION ALL"
                + " SELECT count(*) FROM airports_copy WHERE home_link = ''", Long.class)).containsExactly(176L, 3_922L);
    }

    @Test
    void refusesANegativeFetchSize() {
        PostgresqlConnection connection = factory.create().block(TIMEOUT);
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> PostgresCopy.export(connection, ExportRequest.table("typed"), -1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fetchSize");
        } finally {
            connection.close().block(TIMEOUT);
        }
    }

}
