package dev.tributary.http.auth;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small OAuth 2 authorization server on 127.0.0.1, port 0, for the unit tests: a token endpoint
 * ({@code POST /token}: client credentials, rotating refresh tokens, authorization codes with
 * optional PKCE), an authorization endpoint ({@code GET /authorize}, approving at once with a 302 to
 * the callback) and a protected resource ({@code GET /api}). Counts grants and records requests.
 */
final class TokenServer implements AutoCloseable {

    static final String CLIENT_ID = "consumer-key";
    static final String CLIENT_SECRET = "consumer-s3cret";

    final Map<String, AtomicInteger> grants = new ConcurrentHashMap<>();
    final AtomicInteger tokenRequests = new AtomicInteger();
    final List<Map<String, String>> forms = new CopyOnWriteArrayList<>();
    final List<String> clientAuthorizations = new CopyOnWriteArrayList<>();
    final List<String> contentTypes = new CopyOnWriteArrayList<>();
    final List<Map<String, String>> authorizeRequests = new CopyOnWriteArrayList<>();
    final AtomicInteger apiRequests = new AtomicInteger();
    final Queue<Integer> failures = new ConcurrentLinkedQueue<>();
    final Set<String> liveRefreshTokens = ConcurrentHashMap.newKeySet();
    final Set<String> liveAccessTokens = ConcurrentHashMap.newKeySet();

    volatile long expiresIn = 3600;
    volatile Duration delay = Duration.ZERO;
    volatile boolean rotate = true;
    /** The callback registered for the client: where /authorize redirects without a redirect_uri. */
    volatile String registeredCallback;
    /** When set, /authorize redirects with this state instead of the one it received. */
    volatile String forgedState;
    /** When set, /authorize redirects with this error instead of a code. */
    volatile String redirectError;

    private final Map<String, String[]> codes = new ConcurrentHashMap<>();
    private final AtomicInteger serial = new AtomicInteger();
    private final DisposableServer server;

    TokenServer() {
        this.server = HttpServer.create().host("127.0.0.1").port(0).handle(this::handle).bindNow(Duration.ofSeconds(10));
    }

    URI tokenUrl() {
        return URI.create("http://127.0.0.1:" + this.server.port() + "/token");
    }

    URI authorizeUrl() {
        return URI.create("http://127.0.0.1:" + this.server.port() + "/authorize");
    }

    String apiUrl() {
        return "http://127.0.0.1:" + this.server.port() + "/api";
    }

    int grants(String grantType) {
        AtomicInteger count = this.grants.get(grantType);
        return count == null ? 0 : count.get();
    }

    TokenEndpoint.Builder endpoint() {
        return TokenEndpoint.builder().tokenUrl(tokenUrl()).clientId(CLIENT_ID).clientSecret(CLIENT_SECRET);
    }

    /** @return a refresh token the server accepts once */
    String seedRefreshToken() {
        String token = "rt-seed-" + this.serial.incrementAndGet();
        this.liveRefreshTokens.add(token);
        return token;
    }

    private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        switch (uri.path()) {
            case "/token":
                return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .flatMap(body -> Mono.from(token(request, body, response)));
            case "/authorize":
                return authorize(single(uri.parameters()), response);
            case "/api":
                this.apiRequests.incrementAndGet();
                String authorization = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
                if (authorization != null && authorization.startsWith("Bearer ")
                        && this.liveAccessTokens.contains(authorization.substring(7))) {
                    return json(response, HttpResponseStatus.OK, "{\"ok\":true}");
                }
                return json(response, HttpResponseStatus.UNAUTHORIZED, "{\"type\":\"error\",\"error\":{\"message\":\"Unauthorized\"}}");
            default:
                return response.status(HttpResponseStatus.NOT_FOUND).send();
        }
    }

    private Publisher<Void> token(HttpServerRequest request, String body, HttpServerResponse response) {
        this.tokenRequests.incrementAndGet();
        Map<String, String> form = single(new QueryStringDecoder("?" + body).parameters());
        this.forms.add(form);
        this.contentTypes.add(String.valueOf(request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE)));
        String authorization = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        this.clientAuthorizations.add(String.valueOf(authorization));
        Integer failure = this.failures.poll();
        if (failure != null) {
            return failure == 503
                    ? response.status(503).header(HttpHeaderNames.CONTENT_TYPE, "text/plain").sendString(Mono.just("Service Unavailable"))
                    : json(response, HttpResponseStatus.valueOf(failure), "{\"error\":\"server_error\"}");
        }
        if (!clientAuthenticated(authorization, form)) {
            return json(response, HttpResponseStatus.UNAUTHORIZED,
                    "{\"error\":\"invalid_client\",\"error_description\":\"Invalid OAuth client credentials\"}");
        }
        String grantType = String.valueOf(form.get("grant_type"));
        String refreshToken = null;
        switch (grantType) {
            case "client_credentials":
                break;
            case "refresh_token":
                String presented = form.get("refresh_token");
                boolean live = this.rotate ? this.liveRefreshTokens.remove(presented) : this.liveRefreshTokens.contains(presented);
                if (!live) {
                    return json(response, HttpResponseStatus.BAD_REQUEST,
                            "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid refresh_token\"}");
                }
                refreshToken = this.rotate ? "rt-" + this.serial.incrementAndGet() : null;
                break;
            case "authorization_code":
                String[] issued = this.codes.remove(String.valueOf(form.get("code")));
                if (issued == null || !String.valueOf(issued[0]).equals(String.valueOf(form.get("redirect_uri")))
                        || (issued[1] != null && !issued[1].equals(challengeOf(form.get("code_verifier"))))) {
                    return json(response, HttpResponseStatus.BAD_REQUEST,
                            "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid authorization code\"}");
                }
                refreshToken = "rt-" + this.serial.incrementAndGet();
                break;
            default:
                return json(response, HttpResponseStatus.BAD_REQUEST, "{\"error\":\"unsupported_grant_type\"}");
        }
        String accessToken = "at-" + this.serial.incrementAndGet();
        this.liveAccessTokens.add(accessToken);
        if (refreshToken != null) {
            this.liveRefreshTokens.add(refreshToken);
        }
        this.grants.computeIfAbsent(grantType, k -> new AtomicInteger()).incrementAndGet();
        String answer = "{\"access_token\":\"" + accessToken + "\",\"scopes\":\"repository\",\"expires_in\":" + this.expiresIn
                + (refreshToken == null ? "" : ",\"refresh_token\":\"" + refreshToken + "\"")
                + ",\"token_type\":\"bearer\"}";
        return Mono.delay(this.delay).then(Mono.from(json(response, HttpResponseStatus.OK, answer)));
    }

    private Publisher<Void> authorize(Map<String, String> query, HttpServerResponse response) {
        this.authorizeRequests.add(query);
        String redirect = query.getOrDefault("redirect_uri", this.registeredCallback);
        String state = this.forgedState == null ? query.get("state") : this.forgedState;
        String location;
        if (this.redirectError != null) {
            location = redirect + "?error=" + this.redirectError + "&error_description=The+user+denied+access&state=" + state;
        } else {
            String code = "code-" + this.serial.incrementAndGet();
            this.codes.put(code, new String[]{query.get("redirect_uri"), query.get("code_challenge")});
            location = redirect + "?code=" + code + "&state=" + state;
        }
        return response.status(HttpResponseStatus.FOUND).header(HttpHeaderNames.LOCATION, location).send();
    }

    private static boolean clientAuthenticated(String authorization, Map<String, String> form) {
        if (authorization == null) {
            return CLIENT_ID.equals(form.get("client_id")); // a public client
        }
        if (!authorization.startsWith("Basic ")) {
            return false;
        }
        String pair = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        return colon > 0 && CLIENT_ID.equals(URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8))
                && CLIENT_SECRET.equals(URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8));
    }

    private static String challengeOf(String verifier) {
        return verifier == null ? null : AuthorizationCodeFlow.codeChallenge(verifier);
    }

    private static Map<String, String> single(Map<String, List<String>> parameters) {
        Map<String, String> single = new LinkedHashMap<>();
        parameters.forEach((name, values) -> single.put(name, values.get(0)));
        return single;
    }

    private static Publisher<Void> json(HttpServerResponse response, HttpResponseStatus status, String body) {
        return response.status(status).header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .sendString(Mono.just(body), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        this.server.disposeNow(Duration.ofSeconds(5));
    }
}
