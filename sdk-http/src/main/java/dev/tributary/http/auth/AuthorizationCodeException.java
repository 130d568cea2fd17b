package dev.tributary.http.auth;

/**
 * The authorization step of the authorization code flow (RFC 6749 §4.1.1-4.1.2) failed: the
 * redirect to the loopback callback carried a {@code state} other than the one sent (a forged or
 * stale redirect: the code is not exchanged), an error (e.g. {@code access_denied}: the user
 * declined), or no code; or no redirect came in time. Failures of the code exchange that follows
 * are {@link TokenRequestException}s.
 */
public class AuthorizationCodeException extends OAuth2Exception {

    private static final long serialVersionUID = 1L;

    /** Why the authorization failed. */
    public enum Reason {
        /** The callback's {@code state} did not match the one sent (RFC 6749 §10.12): rejected, not exchanged. */
        STATE_MISMATCH,
        /** The authorization server redirected with an {@code error} (RFC 6749 §4.1.2.1), e.g. {@code access_denied}. */
        ERROR_RESPONSE,
        /** The callback had the right {@code state} but neither {@code code} nor {@code error}. */
        MISSING_CODE,
        /** No callback arrived within the flow's timeout. */
        TIMED_OUT
    }

    private final Reason reason;

    /**
     * @param message          the complete message
     * @param reason           why it failed
     * @param error            the OAuth {@code error} code of an {@link Reason#ERROR_RESPONSE}, or {@code null}
     * @param errorDescription the server's {@code error_description}, or {@code null}
     */
    public AuthorizationCodeException(String message, Reason reason, String error, String errorDescription) {
        super(message, error, errorDescription, null);
        this.reason = reason;
    }

    /** @return why the authorization failed */
    public Reason getReason() {
        return this.reason;
    }
}
