package dev.tributary.emulator.platform;

import java.util.Objects;

/**
 * The PostgreSQL session a platform API key gets on one database: what a wire-protocol gateway
 * (which takes the API key as the password, as the platform's database endpoint does) opens
 * upstream on the client's behalf. The role is the database's owner role for
 * {@link DatabaseRole#OWNER}, {@link DatabaseRole#ADMIN} and {@link DatabaseRole#WRITER} access,
 * and its read-only role (member of {@code pg_read_all_data}, {@code default_transaction_read_only=on})
 * for {@link DatabaseRole#READER} access.
 *
 * @param host     the PostgreSQL server's address ({@code 127.0.0.1})
 * @param port     its port
 * @param database the PostgreSQL database, named as on the platform ({@code alice/demo})
 * @param user     the PostgreSQL role to log in as
 * @param password the role's password (random; needed when the server does not trust loopback);
 *                 never printed by {@link #toString()}
 * @param role     the platform role the key has on the database
 */
public record PostgresLogin(String host, int port, String database, String user, String password, DatabaseRole role) {

    /**
     * Checks that nothing is {@code null}.
     *
     * @param host     the server's address
     * @param port     its port
     * @param database the database
     * @param user     the role
     * @param password the role's password
     * @param role     the platform role
     */
    public PostgresLogin {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(role, "role");
    }

    @Override
    public String toString() {
        return "PostgresLogin{" + this.host + ":" + this.port + "/" + this.database + ", user=" + this.user
                + ", password=REDACTED, role=" + this.role + '}';
    }
}
