package dev.tributary.http.auth;

import dev.tributary.emulator.bitbucket.SettableClock;
import dev.tributary.http.HttpServiceClient;
import dev.tributary.http.RetrySettings;
import dev.tributary.testkit.netty.NettyLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** OAuth 2 client credentials and refresh tokens against a real token endpoint on loopback. */
@ExtendWith(NettyLeakCheck.class)
class OAuth2AuthIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final RetrySettings FAST_RETRY = RetrySettings.builder().maxAttempts(3)
            .backoff(Duration.ofMillis(10), Duration.ofMillis(50)).build();

    private TokenServer server;
    private SettableClock clock;

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
        return this.server.endpoint().clock(this.clock).retry(FAST_RETRY).build();
    }

    @Test
    void clientCredentialsAuthenticateWithBasicAndAFormBodyAndTheTokenIsCached() {
        OAuth2Auth auth = OAuth2Auth.clientCredentials(endpoint()).scopes("repository", "issue").build();
        String first = auth.authorization().block(WAIT);
        String second = auth.authorization().block(WAIT);
        assertThat(first).startsWith("Bearer at-").isEqualTo(second);
        assertThat(this.server.grants("client_credentials")).isEqualTo(1);
        assertThat(this.server.forms).containsExactly(Map.of("grant_type", "client_credentials", "scope", "repository issue"));
        assertThat(this.server.contentTypes).containsExactly("application/x-www-form-urlencoded");
        String basic = "Basic " + Base64.getEncoder().encodeToString("consumer-key:consumer-s3cret".getBytes(StandardCharsets.UTF_8));
        assertThat(this.server.clientAuthorizations).containsExactly(basic);
    }

    @Test
    void theTokenIsRenewedOnlyWithinTheSkewOfItsExpiry() {
        this.server.expiresIn = 3600;
        OAuth2Auth auth = OAuth2Auth.clientCredentials(endpoint()).expirySkew(Duration.ofSeconds(60)).build();
        String first = auth.authorization().block(WAIT);
        this.clock.advance(Duration.ofSeconds(3539));
        assertThat(auth.authorization().block(WAIT)).isEqualTo(first);
        assertThat(this.server.grants("client_credentials")).isEqualTo(1);
        this.clock.advance(Duration.ofSeconds(1)); // 60 s before expiry
        String second = auth.authorization().block(WAIT);
        assertThat(second).isNotEqualTo(first);
        assertThat(this.server.grants("client_credentials")).isEqualTo(2);
        assertThat(auth.authorization().block(WAIT)).isEqualTo(second);
    }

    @Test
    void concurrentCallersShareOneClientCredentialsGrant() {
        this.server.delay = Duration.ofMillis(200);
        OAuth2Auth auth = OAuth2Auth.clientCredentials(endpoint()).build();
        List<String> values = Flux.range(0, 32).flatMap(i -> auth.authorization(), 32).collectList().block(WAIT);
        assertThat(values).hasSize(32).containsOnly(values.get(0));
        assertThat(this.server.tokenRequests.get()).isEqualTo(1);
    }

    @Test
    void a401WithTheCurrentTokenRenewsItOnceForAllTheRequestsRejectedWithIt() {
        this.server.delay = Duration.ofMillis(100);
        OAuth2Auth auth = OAuth2Auth.clientCredentials(endpoint()).build();
        String rejected = auth.authorization().block(WAIT);
        List<Boolean> replays = Flux.range(0, 32).flatMap(i -> auth.refreshAfterUnauthorized(rejected), 32)
                .collectList().block(WAIT);
        assertThat(replays).hasSize(32).containsOnly(true);
        assertThat(this.server.grants("client_credentials")).isEqualTo(2);
        String renewed = auth.authorization().block(WAIT);
        assertThat(renewed).isNotEqualTo(rejected);
        // a late 401 for the old token replays with the current one, without another grant
        assertThat(auth.refreshAfterUnauthorized(rejected).block(WAIT)).isTrue();
        assertThat(auth.refreshAfterUnauthorized("Basic abc").block(WAIT)).isFalse();
        assertThat(this.server.grants("client_credentials")).isEqualTo(2);
    }

    @Test
    void theHttpClientReplaysA401WithARenewedToken() {
        OAuth2Auth auth = OAuth2Auth.clientCredentials(endpoint()).build();
        try (HttpServiceClient client = HttpServiceClient.builder().baseUrl(this.server.apiUrl()).allowPlainHttp(true)
                .auth(auth).build()) {
            assertThat(client.get("").retrieveJson().block(WAIT).get("ok").asBoolean()).isTrue();
            this.server.liveAccessTokens.clear(); // the service revokes the token before it expires
            assertThat(client.get("").retrieveJson().block(WAIT).get("ok").asBoolean()).isTrue();
            assertThat(this.server.grants("client_credentials")).isEqualTo(2);
            assertThat(this.server.apiRequests.get()).isEqualTo(3);
        }
    }

    @Test
    void refreshTokensRotateAndEachNewOneIsSavedBeforeUse() {
        String seed = this.server.seedRefreshToken();
        TokenStore store = TokenStore.inMemory(Tokens.ofRefreshToken(seed));
        OAuth2Auth auth = OAuth2Auth.refreshToken(endpoint(), store).build();
        String previousRefresh = seed;
        for (int i = 1; i <= 5; i++) {
            String bearer = auth.authorization().block(WAIT);
            Tokens saved = store.load().block(WAIT);
            assertThat(bearer).isEqualTo("Bearer " + saved.accessToken().orElseThrow());
            assertThat(saved.refreshToken()).get().isNotEqualTo(previousRefresh);
            assertThat(saved.expiresAt()).contains(this.clock.instant().plusSeconds(3600));
            assertThat(saved.scope()).contains("repository");
            assertThat(this.server.liveRefreshTokens).containsExactly(saved.refreshToken().orElseThrow());
            previousRefresh = saved.refreshToken().orElseThrow();
            this.clock.advance(Duration.ofHours(1));
        }
        assertThat(this.server.grants("refresh_token")).isEqualTo(5);
        // the rotated-out refresh token is dead at the endpoint
        StepVerifier.create(endpoint().refresh(seed, List.of()))
                .expectErrorSatisfies(e -> assertThat((TokenRequestException) e).satisfies(t -> {
                    assertThat(t.getError()).contains("invalid_grant");
                    assertThat(t.isReauthorizationRequired()).isTrue();
                    assertThat(t.getStatus()).isEqualTo(400);
                }))
                .verify(WAIT);
    }

    @Test
    void thirtyTwoConcurrentRequestsWithAnExpiredTokenCauseExactlyOneRefresh() {
        String seed = this.server.seedRefreshToken();
        Instant expired = this.clock.instant().minusSeconds(1);
        TokenStore store = TokenStore.inMemory(Tokens.of("at-expired", seed, expired, null));
        this.server.delay = Duration.ofMillis(150);
        OAuth2Auth auth = OAuth2Auth.refreshToken(endpoint(), store).build();
        try (HttpServiceClient client = HttpServiceClient.builder().baseUrl(this.server.apiUrl()).allowPlainHttp(true)
                .auth(auth).maxConnections(32).build()) {
            List<Boolean> answers = Flux.range(0, 32)
                    .flatMap(i -> client.get("").retrieveJson().map(json -> json.get("ok").asBoolean()), 32)
                    .collectList().block(WAIT);
            assertThat(answers).hasSize(32).containsOnly(true);
        }
        assertThat(this.server.grants("refresh_token")).isEqualTo(1);
        assertThat(this.server.tokenRequests.get()).isEqualTo(1);
        assertThat(this.server.apiRequests.get()).isEqualTo(32);
        assertThat(store.load().block(WAIT).refreshToken()).get().isNotEqualTo(seed);
    }

    @Test
    void aSavedAccessTokenThatIsStillValidIsUsedWithoutARefresh() {
        this.server.liveAccessTokens.add("at-saved");
        TokenStore store = TokenStore.inMemory(Tokens.of("at-saved", this.server.seedRefreshToken(),
                this.clock.instant().plusSeconds(600), null));
        OAuth2Auth auth = OAuth2Auth.refreshToken(endpoint(), store).build();
        assertThat(auth.authorization().block(WAIT)).isEqualTo("Bearer at-saved");
        assertThat(this.server.tokenRequests.get()).isZero();
    }

    @Test
    void aRefreshWhoseSaveFailsIsNotUsed() {
        String seed = this.server.seedRefreshToken();
        AtomicInteger saves = new AtomicInteger();
        TokenStore failing = new TokenStore() {
            @Override
            public Mono<Tokens> load() {
                return Mono.just(Tokens.ofRefreshToken(seed));
            }

            @Override
            public Mono<Void> save(Tokens tokens) {
                saves.incrementAndGet();
                return Mono.error(new UncheckedIOException("disk full", new java.io.IOException("disk full")));
            }
        };
        OAuth2Auth auth = OAuth2Auth.refreshToken(endpoint(), failing).build();
        StepVerifier.create(auth.authorization())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(UncheckedIOException.class).hasMessage("disk full"))
                .verify(WAIT);
        assertThat(saves.get()).isEqualTo(1);
    }

    @Test
    void invalidGrantOnRefreshIsTypedAndAsksToAuthorizeAgain() {
        TokenStore store = TokenStore.inMemory(Tokens.ofRefreshToken("rt-revoked-secret"));
        OAuth2Auth auth = OAuth2Auth.refreshToken(endpoint(), store).build();
        StepVerifier.create(auth.authorization())
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(TokenRequestException.class)
                            .hasMessageContaining("grant_type=refresh_token")
                            .hasMessageContaining("400 invalid_grant: Invalid refresh_token")
                            .hasMessageContaining("authorize again")
                            .hasMessageNotContaining("rt-revoked-secret")
                            .hasMessageNotContaining(TokenServer.CLIENT_SECRET);
                    TokenRequestException t = (TokenRequestException) e;
                    assertThat(t.isReauthorizationRequired()).isTrue();
                    assertThat(t.isTransient()).isFalse();
                    assertThat(t.getGrantType()).isEqualTo("refresh_token");
                    assertThat(t.getErrorDescription()).contains("Invalid refresh_token");
                })
                .verify(WAIT);
        assertThat(this.server.tokenRequests.get()).isEqualTo(1); // not retried
    }

    @Test
    void aWrongClientSecretIsInvalidClient() {
        TokenEndpoint wrong = TokenEndpoint.builder().tokenUrl(this.server.tokenUrl()).clientId(TokenServer.CLIENT_ID)
                .clientSecret("not-the-secret").build();
        StepVerifier.create(OAuth2Auth.clientCredentials(wrong).build().authorization())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TokenRequestException.class)
                        .hasMessageContaining("401 invalid_client")
                        .hasMessageContaining("key and secret")
                        .hasMessageNotContaining("not-the-secret"))
                .verify(WAIT);
    }

    @Test
    void transientFailuresAreRetriedWithBackoff() {
        this.server.failures.add(503);
        this.server.failures.add(500);
        OAuth2Auth auth = OAuth2Auth.clientCredentials(endpoint()).build();
        assertThat(auth.authorization().block(WAIT)).startsWith("Bearer at-");
        assertThat(this.server.tokenRequests.get()).isEqualTo(3);
    }

    @Test
    void exhaustedRetriesFailTransientlyAndTheNextRequestTriesAgain() {
        for (int i = 0; i < 3; i++) {
            this.server.failures.add(503);
        }
        OAuth2Auth auth = OAuth2Auth.clientCredentials(endpoint()).build();
        StepVerifier.create(auth.authorization())
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(TokenRequestException.class).hasMessageContaining("503: Service Unavailable");
                    assertThat(((TokenRequestException) e).isTransient()).isTrue();
                    assertThat(((TokenRequestException) e).getStatus()).isEqualTo(503);
                })
                .verify(WAIT);
        assertThat(this.server.tokenRequests.get()).isEqualTo(3);
        assertThat(auth.authorization().block(WAIT)).startsWith("Bearer at-");
        assertThat(this.server.tokenRequests.get()).isEqualTo(4);
    }

    @Test
    void aRefusedConnectionIsATransientFailureWithoutAStatus() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        TokenEndpoint nowhere = TokenEndpoint.builder().tokenUrl(URI.create("http://127.0.0.1:" + port + "/token"))
                .clientId("k").clientSecret("s").retry(FAST_RETRY).build();
        StepVerifier.create(nowhere.clientCredentials(List.of()))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(TokenRequestException.class).hasMessageContaining("no response");
                    assertThat(((TokenRequestException) e).isTransient()).isTrue();
                    assertThat(((TokenRequestException) e).getStatus()).isEqualTo(TokenRequestException.NO_STATUS);
                })
                .verify(WAIT);
    }

    @Test
    void cancelledCallersDoNotCancelTheRefreshSoTheRotatedTokenIsSaved() throws InterruptedException {
        String seed = this.server.seedRefreshToken();
        TokenStore store = TokenStore.inMemory(Tokens.ofRefreshToken(seed));
        this.server.delay = Duration.ofMillis(200);
        OAuth2Auth auth = OAuth2Auth.refreshToken(endpoint(), store).build();
        Disposable caller = auth.authorization().subscribe();
        caller.dispose();
        // the refresh goes on: the new refresh token reaches the store
        Tokens saved = Mono.defer(store::load).filter(t -> t.accessToken().isPresent())
                .repeatWhenEmpty(100, attempts -> attempts.delayElements(Duration.ofMillis(20))).block(WAIT);
        assertThat(saved.refreshToken()).get().isNotEqualTo(seed);
        assertThat(auth.authorization().block(WAIT)).isEqualTo("Bearer " + saved.accessToken().orElseThrow());
        assertThat(this.server.grants("refresh_token")).isEqualTo(1);
    }

    @Test
    void anEmptyStoreAsksToAuthorizeFirst() {
        StepVerifier.create(OAuth2Auth.refreshToken(endpoint(), TokenStore.inMemory()).build().authorization())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(CredentialsUnavailableException.class)
                        .hasMessageContaining("holds no OAuth 2 tokens: authorize first"))
                .verify(WAIT);
    }

    @Test
    void nothingSecretIsShownInToString() {
        TokenEndpoint endpoint = endpoint();
        OAuth2Auth auth = OAuth2Auth.refreshToken(endpoint, TokenStore.inMemory(Tokens.of("at-secret", "rt-secret", null, null)))
                .build();
        assertThat(endpoint.toString()).contains("consumer-key", "REDACTED").doesNotContain(TokenServer.CLIENT_SECRET);
        assertThat(auth.toString()).startsWith("OAuth2Auth.refreshToken(").doesNotContain("secret");
        assertThat(Tokens.of("at-secret", "rt-secret", null, "repository").toString())
                .isEqualTo("Tokens[accessToken=REDACTED, refreshToken=REDACTED, expiresAt=unknown, scope=repository]");
    }
}
