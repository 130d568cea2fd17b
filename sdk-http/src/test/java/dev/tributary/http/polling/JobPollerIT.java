package dev.tributary.http.polling;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tributary.http.HttpServiceClient;
import dev.tributary.http.RetrySettings;
import dev.tributary.http.ServiceErrorParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Polling bit.io-style import jobs on a loopback server, with short real delays; the server counts polls. */
class JobPollerIT {

    /** bit.io's ImportJob, as the platform client would declare it. */
    record ImportJob(String id, String state, String errorId, String errorType, JsonNode errorDetails, String statusUrl) {
    }

    private static final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
    private static DisposableServer server;
    private static HttpServiceClient client;

    private static String job(String id, String state, String extra) {
        return "{\"id\": \"" + id + "\", \"state\": \"" + state + "\", \"retries\": 0, \"status_url\": \"/import/" + id + "\"" + extra + "}";
    }

    @BeforeAll
    static void start() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.get("/v2beta/import/{id}", (request, response) -> {
                    String id = request.param("id");
                    int n = polls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                    String body;
                    switch (id) {
                        case "imp-ok":
                            body = job(id, n == 1 ? "RECEIVED" : n < 4 ? "PROCESSING" : "DONE", "");
                            break;
                        case "imp-bad":
                            body = job(id, n == 1 ? "PROCESSING" : "FAILED", ", \"error_id\": \"3f9a\", \"error_type\": \"CSVParseError\","
                                    + " \"error_details\": {\"line\": 2, \"message\": \"unterminated quote\"}");
                            break;
                        case "imp-flaky":
                            if (n == 2) {
                                return response.status(503).sendString(Mono.just("{\"message\": \"busy\"}"));
                            }
                            body = job(id, n < 3 ? "PROCESSING" : "DONE", "");
                            break;
                        default:
                            body = job(id, "PROCESSING", "");
                    }
                    return response.header("Content-Type", "application/json").sendString(Mono.just(body));
                }))
                .bindNow();
        client = HttpServiceClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/v2beta")
                .objectMapper(JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build())
                .errorParser(ServiceErrorParser.bitio())
                .retry(RetrySettings.none())   // so that the poller's own retry is what is tested
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.disposeNow();
    }

    private static JobPoller.Builder<ImportJob> poller(String id) {
        return JobPoller.builder("import", id, () -> client.get("/import/{id}", id).retrieve(ImportJob.class))
                .terminalWhen(job -> job.state().equals("DONE") || job.state().equals("FAILED"))
                .failure(job -> job.state().equals("FAILED")
                        ? new JobFailedException("import", job.id(), job.state(), job.errorId(), job.errorType(), job.errorDetails())
                        : null)
                .stateOf(ImportJob::state)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(40));
    }

    @Test
    void pollsUntilDoneReportingEveryStatus() {
        StepVerifier.create(poller("imp-ok").build().progress().map(ImportJob::state))
                .expectNext("RECEIVED", "PROCESSING", "PROCESSING", "DONE")
                .verifyComplete();
        assertThat(polls.get("imp-ok")).hasValue(4);
    }

    @Test
    void aFailedJobIsATypedErrorWithTheServicesDetails() {
        StepVerifier.create(poller("imp-bad").build().awaitCompletion())
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(JobFailedException.class).hasMessage("import job imp-bad ended FAILED: CSVParseError"
                            + " (error id 3f9a); details: {\"line\":2,\"message\":\"unterminated quote\"}");
                    assertThat(((JobFailedException) e).getDetails().orElseThrow().get("line").asInt()).isEqualTo(2);
                })
                .verify(Duration.ofSeconds(10));
        assertThat(polls.get("imp-bad")).hasValue(2);
    }

    @Test
    void aTransientPollFailureIsRetried() {
        StepVerifier.create(poller("imp-flaky").build().awaitCompletion().map(ImportJob::state))
                .expectNext("DONE")
                .verifyComplete();
        assertThat(polls.get("imp-flaky")).hasValue(3);
    }

    @Test
    void cancellingStopsTheRequests() throws InterruptedException {
        StepVerifier.create(poller("imp-cancel").build().progress().take(3))
                .expectNextCount(3)
                .verifyComplete();
        int seen = polls.get("imp-cancel").get();
        Thread.sleep(200);
        assertThat(polls.get("imp-cancel")).hasValue(seen);
        assertThat(seen).isEqualTo(3);
    }

    @Test
    void theDeadlineStopsPollingWithATypedError() throws InterruptedException {
        StepVerifier.create(poller("imp-stuck").deadline(Duration.ofMillis(300)).build().awaitCompletion())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(JobTimeoutException.class)
                        .hasMessageStartingWith("import job imp-stuck did not finish within 300 ms; last state: PROCESSING after "))
                .verify(Duration.ofSeconds(10));
        int seen = polls.get("imp-stuck").get();
        Thread.sleep(200);
        assertThat(polls.get("imp-stuck")).hasValue(seen);
    }
}
