package dev.tributary.emulator.platform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.emulator.platform.PlatformHttp.Answer;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plug points for other file formats: an emulator with a converter and a writer registered
 * (for a format of the tests' own) imports and exports through them, and still fails the formats
 * that have none.
 */
class FileFormatRegistryIT {

    private static PlatformEmulator platform;
    private static PlatformHttp http;
    private static String key;
    private static Path scratch;

    @BeforeAll
    static void start() throws IOException {
        FileFormats formats = FileFormats.nativeOnly()
                .withImportConverter(".tsv", new TsvFiles.Converter())
                .withExportWriter("parquet", "tsv", "text/tab-separated-values", new TsvFiles.Writer());
        platform = PlatformEmulator.builder().fileFormats(formats).jobTiming(java.time.Duration.ZERO, java.time.Duration.ZERO).build().start();
        http = new PlatformHttp(platform.baseUrl());
        key = platform.createUser("tess");
        platform.createDatabase("tess", "formats").block(PlatformHttp.TIMEOUT);
        scratch = Files.createTempDirectory("platform-formats-test-");
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
        WorkFiles.deleteNow(scratch);
    }

    private static JsonNode importFile(String table, String fileName, String content) throws IOException {
        Path file = Files.writeString(scratch.resolve(fileName), content, StandardCharsets.UTF_8);
        Answer a = http.upload("/db/tess/formats/import/", key, Map.of("table_name", table), file, fileName);
        assertThat(a.status()).as("%s", a).isEqualTo(201);
        return http.awaitJob(a.json().get("status_url").asText(), key);
    }

    private static JsonNode export(String body) {
        Answer a = http.post("/db/tess/formats/export/", key, body);
        assertThat(a.status()).as("%s", a).isEqualTo(201);
        return http.awaitJob(a.json().get("status_url").asText(), key);
    }

    private static JsonNode query(String sql) {
        return http.post("/query", key, PlatformHttp.json(Map.of("database_name", "tess/formats", "query_string", sql))).json();
    }

    @Test
    void aRegisteredConverterImportsItsFormatThroughTheBulkLoader() throws IOException {
        JsonNode job = importFile("nordics", "nordics.tsv", "code\tname\tpopulation\nNO\tNorway\t5550203\nSE\tSweden\t10551707\n"
                + "DK\tDenmark\t5946984\n");
        assertThat(job.get("state").asText()).as("%s", job).isEqualTo("DONE");
        JsonNode rows = query("SELECT code, name, population FROM nordics ORDER BY population DESC");
        assertThat(rows.get("metadata").get("population").asText()).isEqualTo("int8");
        assertThat(rows.get("data")).hasSize(3);
        assertThat(rows.get("data").get(0).get(1).asText()).isEqualTo("Sweden");
    }

    @Test
    void aConvertersLoadExceptionFailsTheJobNamingItsLine() throws IOException {
        JsonNode job = importFile("broken", "broken.tsv", "a\tb\n1\t2\n3\n4\t5\n");
        assertThat(job.get("state").asText()).isEqualTo("FAILED");
        assertThat(job.get("error_type").asText()).isEqualTo("LoadError");
        assertThat(job.get("error_details").get("line").asInt()).isEqualTo(3);
        assertThat(job.get("error_details").get("message").asText()).contains("Expected 2 fields, found 1");
    }

    @Test
    void aRegisteredWriterExportsItsFormatWithTheColumnsPostgresTypes() {
        JsonNode job = export("{\"export_format\": \"parquet\", \"query_string\": \"SELECT i AS id, 'n' || i AS name, NULL::date AS since "
                + "FROM generate_series(1, 3) AS i ORDER BY i\"}");
        assertThat(job.get("state").asText()).as("%s", job).isEqualTo("DONE");
        assertThat(job.get("file_name").asText()).isEqualTo("query_result.tsv");
        Answer file = http.get(job.get("download_url").asText(), null);
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/tab-separated-values");
        assertThat(file.text()).isEqualTo("id:int4\tname:text\tsince:date\n1\tn1\t\\N\n2\tn2\t\\N\n3\tn3\t\\N\n");
    }

    @Test
    void anEmptyResultStillGivesTheWriterItsColumns() {
        query("CREATE TABLE empty_one (id int8, label text)");
        JsonNode job = export("{\"export_format\": \"parquet\", \"table_name\": \"empty_one\", \"schema_name\": \"public\"}");
        assertThat(job.get("state").asText()).as("%s", job).isEqualTo("DONE");
        assertThat(job.get("file_name").asText()).isEqualTo("empty_one.tsv");
        assertThat(http.get(job.get("download_url").asText(), null).text()).isEqualTo("id:int8\tlabel:text\n");
    }

    @Test
    void formatsWithoutAConverterOrWriterStillFailTheirJobs() throws IOException {
        JsonNode sqlite = importFile("lite", "lite.db", "SQLite format 3\0 and then some bytes");
        assertThat(sqlite.get("state").asText()).isEqualTo("FAILED");
        assertThat(sqlite.get("error_type").asText()).isEqualTo("UnsupportedFileFormat: sqlite");
        JsonNode xls = export("{\"export_format\": \"xls\", \"query_string\": \"SELECT 1\"}");
        assertThat(xls.get("state").asText()).isEqualTo("FAILED");
        assertThat(xls.get("error_type").asText()).isEqualTo("UnsupportedExportFormat: xls");
    }
}
