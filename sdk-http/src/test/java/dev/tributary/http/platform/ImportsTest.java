package dev.tributary.http.platform;

import dev.tributary.http.polling.JobFailedException;
import dev.tributary.http.polling.JobTimeoutException;
import dev.tributary.sql.load.HeaderMode;
import dev.tributary.testkit.netty.NettyLeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(NettyLeakCheck.class)
class ImportsTest {

    private static final String ID = "0b5e0c4e-53a3-4a4a-9f0e-7f9a3c2b1d00";
    /** What the server answers, in order: "status body" strings; the last one repeats. */
    private static final Queue<String> ANSWERS = new ConcurrentLinkedQueue<>();
    private static WireServer server;
    private VirtualTimeScheduler time;
    private DelayRecordingScheduler clientTime;
    private PlatformClient platform;

    @BeforeAll
    static void start() {
        server = WireServer.start((request, response) -> {
            String answer = ANSWERS.size() > 1 ? ANSWERS.poll() : ANSWERS.peek();
            int space = answer.indexOf(' ');
            return WireServer.json(response, Integer.parseInt(answer.substring(0, space)), answer.substring(space + 1));
        });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A client per test: StepVerifier.withVirtualTime disposes its scheduler when it ends. */
    @BeforeEach
    void reset() {
        ANSWERS.clear();
        server.seen().clear();
        this.time = VirtualTimeScheduler.create();
        this.clientTime = new DelayRecordingScheduler(this.time);
        this.platform = PlatformClient.builder().baseUrl(server.baseUrl()).apiKey(Fixtures.KEY).scheduler(this.clientTime).build();
    }

    @AfterEach
    void close() {
        this.platform.closeLater().block(Duration.ofSeconds(5));
        this.time.dispose();
    }

    private String statusUrl() {
        return server.origin() + "/v2beta/import/" + ID + "/";
    }

    @Test
    void uploadsAFileAsAMultipartFormWithAContentLength(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("cities.csv");
        Files.writeString(csv, "name,population\nOslo,709037\n");
        ANSWERS.add("201 " + Fixtures.importJob(ID, "RECEIVED", statusUrl()));

        ImportJob job = platform.imports().create("alice/demo", CreateImport.file(csv, "cities")
                .withSchema("geo").withHeader(HeaderMode.FIRST_ROW)).block();

        assertThat(job.id()).isEqualTo(UUID.fromString(ID));
        assertThat(job.state()).isEqualTo(JobState.RECEIVED);
        WireServer.Seen seen = server.last();
        assertThat(seen.method() + " " + seen.uri()).isEqualTo("POST /v2beta/db/alice/demo/import/");
        assertThat(seen.header("Content-Type")).startsWith("multipart/form-data; boundary=");
        assertThat(seen.header("Content-Length")).isEqualTo(String.valueOf(seen.body().length));
        assertThat(seen.header("Transfer-Encoding")).isNull();
        String form = seen.text();
        assertThat(form).contains("name=\"table_name\"\r\n\r\ncities\r\n")
                .contains("name=\"schema_name\"\r\n\r\ngeo\r\n")
                .contains("name=\"infer_header\"\r\n\r\nfirst_row\r\n")
                .contains("name=\"file\"; filename=\"cities.csv\"\r\nContent-Type: text/csv\r\n\r\nname,population\nOslo,709037\n")
                .doesNotContain("file_url");
    }

    @Test
    void importsFromAUrlWithTheFileUrlField() {
        ANSWERS.add("201 " + Fixtures.importJob(ID, "RECEIVED", statusUrl()));

        platform.imports().create("alice/demo", CreateImport.url(URI.create("https://data.example.org/countries.csv"), "countries"))
                .block();

        String form = server.last().text();
        assertThat(form).contains("name=\"file_url\"\r\n\r\nhttps://data.example.org/countries.csv\r\n")
                .contains("name=\"infer_header\"\r\n\r\nauto\r\n")
                .doesNotContain("filename=")
                .doesNotContain("schema_name");
    }

    @Test
    void pollsTheStatusUrlWithABackoffUntilTheJobIsDone() {
        ANSWERS.addAll(List.of("200 " + Fixtures.importJob(ID, "RECEIVED", statusUrl()),
                "200 " + Fixtures.importJob(ID, "PROCESSING", statusUrl()),
                "200 " + Fixtures.importJob(ID, "PROCESSING", statusUrl()),
                "200 " + Fixtures.importJob(ID, "DONE", statusUrl())));
        ImportJob created = job("RECEIVED", statusUrl());

        StepVerifier.withVirtualTime(() -> platform.imports().progress(created), () -> time, Long.MAX_VALUE)
                .expectNextMatches(j -> j.state() == JobState.RECEIVED)
                .then(() -> scheduled(250))
                .expectNoEvent(Duration.ofMillis(249))
                .thenAwait(Duration.ofMillis(1))
                .expectNextMatches(j -> j.state() == JobState.PROCESSING)
                .then(() -> scheduled(500))                             // the backoff doubles
                .expectNoEvent(Duration.ofMillis(499))
                .thenAwait(Duration.ofMillis(1))
                .expectNextMatches(j -> j.state() == JobState.PROCESSING)
                .then(() -> scheduled(1000))
                .thenAwait(Duration.ofMillis(1000))
                .expectNextMatches(j -> j.state() == JobState.DONE)
                .expectComplete()
                .verify(Duration.ofSeconds(10));

        assertThat(server.seen()).hasSize(4).allSatisfy(seen -> {
            assertThat(seen.method() + " " + seen.uri()).isEqualTo("GET /v2beta/import/" + ID + "/");
            assertThat(seen.header("Authorization")).isEqualTo("Bearer " + Fixtures.KEY);
        });
    }

    @Test
    void pollsTheJobByIdWhenItHasNoStatusUrl() {
        ANSWERS.add("200 " + Fixtures.importJob(ID, "DONE", ""));

        ImportJob done = platform.imports().awaitCompletion(job("RECEIVED", "")).block(Duration.ofSeconds(10));

        assertThat(done.state()).isEqualTo(JobState.DONE);
        assertThat(server.last().uri()).isEqualTo("/v2beta/import/" + ID);
    }

    @Test
    void endsWithAJobFailedExceptionCarryingTheServicesErrorAndDetails() {
        ANSWERS.addAll(List.of("200 " + Fixtures.importJob(ID, "PROCESSING", statusUrl()),
                "200 " + Fixtures.failedImportJob(ID, statusUrl())));

        StepVerifier.withVirtualTime(() -> platform.imports().progress(job("RECEIVED", statusUrl())), () -> time, Long.MAX_VALUE)
                .expectNextMatches(j -> j.state() == JobState.PROCESSING)
                .then(() -> scheduled(250))
                .thenAwait(Duration.ofMillis(250))
                .expectNextMatches(j -> j.state() == JobState.FAILED && j.errorDetails().get("line").asInt() == 17)
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(JobFailedException.class).hasMessageContaining("line");
                    JobFailedException failed = (JobFailedException) e;
                    assertThat(failed.getKind()).isEqualTo("import");
                    assertThat(failed.getJobId()).isEqualTo(ID);
                    assertThat(failed.getErrorType()).contains("ImportFormatError");
                    assertThat(failed.getErrorId()).contains("7d1c0a4e-0000-4000-8000-000000000001");
                    assertThat(failed.getDetails().orElseThrow().get("line").asInt()).isEqualTo(17);
                })
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void stopsAtTheDeadlineWithAJobTimeoutException() {
        ANSWERS.add("200 " + Fixtures.importJob(ID, "PROCESSING", statusUrl()));
        PollSettings settings = PollSettings.defaults().withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .withDeadline(Duration.ofSeconds(4));

        // polls at 0, 1 s and 3 s (backoff 1 s then 2 s); the one due at 5 s is after the deadline
        StepVerifier.withVirtualTime(() -> platform.imports().progress(job("RECEIVED", statusUrl()), settings), () -> time, Long.MAX_VALUE)
                .expectNextCount(1)
                .then(() -> scheduled(1000))
                .thenAwait(Duration.ofSeconds(1))
                .expectNextCount(1)
                .then(() -> scheduled(2000))
                .thenAwait(Duration.ofSeconds(2))
                .expectNextCount(1)
                .then(() -> scheduled(2000))
                .thenAwait(Duration.ofSeconds(1))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(JobTimeoutException.class)
                        .hasMessageContaining("PROCESSING").hasMessageContaining("3 polls"))
                .verify(Duration.ofSeconds(10));
        assertThat(server.seen()).hasSize(3);
    }

    @Test
    void cancellingStopsPolling() {
        ANSWERS.add("200 " + Fixtures.importJob(ID, "PROCESSING", statusUrl()));

        StepVerifier.withVirtualTime(() -> platform.imports().progress(job("RECEIVED", statusUrl())), () -> time, Long.MAX_VALUE)
                .expectNextCount(1)
                .thenCancel()
                .verify(Duration.ofSeconds(10));
        time.advanceTimeBy(Duration.ofMinutes(5));

        assertThat(server.seen()).hasSize(1);
    }

    @Test
    void describesTheRequestWithoutTheUrlsQuery() {
        assertThat(CreateImport.url(URI.create("https://user:pw@data.example.org/c.csv?X-Amz-Signature=abc"), "c").toString())
                .contains("https://data.example.org/c.csv").doesNotContain("abc").doesNotContain("pw");
        assertThatThrownBy(() -> CreateImport.url(URI.create("ftp://data.example.org/c.csv"), "c"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http(s)");
        assertThatThrownBy(() -> CreateImport.url(URI.create("https://data.example.org/c.csv"), "c").withContentType("text/csv"))
                .isInstanceOf(IllegalStateException.class);
        assertThat(CreateImport.file(Path.of("a.xlsx"), "t").contentType()).contains("spreadsheetml");
    }

    /** Waits until the poller has scheduled its next poll, before the test moves the clock. */
    private void scheduled(long millis) {
        try {
            this.clientTime.awaitScheduled(Duration.ofMillis(millis), Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static ImportJob job(String state, String statusUrl) {
        return new ImportJob(UUID.fromString(ID), java.time.OffsetDateTime.now(), null, JobState.valueOf(state), 0,
                null, null, null, statusUrl);
    }
}
