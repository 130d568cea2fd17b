package dev.tributary.emulator.platform;

/**
 * What a platform account may do with a database, as the platform's {@code role} field names it
 * (in a Database and in a ServiceAccount).
 * <table>
 *   <caption>What each role may do in the emulator</caption>
 *   <tr><th>role</th><th>query</th><th>export</th><th>import</th><th>PATCH</th><th>DELETE</th><th>PostgreSQL login</th></tr>
 *   <tr><td>{@link #OWNER}</td><td>read/write</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td><td>the database's owner role</td></tr>
 *   <tr><td>{@link #ADMIN}</td><td>read/write</td><td>yes</td><td>yes</td><td>yes</td><td>403</td><td>the database's owner role</td></tr>
 *   <tr><td>{@link #WRITER}</td><td>read/write</td><td>yes</td><td>yes</td><td>403</td><td>403</td><td>the database's owner role</td></tr>
 *   <tr><td>{@link #READER}</td><td>read-only transactions</td><td>yes</td><td>403</td><td>403</td><td>403</td><td>the database's read-only role</td></tr>
 * </table>
 * Any account is a {@code READER} of a public database ({@code is_private=false}) it has no other role on.
 */
public enum DatabaseRole {

    /** The account that created the database. */
    OWNER,

    /** May change the database's metadata, and read and write its data. */
    ADMIN,

    /** May read and write data (queries, imports). */
    WRITER,

    /** May read data (read-only queries, exports). */
    READER;

    boolean canWrite() {
        return this != READER;
    }

    boolean canAdminister() {
        return this == OWNER || this == ADMIN;
    }
}
