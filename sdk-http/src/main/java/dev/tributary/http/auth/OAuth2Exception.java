package dev.tributary.http.auth;

import java.util.Optional;

/**
 * An OAuth 2 failure (RFC 6749): a token request the endpoint refused or that could not be made
 * ({@link TokenRequestException}), or an authorization that did not come back as expected
 * ({@link AuthorizationCodeException}). Carries the OAuth error code (e.g. {@code invalid_grant},
 * {@code access_denied}) and description when the server sent them. Messages never contain tokens,
 * codes or client secrets.
 */
public class OAuth2Exception extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String error;
    private final String errorDescription;

    /**
     * @param message          the complete message (what was attempted, where, what the server said, what to do)
     * @param error            the OAuth {@code error} code, or {@code null}
     * @param errorDescription the OAuth {@code error_description}, or {@code null}
     * @param cause            the underlying failure, or {@code null}
     */
    public OAuth2Exception(String message, String error, String errorDescription, Throwable cause) {
        super(message, cause);
        this.error = error;
        this.errorDescription = errorDescription;
    }

    /**
     * @return the OAuth {@code error} code (RFC 6749 §4.1.2.1, §5.2), e.g. {@code invalid_grant}, when
     * the server sent one
     */
    public Optional<String> getError() {
        return Optional.ofNullable(this.error);
    }

    /** @return the server's {@code error_description}, when it sent one */
    public Optional<String> getErrorDescription() {
        return Optional.ofNullable(this.errorDescription);
    }
}
