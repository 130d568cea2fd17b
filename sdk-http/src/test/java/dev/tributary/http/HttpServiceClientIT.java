package dev.tributary.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tributary.http.auth.Auth;
import dev.tributary.http.auth.CredentialsUnavailableException;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client against a loopback server: requests, typed errors from the wire, credentials, timeouts. */
class HttpServiceClientIT {

    private static final ObjectMapper SNAKE_CASE = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    record Database(String name, boolean isPrivate, long storageLimitBytes) {
    }

    record CreateDatabase(String name, boolean isPrivate) {
    }

    private static LoopbackServer server;

    @BeforeAll
    static void startServer() {
        server = LoopbackServer.start((request, response) -> {
            String path = request.uri.contains("?") ? request.uri.substring(0, request.uri.indexOf('?')) : request.uri;
            if (path.startsWith("/v2beta/db/alice/")) {
                return response.header("Content-Type", "application/json")
                        .sendString(Mono.just("{\"name\": \"alice/demo db\", \"is_private\": true, \"storage_limit_bytes\": 1048576,"
                                + " \"role\": \"OWNER\"}"));
            }
            if (path.equals("/v2beta/db/") && request.method.equals("POST")) {
                return response.status(201).header("Content-Type", "application/json")
                        .sendByteArray(Mono.just(request.body));
            }
            if (path.startsWith("/v2beta/e/")) {
                return error(response, path.substring("/v2beta/e/".length()));
            }
            if (path.equals("/v2beta/no-content")) {
                return response.status(204).send();
            }
            if (path.equals("/v2beta/redirect")) {
                return response.status(302).header("Location", "https://elsewhere.example/").send();
            }
            if (path.equals("/v2beta/ok-with-body")) {
                return response.sendString(Mono.just("{\"ignored\": true}"));
            }
            return response.status(404).send();
        });
    }

    private static org.reactivestreams.Publisher<Void> error(reactor.netty.http.server.HttpServerResponse response, String which) {
        String json = "application/json";
        switch (which) {
            case "401":
                return response.status(401).header("Content-Type", json)
                        .sendString(Mono.just("{\"detail\": \"Invalid API key\", \"uuid\": \"11111111-2222-3333-4444-555555555555\"}"));
            case "403":
                return response.status(403).header("Content-Type", json).sendString(Mono.just(
                        "{\"status_code\": 403, \"error_id\": \"e403\", \"message\": \"Not the owner\", \"error\": {\"type\": \"PermissionError\"}}"));
            case "404":
                return response.status(404).header("Content-Type", json)
                        .sendString(Mono.just("{\"status_code\": 404, \"error_id\": \"e404\", \"message\": \"No such database\"}"));
            case "409":
                return response.status(409).header("Content-Type", json).sendString(Mono.just(
                        "{\"status_code\": 409, \"error_id\": \"e409\", \"message\": \"Name taken\", \"help\": \"Pick another\"}"));
            case "400":
                return response.status(400).header("Content-Type", json)
                        .sendString(Mono.just("{\"status_code\": 400, \"error_id\": \"e400\", \"message\": \"Bad name\"}"));
            case "422":
                return response.status(422).header("Content-Type", json).sendString(Mono.just(
                        "{\"detail\": [{\"loc\": [\"body\", \"name\"], \"msg\": \"field required\", \"type\": \"value_error.missing\"}]}"));
            case "502-html":
                return response.status(502).header("Content-Type", "text/html")
                        .sendString(Mono.just("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
                                + "</h1></center><hr><center>nginx/1.25.3</center></body></html>"));
            case "500-text":
                return response.status(500).header("Content-Type", "text/plain").sendString(Mono.just("Internal error, sorry"));
            case "404-empty":
                return response.status(404).send();
            case "429":
                return response.status(429).header("Retry-After", "30").send();
            case "503":
                return response.status(503).sendString(Mono.just("{\"message\": \"warming up\"}"));
            case "504":
                return response.status(504).send();
            default:
                return response.status(418).send();
        }
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static HttpServiceClient.Builder client() {
        return HttpServiceClient.builder()
                .baseUrl(server.url() + "/v2beta")
                .objectMapper(SNAKE_CASE)
                .errorParser(ServiceErrorParser.bitio())
                .auth(Auth.bearer("v2_secretkey"))
                .retry(RetrySettings.none())
                .userAgent("tributary-test/1.0");
    }

    @Test
    void decodesJsonWithTheServicesMapperAndSendsTheRightHeaders() {
        try (HttpServiceClient client = client().build()) {
            StepVerifier.create(client.get("/db/{user}/{db}", "alice", "demo db").retrieve(Database.class))
                    .expectNext(new Database("alice/demo db", true, 1_048_576))
                    .verifyComplete();
        }
        // the db name is one encoded path segment
        LoopbackServer.Seen seen = server.seen().stream().filter(s -> s.uri.equals("/v2beta/db/alice/demo%20db")).findFirst()
                .orElseThrow();
        assertThat(seen.header("Authorization")).isEqualTo("Bearer v2_secretkey");
        assertThat(seen.header("User-Agent")).isEqualTo("tributary-test/1.0");
        assertThat(seen.header("Accept")).isEqualTo("application/json");
    }

    @Test
    void postsJsonWithItsLength() {
        try (HttpServiceClient client = client().build()) {
            StepVerifier.create(client.post("/db/").jsonBody(new CreateDatabase("demo", false)).retrieveJson())
                    .assertNext(json -> assertThat(json.toString()).isEqualTo("{\"name\":\"demo\",\"is_private\":false}"))
                    .verifyComplete();
        }
        LoopbackServer.Seen seen = server.seen().stream().filter(s -> s.method.equals("POST")).reduce((a, b) -> b).orElseThrow();
        assertThat(new String(seen.body, StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"demo\",\"is_private\":false}");
        assertThat(seen.header("Content-Length")).isEqualTo(Integer.toString(seen.body.length));
        assertThat(seen.header("Content-Type")).isEqualTo("application/json");
        assertThat(seen.header("Transfer-Encoding")).isNull();
    }

    private static HttpException failure(HttpServiceClient client, String which) {
        AtomicReference<Throwable> error = new AtomicReference<>();
        StepVerifier.create(client.get("/e/{which}", which).retrieveJson())
                .expectErrorSatisfies(error::set)
                .verify(Duration.ofSeconds(10));
        assertThat(error.get()).isInstanceOf(HttpException.class);
        return (HttpException) error.get();
    }

    @Test
    void typesEachStatusAndEachBitioErrorShapeFromTheWire() {
        String base = server.url() + "/v2beta/e/";
        try (HttpServiceClient client = client().build()) {
            HttpException unauthorized = failure(client, "401");
            assertThat(unauthorized).isExactlyInstanceOf(HttpUnauthorizedException.class)
                    .hasMessage("GET " + base + "401: 401 Unauthorized: Invalid API key [error id 11111111-2222-3333-4444-555555555555]");
            assertThat(unauthorized.getMessage()).doesNotContain("v2_secretkey");

            HttpException forbidden = failure(client, "403");
            assertThat(forbidden).isExactlyInstanceOf(HttpForbiddenException.class);
            assertThat(forbidden.getServiceError().orElseThrow().type()).isEqualTo("PermissionError");

            HttpException notFound = failure(client, "404");
            assertThat(notFound).isExactlyInstanceOf(HttpNotFoundException.class)
                    .hasMessage("GET " + base + "404: 404 Not Found: No such database [error id e404]");

            assertThat(failure(client, "409")).isExactlyInstanceOf(HttpConflictException.class)
                    .hasMessageEndingWith("409 Conflict: Name taken (Pick another) [error id e409]");
            assertThat(failure(client, "400")).isExactlyInstanceOf(HttpBadRequestException.class);

            HttpException invalid = failure(client, "422");
            assertThat(invalid).isExactlyInstanceOf(HttpBadRequestException.class)
                    .hasMessageEndingWith("422 Unprocessable Entity: body.name: field required [type value_error.missing]");
            assertThat(invalid.getServiceError().orElseThrow().details().get(0).get("msg").asText()).isEqualTo("field required");

            HttpException html = failure(client, "502-html");
            assertThat(html).isExactlyInstanceOf(HttpTransientException.class);
            assertThat(html.getServiceError().orElseThrow().message()).isEqualTo("502 Bad Gateway 502 Bad Gateway nginx/1.25.3");

            HttpException text = failure(client, "500-text");
            assertThat(text).isExactlyInstanceOf(HttpNonTransientException.class)
                    .hasMessage("GET " + base + "500-text: 500 Internal Server Error: Internal error, sorry");

            HttpException empty = failure(client, "404-empty");
            assertThat(empty).isExactlyInstanceOf(HttpNotFoundException.class).hasMessage("GET " + base + "404-empty: 404 Not Found");
            assertThat(empty.getServiceError()).isEmpty();

            HttpException tooMany = failure(client, "429");
            assertThat(tooMany).isExactlyInstanceOf(HttpTransientException.class);
            assertThat(tooMany.getRetryAfter()).contains(Duration.ofSeconds(30));
            assertThat(failure(client, "503").getServiceError().orElseThrow().message()).isEqualTo("warming up");
            assertThat(failure(client, "504").isTransient()).isTrue();
            assertThat(failure(client, "418").getStatus()).isEqualTo(418);
        }
    }

    @Test
    void redirectsAreNotFollowedButTyped() {
        try (HttpServiceClient client = client().build()) {
            StepVerifier.create(client.get("/redirect").retrieveJson())
                    .expectErrorSatisfies(e -> assertThat(e).isExactlyInstanceOf(HttpNonTransientException.class)
                            .hasMessageEndingWith("unexpected status 302 Found (redirects are not followed)"))
                    .verify(Duration.ofSeconds(10));
        }
    }

    @Test
    void noContentIsEmptyAndExecuteDiscardsTheBody() {
        try (HttpServiceClient client = client().build()) {
            StepVerifier.create(client.get("/no-content").retrieve(Database.class)).verifyComplete();
            StepVerifier.create(client.delete("/ok-with-body").execute()).verifyComplete();
        }
    }

    @Test
    void redactsSensitiveQueryValuesInErrors() {
        try (HttpServiceClient client = client().build()) {
            StepVerifier.create(client.delete("/e/401").query("api_key", "v2_revokeme").query("page", 2).execute())
                    .expectErrorSatisfies(e -> assertThat(e.getMessage())
                            .startsWith("DELETE " + server.url() + "/v2beta/e/401?api_key=REDACTED&page=2: 401")
                            .doesNotContain("v2_revokeme").doesNotContain("v2_secretkey"))
                    .verify(Duration.ofSeconds(10));
        }
        assertThat(server.last().uri).isEqualTo("/v2beta/e/401?api_key=v2_revokeme&page=2");
    }

    @Test
    void sendsCredentialsOnlyToTheBaseUrlsOrigin() {
        AtomicReference<String> authorization = new AtomicReference<>("unset");
        DisposableServer storage = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> {
                    authorization.set(String.valueOf(request.requestHeaders().get("Authorization")));
                    return response.sendString(Mono.just("exported,data\n"));
                })
                .bindNow();
        try (HttpServiceClient client = client().build()) {
            // another port on the same host is another origin (RFC 6454): like a presigned storage URL
            String presigned = "http://127.0.0.1:" + storage.port() + "/exports/e1.csv?X-Amz-Signature=abc";
            StepVerifier.create(client.get(presigned).download().map(b -> StandardCharsets.UTF_8.decode(b).toString()))
                    .expectNext("exported,data\n")
                    .verifyComplete();
            assertThat(authorization.get()).isEqualTo("null");
        } finally {
            storage.disposeNow();
        }
    }

    @Test
    void replaysOnceWhenTheAuthCanRefresh() {
        AtomicInteger requests = new AtomicInteger();
        AtomicReference<String> accepted = new AtomicReference<>("Bearer fresh");
        LoopbackServer tokens = LoopbackServer.start((request, response) -> {
            requests.incrementAndGet();
            return accepted.get().equals(request.header("Authorization"))
                    ? response.sendString(Mono.just("{\"ok\": true}"))
                    : response.status(HttpResponseStatus.UNAUTHORIZED).sendString(Mono.just("{\"detail\": \"expired\"}"));
        });
        RefreshingAuth auth = new RefreshingAuth();
        try (HttpServiceClient client = client().baseUrl(tokens.url()).auth(auth).build()) {
            StepVerifier.create(client.get("/anything").retrieveJson())
                    .assertNext(json -> assertThat(json.get("ok").asBoolean()).isTrue())
                    .verifyComplete();
            assertThat(requests).hasValue(2);
            assertThat(auth.rejected).containsExactly("Bearer stale");

            // still rejected after the refresh: one replay only, then the typed error
            accepted.set("Bearer never");
            requests.set(0);
            StepVerifier.create(client.get("/anything").retrieveJson())
                    .expectError(HttpUnauthorizedException.class)
                    .verify(Duration.ofSeconds(10));
            assertThat(requests).hasValue(2);
        } finally {
            tokens.close();
        }
    }

    /** Starts with a stale token; a refresh swaps in a fresh one (as an OAuth 2 token cache would). */
    static final class RefreshingAuth implements Auth {
        final java.util.List<String> rejected = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile String token = "stale";

        @Override
        public Mono<String> authorization() {
            return Mono.fromSupplier(() -> "Bearer " + this.token);
        }

        @Override
        public Mono<Boolean> refreshAfterUnauthorized(String rejectedValue) {
            return Mono.fromSupplier(() -> {
                this.rejected.add(rejectedValue);
                this.token = "fresh";
                return true;
            });
        }
    }

    @Test
    void credentialsThatCannotBeFoundFailTheRequestBeforeSendingIt() {
        int before = server.requests();
        try (HttpServiceClient client = client().auth(Auth.bearerFromEnvironment("TRIBUTARY_TEST_SURELY_UNSET_4711")).build()) {
            StepVerifier.create(client.get("/db/alice/demo").retrieveJson())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(CredentialsUnavailableException.class)
                            .hasMessageContaining("TRIBUTARY_TEST_SURELY_UNSET_4711"))
                    .verify(Duration.ofSeconds(10));
        }
        assertThat(server.requests()).isEqualTo(before);
    }

    @Test
    void aSilentServerIsAResponseTimeoutOnTheClientsScheduler() throws Exception {
        LoopbackServer silent = LoopbackServer.startRaw((request, response) -> Mono.never());
        RecordingScheduler time = new RecordingScheduler();
        try (HttpServiceClient client = client().baseUrl(silent.url()).scheduler(time)
                .responseTimeout(Duration.ofSeconds(5)).build()) {
            CompletableFuture<JsonNode> result = client.get("/slow").retrieveJson().toFuture();
            RecordingScheduler.await("the request to arrive", () -> silent.requests() == 1);
            time.advance(Duration.ofSeconds(5));
            assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOf(HttpResponseTimeoutException.class)
                    .hasMessage("GET " + silent.url() + "/slow: no response within 5000 ms");
        } finally {
            silent.close();
        }
    }

    @Test
    void aConnectionClosedBeforeTheResponseIsRetriedForGetButNotForPost() {
        AtomicInteger requests = new AtomicInteger();
        LoopbackServer dropping = LoopbackServer.startRaw((request, response) -> {
            int n = requests.incrementAndGet();
            if (n == 1 || n == 3) {
                // read the request, then drop the connection without answering
                return request.receive().then(Mono.fromRunnable(() -> response.withConnection(c -> c.channel().close())))
                        .then(Mono.never());
            }
            return response.sendString(Mono.just("{\"n\": " + n + "}"));
        });
        try (HttpServiceClient client = client().baseUrl(dropping.url())
                .retry(RetrySettings.builder().backoff(Duration.ofMillis(10), Duration.ofMillis(10)).build()).build()) {
            StepVerifier.create(client.get("/job").retrieveJson())
                    .assertNext(json -> assertThat(json.get("n").asInt()).isEqualTo(2))
                    .verifyComplete();
            StepVerifier.create(client.post("/jobs").jsonBody(Map.of("a", 1)).retrieveJson())
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(HttpConnectionException.class).hasMessageContaining("connection lost before the response");
                        assertThat(((HttpConnectionException) e).isRequestSent()).isTrue();
                    })
                    .verify(Duration.ofSeconds(10));
            assertThat(requests).hasValue(3);
        } finally {
            dropping.close();
        }
    }

    @Test
    void aRefusedConnectIsRetriedEvenForPostBecauseNothingWasSent() throws Exception {
        LoopbackServer probe = LoopbackServer.startRaw((request, response) -> response.send());
        int port = probe.port();
        probe.close();
        RecordingScheduler time = new RecordingScheduler();
        Duration timeout = Duration.ofSeconds(30);
        try (HttpServiceClient client = client().baseUrl("http://127.0.0.1:" + port).scheduler(time)
                .retry(RetrySettings.builder().backoff(Duration.ofSeconds(2), Duration.ofSeconds(2)).jitter(0).build())
                .build()) {
            CompletableFuture<JsonNode> created = client.post("/jobs").jsonBody(Map.of("a", 1)).retrieveJson().toFuture();
            time.awaitDelays(1, timeout);
            assertThat(time.delaysOtherThan(timeout)).containsExactly(Duration.ofSeconds(2));
            // the service comes up while the client waits
            DisposableServer late = HttpServer.create().host("127.0.0.1").port(port)
                    .handle((request, response) -> request.receive().then(response.status(201).sendString(Mono.just("{\"id\": 7}")).then()))
                    .bindNow();
            try {
                time.advance(Duration.ofSeconds(2));
                assertThat(created.get(10, TimeUnit.SECONDS).get("id").asInt()).isEqualTo(7);
            } finally {
                late.disposeNow();
            }
        }
    }

    @Test
    void closingReleasesThePoolOnceAndLeavesAnInjectedClientAlone() {
        HttpServiceClient client = client().build();
        StepVerifier.create(client.get("/db/alice/demo").retrieveJson()).expectNextCount(1).verifyComplete();
        StepVerifier.create(client.closeLater()).verifyComplete();
        StepVerifier.create(client.closeLater()).verifyComplete();

        reactor.netty.resources.ConnectionProvider provider = reactor.netty.resources.ConnectionProvider.create("injected", 2);
        try {
            HttpServiceClient injected = client().httpClient(reactor.netty.http.client.HttpClient.create(provider)).build();
            StepVerifier.create(injected.closeLater()).verifyComplete();
            StepVerifier.create(client().httpClient(reactor.netty.http.client.HttpClient.create(provider)).build()
                            .get("/db/alice/demo").retrieveJson())
                    .expectNextCount(1)
                    .verifyComplete();
            assertThat(provider.isDisposed()).isFalse();
        } finally {
            provider.disposeLater().block(Duration.ofSeconds(5));
        }
    }

    @Test
    void refusesPlainHttpToARemoteHostAndConflictingTls() {
        assertThatThrownBy(() -> HttpServiceClient.builder().baseUrl("http://api.bit.io/v2beta").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain http");
        assertThatThrownBy(() -> HttpServiceClient.builder().baseUrl("https://api.bit.io/v2beta?key=x").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not carry");
        assertThatThrownBy(() -> HttpServiceClient.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessage("baseUrl is required");
        assertThatThrownBy(() -> HttpServiceClient.builder().baseUrl("https://x.example")
                .httpClient(reactor.netty.http.client.HttpClient.create()).trustStore(emptyTrustStore()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("httpClient conflicts");
        HttpServiceClient allowed = HttpServiceClient.builder().baseUrl("http://intranet.example").allowPlainHttp(true).build();
        assertThat(allowed.toString()).isEqualTo("HttpServiceClient{http://intranet.example, Auth.none()}");
        allowed.close();
    }

    private static java.security.KeyStore emptyTrustStore() {
        try {
            java.security.KeyStore store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            store.load(null, null);
            return store;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
