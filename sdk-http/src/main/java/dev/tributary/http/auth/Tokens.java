package dev.tributary.http.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The tokens an OAuth 2 token endpoint issued (RFC 6749 §5.1): an access token, the refresh token
 * that obtains the next one, when the access token expires, and the granted scope. Immutable.
 * What a {@link TokenStore} persists.
 * <p>
 * Its {@code toString} shows neither token ({@code REDACTED}); {@code equals} compares all fields.
 *
 * <pre>{@code
 * // a refresh token obtained elsewhere (e.g. by a previous authorization code flow)
 * TokenStore store = TokenStore.inMemory(Tokens.ofRefreshToken(savedRefreshToken));
 * }</pre>
 */
public final class Tokens {

    private final String accessToken;
    private final String refreshToken;
    private final Instant expiresAt;
    private final String scope;

    private Tokens(String accessToken, String refreshToken, Instant expiresAt, String scope) {
        this.accessToken = accessToken;
        this.refreshToken = refreshToken;
        this.expiresAt = expiresAt;
        this.scope = scope;
    }

    /**
     * @param accessToken  the access token; {@code null} when there is none yet (only a refresh token)
     * @param refreshToken the refresh token, or {@code null} when none was issued (client credentials)
     * @param expiresAt    when the access token expires, or {@code null} when unknown (no
     *                     {@code expires_in}: used until the service rejects it)
     * @param scope        the granted scope (space-separated, RFC 6749 §3.3), or {@code null}
     * @return the tokens
     * @throws IllegalArgumentException when both tokens are null or a given token is blank
     */
    public static Tokens of(String accessToken, String refreshToken, Instant expiresAt, String scope) {
        if (accessToken == null && refreshToken == null) {
            throw new IllegalArgumentException("Tokens need an access token, a refresh token or both");
        }
        if (accessToken != null && accessToken.isBlank()) {
            throw new IllegalArgumentException("the access token must not be blank");
        }
        if (refreshToken != null && refreshToken.isBlank()) {
            throw new IllegalArgumentException("the refresh token must not be blank");
        }
        return new Tokens(accessToken, refreshToken, expiresAt, scope);
    }

    /**
     * Only a refresh token: the first request refreshes it (and, with rotation, stores the new one).
     *
     * @param refreshToken the refresh token; not blank
     * @return tokens with only that refresh token
     * @throws IllegalArgumentException when it is null or blank
     */
    public static Tokens ofRefreshToken(String refreshToken) {
        if (refreshToken == null) {
            throw new IllegalArgumentException("the refresh token must not be null");
        }
        return of(null, refreshToken, null, null);
    }

    /** @return the access token, sent as {@code Authorization: Bearer <token>} (RFC 6750 §2.1) */
    public Optional<String> accessToken() {
        return Optional.ofNullable(this.accessToken);
    }

    /** @return the refresh token (RFC 6749 §1.5), when one was issued */
    public Optional<String> refreshToken() {
        return Optional.ofNullable(this.refreshToken);
    }

    /** @return when the access token expires (issue time plus {@code expires_in}), when known */
    public Optional<Instant> expiresAt() {
        return Optional.ofNullable(this.expiresAt);
    }

    /** @return the granted scope, space-separated (RFC 6749 §3.3), when the endpoint said */
    public Optional<String> scope() {
        return Optional.ofNullable(this.scope);
    }

    /**
     * @param now  the current time
     * @param skew how long before {@link #expiresAt()} the access token counts as expired
     * @return whether there is an access token that does not expire within {@code skew} of {@code now}
     */
    boolean isUsableAt(Instant now, Duration skew) {
        return this.accessToken != null && (this.expiresAt == null || now.plus(skew).isBefore(this.expiresAt));
    }

    /** @return the {@code Authorization} header value of the access token, or {@code null} */
    String bearer() {
        return this.accessToken == null ? null : "Bearer " + this.accessToken;
    }

    /**
     * @param previous the tokens these replace
     * @return these tokens, keeping {@code previous}'s refresh token when the endpoint issued no new one
     * (RFC 6749 §6: a new refresh token is optional)
     */
    Tokens keepingRefreshTokenOf(Tokens previous) {
        if (this.refreshToken != null || previous == null || previous.refreshToken == null) {
            return this;
        }
        return new Tokens(this.accessToken, previous.refreshToken, this.expiresAt, this.scope);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Tokens)) {
            return false;
        }
        Tokens other = (Tokens) o;
        return Objects.equals(this.accessToken, other.accessToken) && Objects.equals(this.refreshToken, other.refreshToken)
                && Objects.equals(this.expiresAt, other.expiresAt) && Objects.equals(this.scope, other.scope);
    }

    @Override
    public int hashCode() {
        return Objects.hash(this.accessToken, this.refreshToken, this.expiresAt, this.scope);
    }

    @Override
    public String toString() {
        return "Tokens[accessToken=" + (this.accessToken == null ? "none" : "REDACTED")
                + ", refreshToken=" + (this.refreshToken == null ? "none" : "REDACTED")
                + ", expiresAt=" + (this.expiresAt == null ? "unknown" : this.expiresAt)
                + (this.scope == null ? "" : ", scope=" + this.scope) + ']';
    }
}
