package dev.tributary.http.bitbucket;

import dev.tributary.http.HttpBadRequestException;
import dev.tributary.http.RetrySettings;
import dev.tributary.http.auth.Auth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the client puts on the wire and how it reads raw answers, against a loopback server that
 * records the raw request URIs: percent-encoding of {@code q} and {@code fields}, {@code next}
 * links followed byte for byte, a 202's relative {@code Location}, Bitbucket's error body.
 */
class BitbucketWireIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<String> uris = new CopyOnWriteArrayList<>();
    private DisposableServer server;
    private BitbucketClient bb;

    private void serve(BiFunction<String, HttpServerResponse, Mono<Void>> handler) {
        this.server = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> request.receive().then(Mono.defer(() -> {
                    this.uris.add(request.method().name() + " " + request.uri());
                    return handler.apply(request.uri(), response);
                })))
                .bindNow(WAIT);
        this.bb = BitbucketClient.builder()
                .baseUrl("http://127.0.0.1:" + this.server.port() + "/2.0")
                .auth(Auth.bearer("t0ken"))
                .retry(RetrySettings.builder().backoff(Duration.ofMillis(5), Duration.ofMillis(20)).build())
                .polling(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(5))
                .build();
    }

    @AfterEach
    void stop() {
        if (this.bb != null) {
            this.bb.close();
        }
        if (this.server != null) {
            this.server.disposeNow(WAIT);
        }
    }

    private static Mono<Void> json(HttpServerResponse response, int status, String body) {
        return response.status(status).header("Content-Type", "application/json").sendString(Mono.just(body)).then();
    }

    @Test
    void percentEncodesQueryAndFieldsAndFollowsNextExactlyAsGiven() {
        String next = "/2.0/repositories/ws/r/issues?page=2&q=state+%3D+%22open%22&pagelen=2&opaque=a%2Fb";
        serve((uri, response) -> uri.contains("page=2")
                ? json(response, 200, "{\"values\": [{\"id\": 3}], \"size\": 9}")
                : json(response, 200, "{\"values\": [{\"id\": 1}, {\"id\": 2}], \"next\": \"http://127.0.0.1:"
                + this.server.port() + next + "\"}"));
        List<Integer> ids = this.bb.issues("ws", "r").filter(Bbql.field("state").eq("open"))
                .fields("+values.reporter", "-values.links").pagelen(2).list().map(Issue::id).collectList().block(WAIT);
        assertThat(ids).containsExactly(1, 2, 3);
        assertThat(this.uris).containsExactly(
                "GET /2.0/repositories/ws/r/issues?pagelen=2&q=state%20%3D%20%22open%22&sort=id&fields=%2Bvalues.reporter%2C-values.links",
                "GET " + next);
    }

    @Test
    void pollsTheLocationOfAnAcceptedMerge() {
        serve((uri, response) -> {
            if (uri.endsWith("/merge?async=true")) {
                return response.status(202).header("Location", "/2.0/repositories/ws/r/pullrequests/7/merge/task-status/t1").send();
            }
            if (uri.endsWith("/task-status/t1")) {
                return this.uris.stream().filter(u -> u.contains("task-status")).count() < 3
                        ? json(response, 200, "{\"task_status\": \"PENDING\"}")
                        : json(response, 200, "{\"task_status\": \"SUCCESS\", \"merge_result\": {\"id\": 7, \"state\": \"MERGED\"}}");
            }
            return json(response, 404, "{\"type\": \"error\", \"error\": {\"message\": \"no\"}}");
        });
        PullRequest merged = this.bb.pullRequests("ws", "r").merge(7, PullRequestMerge.defaults()).block(WAIT);
        assertThat(merged.state()).isEqualTo("MERGED");
        assertThat(this.uris).containsExactly(
                "POST /2.0/repositories/ws/r/pullrequests/7/merge?async=true",
                "GET /2.0/repositories/ws/r/pullrequests/7/merge/task-status/t1",
                "GET /2.0/repositories/ws/r/pullrequests/7/merge/task-status/t1",
                "GET /2.0/repositories/ws/r/pullrequests/7/merge/task-status/t1");
    }

    @Test
    void getsRefsAndCommitsByNameWithSlashesEncoded() {
        serve((uri, response) -> uri.contains("/refs/branches/")
                ? json(response, 200, "{\"name\": \"feature/x\", \"target\": {\"hash\": \"abc\"}}")
                : uri.contains("/refs/tags/")
                ? json(response, 200, "{\"name\": \"v1.0\", \"target\": {\"hash\": \"def\"}}")
                : json(response, 200, "{\"hash\": \"0123abcd\", \"message\": \"m\"}"));
        assertThat(this.bb.branches("ws", "r").get("feature/x").block(WAIT).target().hash()).isEqualTo("abc");
        assertThat(this.bb.tags("ws", "r").get("v1.0").block(WAIT).target().hash()).isEqualTo("def");
        assertThat(this.bb.commits("ws", "r").get("0123abcd").block(WAIT).message()).isEqualTo("m");
        assertThat(this.uris).containsExactly(
                "GET /2.0/repositories/ws/r/refs/branches/feature%2Fx",
                "GET /2.0/repositories/ws/r/refs/tags/v1.0",
                "GET /2.0/repositories/ws/r/commit/0123abcd");
    }

    @Test
    void readsBitbucketsErrorBodyIntoTheException() {
        serve((uri, response) -> json(response, 400, """
                {"type": "error", "error": {"message": "Invalid field name: bogus", "detail": "at position 0",
                 "id": "e-42"}}"""));
        assertThatThrownBy(() -> this.bb.issues("ws", "r").q("bogus = 1").list().blockLast(WAIT))
                .isInstanceOf(HttpBadRequestException.class)
                .hasMessageContaining("Invalid field name: bogus: at position 0")
                .satisfies(e -> assertThat(((HttpBadRequestException) e).getServiceError().orElseThrow().id()).isEqualTo("e-42"));
        assertThat(this.uris).hasSize(1);
    }
}
