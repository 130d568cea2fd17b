package dev.tributary.http.auth;

import java.net.URI;

/**
 * A request to the token endpoint failed: an OAuth error response (RFC 6749 §5.2,
 * {@code {"error": "invalid_grant", "error_description": "..."}}), another error status, a
 * response that is not a token response, or (after the retries) a transient failure: a 429 or 5xx
 * status, a connection failure or a response timeout.
 * <p>
 * {@link #isReauthorizationRequired()} is {@code true} for {@code invalid_grant} on a refresh or an
 * authorization code exchange: the refresh token or the code is expired, revoked or already used
 * (with rotating refresh tokens: an old one), and the user must authorize again; the message says
 * so. The message names the grant type and the token endpoint, never a token, code or secret.
 */
public class TokenRequestException extends OAuth2Exception {

    private static final long serialVersionUID = 1L;

    /** The status of a failure for which no response arrived. */
    public static final int NO_STATUS = 0;

    private final String grantType;
    private final URI tokenUrl;
    private final int status;
    private final boolean transientFailure;

    /**
     * @param message          the complete message
     * @param grantType        the {@code grant_type} of the request, e.g. {@code refresh_token}
     * @param tokenUrl         the token endpoint
     * @param status           the response status, or {@link #NO_STATUS}
     * @param error            the OAuth {@code error} code, or {@code null}
     * @param errorDescription the OAuth {@code error_description}, or {@code null}
     * @param transientFailure whether trying again later may succeed
     * @param cause            the underlying failure, or {@code null}
     */
    public TokenRequestException(String message, String grantType, URI tokenUrl, int status, String error,
                                 String errorDescription, boolean transientFailure, Throwable cause) {
        super(message, error, errorDescription, cause);
        this.grantType = grantType;
        this.tokenUrl = tokenUrl;
        this.status = status;
        this.transientFailure = transientFailure;
    }

    /** @return the {@code grant_type} of the failed request: {@code client_credentials}, {@code refresh_token} or {@code authorization_code} */
    public String getGrantType() {
        return this.grantType;
    }

    /** @return the token endpoint */
    public URI getTokenUrl() {
        return this.tokenUrl;
    }

    /** @return the response status, or {@link #NO_STATUS} ({@value #NO_STATUS}) when no response arrived */
    public int getStatus() {
        return this.status;
    }

    /**
     * @return whether trying again later may succeed (429, 5xx, connection failure, timeout); the
     * request was already retried with backoff
     */
    public boolean isTransient() {
        return this.transientFailure;
    }

    /**
     * @return whether the grant itself was refused ({@code invalid_grant} for a refresh token or an
     * authorization code): the user must authorize again (run the authorization code flow)
     */
    public boolean isReauthorizationRequired() {
        return "invalid_grant".equals(getError().orElse(null))
                && ("refresh_token".equals(this.grantType) || "authorization_code".equals(this.grantType));
    }
}
