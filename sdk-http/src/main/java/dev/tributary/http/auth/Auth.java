package dev.tributary.http.auth;

import reactor.core.publisher.Mono;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * How requests authenticate: the {@code Authorization} header value for each request, and what to
 * do when the service rejects it. {@link dev.tributary.http.HttpServiceClient} asks
 * {@link #authorization()} once per attempt (so rotated credentials are picked up), sends the value
 * only to the origin (scheme, host and port) of its base URL, never to another host (a presigned
 * download URL, a pagination link elsewhere), and never logs it or puts it in an exception message
 * or {@code toString}.
 * <p>
 * On a 401 answer the client calls {@link #refreshAfterUnauthorized(String)} with the value that
 * was rejected; when it emits {@code true} the request is replayed once with a fresh
 * {@link #authorization()}. Token-based implementations (OAuth 2 client credentials and refresh
 * token) cache their token, refresh it before it expires, share one refresh among concurrent
 * requests, and compare the rejected value with their current one so that many requests rejected
 * together cause one refresh.
 *
 * <pre>{@code
 * Auth key = Auth.bearerFromEnvironment("TRIBUTARY_API_KEY");  // read on every request
 * Auth rotating = Auth.bearer(() -> vault.currentKey());        // must not block
 * Auth bitbucket = Auth.basic("me@example.com", () -> apiToken);
 * }</pre>
 */
public interface Auth {

    /**
     * The value of the {@code Authorization} header of the next attempt, e.g. {@code Bearer v2_abc}.
     * Called on the thread that subscribes to the request; must not block.
     *
     * @return the header value; empty for no header; onError {@link CredentialsUnavailableException}
     * when the credentials cannot be found (an unset environment variable), or the failure of a
     * token request
     */
    Mono<String> authorization();

    /**
     * The service answered 401 to a request sent with {@code rejected}. Implementations that can
     * obtain fresh credentials do so (once for many concurrent calls) and emit {@code true}; the
     * request is then replayed once. The default emits {@code false}: the 401 becomes an
     * {@link dev.tributary.http.HttpUnauthorizedException}.
     *
     * @param rejected the header value that was rejected, or {@code null} when none was sent
     * @return whether the request should be replayed with a new {@link #authorization()}
     */
    default Mono<Boolean> refreshAfterUnauthorized(String rejected) {
        return Mono.just(false);
    }

    /** @return no authentication: no {@code Authorization} header */
    static Auth none() {
        return NoAuth.INSTANCE;
    }

    /**
     * A fixed bearer token (RFC 6750), e.g. an API key.
     *
     * @param token the token, without the {@code Bearer } prefix; not blank
     * @return bearer authentication with that token
     * @throws IllegalArgumentException when the token is null or blank (the message never shows it)
     */
    static Auth bearer(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("bearer token must not be null or blank");
        }
        return new BearerAuth(() -> token, "a fixed token");
    }

    /**
     * A bearer token read from {@code token} on every request, so that a rotated key is used as soon
     * as the supplier returns it.
     *
     * @param token supplies the token, without the {@code Bearer } prefix; must not block; a
     *              {@code null} or blank result fails the request with
     *              {@link CredentialsUnavailableException}
     * @return bearer authentication reading the supplier
     */
    static Auth bearer(Supplier<String> token) {
        return new BearerAuth(Objects.requireNonNull(token, "token"), "a supplier");
    }

    /**
     * A bearer token read from an environment variable on every request. When the variable is unset
     * or blank, requests fail with {@link CredentialsUnavailableException} naming the variable.
     *
     * @param variable the environment variable's name, e.g. {@code TRIBUTARY_API_KEY}
     * @return bearer authentication reading the variable
     */
    static Auth bearerFromEnvironment(String variable) {
        return EnvironmentAuth.bearer(variable, System::getenv);
    }

    /**
     * HTTP Basic authentication (RFC 7617), e.g. Bitbucket's e-mail address and API token. The
     * user name and password are encoded as UTF-8.
     *
     * @param username the user name (Bitbucket: the account's e-mail address); must not contain {@code :}
     * @param password supplies the password or API token on every request; must not block
     * @return Basic authentication
     */
    static Auth basic(String username, Supplier<String> password) {
        return new BasicAuth(username, password);
    }
}
