package dev.tributary.http.platform;

/**
 * A caller's or a service account's role on a database.
 */
public enum Role {
    /** Created the database; the only role that may delete it. */
    OWNER,
    /** May change the database and its members. */
    ADMIN,
    /** May read. */
    READER,
    /** May read and write. */
    WRITER
}
