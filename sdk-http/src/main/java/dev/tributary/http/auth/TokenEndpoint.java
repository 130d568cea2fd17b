package dev.tributary.http.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.http.RetrySettings;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.util.retry.Retry;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.function.Supplier;

/**
 * An OAuth 2 token endpoint (RFC 6749 §3.2) and the client that calls it: its URL, the client's
 * id and secret, and how requests are sent. Requests are {@code POST}s with an
 * {@code application/x-www-form-urlencoded} body; a confidential client authenticates with HTTP
 * Basic (RFC 6749 §2.3.1: id and secret form-encoded, then Basic-encoded), a public client (no
 * secret) sends {@code client_id} in the body. Transient failures (429, 5xx, connection failures,
 * response timeouts) are retried with jittered exponential backoff ({@link RetrySettings}); an
 * OAuth error response (RFC 6749 §5.2) is not. Immutable and thread-safe; one per client.
 * <p>
 * Usually used through {@link OAuth2Auth} (which caches and refreshes tokens) and
 * {@link AuthorizationCodeFlow}; its grant methods are public for tools that manage tokens
 * themselves. The URL must be {@code https}, or {@code http} to a loopback host
 * ({@code 127.0.0.1}, {@code ::1}, {@code localhost}) for emulators and tests.
 *
 * <pre>{@code
 * TokenEndpoint endpoint = TokenEndpoint.builder()
 *         .tokenUrl("https://bitbucket.org/site/oauth2/access_token")
 *         .clientId(consumerKey)
 *         .clientSecret(() -> System.getenv("BITBUCKET_CONSUMER_SECRET"))
 *         .build();
 * Auth auth = OAuth2Auth.clientCredentials(endpoint).build();
 * }</pre>
 */
public final class TokenEndpoint {

    private static final ObjectMapper DEFAULT_JSON = new ObjectMapper();
    private static final int MAX_BODY_TEXT = 200;

    private final URI tokenUrl;
    private final String clientId;
    private final Supplier<String> clientSecret;
    private final HttpClient httpClient;
    private final Duration responseTimeout;
    private final RetrySettings retry;
    private final Clock clock;
    private final ObjectMapper json;

    private TokenEndpoint(Builder b) {
        this.tokenUrl = b.tokenUrl;
        this.clientId = b.clientId;
        this.clientSecret = b.clientSecret;
        this.responseTimeout = b.responseTimeout;
        this.httpClient = (b.httpClient == null ? HttpClient.create() : b.httpClient).responseTimeout(b.responseTimeout);
        this.retry = b.retry;
        this.clock = b.clock;
        this.json = b.json;
    }

    /** @return a builder; {@code tokenUrl} and {@code clientId} are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the token endpoint's URL */
    public URI getTokenUrl() {
        return this.tokenUrl;
    }

    /** @return the client id (Bitbucket: the OAuth consumer's key); not a secret */
    public String getClientId() {
        return this.clientId;
    }

    /**
     * The client credentials grant (RFC 6749 §4.4): tokens for the client itself. Bitbucket issues no
     * refresh token for it (since 2026-05-04): run the grant again when the access token expires.
     *
     * @param scopes the scopes to request (RFC 6749 §3.3); empty for the client's default scope
     * @return the issued tokens, {@code expiresAt} computed from {@code expires_in} and the
     * endpoint's clock; onError {@link TokenRequestException}, {@link CredentialsUnavailableException}
     * when the secret supplier returns none
     */
    public Mono<Tokens> clientCredentials(Collection<String> scopes) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        putScope(form, scopes);
        return request("client_credentials", form);
    }

    /**
     * The refresh token grant (RFC 6749 §6). With rotating refresh tokens (Bitbucket), the old
     * refresh token is dead once this succeeds: keep the returned one. When the endpoint issues no
     * new refresh token, the returned tokens carry {@code refreshToken} again.
     *
     * @param refreshToken the current refresh token; not blank
     * @param scopes       the scopes to request; empty for those originally granted
     * @return the new tokens; onError {@link TokenRequestException} ({@code invalid_grant}:
     * {@link TokenRequestException#isReauthorizationRequired()}), {@link CredentialsUnavailableException}
     */
    public Mono<Tokens> refresh(String refreshToken, Collection<String> scopes) {
        requireText(refreshToken, "refreshToken");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        putScope(form, scopes);
        Tokens previous = Tokens.ofRefreshToken(refreshToken);
        return request("refresh_token", form).map(tokens -> tokens.keepingRefreshTokenOf(previous));
    }

    /**
     * The access token request of the authorization code grant (RFC 6749 §4.1.3), with the PKCE
     * {@code code_verifier} (RFC 7636 §4.5) when one was used.
     *
     * @param code         the authorization code from the redirect; not blank
     * @param redirectUri  the {@code redirect_uri} sent in the authorization request, or {@code null} when none was
     * @param codeVerifier the PKCE code verifier, or {@code null} without PKCE
     * @return the issued tokens; onError {@link TokenRequestException}, {@link CredentialsUnavailableException}
     */
    public Mono<Tokens> exchangeAuthorizationCode(String code, URI redirectUri, String codeVerifier) {
        requireText(code, "code");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        if (redirectUri != null) {
            form.put("redirect_uri", redirectUri.toString());
        }
        if (codeVerifier != null) {
            form.put("code_verifier", codeVerifier);
        }
        return request("authorization_code", form);
    }

    /** @return the clock expiry times are computed and checked with */
    Clock clock() {
        return this.clock;
    }

    private Mono<Tokens> request(String grantType, Map<String, String> form) {
        return Mono.defer(() -> attempt(grantType, form))
                .retryWhen(Retry.backoff(this.retry.getMaxAttempts() - 1L, this.retry.getFirstBackoff())
                        .maxBackoff(this.retry.getMaxBackoff())
                        .jitter(this.retry.getJitter())
                        .filter(e -> e instanceof TokenRequestException && ((TokenRequestException) e).isTransient())
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
    }

    private Mono<Tokens> attempt(String grantType, Map<String, String> form) {
        Map<String, String> body = new LinkedHashMap<>(form);
        String authorization = null;
        if (this.clientSecret == null) {
            body.put("client_id", this.clientId);
        } else {
            String secret = this.clientSecret.get();
            if (secret == null || secret.isEmpty()) {
                return Mono.error(new CredentialsUnavailableException("No client secret for OAuth 2 client " + this.clientId
                        + ": the secret supplier returned none"));
            }
            String pair = formEncode(this.clientId) + ':' + formEncode(secret);
            authorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        }
        byte[] bytes = formBody(body).getBytes(StandardCharsets.UTF_8);
        String clientAuthorization = authorization;
        return this.httpClient
                .headers(h -> headers(h, clientAuthorization, bytes.length))
                .post()
                .uri(this.tokenUrl.toString())
                .send((request, outbound) -> outbound.sendByteArray(Mono.just(bytes)))
                .responseSingle((response, content) -> content.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(text -> interpret(grantType, response.status().code(), text)))
                .onErrorMap(e -> !(e instanceof OAuth2Exception), e -> new TokenRequestException(
                        describe(grantType) + " failed: no response (" + e.getClass().getSimpleName()
                                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ')',
                        grantType, this.tokenUrl, TokenRequestException.NO_STATUS, null, null, true, e));
    }

    private static void headers(HttpHeaders h, String authorization, int length) {
        h.set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded");
        h.set(HttpHeaderNames.ACCEPT, "application/json");
        h.set(HttpHeaderNames.CONTENT_LENGTH, length);
        if (authorization != null) {
            h.set(HttpHeaderNames.AUTHORIZATION, authorization);
        }
    }

    /** Reads a token response (RFC 6749 §5.1) or throws the typed error of an error response (§5.2). */
    Tokens interpret(String grantType, int status, String text) {
        JsonNode node = null;
        try {
            node = text.isBlank() ? null : this.json.readTree(text);
        } catch (Exception e) {
            // not JSON: described by its status and a short excerpt below
        }
        if (status == 200 && node != null && node.isObject()) {
            return tokensOf(grantType, node);
        }
        String error = node != null && node.isObject() ? textOf(node, "error") : null;
        String description = node != null && node.isObject() ? textOf(node, "error_description") : null;
        boolean transientStatus = status == 429 || status >= 500;
        StringBuilder message = new StringBuilder(describe(grantType)).append(" failed: ").append(status);
        if (error != null) {
            message.append(' ').append(error);
            if (description != null) {
                message.append(": ").append(description);
            }
        } else if (status == 200) {
            message.append(" but the body is not a JSON token response");
        } else if (!text.isBlank()) {
            String excerpt = text.strip();
            message.append(": ").append(excerpt.length() > MAX_BODY_TEXT ? excerpt.substring(0, MAX_BODY_TEXT) + "..." : excerpt);
        }
        message.append(advice(grantType, status, error));
        return throwing(new TokenRequestException(message.toString(), grantType, this.tokenUrl, status, error, description,
                transientStatus, null));
    }

    private static Tokens throwing(TokenRequestException e) {
        throw e;
    }

    private static String advice(String grantType, int status, String error) {
        if ("invalid_grant".equals(error) && "refresh_token".equals(grantType)) {
            return ". The refresh token is expired, revoked or was already used (refresh tokens rotate:"
                    + " only the newest one works): authorize again with the authorization code flow";
        }
        if ("invalid_grant".equals(error) && "authorization_code".equals(grantType)) {
            return ". The authorization code is invalid, expired or already used: authorize again";
        }
        if ("invalid_client".equals(error) || status == 401) {
            return ". The client id or secret (Bitbucket: the OAuth consumer's key and secret) was rejected";
        }
        if ("unauthorized_client".equals(error)) {
            return ". The client may not use this grant type (Bitbucket: a consumer needs to be private"
                    + " for client credentials, and needs a callback URL for the authorization code grant)";
        }
        return "";
    }

    private Tokens tokensOf(String grantType, JsonNode node) {
        String accessToken = textOf(node, "access_token");
        if (accessToken == null || accessToken.isBlank()) {
            throw new TokenRequestException(describe(grantType) + " failed: 200 but the response has no access_token",
                    grantType, this.tokenUrl, 200, null, null, false, null);
        }
        String tokenType = textOf(node, "token_type");
        if (tokenType != null && !tokenType.toLowerCase(Locale.ROOT).equals("bearer")) {
            throw new TokenRequestException(describe(grantType) + " failed: token_type " + tokenType
                    + " is not supported (only bearer tokens, RFC 6750)", grantType, this.tokenUrl, 200, null, null, false, null);
        }
        Instant expiresAt = null;
        JsonNode expiresIn = node.get("expires_in");
        if (expiresIn != null && !expiresIn.isNull()) {
            long seconds = expiresIn.isNumber() ? expiresIn.asLong() : parseSeconds(expiresIn.asText());
            if (seconds > 0) {
                expiresAt = this.clock.instant().plusSeconds(seconds);
            }
        }
        String refreshToken = textOf(node, "refresh_token");
        if (refreshToken != null && refreshToken.isBlank()) {
            refreshToken = null;
        }
        String scope = textOf(node, "scope");
        if (scope == null) {
            scope = textOf(node, "scopes"); // Bitbucket's name
        }
        return Tokens.of(accessToken, refreshToken, expiresAt, scope);
    }

    private static long parseSeconds(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String textOf(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }

    private String describe(String grantType) {
        return "Token request (grant_type=" + grantType + ") to " + this.tokenUrl;
    }

    private static void putScope(Map<String, String> form, Collection<String> scopes) {
        Objects.requireNonNull(scopes, "scopes");
        if (!scopes.isEmpty()) {
            form.put("scope", String.join(" ", scopes));
        }
    }

    static String formBody(Map<String, String> form) {
        StringJoiner joined = new StringJoiner("&");
        form.forEach((name, value) -> joined.add(formEncode(name) + '=' + formEncode(value)));
        return joined.toString();
    }

    static String formEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be null or blank");
        }
    }

    /**
     * @param url a URL
     * @return whether {@code url} is https, or http to a loopback host
     */
    static boolean isSecureOrLoopback(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            return true;
        }
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        return scheme.equals("http") && List.of("127.0.0.1", "localhost", "[::1]", "::1").contains(host);
    }

    @Override
    public String toString() {
        return "TokenEndpoint{" + this.tokenUrl + ", clientId=" + this.clientId
                + (this.clientSecret == null ? ", public client" : ", clientSecret=REDACTED") + '}';
    }

    /** Builds a {@link TokenEndpoint}. Not thread-safe. */
    public static final class Builder {

        private URI tokenUrl;
        private String clientId;
        private Supplier<String> clientSecret;
        private HttpClient httpClient;
        private Duration responseTimeout = Duration.ofSeconds(30);
        private RetrySettings retry = RetrySettings.defaults();
        private Clock clock = Clock.systemUTC();
        private ObjectMapper json = DEFAULT_JSON;

        private Builder() {
        }

        /**
         * @param tokenUrl the token endpoint, e.g. {@code https://bitbucket.org/site/oauth2/access_token};
         *                 https, or http to a loopback host
         * @return this builder
         * @throws IllegalArgumentException when it is not absolute, or plain http to another host
         */
        public Builder tokenUrl(URI tokenUrl) {
            Objects.requireNonNull(tokenUrl, "tokenUrl");
            if (!tokenUrl.isAbsolute() || tokenUrl.getHost() == null) {
                throw new IllegalArgumentException("tokenUrl must be an absolute http(s) URL: " + tokenUrl);
            }
            if (!isSecureOrLoopback(tokenUrl)) {
                throw new IllegalArgumentException("tokenUrl must be https (RFC 6749 §3.2), or http to 127.0.0.1/localhost: "
                        + tokenUrl);
            }
            this.tokenUrl = tokenUrl;
            return this;
        }

        /**
         * @param tokenUrl the token endpoint as a string
         * @return this builder
         * @throws IllegalArgumentException as {@link #tokenUrl(URI)}, or when it is not a URI
         */
        public Builder tokenUrl(String tokenUrl) {
            return tokenUrl(URI.create(Objects.requireNonNull(tokenUrl, "tokenUrl")));
        }

        /**
         * @param clientId the client id (Bitbucket: the OAuth consumer's key); not blank
         * @return this builder
         */
        public Builder clientId(String clientId) {
            requireText(clientId, "clientId");
            this.clientId = clientId;
            return this;
        }

        /**
         * @param clientSecret supplies the client secret (Bitbucket: the consumer's secret) for each
         *                     request, so that it can rotate; must not block; {@code null} for a
         *                     public client (no secret: {@code client_id} in the body)
         * @return this builder
         */
        public Builder clientSecret(Supplier<String> clientSecret) {
            this.clientSecret = clientSecret;
            return this;
        }

        /**
         * @param clientSecret the client secret; not blank (the message never shows it)
         * @return this builder
         */
        public Builder clientSecret(String clientSecret) {
            requireText(clientSecret, "clientSecret");
            this.clientSecret = () -> clientSecret;
            return this;
        }

        /**
         * @param httpClient the reactor-netty client to send with (TLS settings, proxy, a connection
         *                   provider); default {@code HttpClient.create()} on the shared resources
         * @return this builder
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /**
         * @param responseTimeout how long each attempt may wait for the response; positive; default 30 s
         * @return this builder
         */
        public Builder responseTimeout(Duration responseTimeout) {
            Objects.requireNonNull(responseTimeout, "responseTimeout");
            if (responseTimeout.isNegative() || responseTimeout.isZero()) {
                throw new IllegalArgumentException("responseTimeout must be positive: " + responseTimeout);
            }
            this.responseTimeout = responseTimeout;
            return this;
        }

        /**
         * @param retry attempts and backoff for transient failures; default {@link RetrySettings#defaults()}
         *              (4 attempts, 200 ms doubling to 10 s, jitter 0.5)
         * @return this builder
         */
        public Builder retry(RetrySettings retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /**
         * @param clock the clock expiry times are computed with (now + {@code expires_in}) and checked
         *              against by the {@link OAuth2Auth}s on this endpoint; default UTC system clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param objectMapper reads token responses; default a plain {@code ObjectMapper}
         * @return this builder
         */
        public Builder objectMapper(ObjectMapper objectMapper) {
            this.json = Objects.requireNonNull(objectMapper, "objectMapper");
            return this;
        }

        /**
         * @return the endpoint
         * @throws IllegalStateException when {@code tokenUrl} or {@code clientId} is missing
         */
        public TokenEndpoint build() {
            if (this.tokenUrl == null) {
                throw new IllegalStateException("TokenEndpoint needs tokenUrl");
            }
            if (this.clientId == null) {
                throw new IllegalStateException("TokenEndpoint needs clientId");
            }
            return new TokenEndpoint(this);
        }
    }
}
