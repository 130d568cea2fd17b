package dev.tributary.http.auth;

import dev.tributary.emulator.bitbucket.SettableClock;
import dev.tributary.testkit.netty.NettyLeakCheck;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The authorization code flow end to end: a loopback callback server, a "browser" that follows the redirect, a real token endpoint. */
@ExtendWith(NettyLeakCheck.class)
class AuthorizationCodeFlowIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private TokenServer server;
    private SettableClock clock;

    /** What the browser got back from the callback server. */
    record Page(int status, String body) {
    }

    @BeforeEach
    void start() {
        this.server = new TokenServer();
        this.clock = SettableClock.at(Instant.parse("2026-11-22T00:00:00Z"));
    }

    @AfterEach
    void stop() {
        this.server.close();
    }

    private TokenEndpoint endpoint() {
        return this.server.endpoint().clock(this.clock).build();
    }

    /** A browser: opens the URL, follows the authorization server's redirect to the callback, keeps the page. */
    private static Consumer<URI> browser(CompletableFuture<URI> opened, CompletableFuture<Page> page) {
        return url -> {
            opened.complete(url);
            HttpClient.create().followRedirect(true).get().uri(url.toString())
                    .responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                            .map(text -> new Page(response.status().code(), text)))
                    .subscribe(page::complete, page::completeExceptionally);
        };
    }

    private static Map<String, String> query(URI url) {
        Map<String, String> single = new java.util.LinkedHashMap<>();
        new QueryStringDecoder(url).parameters().forEach((k, v) -> single.put(k, v.get(0)));
        return single;
    }

    private static void assertPortFree(int port) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void exchangesTheCodeSavesTheTokensAnswersTheBrowserAndClosesTheServer() throws Exception {
        TokenStore store = TokenStore.inMemory();
        AuthorizationCodeFlow flow = AuthorizationCodeFlow.builder(endpoint(), this.server.authorizeUrl())
                .tokenStore(store).scopes("repository", "issue").build();
        CompletableFuture<URI> opened = new CompletableFuture<>();
        CompletableFuture<Page> page = new CompletableFuture<>();

        Tokens tokens = flow.authorize(browser(opened, page)).block(WAIT);

        Map<String, String> sent = query(opened.get());
        assertThat(sent).containsEntry("client_id", TokenServer.CLIENT_ID).containsEntry("response_type", "code")
                .containsEntry("scope", "repository issue").doesNotContainKeys("code_challenge", "code_challenge_method");
        assertThat(Base64.getUrlDecoder().decode(sent.get("state"))).hasSizeGreaterThanOrEqualTo(16);
        URI redirect = URI.create(sent.get("redirect_uri"));
        assertThat(redirect.getHost()).isEqualTo("127.0.0.1");
        assertThat(tokens.accessToken()).get().asString().startsWith("at-");
        assertThat(store.load().block(WAIT)).isEqualTo(tokens);
        assertThat(this.server.grants("authorization_code")).isEqualTo(1);
        assertThat(this.server.forms.get(0)).containsEntry("grant_type", "authorization_code")
                .containsEntry("redirect_uri", redirect.toString()).doesNotContainKey("code_verifier");
        Page answer = page.get(10, TimeUnit.SECONDS);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).contains("Signed in").doesNotContain("code-");
        assertPortFree(redirect.getPort());

        // afterwards the flow's Auth uses the stored access token, then refreshes with rotation
        assertThat(flow.auth().authorization().block(WAIT)).isEqualTo("Bearer " + tokens.accessToken().orElseThrow());
        this.clock.advance(Duration.ofHours(2));
        String refreshed = flow.auth().authorization().block(WAIT);
        assertThat(refreshed).isNotEqualTo("Bearer " + tokens.accessToken().orElseThrow());
        assertThat(store.load().block(WAIT).refreshToken()).get().isNotEqualTo(tokens.refreshToken().orElseThrow());
        assertThat(this.server.grants("refresh_token")).isEqualTo(1);
    }

    @Test
    void aFixedCallbackPortUsesTheRegisteredCallbackAndEachAuthorizationItsOwnState() throws Exception {
        int port = freePort();
        this.server.registeredCallback = "http://127.0.0.1:" + port;
        AuthorizationCodeFlow flow = AuthorizationCodeFlow.builder(endpoint(), this.server.authorizeUrl())
                .callbackPort(port).build();
        for (int i = 0; i < 2; i++) {
            CompletableFuture<URI> opened = new CompletableFuture<>();
            CompletableFuture<Page> page = new CompletableFuture<>();
            assertThat(flow.authorize(browser(opened, page)).block(WAIT).refreshToken()).isPresent();
            assertThat(query(opened.get())).doesNotContainKey("redirect_uri");
            assertThat(page.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertPortFree(port);
        }
        assertThat(this.server.authorizeRequests).hasSize(2);
        assertThat(this.server.authorizeRequests.get(0).get("state")).isNotEqualTo(this.server.authorizeRequests.get(1).get("state"));
        assertThat(this.server.forms).allSatisfy(form -> assertThat(form).doesNotContainKey("redirect_uri"));
        assertThat(this.server.grants("authorization_code")).isEqualTo(2);
    }

    @Test
    void aRedirectWithAnotherStateIsRejectedAndItsCodeIsNotExchanged() throws Exception {
        this.server.forgedState = "forged-by-someone-else";
        TokenStore store = TokenStore.inMemory();
        AuthorizationCodeFlow flow = AuthorizationCodeFlow.builder(endpoint(), this.server.authorizeUrl()).tokenStore(store).build();
        CompletableFuture<URI> opened = new CompletableFuture<>();
        CompletableFuture<Page> page = new CompletableFuture<>();
        StepVerifier.create(flow.authorize(browser(opened, page)))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(AuthorizationCodeException.class).hasMessageContaining("state")
                            .hasMessageContaining("not exchanged");
                    assertThat(((AuthorizationCodeException) e).getReason())
                            .isEqualTo(AuthorizationCodeException.Reason.STATE_MISMATCH);
                })
                .verify(WAIT);
        assertThat(this.server.tokenRequests.get()).isZero();
        assertThat(store.load().block(WAIT)).isNull();
        Page answer = page.get(10, TimeUnit.SECONDS);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("state mismatch");
        assertPortFree(URI.create(query(opened.get()).get("redirect_uri")).getPort());
    }

    @Test
    void aDeclinedAuthorizationIsATypedErrorResponse() throws Exception {
        this.server.redirectError = "access_denied";
        AuthorizationCodeFlow flow = AuthorizationCodeFlow.builder(endpoint(), this.server.authorizeUrl()).build();
        CompletableFuture<Page> page = new CompletableFuture<>();
        StepVerifier.create(flow.authorize(browser(new CompletableFuture<>(), page)))
                .expectErrorSatisfies(e -> {
                    AuthorizationCodeException a = (AuthorizationCodeException) e;
                    assertThat(a.getReason()).isEqualTo(AuthorizationCodeException.Reason.ERROR_RESPONSE);
                    assertThat(a.getError()).contains("access_denied");
                    assertThat(a.getErrorDescription()).contains("The user denied access");
                    assertThat(a).hasMessageContaining("declined");
                })
                .verify(WAIT);
        assertThat(page.get(10, TimeUnit.SECONDS).status()).isEqualTo(400);
        assertThat(this.server.tokenRequests.get()).isZero();
    }

    @Test
    void noRedirectInTimeFailsAndFreesThePort() throws Exception {
        int port = freePort();
        AuthorizationCodeFlow flow = AuthorizationCodeFlow.builder(endpoint(), this.server.authorizeUrl())
                .callbackPort(port).timeout(Duration.ofMillis(300)).build();
        CompletableFuture<URI> opened = new CompletableFuture<>();
        StepVerifier.create(flow.authorize(opened::complete))
                .expectErrorSatisfies(e -> assertThat(((AuthorizationCodeException) e).getReason())
                        .isEqualTo(AuthorizationCodeException.Reason.TIMED_OUT))
                .verify(WAIT);
        assertThat(opened).isDone();
        assertPortFree(port);
    }

    @Test
    void cancellingTheFlowClosesTheServer() throws Exception {
        int port = freePort();
        AuthorizationCodeFlow flow = AuthorizationCodeFlow.builder(endpoint(), this.server.authorizeUrl()).callbackPort(port).build();
        CompletableFuture<URI> opened = new CompletableFuture<>();
        Disposable running = flow.authorize(opened::complete).subscribe();
        opened.get(10, TimeUnit.SECONDS);
        running.dispose();
        // the close is asynchronous: the port becomes free shortly after the cancel
        Mono.fromCallable(() -> {
            assertPortFree(port);
            return true;
        }).retryWhen(reactor.util.retry.Retry.fixedDelay(100, Duration.ofMillis(20))).block(WAIT);
        assertThat(this.server.tokenRequests.get()).isZero();
    }

    @Test
    void pkceSendsAnS256ChallengeAndTheVerifierWithTheCode() throws Exception {
        AuthorizationCodeFlow flow = AuthorizationCodeFlow.builder(endpoint(), this.server.authorizeUrl()).pkce(true).build();
        CompletableFuture<URI> opened = new CompletableFuture<>();
        flow.authorize(browser(opened, new CompletableFuture<>())).block(WAIT);
        Map<String, String> sent = query(opened.get());
        assertThat(sent).containsEntry("code_challenge_method", "S256");
        String verifier = this.server.forms.get(0).get("code_verifier");
        assertThat(verifier).hasSizeBetween(43, 128);
        assertThat(sent.get("code_challenge")).isEqualTo(AuthorizationCodeFlow.codeChallenge(verifier));
        assertThat(this.server.grants("authorization_code")).isEqualTo(1);
    }

    @Test
    void authorizeIfNeededOpensTheBrowserOnlyWithoutAStoredRefreshToken() throws Exception {
        TokenStore store = TokenStore.inMemory();
        AuthorizationCodeFlow flow = AuthorizationCodeFlow.builder(endpoint(), this.server.authorizeUrl()).tokenStore(store).build();
        CompletableFuture<URI> opened = new CompletableFuture<>();
        Tokens first = flow.authorizeIfNeeded(browser(opened, new CompletableFuture<>())).block(WAIT);
        assertThat(opened).isDone();
        Tokens again = flow.authorizeIfNeeded(url -> {
            throw new AssertionError("the browser must not open when tokens are stored");
        }).block(WAIT);
        assertThat(again).isEqualTo(first);
        assertThat(this.server.authorizeRequests).hasSize(1);
    }

    @Test
    void aNewAuthorizationReplacesTheTokensTheFlowsAuthHadCached() {
        TokenStore store = TokenStore.inMemory();
        AuthorizationCodeFlow flow = AuthorizationCodeFlow.builder(endpoint(), this.server.authorizeUrl()).tokenStore(store).build();
        Tokens first = flow.authorize(browser(new CompletableFuture<>(), new CompletableFuture<>())).block(WAIT);
        assertThat(flow.auth().authorization().block(WAIT)).isEqualTo("Bearer " + first.accessToken().orElseThrow());
        Tokens second = flow.authorize(browser(new CompletableFuture<>(), new CompletableFuture<>())).block(WAIT);
        assertThat(flow.auth().authorization().block(WAIT)).isEqualTo("Bearer " + second.accessToken().orElseThrow());
    }

    @Test
    void aPublicClientWithPkceSendsItsIdInTheFormAndNoBasicCredentials() {
        TokenEndpoint publicClient = TokenEndpoint.builder().tokenUrl(this.server.tokenUrl()).clientId(TokenServer.CLIENT_ID)
                .clock(this.clock).build();
        AuthorizationCodeFlow flow = AuthorizationCodeFlow.builder(publicClient, this.server.authorizeUrl()).pkce(true).build();
        Tokens tokens = flow.authorize(browser(new CompletableFuture<>(), new CompletableFuture<>())).block(WAIT);
        assertThat(tokens.accessToken()).isPresent();
        assertThat(this.server.forms.get(0)).containsEntry("client_id", TokenServer.CLIENT_ID).containsKey("code_verifier");
        assertThat(this.server.clientAuthorizations).containsExactly("null");
        assertThat(publicClient.toString()).contains("public client");
    }

    @Test
    void aBrowserWaitingWhenTheFlowIsCancelledStillGetsItsPage() throws Exception {
        this.server.delay = Duration.ofSeconds(5); // the code exchange is still running when the flow is cancelled
        AuthorizationCodeFlow flow = AuthorizationCodeFlow.builder(endpoint(), this.server.authorizeUrl()).build();
        CompletableFuture<URI> opened = new CompletableFuture<>();
        CompletableFuture<Page> page = new CompletableFuture<>();
        Disposable running = flow.authorize(browser(opened, page)).subscribe();
        Mono.fromCallable(() -> this.server.tokenRequests.get()).filter(n -> n == 1)
                .repeatWhenEmpty(500, attempts -> attempts.delayElements(Duration.ofMillis(10))).block(WAIT);
        running.dispose();
        Page answer = page.get(10, TimeUnit.SECONDS);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("cancelled");
    }

    @Test
    void theCodeChallengeIsTheRfc7636Example() {
        // RFC 7636 Appendix B
        assertThat(AuthorizationCodeFlow.codeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
                .isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        assertThat(List.of(AuthorizationCodeFlow.randomToken(32), AuthorizationCodeFlow.randomToken(32))).doesNotHaveDuplicates();
    }
}
