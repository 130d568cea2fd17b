package dev.tributary.http.platform;

import dev.tributary.testkit.data.SharedData;

import dev.tributary.emulator.platform.PlatformEmulator;
import dev.tributary.http.polling.JobFailedException;
import dev.tributary.sql.load.HeaderMode;
import dev.tributary.testkit.netty.NettyLeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Import and export jobs through the platform client against the emulator: each real data set
 * loaded with its exact row count, an import from a URL, a malformed file that fails with its
 * line, and export, download and re-import round trips in every format.
 */
@ExtendWith(NettyLeakCheck.class)
class PlatformJobsIT {

    private static final Logger LOG = LoggerFactory.getLogger(PlatformJobsIT.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final String DB = "alice/data";
    private static final int CITIES = 171_075;
    /**
     * Rows of the export round trips: a slice of the cities, so that four formats stay within seconds
     * (the whole table's import is timed above; the full-size export is sdk-r2dbc's PostgresExportIT).
     */
    private static final int SLICE = 25_000;

    private static PlatformEmulator emulator;
    private static PlatformClient platform;
    private static DisposableServer files;
    private static Path scratch;

    @BeforeAll
    static void start() throws IOException {
        emulator = PlatformEmulator.builder().build().start();
        platform = PlatformClient.builder().baseUrl(emulator.baseUrl()).apiKey(emulator.createUser("alice")).build();
        platform.databases().create("data").block(TIMEOUT);
        scratch = Files.createTempDirectory("platform-client-it-");
        Path data = SharedData.directory();
        files = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.get("/data/{name}", (request, response) -> response
                        .sendFile(data.resolve(request.param("name"))).then().subscribeOn(Schedulers.boundedElastic())))
                .bindNow();

        // the source of the export round trips, timed end to end: create -> DONE
        long start = System.nanoTime();
        ImportJob done = importFile(CreateImport.file(SharedData.file("geonames-cities.csv"), "cities_src")
                .withHeader(HeaderMode.FIRST_ROW));
        LOG.info("FIGURE import of geonames-cities.csv ({} bytes, {} rows): create -> DONE in {} ms (service: {} ms)",
                Files.size(SharedData.file("geonames-cities.csv")), CITIES, (System.nanoTime() - start) / 1_000_000,
                Duration.between(done.dateCreated(), done.dateFinished()).toMillis());
        platform.query(DB, "CREATE TABLE cities_slice AS SELECT * FROM cities_src ORDER BY country, name, lat, lng LIMIT " + SLICE)
                .rows().then().block(TIMEOUT);
        assertThat(count("cities_slice")).isEqualTo(SLICE);
    }

    @AfterAll
    static void stop() throws IOException {
        if (files != null) {
            files.disposeNow();
        }
        if (platform != null) {
            platform.closeLater().block(TIMEOUT);
        }
        if (emulator != null) {
            emulator.close();
        }
        if (scratch != null) {
            try (var paths = Files.walk(scratch)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static ImportJob importFile(CreateImport request) {
        return platform.imports().create(DB, request).flatMap(platform.imports()::awaitCompletion).block(TIMEOUT);
    }

    private static long count(String table) {
        return ((Number) platform.query(DB, "SELECT count(*) FROM " + table).rows().blockFirst(TIMEOUT).get(0)).longValue();
    }

    @ParameterizedTest(name = "{0} -> {1}: {2} rows")
    @CsvSource({
            "geonames-cities.csv,        cities_csv,   171075",
            "geonames-cities.json,       cities_json,  171075",
            "ourairports-airports.json,  airports,     5210",
            "ourairports-countries.json, countries,    248",
            "ourairports-regions.json,   regions,      3901",
            "world-countries.csv,        world,        250"})
    void importsEachRealDataSetWithItsExactRowCount(String file, String table, long rows) {
        ImportJob done = importFile(CreateImport.file(SharedData.file(file), table));

        assertThat(done.state()).isEqualTo(JobState.DONE);
        assertThat(done.dateFinished()).isNotNull();
        assertThat(count(table)).isEqualTo(rows);
    }

    @Test
    void importsFromAUrlTheServiceFetches() {
        String url = "http://127.0.0.1:" + files.port() + "/data/world-countries.csv";

        ImportJob done = importFile(CreateImport.url(URI.create(url), "countries_from_url").withHeader(HeaderMode.FIRST_ROW));

        assertThat(done.state()).isEqualTo(JobState.DONE);
        assertThat(count("countries_from_url")).isEqualTo(250);
        assertThat(platform.query(DB, "SELECT \"name.official\" FROM countries_from_url WHERE cca2 = 'NO'").rows().blockFirst(TIMEOUT))
                .containsExactly("Kingdom of Norway");
    }

    @Test
    void failsAMalformedCsvWithTheLineInTheDetails() throws IOException {
        Path bad = Files.writeString(scratch.resolve("bad.csv"), "id,amount\n1,10\n2,20\n3,\"thirty\n4,40\n");

        assertThatThrownBy(() -> importFile(CreateImport.file(bad, "payments").withHeader(HeaderMode.FIRST_ROW)))
                .isInstanceOfSatisfying(JobFailedException.class, failed -> {
                    assertThat(failed.getKind()).isEqualTo("import");
                    assertThat(failed.getState()).isEqualTo("FAILED");
                    assertThat(failed.getErrorType()).contains("LoadError");
                    assertThat(failed.getErrorId()).isPresent();
                    assertThat(failed.getDetails().orElseThrow().get("line").asInt()).isEqualTo(4);
                    assertThat(failed.getMessage()).contains("\"line\":4");
                });
        assertThat(platform.query(DB, "SELECT count(*) FROM pg_tables WHERE tablename = 'payments'").rows().blockFirst(TIMEOUT))
                .containsExactly(0);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ExportFormat.class)
    void exportsDownloadsAndReimportsASliceOfTheCitiesIntoEqualRows(ExportFormat format) throws IOException {
        String suffix = format.apiValue();
        long start = System.nanoTime();
        ExportJob done = platform.exports().create(DB, CreateExport.table("cities_slice", format))
                .flatMap(platform.exports()::awaitCompletion).block(TIMEOUT);
        long exported = System.nanoTime();
        assertThat(done.state()).isEqualTo(JobState.DONE);
        assertThat(done.exportFormat()).isEqualTo(format);
        Path file = scratch.resolve(done.fileName() != null ? done.fileName() : "cities_slice." + suffix);
        long bytes = platform.exports().downloadTo(done, file).block(TIMEOUT);
        long downloaded = System.nanoTime();
        assertThat(bytes).isEqualTo(Files.size(file)).isPositive();
        LOG.info("FIGURE export of cities_slice ({} rows) as {}: create -> DONE in {} ms (service: {} ms), download of {} bytes"
                        + " in {} ms, total {} ms", SLICE, suffix, (exported - start) / 1_000_000,
                Duration.between(done.dateCreated(), done.dateFinished()).toMillis(), bytes, (downloaded - exported) / 1_000_000,
                (downloaded - start) / 1_000_000);

        String copy = "cities_roundtrip_" + suffix;
        ImportJob reimported = importFile(CreateImport.file(file, copy).withHeader(HeaderMode.FIRST_ROW));

        assertThat(reimported.state()).isEqualTo(JobState.DONE);
        assertThat(count(copy)).isEqualTo(SLICE);
        assertThat(rowsOnlyIn("cities_slice", copy)).isZero();
        assertThat(rowsOnlyIn(copy, "cities_slice")).isZero();
    }

    /** Rows (every column as text, duplicates counted) of {@code a} that {@code b} lacks. */
    private static long rowsOnlyIn(String a, String b) {
        List<QueryColumn> columns = platform.query(DB, "SELECT * FROM cities_src LIMIT 0").columns().block(TIMEOUT);
        String select = columns.stream().map(c -> "\"" + c.name().replace("\"", "\"\"") + "\"::text")
                .collect(Collectors.joining(", "));
        String sql = String.format(Locale.ROOT, "SELECT count(*) FROM (SELECT %s FROM %s EXCEPT ALL SELECT %s FROM %s) AS d",
                select, a, select, b);
        return ((Number) platform.query(DB, sql).rows().blockFirst(TIMEOUT).get(0)).longValue();
    }
}
