package dev.tributary.http.bitbucket;

import dev.tributary.http.auth.Auth;
import dev.tributary.http.auth.AuthorizationCodeFlow;
import dev.tributary.http.auth.OAuth2Auth;
import dev.tributary.http.auth.TokenEndpoint;
import dev.tributary.http.auth.TokenStore;

import reactor.core.publisher.Mono;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The ways to authenticate to Bitbucket Cloud's REST API 2.0, as {@link Auth}s for
 * {@link dev.tributary.http.HttpServiceClient} (and the Bitbucket client built on it):
 * <ul>
 *   <li>{@link #apiToken(String, Supplier)}: an Atlassian API token with the account's e-mail
 *       address, as HTTP Basic;</li>
 *   <li>{@link #accessToken(String)}: a repository, project or workspace access token, as Bearer;</li>
 *   <li>OAuth 2 with an OAuth consumer (key and secret): {@link #oauth2ClientCredentials client
 *       credentials}, {@link #oauth2RefreshToken refresh token} (rotating since 2026-05-04: every
 *       refresh returns a new refresh token, kept in a {@link TokenStore}), and the
 *       {@link #authorizationCode authorization code} flow with a loopback callback server;
 *       authorize URL {@value #AUTHORIZE_URL}, token URL {@value #TOKEN_URL} (overridable, e.g. for
 *       the emulator, through {@link #tokenEndpoint(String, Supplier)}).</li>
 * </ul>
 * App passwords stopped working on 2026-06-09 and are not supported: {@link #APP_PASSWORDS_REMOVED}
 * says so where it matters. Source: the {@code x-atlassian-narrative} on authentication of
 * Atlassian's Bitbucket Cloud OpenAPI document, and Bitbucket's OAuth 2 documentation.
 *
 * <pre>{@code
 * Auth token = BitbucketAuth.apiToken("me@example.com", () -> System.getenv("BITBUCKET_API_TOKEN"));
 * Auth repo = BitbucketAuth.accessToken(System.getenv("BITBUCKET_ACCESS_TOKEN"));
 * Auth service = BitbucketAuth.oauth2ClientCredentials(key, secret);
 *
 * TokenStore store = TokenStore.file(Path.of(System.getProperty("user.home"), ".tributary", "bitbucket.json"));
 * AuthorizationCodeFlow login = BitbucketAuth.authorizationCode(key, secret, 33333, store);
 * login.authorize(url -> System.out.println("Open " + url)).block();
 * Auth user = login.auth();   // refreshes and rotates through the store
 * }</pre>
 */
public final class BitbucketAuth {

    /** Bitbucket Cloud's OAuth 2 authorization endpoint. */
    public static final String AUTHORIZE_URL = "https://bitbucket.org/site/oauth2/authorize";

    /** Bitbucket Cloud's OAuth 2 token endpoint. */
    public static final String TOKEN_URL = "https://bitbucket.org/site/oauth2/access_token";

    /**
     * What to tell a user whose Basic credentials were rejected (a 401 to {@link #apiToken}), or who
     * tried a username instead of an e-mail address: app passwords are gone, use an API token with the
     * Atlassian account's e-mail address. For the Bitbucket client's 401 messages.
     */
    public static final String APP_PASSWORDS_REMOVED = "Bitbucket Cloud app passwords stopped working on 2026-06-09"
            + " and are not supported: authenticate with an Atlassian API token and the Atlassian account's e-mail"
            + " address (BitbucketAuth.apiToken; create the token at"
            + " https://id.atlassian.com/manage-profile/security/api-tokens with Bitbucket scopes), an access token"
            + " (BitbucketAuth.accessToken) or an OAuth 2 consumer";

    private static final Pattern EMAIL = Pattern.compile("[^@\\s:]+@[^@\\s:]+\\.[^@\\s:]+");

    private BitbucketAuth() {
    }

    /**
     * An Atlassian API token, sent as HTTP Basic {@code email:token} (UTF-8).
     *
     * @param email the Atlassian account's e-mail address (not the Bitbucket username)
     * @param token supplies the API token on every request (so it can rotate); must not block
     * @return Basic authentication
     * @throws IllegalArgumentException when {@code email} is not an e-mail address: the message
     *                                  explains that app passwords (username + app password) are gone
     */
    public static Auth apiToken(String email, Supplier<String> token) {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(token, "token");
        if (!EMAIL.matcher(email).matches()) {
            throw new IllegalArgumentException("'" + email + "' is not an e-mail address: Bitbucket API tokens are used"
                    + " with the Atlassian account's e-mail address, not the Bitbucket username. " + APP_PASSWORDS_REMOVED);
        }
        return new ApiTokenAuth(Auth.basic(email, token));
    }

    /**
     * A repository, project or workspace access token, sent as {@code Bearer}.
     *
     * @param token the access token; not blank
     * @return bearer authentication
     * @throws IllegalArgumentException when the token is blank (the message never shows it)
     */
    public static Auth accessToken(String token) {
        return Auth.bearer(token);
    }

    /**
     * @param token supplies a repository, project or workspace access token on every request; must not block
     * @return bearer authentication
     */
    public static Auth accessToken(Supplier<String> token) {
        return Auth.bearer(token);
    }

    /**
     * Bitbucket's token endpoint ({@value #TOKEN_URL}) for an OAuth consumer, as a builder so that
     * the URL and transport can be overridden ({@code .tokenUrl(emulator.tokenUrl())}).
     *
     * @param consumerKey    the OAuth consumer's key
     * @param consumerSecret supplies the consumer's secret; must not block
     * @return a token endpoint builder preset for Bitbucket
     */
    public static TokenEndpoint.Builder tokenEndpoint(String consumerKey, Supplier<String> consumerSecret) {
        return TokenEndpoint.builder().tokenUrl(TOKEN_URL).clientId(consumerKey)
                .clientSecret(Objects.requireNonNull(consumerSecret, "consumerSecret"));
    }

    /**
     * OAuth 2 client credentials (the consumer must be private): the access token is cached, and the
     * grant runs again when it expires (about 2 hours) or is rejected; Bitbucket issues no refresh
     * token for it.
     *
     * @param consumerKey    the OAuth consumer's key
     * @param consumerSecret the OAuth consumer's secret
     * @return bearer authentication with a renewed token
     */
    public static OAuth2Auth oauth2ClientCredentials(String consumerKey, String consumerSecret) {
        return oauth2ClientCredentials(tokenEndpoint(consumerKey, secret(consumerSecret)).build());
    }

    /**
     * @param endpoint the token endpoint (e.g. {@link #tokenEndpoint} with an emulator's URL)
     * @return OAuth 2 client credentials on that endpoint
     */
    public static OAuth2Auth oauth2ClientCredentials(TokenEndpoint endpoint) {
        return OAuth2Auth.clientCredentials(endpoint).build();
    }

    /**
     * OAuth 2 refresh tokens with rotation: the tokens in {@code store} are used and refreshed; each
     * new refresh token replaces the old one (which Bitbucket no longer accepts) in the store before
     * the new access token is used.
     *
     * @param consumerKey    the OAuth consumer's key
     * @param consumerSecret the OAuth consumer's secret
     * @param store          holds the tokens (e.g. from {@link #authorizationCode}, or a refresh token)
     * @return bearer authentication with refreshed tokens
     */
    public static OAuth2Auth oauth2RefreshToken(String consumerKey, String consumerSecret, TokenStore store) {
        return oauth2RefreshToken(tokenEndpoint(consumerKey, secret(consumerSecret)).build(), store);
    }

    /**
     * @param endpoint the token endpoint
     * @param store    holds the tokens
     * @return OAuth 2 refresh tokens with rotation on that endpoint
     */
    public static OAuth2Auth oauth2RefreshToken(TokenEndpoint endpoint, TokenStore store) {
        return OAuth2Auth.refreshToken(endpoint, store).build();
    }

    /**
     * The OAuth 2 authorization code flow with a loopback callback server on {@code callbackPort}
     * (the port of the consumer's registered callback URL, e.g. 33333 for
     * {@code http://localhost:33333}); no PKCE (Bitbucket does not document it); no
     * {@code redirect_uri} sent (Bitbucket uses the registered one).
     *
     * @param consumerKey    the OAuth consumer's key
     * @param consumerSecret the OAuth consumer's secret
     * @param callbackPort   the callback server's port on 127.0.0.1
     * @param store          receives the tokens; {@link AuthorizationCodeFlow#auth()} reads and rotates them
     * @return the flow
     */
    public static AuthorizationCodeFlow authorizationCode(String consumerKey, String consumerSecret, int callbackPort,
                                                          TokenStore store) {
        return authorizationCode(tokenEndpoint(consumerKey, secret(consumerSecret)).build(), URI.create(AUTHORIZE_URL),
                callbackPort, store);
    }

    /**
     * @param endpoint     the token endpoint
     * @param authorizeUrl the authorization endpoint (e.g. an emulator's)
     * @param callbackPort the callback server's port on 127.0.0.1; 0 for any (then {@code redirect_uri} is sent)
     * @param store        receives the tokens
     * @return the flow, without PKCE
     */
    public static AuthorizationCodeFlow authorizationCode(TokenEndpoint endpoint, URI authorizeUrl, int callbackPort,
                                                          TokenStore store) {
        return AuthorizationCodeFlow.builder(endpoint, authorizeUrl).callbackPort(callbackPort).tokenStore(store).build();
    }

    /**
     * The hint to add to a 401 answer for requests sent with {@code auth}: for an {@link #apiToken}
     * (HTTP Basic), {@link #APP_PASSWORDS_REMOVED}; nothing for the others.
     *
     * @param auth the authentication the rejected request used
     * @return the hint, when there is one
     */
    public static Optional<String> unauthorizedHint(Auth auth) {
        return auth instanceof ApiTokenAuth ? Optional.of(APP_PASSWORDS_REMOVED) : Optional.empty();
    }

    /** Basic e-mail + API token, recognisable by {@link #unauthorizedHint(Auth)}. */
    private static final class ApiTokenAuth implements Auth {

        private final Auth basic;

        ApiTokenAuth(Auth basic) {
            this.basic = basic;
        }

        @Override
        public Mono<String> authorization() {
            return this.basic.authorization();
        }

        @Override
        public String toString() {
            return "BitbucketAuth.apiToken(" + this.basic + ')';
        }
    }

    private static Supplier<String> secret(String consumerSecret) {
        if (consumerSecret == null || consumerSecret.isBlank()) {
            throw new IllegalArgumentException("the OAuth consumer secret must not be null or blank");
        }
        return () -> consumerSecret;
    }
}
