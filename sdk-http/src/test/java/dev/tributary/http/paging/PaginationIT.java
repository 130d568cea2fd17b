package dev.tributary.http.paging;

import dev.tributary.http.HttpNotFoundException;
import dev.tributary.http.HttpServiceClient;
import dev.tributary.http.RetrySettings;
import dev.tributary.http.auth.Auth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Pages fetched on demand from a loopback server that pages like Bitbucket ({@code values}, {@code next}). */
class PaginationIT {

    record Page(List<Integer> values, String next) {
    }

    private static DisposableServer server;
    private static final List<String> seen = new CopyOnWriteArrayList<>();
    private static final List<String> authorizations = new CopyOnWriteArrayList<>();
    private static HttpServiceClient client;

    @BeforeAll
    static void start() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> {
                    seen.add(request.uri());
                    authorizations.add(String.valueOf(request.requestHeaders().get("Authorization")));
                    String base = "http://127.0.0.1:" + request.hostPort();
                    String body;
                    switch (request.uri()) {
                        // an absolute next link, then a relative one, then none
                        case "/2.0/repositories/ws/repo/issues?pagelen=3":
                            body = "{\"values\": [1, 2, 3], \"next\": \"" + base + "/2.0/repositories/ws/repo/issues?pagelen=3&page=2\"}";
                            break;
                        case "/2.0/repositories/ws/repo/issues?pagelen=3&page=2":
                            body = "{\"values\": [4, 5, 6], \"next\": \"issues?pagelen=3&page=3\"}";
                            break;
                        case "/2.0/repositories/ws/repo/issues?pagelen=3&page=3":
                            body = "{\"values\": [7]}";
                            break;
                        // a next link on an empty last page
                        case "/quirky?page=1":
                            body = "{\"values\": [1], \"next\": \"/quirky?page=2\"}";
                            break;
                        case "/quirky?page=2":
                            body = "{\"values\": [], \"next\": \"/quirky?page=3\"}";
                            break;
                        case "/gone?page=1":
                            body = "{\"values\": [1, 2], \"next\": \"/gone?page=2\"}";
                            break;
                        case "/broken-link":
                            body = "{\"values\": [1], \"next\": \"http://[not a link\"}";
                            break;
                        default:
                            return response.status(404).sendString(Mono.just("{\"type\": \"error\", \"error\": {\"message\": \"no page\"}}"));
                    }
                    return response.header("Content-Type", "application/json").sendString(Mono.just(body));
                })
                .bindNow();
        client = HttpServiceClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/2.0")
                .auth(Auth.bearer("t0ken")).retry(RetrySettings.none()).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.disposeNow();
    }

    @BeforeEach
    void forget() {
        seen.clear();
        authorizations.clear();
    }

    private static Pagination<Page, Integer> issues() {
        return Pagination.of(client.get("/repositories/{ws}/{repo}/issues", "ws", "repo").query("pagelen", 3),
                Page.class, Page::next, Page::values);
    }

    /** Gives the client time to send what it should not, then checks the server saw {@code n} requests. */
    private static void assertRequestsStay(int n) {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(seen).hasSize(n);
    }

    @Test
    void fetchesAPageOnlyWhenDemandNeedsIt() {
        StepVerifier.create(issues().items(), 0)
                .expectSubscription()
                .then(() -> assertRequestsStay(0))
                .thenRequest(1)
                .expectNext(1)
                .then(() -> assertRequestsStay(1))
                .thenRequest(2)
                .expectNext(2, 3)
                .then(() -> assertRequestsStay(1))
                .thenRequest(1)
                .expectNext(4)
                .then(() -> assertRequestsStay(2))
                .thenRequest(10)
                .expectNext(5, 6, 7)
                .verifyComplete();
        assertThat(seen).containsExactly("/2.0/repositories/ws/repo/issues?pagelen=3",
                "/2.0/repositories/ws/repo/issues?pagelen=3&page=2", "/2.0/repositories/ws/repo/issues?pagelen=3&page=3");
        assertThat(authorizations).containsOnly("Bearer t0ken");
    }

    @Test
    void prefetchesOnePageAhead() {
        StepVerifier.create(issues().prefetchOnePage().items(), 0)
                .thenRequest(1)
                .expectNext(1)
                .then(() -> assertRequestsStay(2))
                .thenRequest(3)
                .expectNext(2, 3, 4)
                .then(() -> assertRequestsStay(3))
                .thenRequest(Long.MAX_VALUE)
                .expectNext(5, 6, 7)
                .verifyComplete();
    }

    @Test
    void emitsThePagesThemselves() {
        StepVerifier.create(issues().pages().map(page -> page.values().size()))
                .expectNext(3, 3, 1)
                .verifyComplete();
        assertThat(seen).hasSize(3);
    }

    @Test
    void stopsAtAnEmptyPageEvenWithANextLink() {
        StepVerifier.create(Pagination.of(client.get("/quirky?page=1").url("/quirky?page=1"), Page.class, Page::next, Page::values).items())
                .expectNext(1)
                .verifyComplete();
        assertThat(seen).containsExactly("/quirky?page=1", "/quirky?page=2");
    }

    @Test
    void cancellingStopsTheWalk() {
        StepVerifier.create(issues().items().take(4))
                .expectNext(1, 2, 3, 4)
                .verifyComplete();
        assertRequestsStay(2);
    }

    @Test
    void aTakeEndingAPrefetchedPageCompletesAndStopsTheWalk() {
        // the 3rd item ends the first page while the second is being fetched ahead: take cancels from
        // inside the walk's emission, then must complete (it once could wait forever when the cancel threw)
        for (int round = 0; round < 50; round++) {
            StepVerifier.create(issues().prefetchOnePage().items().take(3))
                    .expectNext(1, 2, 3)
                    .expectComplete()
                    .verify(Duration.ofSeconds(10));
        }
    }

    @Test
    void aFailedPageEndsTheWalkAfterTheItemsBeforeIt() {
        StepVerifier.create(Pagination.of(client.get("/gone?page=1").url("/gone?page=1"), Page.class, Page::next, Page::values).items())
                .expectNext(1, 2)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(HttpNotFoundException.class).hasMessageEndingWith("no page"))
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void anInvalidNextLinkIsAClearError() {
        StepVerifier.create(Pagination.of(client.get("/broken-link").url("/broken-link"), Page.class, Page::next, Page::values).items())
                .expectNext(1)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("invalid link http://[not a link"))
                .verify(Duration.ofSeconds(10));
    }
}
