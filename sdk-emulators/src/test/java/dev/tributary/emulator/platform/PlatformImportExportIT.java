package dev.tributary.emulator.platform;

import dev.tributary.testkit.data.SharedData;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.tributary.emulator.platform.PlatformHttp.Answer;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Import and export jobs over an embedded PostgreSQL the emulator starts: the real data sets
 * loaded with exact row counts, uploads and URLs, bad files, unsupported formats, exported files
 * downloaded and compared with the tables.
 */
class PlatformImportExportIT {

    private static PlatformEmulator platform;
    private static PlatformHttp http;
    private static DisposableServer files;
    private static String alice;
    private static Path scratch;

    @BeforeAll
    static void start() throws IOException {
        platform = PlatformEmulator.builder().build().start();
        http = new PlatformHttp(platform.baseUrl());
        alice = platform.createUser("alice");
        platform.createDatabase("alice", "data").block(PlatformHttp.TIMEOUT);
        scratch = Files.createTempDirectory("platform-import-test-");
        Path data = SharedData.directory();
        // what file_url points at: the shared data sets, and a 404
        files = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.get("/data/{name}", (req, res) -> res.sendFile(data.resolve(req.param("name"))).then()
                        .subscribeOn(Schedulers.boundedElastic())))
                .bindNow();
    }

    @AfterAll
    static void stop() {
        if (files != null) {
            files.disposeNow();
        }
        if (platform != null) {
            platform.close();
        }
        WorkFiles.deleteNow(scratch);
    }

    private static JsonNode query(String sql) {
        Answer a = http.post("/query", alice, PlatformHttp.json(Map.of("database_name", "alice/data", "query_string", sql)));
        assertThat(a.status()).as("%s: %s", sql, a).isEqualTo(200);
        return a.json();
    }

    private static long count(String table) {
        return query("SELECT count(*) FROM " + table).get("data").get(0).get(0).asLong();
    }

    private static JsonNode startImport(Map<String, String> fields, Path file, String fileName) {
        Answer a = http.upload("/db/alice/data/import/", alice, fields, file, fileName);
        assertThat(a.status()).as("%s", a).isEqualTo(201);
        return a.json();
    }

    private static Path write(String name, String content) throws IOException {
        return Files.writeString(scratch.resolve(name), content, StandardCharsets.UTF_8);
    }

    @Test
    void importsGeonamesCitiesCsvWithTheExactRowCountThroughEveryJobState() {
        JsonNode job = startImport(Map.of("table_name", "cities"), SharedData.file("geonames-cities.csv"), "geonames-cities.csv");
        assertThat(job.get("state").asText()).isEqualTo("RECEIVED");
        assertThat(job.get("retries").asInt()).isZero();
        assertThat(job.get("date_finished").isNull()).isTrue();
        String statusUrl = job.get("status_url").asText();
        assertThat(statusUrl).isEqualTo(platform.baseUrl() + "/import/" + UUID.fromString(job.get("id").asText()));

        Set<String> states = new LinkedHashSet<>();
        states.add("RECEIVED");
        JsonNode last;
        do {
            last = http.get(statusUrl, alice).json();
            states.add(last.get("state").asText());
        } while (!Set.of("DONE", "FAILED").contains(last.get("state").asText()));

        assertThat(last.get("state").asText()).as("%s", last).isEqualTo("DONE");
        assertThat(states).containsExactly("RECEIVED", "PROCESSING", "DONE");
        assertThat(last.get("date_finished").isNull()).isFalse();
        assertThat(last.get("error_type").isNull()).isTrue();
        assertThat(last.get("error_details").isNull()).isTrue();
        assertThat(count("cities")).isEqualTo(171_075);
        JsonNode andorra = query("SELECT lat, country FROM cities WHERE name = 'Andorra la Vella'");
        assertThat(andorra.get("metadata").get("lat").asText()).isEqualTo("float8");
        assertThat(andorra.get("data").get(0).get(0).asDouble()).isEqualTo(42.50779);
        assertThat(andorra.get("data").get(0).get(1).asText()).isEqualTo("AD");
    }

    @Test
    void importsAirportsJsonUploadedUnderTheTablesNameAsThePythonSdkSendsIt() {
        JsonNode job = startImport(Map.of("table_name", "airports", "schema_name", "public"), SharedData.file("ourairports-airports.json"),
                "airports");
        JsonNode done = http.awaitJob(job.get("status_url").asText(), alice);
        assertThat(done.get("state").asText()).as("%s", done).isEqualTo("DONE");
        assertThat(count("airports")).isEqualTo(5_210);
        assertThat(query("SELECT name FROM airports WHERE ident = 'ENGM'").get("data").get(0).get(0).asText()).isEqualTo("Oslo Airport, Gardermoen");
    }

    @Test
    void importsFromAFileUrlAndFailsNamingTheStatusOfOneThatIsNotThere() {
        String base = "http://127.0.0.1:" + files.port() + "/data/";
        JsonNode job = startImport(Map.of("table_name", "countries", "file_url", base + "world-countries.csv"), null, null);
        JsonNode done = http.awaitJob(job.get("status_url").asText(), alice);
        assertThat(done.get("state").asText()).as("%s", done).isEqualTo("DONE");
        assertThat(count("countries")).isEqualTo(250);
        assertThat(query("SELECT \"name.official\" FROM countries WHERE cca2 = 'NO'").get("data").get(0).get(0).asText())
                .isEqualTo("Kingdom of Norway");

        JsonNode missing = http.awaitJob(startImport(Map.of("table_name", "nothing", "file_url", base + "no-such-file.csv"), null, null)
                .get("status_url").asText(), alice);
        assertThat(missing.get("state").asText()).isEqualTo("FAILED");
        assertThat(missing.get("error_type").asText()).isEqualTo("FileUrlError");
        assertThat(UUID.fromString(missing.get("error_id").asText())).isNotNull();
        assertThat(missing.get("error_details").get("status").asInt()).isEqualTo(404);
    }

    @Test
    void aMalformedCsvFailsTheJobNamingTheLineAndLoadsNothing() throws IOException {
        Path bad = write("bad.csv", "id,amount\n1,10\n2,20\n3,\"thirty\n4,40\n");
        JsonNode failed = http.awaitJob(startImport(Map.of("table_name", "payments", "infer_header", "first_row"), bad, "bad.csv")
                .get("status_url").asText(), alice);

        assertThat(failed.get("state").asText()).as("%s", failed).isEqualTo("FAILED");
        assertThat(failed.get("error_type").asText()).isEqualTo("LoadError");
        assertThat(UUID.fromString(failed.get("error_id").asText())).isNotNull();
        JsonNode details = failed.get("error_details");
        assertThat(details.get("line").asInt()).as("%s", details).isEqualTo(4);
        assertThat(details.get("source").asText()).isEqualTo("bad.csv");
        assertThat(details.get("message").asText()).contains("line 4");
        assertThat(failed.get("date_finished").isNull()).isFalse();
        Answer table = http.post("/query", alice, PlatformHttp.json(Map.of("database_name", "alice/data", "query_string", "SELECT * FROM payments")));
        assertThat(table.status()).isEqualTo(400);
        assertThat(table.json().get("message").asText()).contains("42P01");
    }

    @Test
    void aValueThatDoesNotFitItsColumnNamesTheRecordAndColumn() throws IOException {
        query("CREATE TABLE measurements (station text, reading int4)");
        Path bad = write("readings.csv", "station,reading\nOslo,12\nBergen,not-a-number\n");
        JsonNode failed = http.awaitJob(startImport(Map.of("table_name", "measurements"), bad, "readings.csv").get("status_url").asText(), alice);
        assertThat(failed.get("state").asText()).as("%s", failed).isEqualTo("FAILED");
        JsonNode details = failed.get("error_details");
        assertThat(details.get("record").asInt()).as("%s", details).isEqualTo(2);
        assertThat(details.get("column").asText()).isEqualTo("reading");
        assertThat(count("measurements")).isZero();
    }

    @Test
    void noHeaderNamesTheColumnsByPosition() throws IOException {
        Path csv = write("pairs.csv", "a,1\nb,2\nc,3\n");
        JsonNode done = http.awaitJob(startImport(Map.of("table_name", "pairs", "infer_header", "no_header"), csv, "pairs.csv")
                .get("status_url").asText(), alice);
        assertThat(done.get("state").asText()).isEqualTo("DONE");
        JsonNode rows = query("SELECT column_1, column_2 FROM pairs ORDER BY column_2");
        assertThat(rows.get("metadata").get("column_2").asText()).isEqualTo("int8");
        assertThat(rows.get("data")).hasSize(3);
    }

    @Test
    void corruptSpreadsheetsAndParquetFilesFailAndUnknownFormatsFailNamingTheFormat() throws IOException {
        Path xlsx = scratch.resolve("book.xlsx");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(xlsx))) {
            zip.putNextEntry(new ZipEntry("xl/workbook.xml"));
            zip.write("<workbook/>".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        JsonNode corrupt = http.awaitJob(startImport(Map.of("table_name", "book"), xlsx, "book.xlsx").get("status_url").asText(), alice);
        assertThat(corrupt.get("state").asText()).isEqualTo("FAILED");
        assertThat(corrupt.get("error_type").asText()).isEqualTo("LoadError");
        assertThat(corrupt.get("error_details").get("message").asText()).contains("book.xlsx");

        // told from the first bytes when the name says nothing, then read by the Parquet converter
        Path parquet = Files.write(scratch.resolve("no-extension"), "PAR1\0\0\0\0PAR1".getBytes(StandardCharsets.US_ASCII));
        JsonNode sniffed = http.awaitJob(startImport(Map.of("table_name", "pq"), parquet, "pq").get("status_url").asText(), alice);
        assertThat(sniffed.get("state").asText()).isEqualTo("FAILED");
        assertThat(sniffed.get("error_type").asText()).isEqualTo("LoadError");

        Path gzip = Files.write(scratch.resolve("data.gz"), new byte[] {0x1F, (byte) 0x8B, 8, 0, 0, 0});
        JsonNode unknown = http.awaitJob(startImport(Map.of("table_name", "gz"), gzip, "data.gz").get("status_url").asText(), alice);
        assertThat(unknown.get("state").asText()).isEqualTo("FAILED");
        assertThat(unknown.get("error_type").asText()).isEqualTo("UnsupportedFileFormat: gz");
        assertThat(unknown.get("error_details").get("format").asText()).isEqualTo("gz");
    }

    @Test
    void invalidImportRequestsAreRefusedBeforeAJobStarts() throws IOException {
        Path csv = write("tiny.csv", "x\n1\n");
        String url = "http://127.0.0.1:" + files.port() + "/data/world-countries.csv";
        PlatformDatabasesIT.assertValidationError(http.upload("/db/alice/data/import/", alice, Map.of(), csv, "tiny.csv"),
                "table_name", "value_error.missing");
        PlatformDatabasesIT.assertValidationError(http.upload("/db/alice/data/import/", alice, Map.of("table_name", "t", "infer_header",
                "sometimes"), csv, "tiny.csv"), "infer_header", "value_error.str.regex");
        PlatformDatabasesIT.assertValidationError(http.upload("/db/alice/data/import/", alice, Map.of("table_name", "t", "file_url",
                "ftp://example.com/x.csv"), null, null), "file_url", "value_error.url.scheme");
        Answer both = http.upload("/db/alice/data/import/", alice, Map.of("table_name", "t", "file_url", url), csv, "tiny.csv");
        assertThat(both.status()).isEqualTo(400);
        PlatformDatabasesIT.assertDjangoShape(both, 400);
        assertThat(http.upload("/db/alice/data/import/", alice, Map.of("table_name", "t"), null, null).status()).isEqualTo(400);
        assertThat(http.post("/db/alice/data/import/", alice, "{\"table_name\": \"t\"}").status()).isEqualTo(422);
        assertThat(http.upload("/db/alice/nope/import/", alice, Map.of("table_name", "t"), csv, "tiny.csv").status()).isEqualTo(404);
        assertThat(http.upload("/db/alice/data/import/", null, Map.of("table_name", "t"), csv, "tiny.csv").status()).isEqualTo(401);

        platform.createServiceAccount("alice", "alice-reader", DatabaseRole.READER, "alice/data");
        Answer reader = http.upload("/db/alice/data/import/", platform.createApiKey("alice-reader"), Map.of("table_name", "t"), csv, "tiny.csv");
        assertThat(reader.status()).isEqualTo(403);
        PlatformDatabasesIT.assertDjangoShape(reader, 403);
    }

    @Test
    void exportsATableAsCsvServedWithoutAuthorizationAtItsDownloadUrl() throws IOException {
        query("CREATE TABLE export_src AS SELECT i AS id, 'name, ' || i AS name, i * 0.5 AS half, "
                + "CASE WHEN i % 7 = 0 THEN NULL ELSE 'x\"y' END AS quoted FROM generate_series(1, 5000) AS i");
        Answer created = http.post("/db/alice/data/export/", alice, "{\"export_format\": \"csv\", \"table_name\": \"export_src\"}");
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        assertThat(created.json().get("state").asText()).isEqualTo("RECEIVED");
        assertThat(created.json().get("export_format").asText()).isEqualTo("csv");
        assertThat(created.json().get("file_name").asText()).isEqualTo("export_src.csv");
        assertThat(created.json().get("download_url").isNull()).isTrue();
        assertThat(created.json().has("error_details")).isFalse();

        JsonNode done = http.awaitJob(created.json().get("status_url").asText(), alice);
        assertThat(done.get("state").asText()).as("%s", done).isEqualTo("DONE");
        String downloadUrl = done.get("download_url").asText();
        assertThat(downloadUrl).startsWith("http://127.0.0.1:" + platform.port() + "/downloads/").endsWith("/export_src.csv");

        Answer file = http.get(downloadUrl, null);
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.headers().get(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(Integer.toString(file.body().length));
        assertThat(file.headers().get(HttpHeaderNames.CONTENT_TYPE)).startsWith("text/csv");
        assertThat(file.headers().get(HttpHeaderNames.CONTENT_DISPOSITION)).isEqualTo("attachment; filename=\"export_src.csv\"");

        List<List<String>> csv = new ArrayList<>();
        CsvMapper mapper = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);
        try (MappingIterator<List<String>> it = mapper.readerForListOf(String.class).readValues(file.body())) {
            it.forEachRemaining(csv::add);
        }
        assertThat(csv.get(0)).containsExactly("id", "name", "half", "quoted");
        JsonNode table = query("SELECT id, name, half, quoted FROM export_src ORDER BY id");
        assertThat(csv).hasSize(5001);
        for (int i = 0; i < 5000; i++) {
            JsonNode row = table.get("data").get(i);
            List<String> line = csv.get(i + 1);
            assertThat(line.get(0)).isEqualTo(row.get(0).asText());
            assertThat(line.get(1)).isEqualTo(row.get(1).asText());
            assertThat(Double.parseDouble(line.get(2))).isEqualTo(row.get(2).asDouble());
            assertThat(line.get(3)).isEqualTo(row.get(3).isNull() ? "" : row.get(3).asText());
        }
        // the token is the credential: another token, or another name, is not found
        assertThat(http.get(downloadUrl.replace("/export_src.csv", "/other.csv"), null).status()).isEqualTo(404);
        assertThat(http.get("http://127.0.0.1:" + platform.port() + "/downloads/guess/export_src.csv", null).status()).isEqualTo(404);
    }

    @Test
    void exportsAQueryAsJsonUnderTheGivenFileName() {
        query("CREATE TABLE stations AS SELECT i AS id, 'station ' || i AS name, (i % 2 = 0) AS active "
                + "FROM generate_series(1, 300) AS i");
        Answer created = http.post("/db/alice/data/export/", alice, PlatformHttp.json(Map.of("export_format", "json",
                "query_string", "SELECT id, name, active FROM stations WHERE id <= 250 ORDER BY id", "file_name", "my stations.json")));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        JsonNode done = http.awaitJob(created.json().get("status_url").asText(), alice);
        assertThat(done.get("state").asText()).as("%s", done).isEqualTo("DONE");
        assertThat(done.get("file_name").asText()).isEqualTo("my stations.json");
        assertThat(done.get("download_url").asText()).endsWith("/my%20stations.json");

        Answer file = http.get(done.get("download_url").asText(), null);
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.headers().get(HttpHeaderNames.CONTENT_TYPE)).startsWith("application/json");
        JsonNode exported = file.json();
        JsonNode expected = http.post("/query?data_format=objects", alice, PlatformHttp.json(Map.of("database_name", "alice/data",
                "query_string", "SELECT id, name, active FROM stations WHERE id <= 250 ORDER BY id"))).json().get("data");
        assertThat(exported).hasSize(250);
        assertThat(exported).isEqualTo(expected);
    }

    @Test
    void invalidExportRequestsAreRefused() {
        assertThat(http.post("/db/alice/data/export/", alice, "{\"export_format\": \"csv\"}").status()).isEqualTo(400);
        Answer both = http.post("/db/alice/data/export/", alice, "{\"export_format\": \"csv\", \"table_name\": \"t\", \"query_string\": \"SELECT 1\"}");
        assertThat(both.status()).isEqualTo(400);
        PlatformDatabasesIT.assertDjangoShape(both, 400);
        PlatformDatabasesIT.assertValidationError(http.post("/db/alice/data/export/", alice, "{\"table_name\": \"t\"}"), "export_format",
                "value_error.missing");
        PlatformDatabasesIT.assertValidationError(http.post("/db/alice/data/export/", alice, "{\"export_format\": \"xml\", \"table_name\": \"t\"}"),
                "export_format", "type_error.enum");
        assertThat(http.post("/db/alice/data/export/", alice, "{\"export_format\": \"csv\", \"table_name\": \"t\", \"file_name\": \"../x\"}")
                .status()).isEqualTo(400);
        assertThat(http.post("/db/alice/none/export/", alice, "{\"export_format\": \"csv\", \"table_name\": \"t\"}").status()).isEqualTo(404);
    }

    @Test
    void exportsFailAsJobsForAMissingTableAndWriteWorkbooksForXls() {
        JsonNode missing = http.awaitJob(http.post("/db/alice/data/export/", alice, "{\"export_format\": \"csv\", \"table_name\": \"ghost\"}")
                .json().get("status_url").asText(), alice);
        assertThat(missing.get("state").asText()).isEqualTo("FAILED");
        assertThat(missing.get("error_type").asText()).isEqualTo("QueryError");
        assertThat(missing.get("download_url").isNull()).isTrue();

        assertThat(UUID.fromString(missing.get("error_id").asText())).isNotNull();

        JsonNode xls = http.awaitJob(http.post("/db/alice/data/export/", alice, "{\"export_format\": \"xls\", \"query_string\": \"SELECT 1 AS one\"}")
                .json().get("status_url").asText(), alice);
        assertThat(xls.get("state").asText()).isEqualTo("DONE");
        assertThat(xls.get("file_name").asText()).isEqualTo("query_result.xlsx");
        byte[] workbook = http.get(xls.get("download_url").asText(), null).body();
        assertThat(new String(workbook, 0, 2, StandardCharsets.US_ASCII)).as("an Office Open XML (zip) file").isEqualTo("PK");
    }

    @Test
    void jobsOfOthersAndUnknownJobsAreNotFound() throws IOException {
        String mallory = platform.createUser("mallory");
        JsonNode job = startImport(Map.of("table_name", "mine"), write("mine.csv", "a\n1\n"), "mine.csv");
        String id = job.get("id").asText();
        assertThat(http.get("/import/" + id, mallory).status()).isEqualTo(404);
        assertThat(http.get("/export/" + id, alice).status()).isEqualTo(404);
        Answer unknown = http.get("/import/" + UUID.randomUUID(), alice);
        assertThat(unknown.status()).isEqualTo(404);
        PlatformDatabasesIT.assertDjangoShape(unknown, 404);
        assertThat(http.get("/import/not-a-uuid", alice).status()).isEqualTo(404);
        assertThat(http.get("/import/" + id, null).status()).isEqualTo(401);
        assertThat(http.awaitJob(job.get("status_url").asText(), alice).get("state").asText()).isEqualTo("DONE");
    }
}
