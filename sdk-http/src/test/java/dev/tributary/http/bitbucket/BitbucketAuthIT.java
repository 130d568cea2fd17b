package dev.tributary.http.bitbucket;

import dev.tributary.emulator.bitbucket.BitbucketEmulator;
import dev.tributary.emulator.bitbucket.SettableClock;
import dev.tributary.http.HttpServiceClient;
import dev.tributary.http.HttpUnauthorizedException;
import dev.tributary.http.auth.Auth;
import dev.tributary.http.auth.AuthorizationCodeException;
import dev.tributary.http.auth.AuthorizationCodeFlow;
import dev.tributary.http.auth.OAuth2Auth;
import dev.tributary.http.auth.TokenEndpoint;
import dev.tributary.http.auth.TokenRequestException;
import dev.tributary.http.auth.TokenStore;
import dev.tributary.http.auth.Tokens;
import dev.tributary.testkit.netty.NettyLeakCheck;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every Bitbucket authentication mode end to end against the Bitbucket emulator's API and OAuth 2 endpoints. */
@ExtendWith(NettyLeakCheck.class)
class BitbucketAuthIT {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Duration LIFETIME = Duration.ofSeconds(7200);
    private static final AtomicInteger CONSUMERS = new AtomicInteger();

    private static SettableClock clock;
    private static BitbucketEmulator bitbucket;
    private static String apiToken;
    private static String accessToken;

    @TempDir
    Path directory;

    @BeforeAll
    static void startEmulator() {
        clock = SettableClock.at(Instant.parse("2026-11-22T00:00:00Z"));
        bitbucket = BitbucketEmulator.builder().clock(clock).accessTokenLifetime(LIFETIME).build().start();
        bitbucket.seedUser("alice", "Alice Liddell", "alice@example.com");
        bitbucket.seedWorkspace("acme", "Acme", "alice");
        apiToken = bitbucket.createApiToken("alice@example.com");
        accessToken = bitbucket.createAccessToken("alice", "acme");
    }

    @AfterAll
    static void stopEmulator() {
        bitbucket.close();
    }

    /** A consumer of its own per test (the emulator counts grants in total), with a callback on a free port. */
    private record OAuthConsumer(String key, String secret, int callbackPort) {
    }

    private static OAuthConsumer consumer() throws IOException {
        int n = CONSUMERS.incrementAndGet();
        int port = freePort();
        OAuthConsumer consumer = new OAuthConsumer("key-" + n, "secret-" + n, port);
        bitbucket.seedOAuthConsumer(consumer.key(), consumer.secret(), "http://127.0.0.1:" + port, "alice");
        return consumer;
    }

    private static TokenEndpoint endpoint(OAuthConsumer consumer) {
        return BitbucketAuth.tokenEndpoint(consumer.key(), consumer::secret).tokenUrl(bitbucket.tokenUrl()).clock(clock).build();
    }

    private static AuthorizationCodeFlow flow(OAuthConsumer consumer, TokenStore store) {
        return BitbucketAuth.authorizationCode(endpoint(consumer), URI.create(bitbucket.authorizeUrl()), consumer.callbackPort(), store);
    }

    private static String nickname(Auth auth) {
        try (HttpServiceClient client = HttpServiceClient.builder().baseUrl(bitbucket.baseUrl()).allowPlainHttp(true)
                .auth(auth).build()) {
            return client.get("/user").retrieveJson().block(WAIT).get("nickname").asText();
        }
    }

    /** A browser that follows the emulator's auto-approving redirect to the callback server. */
    private static Consumer<URI> browser() {
        return url -> HttpClient.create().followRedirect(true).get().uri(url.toString())
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("")).subscribe();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void assertPortFree(int port) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
        }
    }

    @Test
    void anApiTokenAuthenticatesWithTheAccountEmail() {
        assertThat(nickname(BitbucketAuth.apiToken("alice@example.com", () -> apiToken))).isEqualTo("alice");
        Auth wrong = BitbucketAuth.apiToken("alice@example.com", () -> "ATATT3x-not-a-token");
        StepVerifier.create(Mono.fromCallable(() -> nickname(wrong)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(HttpUnauthorizedException.class)
                        .hasMessageNotContaining("ATATT3x-not-a-token"))
                .verify(WAIT);
        assertThat(BitbucketAuth.unauthorizedHint(wrong)).contains(BitbucketAuth.APP_PASSWORDS_REMOVED);
    }

    @Test
    void anAccessTokenAuthenticatesAsBearer() {
        assertThat(nickname(BitbucketAuth.accessToken(accessToken))).isEqualTo("alice");
    }

    @Test
    void clientCredentialsAreGrantedOnceAndAgainWhenTheTokenExpires() throws IOException {
        OAuthConsumer consumer = consumer();
        OAuth2Auth auth = BitbucketAuth.oauth2ClientCredentials(endpoint(consumer));
        long before = bitbucket.tokenGrants("client_credentials");
        try (HttpServiceClient client = HttpServiceClient.builder().baseUrl(bitbucket.baseUrl()).allowPlainHttp(true)
                .auth(auth).build()) {
            for (int i = 0; i < 3; i++) {
                assertThat(client.get("/user").retrieveJson().block(WAIT).get("nickname").asText()).isEqualTo("alice");
            }
            assertThat(bitbucket.tokenGrants("client_credentials") - before).isEqualTo(1);
            clock.advance(LIFETIME);
            assertThat(client.get("/user").retrieveJson().block(WAIT).get("nickname").asText()).isEqualTo("alice");
            assertThat(bitbucket.tokenGrants("client_credentials") - before).isEqualTo(2);
        }
    }

    @Test
    void theAuthorizationCodeFlowStoresTokensInAnOwnerOnlyFileAndClosesTheCallbackServer() throws IOException {
        OAuthConsumer consumer = consumer();
        Path file = this.directory.resolve("bitbucket.json");
        AuthorizationCodeFlow flow = flow(consumer, TokenStore.file(file));
        long before = bitbucket.tokenGrants("authorization_code");
        Tokens tokens = flow.authorize(browser()).block(WAIT);
        assertThat(tokens.refreshToken()).isPresent();
        assertThat(tokens.expiresAt()).contains(clock.instant().plus(LIFETIME));
        assertThat(bitbucket.tokenGrants("authorization_code") - before).isEqualTo(1);
        assertPortFree(consumer.callbackPort());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (Stream<Path> files = Files.list(this.directory)) {
            assertThat(files).containsExactly(file);
        }
        assertThat(TokenStore.file(file).load().block(WAIT)).isEqualTo(tokens);
        assertThat(nickname(flow.auth())).isEqualTo("alice");
    }

    @Test
    void refreshTokensRotateAndTheStoreAlwaysHoldsTheNewestOne() throws IOException {
        OAuthConsumer consumer = consumer();
        Path file = this.directory.resolve("tokens.json");
        TokenStore store = TokenStore.file(file);
        Tokens first = flow(consumer, store).authorize(browser()).block(WAIT);
        OAuth2Auth auth = BitbucketAuth.oauth2RefreshToken(endpoint(consumer), store);
        long before = bitbucket.tokenGrants("refresh_token");
        String oldest = first.refreshToken().orElseThrow();
        String previous = oldest;
        for (int i = 0; i < 4; i++) {
            clock.advance(LIFETIME);
            assertThat(nickname(auth)).isEqualTo("alice");
            String newest = TokenStore.file(file).load().block(WAIT).refreshToken().orElseThrow();
            assertThat(newest).isNotEqualTo(previous);
            previous = newest;
        }
        assertThat(bitbucket.tokenGrants("refresh_token") - before).isEqualTo(4);
        // the first refresh token was rotated out: reusing it is invalid_grant, and the user must authorize again
        StepVerifier.create(endpoint(consumer).refresh(oldest, List.of()))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(TokenRequestException.class).hasMessageContaining("authorize again")
                            .hasMessageNotContaining(oldest);
                    assertThat(((TokenRequestException) e).getError()).contains("invalid_grant");
                    assertThat(((TokenRequestException) e).isReauthorizationRequired()).isTrue();
                })
                .verify(WAIT);
        // while the newest still works
        StepVerifier.create(endpoint(consumer).refresh(previous, List.of()).map(t -> t.accessToken().isPresent()))
                .expectNext(true).verifyComplete();
    }

    @Test
    void thirtyTwoConcurrentRequestsWithAnExpiredTokenShareExactlyOneRefresh() throws IOException {
        OAuthConsumer consumer = consumer();
        TokenStore store = TokenStore.inMemory();
        flow(consumer, store).authorize(browser()).block(WAIT);
        clock.advance(LIFETIME); // the stored access token has expired
        OAuth2Auth auth = BitbucketAuth.oauth2RefreshToken(endpoint(consumer), store);
        long before = bitbucket.tokenGrants("refresh_token");
        try (HttpServiceClient client = HttpServiceClient.builder().baseUrl(bitbucket.baseUrl()).allowPlainHttp(true)
                .auth(auth).maxConnections(32).build()) {
            List<String> nicknames = Flux.range(0, 32)
                    .flatMap(i -> client.get("/user").retrieveJson().map(json -> json.get("nickname").asText()), 32)
                    .collectList().block(WAIT);
            assertThat(nicknames).hasSize(32).containsOnly("alice");
        }
        assertThat(bitbucket.tokenGrants("refresh_token") - before).isEqualTo(1);
    }

    @Test
    void aRedirectWithATamperedStateIsRejectedAndTheCodeIsNotExchanged() throws IOException {
        OAuthConsumer consumer = consumer();
        TokenStore store = TokenStore.inMemory();
        long before = bitbucket.tokenGrants("authorization_code");
        // a browser that lands on the callback with another state (a forged or stale redirect)
        Consumer<URI> tampering = url -> HttpClient.create().get().uri(url.toString())
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                        .thenReturn(response.responseHeaders().get(HttpHeaderNames.LOCATION)))
                .flatMap(location -> HttpClient.create().get().uri(location.replaceAll("state=[^&]*", "state=forged"))
                        .responseSingle((response, body) -> body.asString().defaultIfEmpty("")))
                .subscribe();
        StepVerifier.create(flow(consumer, store).authorize(tampering))
                .expectErrorSatisfies(e -> assertThat(((AuthorizationCodeException) e).getReason())
                        .isEqualTo(AuthorizationCodeException.Reason.STATE_MISMATCH))
                .verify(WAIT);
        assertThat(bitbucket.tokenGrants("authorization_code") - before).isZero();
        assertThat(store.load().block(WAIT)).isNull();
        assertPortFree(consumer.callbackPort());
    }

    @Test
    void aWrongConsumerSecretIsInvalidClient() throws IOException {
        OAuthConsumer consumer = consumer();
        TokenEndpoint wrong = BitbucketAuth.tokenEndpoint(consumer.key(), () -> "not-the-secret").tokenUrl(bitbucket.tokenUrl()).build();
        StepVerifier.create(wrong.clientCredentials(List.of()))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(TokenRequestException.class).hasMessageNotContaining("not-the-secret");
                    assertThat(((TokenRequestException) e).getStatus()).isIn(400, 401);
                    assertThat(((TokenRequestException) e).isTransient()).isFalse();
                })
                .verify(WAIT);
    }
}
