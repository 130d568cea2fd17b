package dev.tributary.http.auth;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * OAuth 2 bearer authentication (RFC 6749, RFC 6750) with a cached access token that is renewed
 * shortly before it expires: by the client credentials grant (§4.4) or by the refresh token grant
 * (§6, with rotation: every new refresh token is saved in a {@link TokenStore} before the new access
 * token is used).
 * <ul>
 *   <li><b>Single flight.</b> One token request at a time, whatever the number of concurrent
 *       requests: the current tokens are a cached {@code Mono} replaced atomically
 *       (compare-and-set); callers that find the token expired all wait on the same renewal. No
 *       lock is held and nothing blocks. A renewal runs to its end (the grant and the save) even
 *       when every request waiting for it is cancelled, so a rotated refresh token is never lost.</li>
 *   <li><b>401.</b> When the service rejects a request, {@link #refreshAfterUnauthorized(String)}
 *       compares the rejected header with the current token: the same one is renewed (once for
 *       all the requests rejected with it), an older one is simply replaced by the current.</li>
 *   <li><b>Failures.</b> A failed renewal fails the requests waiting for it with its
 *       {@link TokenRequestException} (after the endpoint's retries of transient failures); the
 *       next request starts again from the store (refresh token) or with a new grant (client
 *       credentials). {@code invalid_grant} on a refresh means the user must authorize again
 *       ({@link TokenRequestException#isReauthorizationRequired()}).</li>
 * </ul>
 * Tokens never appear in {@code toString}, logs or messages.
 *
 * <pre>{@code
 * TokenEndpoint endpoint = TokenEndpoint.builder().tokenUrl(tokenUrl).clientId(key).clientSecret(secret).build();
 * Auth service = OAuth2Auth.clientCredentials(endpoint).build();
 * Auth user = OAuth2Auth.refreshToken(endpoint, TokenStore.file(tokenFile))
 *         .expirySkew(Duration.ofMinutes(2))
 *         .build();
 * HttpServiceClient client = HttpServiceClient.builder().baseUrl(apiUrl).auth(user).build();
 * }</pre>
 */
public final class OAuth2Auth implements Auth {

    private final TokenEndpoint endpoint;
    private final TokenStore store;
    private final List<String> scopes;
    private final Duration expirySkew;
    private final AtomicReference<Flight> current;

    private OAuth2Auth(Builder b) {
        this.endpoint = b.endpoint;
        this.store = b.store;
        this.scopes = b.scopes;
        this.expirySkew = b.expirySkew;
        this.current = new AtomicReference<>();
        this.current.set(initialFlight());
    }

    /**
     * The client credentials grant (RFC 6749 §4.4): the client acts on its own behalf (Bitbucket: the
     * OAuth consumer's owner). The grant runs again when the token expires or is rejected (Bitbucket
     * issues no refresh token for it since 2026-05-04).
     *
     * @param endpoint the token endpoint with the client's id and secret
     * @return a builder
     */
    public static Builder clientCredentials(TokenEndpoint endpoint) {
        return new Builder(Objects.requireNonNull(endpoint, "endpoint"), null);
    }

    /**
     * The refresh token grant (RFC 6749 §6) over the tokens in {@code store} (put there by an
     * {@link AuthorizationCodeFlow}, or {@link TokenStore#inMemory(Tokens)} with a refresh token from
     * elsewhere). A saved access token that has not expired is used first. Each refresh's new
     * tokens (with the new refresh token, which replaces the old one) are saved before use.
     *
     * @param endpoint the token endpoint with the client's id and secret
     * @param store    where the tokens are loaded from on first use and saved to after each refresh
     * @return a builder
     */
    public static Builder refreshToken(TokenEndpoint endpoint, TokenStore store) {
        return new Builder(Objects.requireNonNull(endpoint, "endpoint"), Objects.requireNonNull(store, "store"));
    }

    /**
     * @return {@code Bearer <access token>}, renewing the token first when it expires within the
     * skew (one renewal for all concurrent callers); onError {@link TokenRequestException} when the
     * renewal failed, {@link CredentialsUnavailableException} when the store holds no tokens or
     * the client secret supplier returned none, the store's error when a save failed
     */
    @Override
    public Mono<String> authorization() {
        return Mono.defer(() -> {
            Flight flight = this.current.get();
            return flight.tokens().flatMap(tokens -> tokens.isUsableAt(this.endpoint.clock().instant(), this.expirySkew)
                    ? Mono.just(tokens)
                    : renew(flight, tokens).tokens());
        }).map(Tokens::bearer);
    }

    /**
     * Renews the token when {@code rejected} is the current one (once for all requests rejected with
     * it); when the token was renewed since, does nothing. Either way emits {@code true}: replay
     * with the current token.
     *
     * @param rejected the rejected header value
     * @return {@code true}, or {@code false} when {@code rejected} is not a bearer value; onError as
     * {@link #authorization()}
     */
    @Override
    public Mono<Boolean> refreshAfterUnauthorized(String rejected) {
        return Mono.defer(() -> {
            if (rejected == null || !rejected.startsWith("Bearer ")) {
                return Mono.just(false);
            }
            Flight flight = this.current.get();
            return flight.tokens().flatMap(tokens -> rejected.equals(tokens.bearer())
                    ? renew(flight, tokens).tokens().thenReturn(true)
                    : Mono.just(true));
        });
    }

    /** Drops the cached tokens: the next request starts from the store again (after a new authorization saved there). */
    void reload() {
        this.current.set(initialFlight());
    }

    /** Replaces {@code stale} by a renewal unless another caller did already; returns the flight to wait on. */
    private Flight renew(Flight stale, Tokens staleTokens) {
        Flight next = new Flight(renewal(staleTokens));
        if (this.current.compareAndSet(stale, next)) {
            return next;
        }
        return this.current.get();
    }

    private Mono<Tokens> renewal(Tokens stale) {
        if (this.store == null) {
            return this.endpoint.clientCredentials(this.scopes);
        }
        String refreshToken = stale.refreshToken().orElse(null);
        if (refreshToken == null) {
            return Mono.error(new CredentialsUnavailableException("The access token expired and " + this.store
                    + " holds no refresh token: authorize again (authorization code flow)"));
        }
        return this.endpoint.refresh(refreshToken, this.scopes)
                .flatMap(tokens -> this.store.save(tokens).thenReturn(tokens));
    }

    private Flight initialFlight() {
        if (this.store == null) {
            return new Flight(Mono.defer(() -> this.endpoint.clientCredentials(this.scopes)));
        }
        return new Flight(Mono.defer(() -> this.store.load().switchIfEmpty(Mono.error(() -> new CredentialsUnavailableException(
                this.store + " holds no OAuth 2 tokens: authorize first (AuthorizationCodeFlow), or start the store"
                        + " with a refresh token")))));
    }

    /**
     * One token request's outcome, shared: started by its first subscriber, run to its end
     * detached from the callers (so a cancel cannot lose a rotated refresh token), its result
     * replayed to every subscriber. A failed flight is replaced by a fresh initial one, so the next
     * request tries again.
     */
    private final class Flight {

        private final Mono<Tokens> source;
        private final AtomicBoolean started = new AtomicBoolean();
        private final Sinks.One<Tokens> result = Sinks.one();

        Flight(Mono<Tokens> source) {
            this.source = source;
        }

        Mono<Tokens> tokens() {
            return Mono.defer(() -> {
                if (this.started.compareAndSet(false, true)) {
                    this.source.subscribe(
                            this.result::tryEmitValue,
                            error -> {
                                OAuth2Auth.this.current.compareAndSet(this, initialFlight());
                                this.result.tryEmitError(error);
                            },
                            () -> this.result.tryEmitError(new IllegalStateException("the token request completed empty")));
                }
                return this.result.asMono();
            });
        }
    }

    @Override
    public String toString() {
        return (this.store == null ? "OAuth2Auth.clientCredentials(" : "OAuth2Auth.refreshToken(")
                + this.endpoint.getTokenUrl() + ", clientId=" + this.endpoint.getClientId()
                + (this.store == null ? "" : ", " + this.store) + ')';
    }

    /** Builds an {@link OAuth2Auth}. Not thread-safe. */
    public static final class Builder {

        private final TokenEndpoint endpoint;
        private final TokenStore store;
        private List<String> scopes = List.of();
        private Duration expirySkew = Duration.ofSeconds(60);

        private Builder(TokenEndpoint endpoint, TokenStore store) {
            this.endpoint = endpoint;
            this.store = store;
        }

        /**
         * @param scopes the scopes to request (RFC 6749 §3.3), e.g. {@code repository}, {@code pullrequest};
         *               none (the default) for the client's or the original grant's scope
         * @return this builder
         */
        public Builder scopes(String... scopes) {
            this.scopes = List.copyOf(Arrays.asList(scopes));
            this.scopes.forEach(scope -> {
                if (scope.isBlank() || scope.chars().anyMatch(Character::isWhitespace)) {
                    throw new IllegalArgumentException("a scope must be non-blank without spaces: '" + scope + "'");
                }
            });
            return this;
        }

        /**
         * @param expirySkew how long before its {@code expires_in} runs out a token is renewed
         *                   (clock differences, request time); zero or positive; default 60 s
         * @return this builder
         */
        public Builder expirySkew(Duration expirySkew) {
            Objects.requireNonNull(expirySkew, "expirySkew");
            if (expirySkew.isNegative()) {
                throw new IllegalArgumentException("expirySkew must not be negative: " + expirySkew);
            }
            this.expirySkew = expirySkew;
            return this;
        }

        /** @return the authentication */
        public OAuth2Auth build() {
            return new OAuth2Auth(this);
        }
    }
}
