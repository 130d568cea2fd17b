package dev.tributary.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Retries against a loopback server, in virtual time: the test waits until the client has scheduled
 * its retry, checks the delay and the requests the server saw, then moves time on.
 */
class RetryIT {

    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);

    /** A server that answers request n (1-based) with {@code script.apply(n)}: a status and headers. */
    private static LoopbackServer server(Function<Integer, Object[]> script) {
        AtomicInteger n = new AtomicInteger();
        return LoopbackServer.start((request, response) -> {
            Object[] answer = script.apply(n.incrementAndGet());
            int status = (Integer) answer[0];
            for (int i = 1; i + 1 < answer.length; i += 2) {
                response.header((String) answer[i], (String) answer[i + 1]);
            }
            return status == 200 ? response.sendString(Mono.just("{\"attempt\": " + n.get() + "}"))
                    : response.status(status).sendString(Mono.just("{\"message\": \"busy\"}"));
        });
    }

    private static HttpServiceClient client(LoopbackServer server, RecordingScheduler time, RetrySettings retry) {
        return HttpServiceClient.builder().baseUrl(server.url()).scheduler(time).retry(retry)
                .responseTimeout(RESPONSE_TIMEOUT).build();
    }

    private static final RetrySettings NO_JITTER = RetrySettings.builder()
            .backoff(Duration.ofSeconds(1), Duration.ofSeconds(8)).jitter(0).build();

    @Test
    void waitsForRetryAfterSecondsOn429() throws Exception {
        RecordingScheduler time = new RecordingScheduler();
        try (LoopbackServer server = server(n -> n == 1 ? new Object[]{429, "Retry-After", "7"} : new Object[]{200});
             HttpServiceClient client = client(server, time, NO_JITTER)) {
            CompletableFuture<JsonNode> result = client.get("/db/").retrieveJson().toFuture();
            time.awaitDelays(1, RESPONSE_TIMEOUT);
            assertThat(time.delaysOtherThan(RESPONSE_TIMEOUT)).containsExactly(Duration.ofSeconds(7));
            time.advance(Duration.ofMillis(6999));
            assertThat(server.requests()).isEqualTo(1);
            assertThat(result).isNotDone();
            time.advance(Duration.ofMillis(1));
            assertThat(result.get(10, TimeUnit.SECONDS).get("attempt").asInt()).isEqualTo(2);
            assertThat(server.requests()).isEqualTo(2);
        }
    }

    @Test
    void waitsUntilARetryAfterHttpDateMeasuredFromTheServersDate() throws Exception {
        ZonedDateTime serverNow = ZonedDateTime.of(2025, 11, 6, 8, 49, 37, 0, ZoneOffset.UTC);
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(serverNow);
        String retryAt = DateTimeFormatter.RFC_1123_DATE_TIME.format(serverNow.plusSeconds(4));
        RecordingScheduler time = new RecordingScheduler();
        try (LoopbackServer server = server(n -> n == 1 ? new Object[]{429, "Date", date, "Retry-After", retryAt} : new Object[]{200});
             HttpServiceClient client = client(server, time, NO_JITTER)) {
            CompletableFuture<JsonNode> result = client.get("/db/").retrieveJson().toFuture();
            time.awaitDelays(1, RESPONSE_TIMEOUT);
            assertThat(time.delaysOtherThan(RESPONSE_TIMEOUT)).containsExactly(Duration.ofSeconds(4));
            time.advance(Duration.ofSeconds(4));
            assertThat(result.get(10, TimeUnit.SECONDS).get("attempt").asInt()).isEqualTo(2);
        }
    }

    @Test
    void backsOffExponentiallyOn503WithoutRetryAfter() throws Exception {
        RecordingScheduler time = new RecordingScheduler();
        try (LoopbackServer server = server(n -> n <= 3 ? new Object[]{503} : new Object[]{200});
             HttpServiceClient client = client(server, time, NO_JITTER)) {
            CompletableFuture<JsonNode> result = client.get("/db/").retrieveJson().toFuture();
            for (int retry = 1; retry <= 3; retry++) {
                time.awaitDelays(retry, RESPONSE_TIMEOUT);
                assertThat(server.requests()).isEqualTo(retry);
                time.advance(time.delaysOtherThan(RESPONSE_TIMEOUT).get(retry - 1));
            }
            assertThat(result.get(10, TimeUnit.SECONDS).get("attempt").asInt()).isEqualTo(4);
            assertThat(time.delaysOtherThan(RESPONSE_TIMEOUT))
                    .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
            assertThat(server.requests()).isEqualTo(4);
        }
    }

    @Test
    void capsALongRetryAfter() throws Exception {
        RecordingScheduler time = new RecordingScheduler();
        RetrySettings capped = NO_JITTER.toBuilder().maxRetryAfter(Duration.ofSeconds(10)).build();
        try (LoopbackServer server = server(n -> n == 1 ? new Object[]{503, "Retry-After", "3600"} : new Object[]{200});
             HttpServiceClient client = client(server, time, capped)) {
            CompletableFuture<JsonNode> result = client.get("/db/").retrieveJson().toFuture();
            time.awaitDelays(1, RESPONSE_TIMEOUT);
            assertThat(time.delaysOtherThan(RESPONSE_TIMEOUT)).containsExactly(Duration.ofSeconds(10));
            time.advance(Duration.ofSeconds(10));
            assertThat(result.get(10, TimeUnit.SECONDS).get("attempt").asInt()).isEqualTo(2);
        }
    }

    @Test
    void signalsTheLastErrorWhenAttemptsRunOut() throws Exception {
        RecordingScheduler time = new RecordingScheduler();
        RetrySettings three = NO_JITTER.toBuilder().maxAttempts(3).build();
        try (LoopbackServer server = server(n -> new Object[]{503});
             HttpServiceClient client = client(server, time, three)) {
            CompletableFuture<JsonNode> result = client.get("/db/").retrieveJson().toFuture();
            time.awaitDelays(1, RESPONSE_TIMEOUT);
            time.advance(Duration.ofSeconds(1));
            time.awaitDelays(2, RESPONSE_TIMEOUT);
            time.advance(Duration.ofSeconds(2));
            assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).cause()
                    .isExactlyInstanceOf(HttpTransientException.class).hasMessageEndingWith("503 Service Unavailable: busy");
            assertThat(server.requests()).isEqualTo(3);
        }
    }

    @Test
    void doesNotRetryAPostUnlessItIsSafeToRepeat() throws Exception {
        RecordingScheduler time = new RecordingScheduler();
        try (LoopbackServer server = server(n -> n == 1 || n == 2 ? new Object[]{503} : new Object[]{200});
             HttpServiceClient client = client(server, time, NO_JITTER)) {
            CompletableFuture<JsonNode> unsafe = client.post("/query").jsonBody(Map.of("query_string", "INSERT ...")).retrieveJson()
                    .toFuture();
            assertThatThrownBy(() -> unsafe.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(HttpTransientException.class);
            assertThat(server.requests()).isEqualTo(1);
            assertThat(time.delaysOtherThan(RESPONSE_TIMEOUT)).isEmpty();

            CompletableFuture<JsonNode> safe = client.post("/query").jsonBody(Map.of("query_string", "SELECT 1"))
                    .safeToRepeat().retrieveJson().toFuture();
            time.awaitDelays(1, RESPONSE_TIMEOUT);
            time.advance(Duration.ofSeconds(1));
            assertThat(safe.get(10, TimeUnit.SECONDS).get("attempt").asInt()).isEqualTo(3);
            assertThat(server.requests()).isEqualTo(3);
            // the repeated POST carried the same body
            assertThat(server.seen().get(1).body).isEqualTo(server.seen().get(2).body);
        }
    }

    @Test
    void neverRetriesANonTransientStatus() throws Exception {
        RecordingScheduler time = new RecordingScheduler();
        try (LoopbackServer server = server(n -> new Object[]{404});
             HttpServiceClient client = client(server, time, NO_JITTER)) {
            assertThatThrownBy(() -> client.get("/db/x").retrieveJson().toFuture().get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOf(HttpNotFoundException.class);
            assertThat(server.requests()).isEqualTo(1);
        }
    }
}
