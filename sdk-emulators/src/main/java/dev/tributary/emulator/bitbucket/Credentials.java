package dev.tributary.emulator.bitbucket;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.emulator.bitbucket.Store.User;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Who may call: API tokens (Basic {@code email:token}), access tokens (Bearer) and OAuth 2
 * consumers with their grants ("Authentication methods" in the API's narrative; RFC 6749).
 * Thread-safe; the maps are guarded by this object's lock. Secrets never appear in messages.
 */
final class Credentials {

    static final String TOKEN_PATH = "/site/oauth2/access_token";
    static final String AUTHORIZE_PATH = "/site/oauth2/authorize";

    /** The scopes every consumer is granted (the emulator does not check scopes). */
    static final String SCOPES = "account issue:write pullrequest:write repository:write pipeline:write project webhook";

    static final String APP_PASSWORD_MESSAGE = "App passwords are no longer supported: Bitbucket Cloud disabled them on June 9, 2026. "
            + "Authenticate with an API token (Basic auth with your Atlassian account e-mail address and the token), an access token "
            + "(Bearer) or OAuth 2.0.";

    /** The caller of a request: the account, and the only workspace it may reach ({@code null}: any). */
    record Principal(User user, String workspace) {
    }

    /** An error of the token endpoint in the RFC 6749 section 5.2 shape. */
    static final class OAuthError extends RuntimeException {

        private static final long serialVersionUID = 1L;

        final int status;
        final String error;

        OAuthError(int status, String error, String description) {
            super(description, null, false, false);
            this.status = status;
            this.error = error;
        }

        ObjectNode body() {
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("error", this.error);
            n.put("error_description", getMessage());
            return n;
        }
    }

    private record Consumer(String key, String secret, String callbackUrl, User user) {
    }

    private record AccessToken(Principal principal, Instant expiresAt) {
    }

    private record RefreshToken(Consumer consumer, User user) {
    }

    private record Code(Consumer consumer, User user, String redirectUri, Instant expiresAt) {
    }

    /** DRBG, seeded once here (on the caller's thread): later draws compute, they do not read {@code /dev/urandom} on an event loop. */
    private final SecureRandom random = drbg();
    private final Clock clock;
    private final Store store;
    private final Duration accessTokenLifetime;
    private final Duration codeLifetime;
    private final Map<String, User> apiTokens = new HashMap<>();
    private final Map<String, AccessToken> accessTokens = new HashMap<>();
    private final Map<String, Consumer> consumers = new HashMap<>();
    private final Map<String, RefreshToken> refreshTokens = new HashMap<>();
    private final Map<String, Code> codes = new HashMap<>();
    private final Map<String, LongAdder> grants = new ConcurrentHashMap<>();

    private static SecureRandom drbg() {
        try {
            SecureRandom r = SecureRandom.getInstance("DRBG");
            r.nextBytes(new byte[16]);
            return r;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("DRBG is part of every Java 9+ runtime", e);
        }
    }

    Credentials(Clock clock, Store store, Duration accessTokenLifetime, Duration codeLifetime) {
        this.clock = clock;
        this.store = store;
        this.accessTokenLifetime = accessTokenLifetime;
        this.codeLifetime = codeLifetime;
    }

    private String secret(String prefix, int bytes) {
        byte[] b = new byte[bytes];
        this.random.nextBytes(b);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    synchronized String createApiToken(String email) {
        User u = this.store.userByEmail(Objects.requireNonNull(email, "email"));
        if (u == null) {
            throw new IllegalArgumentException("There is no user with e-mail '" + email + "'");
        }
        String token = secret("ATATT3x", 48);
        this.apiTokens.put(token, u);
        return token;
    }

    synchronized String createAccessToken(String nickname, String workspace) {
        User u = this.store.userByNickname(nickname);
        if (workspace != null) {
            try {
                this.store.workspace(workspace);
            } catch (ApiException e) {
                throw new IllegalArgumentException("There is no workspace '" + workspace + "'", e);
            }
        }
        String token = secret("ATCTT3x", 48);
        this.accessTokens.put(token, new AccessToken(new Principal(u, workspace), null));
        return token;
    }

    synchronized void seedConsumer(String key, String secret, String callbackUrl, String actingUser) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(callbackUrl, "callbackUrl");
        if (this.consumers.containsKey(key)) {
            throw new IllegalArgumentException("An OAuth consumer with key '" + key + "' exists already");
        }
        this.consumers.put(key, new Consumer(key, secret, callbackUrl, this.store.userByNickname(actingUser)));
    }

    long grants(String grantType) {
        LongAdder a = this.grants.get(grantType);
        return a == null ? 0 : a.sum();
    }

    // ------------------------------------------------------------------ API authentication

    /**
     * @param authorization the {@code Authorization} header, or {@code null}
     * @return the caller
     * @throws ApiException 401 for missing, malformed, unknown or expired credentials, or an app password
     */
    synchronized Principal authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw ApiException.unauthorized("Authentication required", "Send an API token (Basic email:token), an access token or an "
                    + "OAuth 2.0 access token (Bearer).");
        }
        int space = authorization.indexOf(' ');
        String scheme = space < 0 ? authorization : authorization.substring(0, space);
        String value = space < 0 ? "" : authorization.substring(space + 1).trim();
        if (scheme.equalsIgnoreCase("Bearer")) {
            AccessToken t = this.accessTokens.get(value);
            if (t == null) {
                throw ApiException.unauthorized("Invalid access token", null);
            }
            if (t.expiresAt() != null && !this.clock.instant().isBefore(t.expiresAt())) {
                throw ApiException.unauthorized("Access token expired. Use your refresh token to obtain a new access token.", null);
            }
            return t.principal();
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ApiException.unauthorized("Invalid Basic credentials: not base64", null);
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw ApiException.unauthorized("Invalid Basic credentials: expected user:password", null);
            }
            String user = decoded.substring(0, colon);
            String password = decoded.substring(colon + 1);
            if (!user.contains("@")) {
                if (user.equals("x-token-auth")) {
                    return authenticate("Bearer " + password);
                }
                throw ApiException.unauthorized(APP_PASSWORD_MESSAGE, null);
            }
            User owner = this.apiTokens.get(password);
            if (owner == null || !owner.account.email().equalsIgnoreCase(user)) {
                throw ApiException.unauthorized("Invalid credentials", "The e-mail address and API token do not match an API token.");
            }
            return new Principal(owner, null);
        }
        throw ApiException.unauthorized("Unsupported authentication scheme '" + scheme + "'", "Use Basic or Bearer.");
    }

    // ------------------------------------------------------------------ OAuth 2

    /**
     * The token endpoint ({@code POST /site/oauth2/access_token}).
     *
     * @param authorization the {@code Authorization} header (consumer key and secret as Basic), or {@code null}
     * @param form          the decoded form body
     * @return the token response
     * @throws OAuthError for any failure (RFC 6749 section 5.2)
     */
    synchronized ObjectNode token(String authorization, Map<String, List<String>> form) {
        Consumer consumer = client(authorization, form);
        String grantType = one(form, "grant_type");
        if (grantType == null) {
            throw new OAuthError(400, "invalid_request", "Missing grant_type parameter");
        }
        Instant now = this.clock.instant();
        ObjectNode response;
        switch (grantType) {
            case "client_credentials" -> response = issue(consumer, consumer.user(), grantType, false);
            case "refresh_token" -> {
                String refresh = one(form, "refresh_token");
                if (refresh == null) {
                    throw new OAuthError(400, "invalid_request", "Missing refresh_token parameter");
                }
                RefreshToken r = this.refreshTokens.get(refresh);
                if (r == null || r.consumer() != consumer) {
                    throw new OAuthError(400, "invalid_grant", "Invalid refresh_token");
                }
                this.refreshTokens.remove(refresh);
                response = issue(consumer, r.user(), grantType, true);
            }
            case "authorization_code" -> {
                String code = one(form, "code");
                if (code == null) {
                    throw new OAuthError(400, "invalid_request", "Missing code parameter");
                }
                Code c = this.codes.remove(code);
                if (c == null || c.consumer() != consumer) {
                    throw new OAuthError(400, "invalid_grant", "The authorization code is invalid or was used already");
                }
                if (!now.isBefore(c.expiresAt())) {
                    throw new OAuthError(400, "invalid_grant", "The authorization code expired");
                }
                String redirect = one(form, "redirect_uri");
                if (c.redirectUri() != null && !c.redirectUri().equals(redirect)) {
                    throw new OAuthError(400, "invalid_grant", "redirect_uri does not match the one of the authorization request");
                }
                response = issue(consumer, c.user(), grantType, true);
            }
            default -> throw new OAuthError(400, "unsupported_grant_type", "Unsupported grant type: " + grantType);
        }
        this.grants.computeIfAbsent(grantType, k -> new LongAdder()).increment();
        return response;
    }

    private ObjectNode issue(Consumer consumer, User user, String grantType, boolean withRefresh) {
        String access = secret("", 96);
        this.accessTokens.put(access, new AccessToken(new Principal(user, null), this.clock.instant().plus(this.accessTokenLifetime)));
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("access_token", access);
        n.put("scopes", SCOPES);
        n.put("expires_in", this.accessTokenLifetime.getSeconds());
        n.put("token_type", "bearer");
        n.put("state", grantType);
        if (withRefresh) {
            String refresh = secret("", 24);
            this.refreshTokens.put(refresh, new RefreshToken(consumer, user));
            n.put("refresh_token", refresh);
        }
        return n;
    }

    private Consumer client(String authorization, Map<String, List<String>> form) {
        String key = null;
        String secret = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon >= 0) {
                    key = decoded.substring(0, colon);
                    secret = decoded.substring(colon + 1);
                }
            } catch (IllegalArgumentException e) {
                throw new OAuthError(401, "invalid_client", "Malformed Basic client credentials");
            }
        } else {
            key = one(form, "client_id");
            secret = one(form, "client_secret");
        }
        Consumer c = key == null ? null : this.consumers.get(key);
        if (c == null || !c.secret().equals(secret)) {
            throw new OAuthError(401, "invalid_client", "Invalid OAuth client credentials");
        }
        return c;
    }

    /**
     * The authorization endpoint ({@code GET /site/oauth2/authorize}), approving at once as the
     * consumer's acting user.
     *
     * @return the URL to redirect to (the callback with {@code code} and {@code state}, or with an {@code error})
     * @throws OAuthError 400 for an unknown client or a redirect URI outside its callback URL
     */
    synchronized String authorize(Map<String, List<String>> query) {
        String clientId = one(query, "client_id");
        Consumer c = clientId == null ? null : this.consumers.get(clientId);
        if (c == null) {
            throw new OAuthError(400, "invalid_client", "Invalid client_id");
        }
        String redirect = one(query, "redirect_uri");
        if (redirect != null && !redirect.startsWith(c.callbackUrl())) {
            throw new OAuthError(400, "invalid_request", "redirect_uri does not match the consumer's callback URL");
        }
        String target = redirect != null ? redirect : c.callbackUrl();
        String state = one(query, "state");
        String separator = target.contains("?") ? "&" : "?";
        String stateParam = state == null ? "" : "&state=" + Store.encode(state);
        if (!"code".equals(one(query, "response_type"))) {
            return target + separator + "error=unsupported_response_type" + stateParam;
        }
        String code = secret("", 18);
        this.codes.put(code, new Code(c, c.user(), redirect, this.clock.instant().plus(this.codeLifetime)));
        return target + separator + "code=" + Store.encode(code) + stateParam;
    }

    private static String one(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
