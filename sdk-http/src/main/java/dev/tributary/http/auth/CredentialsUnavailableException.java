package dev.tributary.http.auth;

/**
 * The credentials a request needs could not be found: an unset environment variable, a supplier
 * that returned nothing. The message says where they were looked for, never a secret. Non-transient
 * for the request: it was not sent.
 */
public class CredentialsUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message where the credentials were looked for and what to do */
    public CredentialsUnavailableException(String message) {
        super(message);
    }
}
