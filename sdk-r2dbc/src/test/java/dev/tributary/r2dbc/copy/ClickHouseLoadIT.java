package dev.tributary.r2dbc.copy;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.tributary.Tributary;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.sql.load.ColumnType;
import dev.tributary.sql.load.DataFormat;
import dev.tributary.sql.load.ExportRequest;
import dev.tributary.sql.load.LoadException;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadResult;
import dev.tributary.sql.load.LoadSource;
import dev.tributary.sql.load.LoadedColumn;
import dev.tributary.testkit.clickhouse.ClickHouseServer;
import dev.tributary.testkit.data.SharedData;
import io.r2dbc.spi.R2dbcException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code SqlClient.load} and {@code export} on ClickHouse (a real clickhouse-server): the
 * COPY-equivalent bulk insert of the 171,075 GeoNames cities, created tables and their types, bad
 * values, loads into existing tables, and the exports.
 */
class ClickHouseLoadIT {

    private static ClickHouseServer ch;
    private static SqlClient db;

    @BeforeAll
    static void start() {
        ch = ClickHouseServer.builder().keepAliveTimeout(Duration.ofSeconds(1)).start();
        db = Tributary.sql("r2dbc:clickhouse://default@127.0.0.1:" + ch.httpPort() + "/default")
                .pool(PoolSettings.builder().maxSize(2).wakeDeadline(Duration.ofSeconds(60)).build()).build();
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

    private static LoadResult load(LoadRequest request) {
        return db.load(request).block(Duration.ofMinutes(5));
    }

    private static String query(String sql) {
        return ch.query(sql).strip();
    }

    @Test
    void loadsAllGeonamesCitiesWithExactValues() throws IOException {
        LoadResult result = load(LoadRequest.into("cities").source(LoadSource.of(SharedData.file("geonames-cities.csv"))).build());
        double seconds = result.elapsed().toNanos() / 1e9;
        System.out.printf("geonames-cities into ClickHouse %s: %d rows in %d ms (%.0f rows/s)%n",
                ch.version(), result.rows(), result.elapsed().toMillis(), result.rows() / seconds);

        assertThat(result.table()).isEqualTo("default.cities");
        assertThat(result.tableCreated()).isTrue();
        assertThat(result.rows()).isEqualTo(171_075);
        assertThat(result.columns()).containsExactly(new LoadedColumn("name", "Nullable(String)"),
                new LoadedColumn("lat", "Nullable(Float64)"), new LoadedColumn("lng", "Nullable(Float64)"),
                new LoadedColumn("country", "Nullable(String)"), new LoadedColumn("admin1", "Nullable(String)"),
                new LoadedColumn("admin2", "Nullable(String)"));
        assertThat(query("SELECT count() FROM cities")).isEqualTo("171075");
        assertThat(query("SELECT engine FROM system.tables WHERE database = 'default' AND name = 'cities'")).isEqualTo("MergeTree");
        assertThat(db.sql("SELECT lat, lng, country, admin1 FROM cities WHERE name = :name").bind("name", "Sant Julià de Lòria")
                .fetch().one().block())
                .containsExactly(Map.entry("lat", 42.46372), Map.entry("lng", 1.49129), Map.entry("country", "AD"), Map.entry("admin1", "06"));
        assertThat(query("SELECT count() FROM cities WHERE country = 'US'")).isEqualTo("17343");

        // one aggregate against the source itself: rows, NULL admin2 (unquoted empty fields) and the sum of latitudes per country
        Map<String, long[]> expected = new TreeMap<>();
        CsvSchema header = CsvSchema.emptySchema().withHeader();
        try (MappingIterator<Map<String, String>> rows = new CsvMapper().readerForMapOf(String.class).with(header)
                .readValues(SharedData.file("geonames-cities.csv").toFile())) {
            while (rows.hasNext()) {
                Map<String, String> row = rows.next();
                long[] aggregate = expected.computeIfAbsent(row.get("country"), k -> new long[3]);
                aggregate[0]++;
                aggregate[1] += row.get("admin2").isEmpty() ? 1 : 0;
                aggregate[2] += Math.round(Double.parseDouble(row.get("lat")) * 100_000);
            }
        }
        Map<String, long[]> actual = new TreeMap<>();
        db.sql("SELECT country, count() AS n, countIf(admin2 IS NULL) AS no_admin2, sum(toInt64(round(lat * 100000))) AS lat5 "
                        + "FROM cities GROUP BY country")
                .fetch().all()
                .doOnNext(row -> actual.put((String) row.get("country"), new long[]{((Number) row.get("n")).longValue(),
                        ((Number) row.get("no_admin2")).longValue(), ((Number) row.get("lat5")).longValue()}))
                .blockLast(Duration.ofSeconds(30));
        assertThat(actual).hasSameSizeAs(expected).hasSizeGreaterThan(200);
        expected.forEach((country, aggregate) -> assertThat(actual.get(country)).as(country).containsExactly(aggregate));
    }

    @Test
    void createsNullableColumnsOfTheInferredTypesAndKeepsTheValues() {
        String csv = "id,score,ok,day,at,note\n"
                + "1,2.5,true,2024-05-31,2024-05-31T12:00:00Z,\"it's \\\\ \"\"quoted\"\"\"\n"
                + "-9000000000,NaN,false,1970-01-01,2024-05-31 14:30:15.75+02:00,\n"
                + ",,,,,\"\"\n";
        LoadResult result = load(LoadRequest.into("typed").source(source(csv))
                .format(DataFormat.CSV).build());
        assertThat(result.rows()).isEqualTo(3);
        assertThat(result.columns()).extracting(LoadedColumn::sqlType).containsExactly("Nullable(Int64)", "Nullable(Float64)",
                "Nullable(UInt8)", "Nullable(Date)", "Nullable(DateTime('UTC'))", "Nullable(String)");
        List<Map<String, Object>> rows = db.sql("SELECT * FROM typed ORDER BY id NULLS LAST").fetch().all().collectList().block();
        assertThat(rows.get(1)).containsEntry("id", 1L).containsEntry("score", 2.5).containsEntry("ok", (short) 1)
                .containsEntry("day", LocalDate.of(2024, 5, 31)).containsEntry("note", "it's \\\\ \"quoted\"");
        assertThat(db.sql("SELECT at FROM typed WHERE id = 1").mapTo(Instant.class).one().block()).isEqualTo(Instant.parse("2024-05-31T12:00:00Z"));
        // the fraction of a second is dropped (DateTime holds whole seconds)
        assertThat(db.sql("SELECT at FROM typed WHERE id = -9000000000").mapTo(Instant.class).one().block())
                .isEqualTo(Instant.parse("2024-05-31T12:30:15Z"));
        assertThat(rows.get(0)).containsEntry("ok", (short) 0).containsEntry("day", LocalDate.of(1970, 1, 1)).containsEntry("note", null);
        assertThat((Double) rows.get(0).get("score")).isNaN();
        // unquoted empty fields are NULL; a quoted empty field in a text column is an empty string
        assertThat(rows.get(2)).containsEntry("id", null).containsEntry("score", null).containsEntry("day", null).containsEntry("note", "");
    }

    @Test
    void aBadValueFailsTheLoadNamingItsPlaceAndDropsTheTableTheLoadCreated() {
        String csv = "code,day\n1,2024-01-01\n2,1969-12-31\n";
        assertThatThrownBy(() -> load(LoadRequest.into("bad_dates").source(source(csv))
                .format(DataFormat.CSV).build()))
                .isInstanceOfSatisfying(LoadException.class, e -> {
                    assertThat(e.getLine()).isEqualTo(3);
                    assertThat(e.getRecord()).isEqualTo(2);
                    assertThat(e.getColumn()).isEqualTo("day");
                    assertThat(e.getMessage()).contains("1969-12-31").contains("range of ClickHouse's Date");
                });
        assertThat(query("EXISTS TABLE bad_dates")).isEqualTo("0");
    }

    @Test
    void loadsAnExistingTableByColumnNameAndSaysWhatAFailedLoadMayLeave() {
        ch.query("CREATE TABLE towns (Name String, Population UInt32, Founded Nullable(Date)) ENGINE = MergeTree ORDER BY Name");
        String good = "[{\"population\": 709037, \"name\": \"Oslo\"}, {\"name\": \"Bergen\", \"population\": 291940, \"founded\": \"1994-06-01\"}]";
        LoadResult result = load(LoadRequest.into("towns").source(source(good))
                .format(DataFormat.JSON).build());
        assertThat(result.tableCreated()).isFalse();
        assertThat(result.rows()).isEqualTo(2);
        assertThat(result.columns()).containsExactly(new LoadedColumn("Population", "UInt32"), new LoadedColumn("Name", "String"),
                new LoadedColumn("Founded", "Nullable(Date)"));
        assertThat(query("SELECT Name, Population, Founded FROM towns ORDER BY Name")).isEqualTo("Bergen\t291940\t1994-06-01\nOslo\t709037\t\\N");

        String bad = "{\"name\": \"Lyon\", \"population\": 522250}\n{\"name\": \"Huge\", \"population\": 5000000000}\n";
        assertThatThrownBy(() -> load(LoadRequest.into("towns").source(source(bad))
                .format(DataFormat.NDJSON).build()))
                .isInstanceOfSatisfying(LoadException.class, e -> {
                    assertThat(e.getRecord()).isEqualTo(2);
                    assertThat(e.getColumn()).isEqualTo("Population");
                    assertThat(e.getMessage()).contains("5000000000").contains("is not a UInt32")
                            .contains("existed before the load and ClickHouse has no transactions");
                });
        assertThat(query("EXISTS TABLE towns")).isEqualTo("1");
    }

    @Test
    void refusesToCreateATableWhenAskedNotTo() {
        assertThatThrownBy(() -> load(LoadRequest.into("absent").source(source("a\n1\n"))
                .format(DataFormat.CSV).createTable(false).build()))
                .isInstanceOf(LoadException.class).hasMessageContaining("default.absent does not exist");
    }

    @Test
    void exportsCsvNdjsonAndJsonAsClickHouseWritesThem() {
        ch.query("CREATE TABLE export_me (id UInt64, name Nullable(String), day Date) ENGINE = Memory");
        ch.query("INSERT INTO export_me VALUES (1, 'Oslo, \"Norway\"', '2024-05-31'), (12345678901, NULL, '1970-01-02')");
        String sql = "SELECT * FROM export_me WHERE id > $1 ORDER BY id";
        assertThat(export(ExportRequest.query(sql, 0).format(DataFormat.CSV)))
                .isEqualTo("\"id\",\"name\",\"day\"\n1,\"Oslo, \"\"Norway\"\"\",\"2024-05-31\"\n12345678901,\\N,\"1970-01-02\"\n");
        assertThat(export(ExportRequest.table("default.export_me").format(DataFormat.NDJSON)))
                .contains("{\"id\":12345678901,\"name\":null,\"day\":\"1970-01-02\"}\n");
        assertThat(export(ExportRequest.query(sql, 0).format(DataFormat.JSON)))
                .isEqualTo("[\n{\"id\":1,\"name\":\"Oslo, \\\"Norway\\\"\",\"day\":\"2024-05-31\"},\n"
                        + "{\"id\":12345678901,\"name\":null,\"day\":\"1970-01-02\"}\n]\n");
        assertThat(export(ExportRequest.query(sql, 99_999_999_999L).format(DataFormat.JSON))).isEqualTo("[\n]\n");
    }

    @Test
    void anExportThatFailsAfterRowsSignalsTheServersError() {
        List<ByteBuffer> received = new java.util.ArrayList<>();
        assertThatThrownBy(() -> db.export(ExportRequest.query("SELECT number, throwIf(number = 300000) FROM numbers(400000)")
                        .format(DataFormat.NDJSON)).doOnNext(received::add).blockLast(Duration.ofSeconds(60)))
                .isInstanceOfSatisfying(R2dbcException.class, e -> assertThat(e.getErrorCode()).isEqualTo(395));
        String text = received.stream().map(b -> StandardCharsets.UTF_8.decode(b).toString()).reduce("", String::concat);
        assertThat(text).startsWith("{\"number\":0,").doesNotContain("Code: 395");
    }

    private static LoadSource source(String text) {
        return LoadSource.of("inline", Flux.just(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))));
    }

    private static String export(ExportRequest request) {
        return db.export(request).map(b -> StandardCharsets.UTF_8.decode(b).toString()).reduce("", String::concat).block(Duration.ofSeconds(30));
    }

    @Test
    void takesAColumnTypeOverride() {
        String csv = "zip,town\n0150,Oslo\n5003,Bergen\n";
        LoadResult result = load(LoadRequest.into("zips").source(source(csv))
                .format(DataFormat.CSV).columnType("town", ColumnType.TEXT).build());
        assertThat(result.columns()).containsExactly(new LoadedColumn("zip", "Nullable(String)"), new LoadedColumn("town", "Nullable(String)"));
        assertThat(query("SELECT zip FROM zips ORDER BY zip")).isEqualTo("0150\n5003");
    }
}
