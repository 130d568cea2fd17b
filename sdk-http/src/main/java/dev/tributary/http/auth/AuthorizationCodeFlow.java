package dev.tributary.http.auth;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import org.reactivestreams.Publisher;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The authorization code grant (RFC 6749 §4.1) for command-line and desktop tools, with a loopback
 * callback server (RFC 8252 §7.3). {@link #authorize(Consumer)}:
 * <ol>
 *   <li>starts a reactor-netty server on {@code 127.0.0.1} at the callback port (Bitbucket
 *       consumers register a fixed callback URL such as {@code http://localhost:33333}; port 0
 *       takes any free port and then sends {@code redirect_uri} with it);</li>
 *   <li>builds the authorization URL: {@code client_id}, {@code response_type=code}, a
 *       {@code state} of 256 random bits from {@link SecureRandom}, {@code redirect_uri} when set,
 *       {@code scope} when set, and with PKCE (RFC 7636, optional, off by default: Bitbucket does
 *       not document it) {@code code_challenge} and {@code code_challenge_method=S256};</li>
 *   <li>hands that URL to the caller (who prints it or opens a browser) and waits for the
 *       redirect;</li>
 *   <li>checks the redirect's {@code state} (constant-time): a mismatch fails with
 *       {@link AuthorizationCodeException} ({@link AuthorizationCodeException.Reason#STATE_MISMATCH})
 *       and the code is not exchanged;</li>
 *   <li>exchanges the code at the token endpoint (RFC 6749 §4.1.3), saves the tokens in the
 *       {@link TokenStore}, answers the browser with a short HTML page, and closes the server.</li>
 * </ol>
 * The server is closed on completion, error, cancel and timeout. Afterwards {@link #auth()}
 * authenticates requests with the stored tokens, refreshing (and rotating) them as needed.
 *
 * <pre>{@code
 * TokenStore store = TokenStore.file(Path.of(System.getProperty("user.home"), ".tributary", "bitbucket.json"));
 * AuthorizationCodeFlow flow = AuthorizationCodeFlow.builder(endpoint, URI.create("https://bitbucket.org/site/oauth2/authorize"))
 *         .callbackPort(33333)
 *         .tokenStore(store)
 *         .build();
 * flow.authorize(url -> System.out.println("Open " + url)).block();   // in a CLI's main thread
 * HttpServiceClient client = HttpServiceClient.builder().baseUrl(api).auth(flow.auth()).build();
 * }</pre>
 */
public final class AuthorizationCodeFlow {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration RESPONSE_GRACE = Duration.ofSeconds(5);

    private final TokenEndpoint endpoint;
    private final URI authorizeUrl;
    private final String host;
    private final int callbackPort;
    private final URI redirectUri;
    private final List<String> scopes;
    private final boolean pkce;
    private final Duration timeout;
    private final TokenStore store;
    private final OAuth2Auth auth;

    private AuthorizationCodeFlow(Builder b) {
        this.endpoint = b.endpoint;
        this.authorizeUrl = b.authorizeUrl;
        this.host = "127.0.0.1";
        this.callbackPort = b.callbackPort;
        this.redirectUri = b.redirectUri;
        this.scopes = b.scopes;
        this.pkce = b.pkce;
        this.timeout = b.timeout;
        this.store = b.store;
        this.auth = OAuth2Auth.refreshToken(b.endpoint, b.store).scopes(b.scopes.toArray(String[]::new)).build();
    }

    /**
     * @param endpoint     the token endpoint with the client's id and secret
     * @param authorizeUrl the authorization endpoint, e.g. {@code https://bitbucket.org/site/oauth2/authorize};
     *                     https, or http to a loopback host
     * @return a builder
     * @throws IllegalArgumentException when {@code authorizeUrl} is not absolute https (or loopback http)
     */
    public static Builder builder(TokenEndpoint endpoint, URI authorizeUrl) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(authorizeUrl, "authorizeUrl");
        if (!authorizeUrl.isAbsolute() || authorizeUrl.getHost() == null || !TokenEndpoint.isSecureOrLoopback(authorizeUrl)) {
            throw new IllegalArgumentException("authorizeUrl must be an absolute https URL (or http to 127.0.0.1/localhost): "
                    + authorizeUrl);
        }
        return new Builder(endpoint, authorizeUrl);
    }

    /**
     * Runs the flow once (see the class description). Nothing happens until subscription; each
     * subscription is a new authorization with its own server, state and verifier.
     *
     * @param openAuthorizeUrl receives the authorization URL once the server listens, on a
     *                         {@code boundedElastic} thread (so it may print, or open a browser);
     *                         the user must open it
     * @return the tokens, already saved in the store, emitted once the callback server is closed; onError {@link AuthorizationCodeException}
     * (state mismatch, an error redirect such as {@code access_denied}, no code, or no redirect
     * within the timeout), {@link TokenRequestException} (the exchange failed), the store's error,
     * or the server's bind failure (the port is taken)
     */
    public Mono<Tokens> authorize(Consumer<URI> openAuthorizeUrl) {
        Objects.requireNonNull(openAuthorizeUrl, "openAuthorizeUrl");
        // the state and verifier come from SecureRandom, which may read /dev/urandom: not on an event loop
        // Flux.usingWhen + single(): the tokens are emitted after the callback server closed (Mono.usingWhen
        // emits its value first), so the callback port is free again when the caller has them
        return Mono.fromCallable(Attempt::new).subscribeOn(Schedulers.boundedElastic()).flatMap(attempt ->
                Flux.usingWhen(
                        HttpServer.create().host(this.host).port(this.callbackPort).handle(attempt::handle).bind(),
                        server -> attempt.run(server, openAuthorizeUrl),
                        AuthorizationCodeFlow::close,
                        (server, error) -> close(server),
                        AuthorizationCodeFlow::close).single());
    }

    /**
     * Runs {@link #authorize(Consumer)} only when the store holds no refresh token yet: what a CLI's
     * {@code login} does on every start. Stored tokens are emitted as they are (the access token may
     * have expired: {@link #auth()} refreshes it).
     *
     * @param openAuthorizeUrl as for {@link #authorize(Consumer)}; not called when tokens are stored
     * @return the stored tokens, or those of a new authorization; onError as {@link #authorize(Consumer)},
     * or the store's load error
     */
    public Mono<Tokens> authorizeIfNeeded(Consumer<URI> openAuthorizeUrl) {
        Objects.requireNonNull(openAuthorizeUrl, "openAuthorizeUrl");
        return this.store.load()
                .filter(tokens -> tokens.refreshToken().isPresent())
                .switchIfEmpty(Mono.defer(() -> authorize(openAuthorizeUrl)));
    }

    /**
     * @return bearer authentication with the tokens in the store ({@link OAuth2Auth#refreshToken}):
     * the access token while it is valid, then refreshes with rotation; requests fail with
     * {@link CredentialsUnavailableException} until {@link #authorize(Consumer)} has stored tokens
     */
    public OAuth2Auth auth() {
        return this.auth;
    }

    /** @return the store the tokens are saved in */
    public TokenStore tokenStore() {
        return this.store;
    }

    private static Mono<Void> close(DisposableServer server) {
        return Mono.defer(() -> {
            server.dispose();
            return server.onDispose();
        });
    }

    /** One authorization: its state, PKCE verifier, callback and outcome. */
    private final class Attempt {

        private final String state = randomToken(32);
        private final String codeVerifier = AuthorizationCodeFlow.this.pkce ? randomToken(32) : null;
        private final Sinks.One<Map<String, String>> callback = Sinks.one();
        private final Sinks.One<String> outcome = Sinks.one();
        private final Sinks.Empty<Void> responded = Sinks.empty();
        private final AtomicBoolean received = new AtomicBoolean();

        Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
            QueryStringDecoder query = new QueryStringDecoder(request.uri());
            Map<String, String> parameters = new LinkedHashMap<>();
            query.parameters().forEach((name, values) -> parameters.put(name, values.get(0)));
            boolean isCallback = parameters.containsKey("state") || parameters.containsKey("code")
                    || parameters.containsKey("error");
            if (!isCallback) {
                return response.status(HttpResponseStatus.NOT_FOUND).send();
            }
            if (!this.received.compareAndSet(false, true)) {
                return page(response, HttpResponseStatus.CONFLICT, "This sign-in was already handled. You can close this window.");
            }
            this.callback.tryEmitValue(parameters);
            return this.outcome.asMono()
                    .flatMap(failure -> Mono.from(failure.isEmpty()
                            ? page(response, HttpResponseStatus.OK, "Signed in. You can close this window and return to the application.")
                            : page(response, HttpResponseStatus.BAD_REQUEST, "Sign-in failed: " + failure
                                    + ". Return to the application.")))
                    .doFinally(signal -> this.responded.tryEmitEmpty());
        }

        Mono<Tokens> run(DisposableServer server, Consumer<URI> openAuthorizeUrl) {
            URI redirect = redirectUri(server.port());
            URI url = authorizationUrl(redirect);
            return Mono.fromRunnable(() -> openAuthorizeUrl.accept(url)).subscribeOn(Schedulers.boundedElastic())
                    .then(this.callback.asMono())
                    .timeout(AuthorizationCodeFlow.this.timeout, Mono.error(() -> new AuthorizationCodeException(
                            "No authorization redirect arrived at " + redirectDescription(server.port()) + " within "
                                    + AuthorizationCodeFlow.this.timeout + ": authorize again and approve in the browser",
                            AuthorizationCodeException.Reason.TIMED_OUT, null, null)))
                    .flatMap(parameters -> exchange(parameters, redirect))
                    .flatMap(tokens -> AuthorizationCodeFlow.this.store.save(tokens).thenReturn(tokens))
                    .doOnNext(tokens -> AuthorizationCodeFlow.this.auth.reload())
                    .doOnNext(tokens -> this.outcome.tryEmitValue(""))
                    .doOnError(error -> this.outcome.tryEmitValue(pageReason(error)))
                    .flatMap(tokens -> awaitResponse().thenReturn(tokens))
                    .onErrorResume(error -> awaitResponse().then(Mono.error(error)))
                    // a browser that is waiting when the flow is cancelled gets its page before the server closes
                    .doOnCancel(() -> this.outcome.tryEmitValue("the sign-in was cancelled in the application"));
        }

        /** Waits (briefly) until the browser got its page, so that closing the server does not cut it off. */
        private Mono<Void> awaitResponse() {
            if (!this.received.get()) {
                return Mono.empty();
            }
            return this.responded.asMono().timeout(RESPONSE_GRACE, Mono.empty());
        }

        private Mono<Tokens> exchange(Map<String, String> parameters, URI redirect) {
            String returnedState = parameters.get("state");
            if (returnedState == null || !MessageDigest.isEqual(returnedState.getBytes(StandardCharsets.UTF_8),
                    this.state.getBytes(StandardCharsets.UTF_8))) {
                return Mono.error(new AuthorizationCodeException("The authorization redirect carried "
                        + (returnedState == null ? "no state" : "a state other than the one sent")
                        + " (RFC 6749 §10.12): rejected as forged or stale, the code was not exchanged; authorize again",
                        AuthorizationCodeException.Reason.STATE_MISMATCH, null, null));
            }
            String error = parameters.get("error");
            if (error != null) {
                String description = parameters.get("error_description");
                return Mono.error(new AuthorizationCodeException("The authorization server answered " + error
                        + (description == null ? "" : ": " + description)
                        + ("access_denied".equals(error) ? " (the authorization was declined)" : ""),
                        AuthorizationCodeException.Reason.ERROR_RESPONSE, error, description));
            }
            String code = parameters.get("code");
            if (code == null || code.isBlank()) {
                return Mono.error(new AuthorizationCodeException("The authorization redirect carried no code",
                        AuthorizationCodeException.Reason.MISSING_CODE, null, null));
            }
            return AuthorizationCodeFlow.this.endpoint.exchangeAuthorizationCode(code, redirect, this.codeVerifier);
        }

        private URI authorizationUrl(URI redirect) {
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put("client_id", AuthorizationCodeFlow.this.endpoint.getClientId());
            parameters.put("response_type", "code");
            parameters.put("state", this.state);
            if (redirect != null) {
                parameters.put("redirect_uri", redirect.toString());
            }
            if (!AuthorizationCodeFlow.this.scopes.isEmpty()) {
                parameters.put("scope", String.join(" ", AuthorizationCodeFlow.this.scopes));
            }
            if (this.codeVerifier != null) {
                parameters.put("code_challenge", codeChallenge(this.codeVerifier));
                parameters.put("code_challenge_method", "S256");
            }
            String base = AuthorizationCodeFlow.this.authorizeUrl.toString();
            String separator = AuthorizationCodeFlow.this.authorizeUrl.getRawQuery() == null ? "?" : "&";
            return URI.create(base + separator + TokenEndpoint.formBody(parameters));
        }
    }

    /** The redirect_uri to send: the configured one, or for port 0 the loopback URL of the bound port, else none. */
    private URI redirectUri(int boundPort) {
        if (this.redirectUri != null) {
            return this.redirectUri;
        }
        return this.callbackPort == 0 ? URI.create("http://127.0.0.1:" + boundPort + "/") : null;
    }

    private String redirectDescription(int boundPort) {
        return "http://127.0.0.1:" + boundPort + "/";
    }

    private static String pageReason(Throwable error) {
        if (error instanceof AuthorizationCodeException) {
            switch (((AuthorizationCodeException) error).getReason()) {
                case STATE_MISMATCH:
                    return "the response did not match this sign-in (state mismatch)";
                case ERROR_RESPONSE:
                    return "the authorization was not granted (" + ((AuthorizationCodeException) error).getError().orElse("error") + ")";
                default:
                    return "no authorization code was received";
            }
        }
        if (error instanceof TokenRequestException) {
            return "the authorization code could not be exchanged for tokens";
        }
        return "the tokens could not be saved";
    }

    private static Publisher<Void> page(HttpServerResponse response, HttpResponseStatus status, String text) {
        String html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Tributary sign-in</title></head>"
                + "<body><p>" + escape(text) + "</p></body></html>";
        return response.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
                .header(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .sendString(Mono.just(html), StandardCharsets.UTF_8);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** @return {@code bytes} random bytes from {@link SecureRandom}, base64url without padding */
    static String randomToken(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** @return the S256 code challenge of {@code verifier} (RFC 7636 §4.2) */
    static String codeChallenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    @Override
    public String toString() {
        return "AuthorizationCodeFlow{" + this.authorizeUrl + ", " + this.endpoint + ", callbackPort=" + this.callbackPort
                + (this.pkce ? ", PKCE" : "") + '}';
    }

    /** Builds an {@link AuthorizationCodeFlow}. Not thread-safe. */
    public static final class Builder {

        private final TokenEndpoint endpoint;
        private final URI authorizeUrl;
        private int callbackPort;
        private URI redirectUri;
        private List<String> scopes = List.of();
        private boolean pkce;
        private Duration timeout = Duration.ofMinutes(5);
        private TokenStore store = TokenStore.inMemory();

        private Builder(TokenEndpoint endpoint, URI authorizeUrl) {
            this.endpoint = endpoint;
            this.authorizeUrl = authorizeUrl;
        }

        /**
         * @param port the port the callback server listens on at {@code 127.0.0.1}: the port of the
         *             callback URL registered with the service (Bitbucket: e.g. 33333 for
         *             {@code http://localhost:33333}), or 0 (the default) for any free port, in which
         *             case {@code redirect_uri=http://127.0.0.1:<port>/} is sent
         * @return this builder
         */
        public Builder callbackPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("callbackPort must be 0..65535: " + port);
            }
            this.callbackPort = port;
            return this;
        }

        /**
         * @param redirectUri the {@code redirect_uri} to send in the authorization and token requests
         *                    (it must reach the callback server: a loopback URL on the callback port);
         *                    {@code null} (the default) sends none with a fixed port (the service
         *                    uses the registered callback URL)
         * @return this builder
         */
        public Builder redirectUri(URI redirectUri) {
            this.redirectUri = redirectUri;
            return this;
        }

        /**
         * @param scopes the scopes to request; none (the default) for those configured on the client
         * @return this builder
         */
        public Builder scopes(String... scopes) {
            this.scopes = List.copyOf(Arrays.asList(scopes));
            return this;
        }

        /**
         * @param pkce whether to use PKCE with S256 (RFC 7636); default {@code false} (Bitbucket does
         *             not document PKCE); recommended where supported, required for public clients by
         *             OAuth 2.1
         * @return this builder
         */
        public Builder pkce(boolean pkce) {
            this.pkce = pkce;
            return this;
        }

        /**
         * @param timeout how long to wait for the redirect after handing out the URL; positive; default 5 min
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @param store where the tokens are saved (and {@link AuthorizationCodeFlow#auth()} reads
         *              them); default an in-memory store
         * @return this builder
         */
        public Builder tokenStore(TokenStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * @return the flow
         * @throws IllegalArgumentException when {@code redirectUri} is set but is not an http URL to a
         *                                  loopback host on the callback port
         */
        public AuthorizationCodeFlow build() {
            if (this.redirectUri != null) {
                boolean loopback = "http".equalsIgnoreCase(this.redirectUri.getScheme())
                        && TokenEndpoint.isSecureOrLoopback(this.redirectUri);
                int port = this.redirectUri.getPort() == -1 ? 80 : this.redirectUri.getPort();
                if (!loopback || (this.callbackPort != 0 && port != this.callbackPort)) {
                    throw new IllegalArgumentException("redirectUri must be http://127.0.0.1 or http://localhost on the"
                            + " callback port " + this.callbackPort + ": " + this.redirectUri);
                }
                if (this.callbackPort == 0) {
                    this.callbackPort = port;
                }
            }
            return new AuthorizationCodeFlow(this);
        }
    }
}
