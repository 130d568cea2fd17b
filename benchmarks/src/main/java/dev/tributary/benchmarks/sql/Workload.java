package dev.tributary.benchmarks.sql;

/**
 * The closed-loop workloads and their SQL (the same statements for every contender).
 */
enum Workload {

    /** One row of {@code items} by primary key. */
    POINT_SELECT,

    /**
     * A three-statement read-modify-write transaction: read an account's balance
     * ({@code FOR UPDATE}), write it back plus one, insert a transfer row; then commit.
     */
    TRANSFER;

    static final String SELECT_ITEM = "SELECT " + Item.COLUMNS + " FROM items WHERE id = $1";
    static final String STREAM_ITEMS = "SELECT " + Item.COLUMNS + " FROM items WHERE id <= $1";
    static final String READ_BALANCE = "SELECT balance FROM accounts WHERE id = $1 FOR UPDATE";
    static final String WRITE_BALANCE = "UPDATE accounts SET balance = $2 WHERE id = $1";
    static final String INSERT_TRANSFER = "INSERT INTO transfers (account_id, amount) VALUES ($1, $2)";

    /** Accounts of the transfer workload (ids 1 to this). */
    static final long ACCOUNTS = 100_000;

    static String jdbc(String sql) {
        return sql.replaceAll("\\$\\d+", "?");
    }
}
