package dev.tributary.http.auth;

import reactor.core.publisher.Mono;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where OAuth 2 tokens live between runs: the refresh token, which rotates on every use (Bitbucket
 * since 2026-05-04: each refresh returns a new refresh token and the old one stops working), and
 * the last access token. {@link OAuth2Auth} saves the new tokens of every refresh, and
 * {@link AuthorizationCodeFlow} the tokens of an authorization, and only then uses the new access
 * token: when a save fails the new tokens are not used, so a crash cannot leave the only valid
 * refresh token unsaved while requests run on.
 * <p>
 * Implementations must not block the subscribing thread (do file or database work on
 * {@code Schedulers.boundedElastic()} or with a non-blocking driver), and must not log tokens.
 * Calls are not concurrent for one {@link OAuth2Auth} (one refresh at a time), but a store shared by
 * several must be thread-safe.
 *
 * <pre>{@code
 * TokenStore store = TokenStore.file(Path.of(System.getProperty("user.home"), ".tributary", "bitbucket-tokens.json"));
 * Auth auth = BitbucketAuth.oauth2RefreshToken(consumerKey, consumerSecret, store);
 * }</pre>
 */
public interface TokenStore {

    /**
     * @return the saved tokens; empty when none were saved; onError when they cannot be read (for
     * the file store: {@link java.io.UncheckedIOException})
     */
    Mono<Tokens> load();

    /**
     * Replaces the saved tokens; completes once they are durable (for the file store: written,
     * forced to disk and moved into place).
     *
     * @param tokens the tokens to keep; not null
     * @return completion; onError when they could not be saved (for the file store:
     * {@link java.io.UncheckedIOException})
     */
    Mono<Void> save(Tokens tokens);

    /** @return an empty store in memory: tokens last as long as the process */
    static TokenStore inMemory() {
        return new InMemoryTokenStore(null);
    }

    /**
     * @param initial the tokens it starts with, e.g. {@link Tokens#ofRefreshToken(String)}
     * @return a store in memory holding {@code initial}
     */
    static TokenStore inMemory(Tokens initial) {
        return new InMemoryTokenStore(Objects.requireNonNull(initial, "initial"));
    }

    /**
     * A JSON file ({@code access_token}, {@code refresh_token}, {@code expires_at} as ISO-8601,
     * {@code scope}), read and written on {@code Schedulers.boundedElastic()}. A save writes a
     * temporary file in the same directory with POSIX permissions {@code rw-------} (600, where the
     * file system supports POSIX permissions), forces it to disk and moves it over the file with
     * {@code ATOMIC_MOVE}: readers see the old tokens or the new ones, never a torn file. Missing
     * parent directories are created. A missing file loads as empty.
     *
     * @param path the file, e.g. {@code ~/.tributary/bitbucket-tokens.json}
     * @return a store in that file
     */
    static TokenStore file(Path path) {
        return new FileTokenStore(Objects.requireNonNull(path, "path"));
    }
}
