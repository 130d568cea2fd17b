package dev.tributary.emulator.pgwire;

import java.util.Objects;

/**
 * How {@link PostgresGateway} logs in to the upstream PostgreSQL server for a client it accepted:
 * the role, its password (or none, for {@code trust}), and the database, which may differ from
 * the one the client named (a platform maps {@code alice/demo} to whatever it stores). Immutable;
 * the password is never printed.
 *
 * <pre>{@code
 * UpstreamLogin.of("alice/demo", "alice", rolePassword)   // password, md5 or scram-sha-256 upstream
 * UpstreamLogin.trusted("alice/demo", "postgres")         // trust upstream
 * }</pre>
 */
public final class UpstreamLogin {

    private final String database;
    private final String user;
    private final String password;

    private UpstreamLogin(String database, String user, String password) {
        this.database = requireText(database, "database");
        this.user = requireText(user, "user");
        this.password = password;
    }

    /**
     * @param database the upstream database; not blank
     * @param user     the upstream role; not blank
     * @param password the role's password, sent as the upstream asks (cleartext, MD5 or
     *                 SCRAM-SHA-256); not {@code null}
     * @return the login
     * @throws IllegalArgumentException if the database or user is blank
     * @throws NullPointerException     if an argument is {@code null}
     */
    public static UpstreamLogin of(String database, String user, String password) {
        return new UpstreamLogin(database, user, Objects.requireNonNull(password, "password"));
    }

    /**
     * A login without a password, for an upstream that trusts the gateway. If the upstream asks
     * for a password anyway, the client gets a FATAL ErrorResponse of SQLSTATE {@code 08004}.
     *
     * @param database the upstream database; not blank
     * @param user     the upstream role; not blank
     * @return the login
     * @throws IllegalArgumentException if the database or user is blank
     * @throws NullPointerException     if an argument is {@code null}
     */
    public static UpstreamLogin trusted(String database, String user) {
        return new UpstreamLogin(database, user, null);
    }

    /** @return the upstream database */
    public String database() {
        return this.database;
    }

    /** @return the upstream role */
    public String user() {
        return this.user;
    }

    /** @return whether a password is given */
    public boolean hasPassword() {
        return this.password != null;
    }

    /** @return the password, or {@code null}; for the gateway only */
    String password() {
        return this.password;
    }

    @Override
    public String toString() {
        return "UpstreamLogin{database=" + this.database + ", user=" + this.user + ", password=" + (this.password != null ? "REDACTED" : "none") + '}';
    }

    private static String requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException("The upstream " + name + " must not be blank");
        }
        return value;
    }
}
