package dev.tributary.sql;

/**
 * {@link SqlOperations} on one connection: what {@link SqlClient#inConnection} and
 * {@link SqlClient#inTransaction} hand to their function. Session state ({@code SET ...},
 * temporary tables, prepared statements) lasts as long as the function's publisher.
 * <p>
 * A session is valid only until the publisher returned by the function terminates or is
 * cancelled; using it afterwards signals {@link IllegalStateException}.
 */
public interface SqlSession extends SqlOperations {
}
