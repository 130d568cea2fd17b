package dev.tributary.http.platform;

import java.util.Objects;

/**
 * A database's full name, {@code <username>/<db_name>}, as the platform writes it.
 *
 * @param owner    the user that owns the database ({@code alice})
 * @param database the database's name within the owner's ({@code demo})
 */
public record DatabaseName(String owner, String database) {

    /**
     * @throws IllegalArgumentException if a part is empty or contains {@code /}
     */
    public DatabaseName {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(database, "database");
        if (owner.isEmpty() || owner.indexOf('/') >= 0 || database.isEmpty() || database.indexOf('/') >= 0) {
            throw new IllegalArgumentException("A database name is <username>/<db_name> with both parts non-empty and without '/'; was '"
                    + owner + "/" + database + "'");
        }
    }

    /**
     * @param fullName {@code <username>/<db_name>}
     * @return the parsed name
     * @throws IllegalArgumentException if the name does not have exactly one {@code /} between
     *                                  two non-empty parts, quoting the name
     */
    public static DatabaseName parse(String fullName) {
        Objects.requireNonNull(fullName, "fullName");
        int slash = fullName.indexOf('/');
        if (slash <= 0 || slash == fullName.length() - 1 || fullName.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("A database name is <username>/<db_name>; was '" + fullName + "'");
        }
        return new DatabaseName(fullName.substring(0, slash), fullName.substring(slash + 1));
    }

    /**
     * @return {@code <username>/<db_name>}
     */
    @Override
    public String toString() {
        return this.owner + "/" + this.database;
    }
}
