package dev.tributary.http.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.http.HttpNotFoundException;
import dev.tributary.http.polling.JobFailedException;
import dev.tributary.testkit.netty.NettyLeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(NettyLeakCheck.class)
class ExportsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "0b5e0c4e-53a3-4a4a-9f0e-7f9a3c2b1d01";
    private static final String CSV = "name,population\nOslo,709037\nBergen,291940\n".repeat(2000);
    private static final Map<String, String> ANSWERS = new ConcurrentHashMap<>();
    private static WireServer server;
    private static PlatformClient platform;

    @BeforeAll
    static void start() {
        server = WireServer.start((request, response) -> {
            if (request.uri().startsWith("/downloads/")) {
                return request.uri().contains("signature=good")
                        ? response.status(200).header("Content-Type", "text/csv")
                                .sendByteArray(Flux.fromArray(CSV.split("(?<=\n)")).map(s -> s.getBytes(StandardCharsets.UTF_8))).then()
                        : WireServer.json(response, 404, "{\"status_code\":404,\"error_id\":\"55555555-0000-4000-8000-000000000404\","
                                + "\"message\":\"No such download\"}");
            }
            String answer = ANSWERS.get(request.method() + " " + request.uri());
            int space = answer.indexOf(' ');
            return WireServer.json(response, Integer.parseInt(answer.substring(0, space)), answer.substring(space + 1));
        });
        platform = PlatformClient.builder().baseUrl(server.baseUrl()).apiKey(Fixtures.KEY).build();
    }

    @AfterAll
    static void stop() {
        platform.closeLater().block(Duration.ofSeconds(5));
        server.close();
    }

    @BeforeEach
    void reset() {
        ANSWERS.clear();
        server.seen().clear();
    }

    @Test
    void createsAnExportOfAQueryOrOfATableWithTheSnakeCaseBody() throws Exception {
        ANSWERS.put("POST /v2beta/db/alice/demo/export/", "201 " + Fixtures.exportJob(ID, "RECEIVED", "", null));

        ExportJob job = platform.exports().create("alice/demo",
                CreateExport.query("SELECT * FROM cities", ExportFormat.CSV).withFileName("cities.csv")).block();
        assertThat(job.state()).isEqualTo(JobState.RECEIVED);
        assertThat(JSON.readTree(server.last().body())).isEqualTo(JSON.readTree(
                "{\"export_format\":\"csv\",\"query_string\":\"SELECT * FROM cities\",\"file_name\":\"cities.csv\"}"));

        platform.exports().create("alice/demo", CreateExport.table("cities", ExportFormat.PARQUET).withSchema("geo")).block();
        assertThat(JSON.readTree(server.last().body())).isEqualTo(JSON.readTree(
                "{\"export_format\":\"parquet\",\"table_name\":\"cities\",\"schema_name\":\"geo\"}"));
        assertThatThrownBy(() -> CreateExport.query("SELECT 1", ExportFormat.JSON).withSchema("geo"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("schema_name");
    }

    @Test
    void waitsForTheExportByIdAndSignalsAFailure() {
        ANSWERS.put("GET /v2beta/export/" + ID, "200 {\"id\":\"" + ID + "\",\"date_created\":\"2024-05-01T10:00:00Z\","
                + "\"state\":\"FAILED\",\"retries\":0,\"error_type\":\"ExportError\",\"error_id\":\"e1\",\"export_format\":\"xls\"}");

        assertThatThrownBy(() -> platform.exports().awaitCompletion(job("RECEIVED", null)).block(Duration.ofSeconds(10)))
                .isInstanceOf(JobFailedException.class)
                .hasMessageContaining("export job " + ID + " ended FAILED: ExportError");
        assertThat(platform.exports().get(UUID.fromString(ID)).block().exportFormat()).isEqualTo(ExportFormat.XLS);
    }

    @Test
    void downloadsAPresignedUrlOnTheSameOriginWithoutTheApiKey() {
        ExportJob done = job("DONE", server.origin() + "/downloads/t0k3n/cities.csv?signature=good");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        platform.exports().download(done).doOnNext(b -> out.writeBytes(toArray(b)))
                .blockLast(Duration.ofSeconds(10));

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(CSV);
        assertThat(server.last().uri()).isEqualTo("/downloads/t0k3n/cities.csv?signature=good");
        assertThat(server.last().header("Authorization")).isNull();
    }

    @Test
    void downloadsToAFileAndDeletesItWhenTheDownloadFails(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("cities.csv");
        long written = platform.exports().downloadTo(job("DONE", server.origin() + "/downloads/t0k3n/cities.csv?signature=good"), target)
                .block(Duration.ofSeconds(10));
        assertThat(written).isEqualTo(CSV.getBytes(StandardCharsets.UTF_8).length);
        assertThat(Files.readString(target)).isEqualTo(CSV);
        assertThat(server.last().header("Authorization")).isNull();

        Path missing = dir.resolve("missing.csv");
        assertThatThrownBy(() -> platform.exports().downloadTo(
                job("DONE", server.origin() + "/downloads/t0k3n/cities.csv?signature=secret-sig"), missing).block(Duration.ofSeconds(10)))
                .isInstanceOf(HttpNotFoundException.class)
                .hasMessageContaining("No such download")
                .hasMessageNotContaining("secret-sig");
        assertThat(missing).doesNotExist();
    }

    @Test
    void refusesToDownloadAnExportThatIsNotDone() {
        assertThatThrownBy(() -> platform.exports().download(job("PROCESSING", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PROCESSING, not DONE");
        assertThat(server.seen()).isEmpty();
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static ExportJob job(String state, String downloadUrl) {
        return new ExportJob(UUID.fromString(ID), OffsetDateTime.now(), null, JobState.valueOf(state), 0, null, null, "",
                ExportFormat.CSV, "cities.csv", downloadUrl);
    }
}
