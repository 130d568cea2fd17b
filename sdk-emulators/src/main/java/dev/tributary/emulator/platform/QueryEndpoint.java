package dev.tributary.emulator.platform;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.emulator.platform.Accounts.Account;
import dev.tributary.emulator.platform.Databases.PlatformDatabase;
import dev.tributary.emulator.platform.ExportWriter.ExportColumn;
import dev.tributary.emulator.platform.PostgresTypeNames.ColumnOid;
import dev.tributary.sql.SqlClient;
import dev.tributary.sql.SqlSession;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.r2dbc.spi.R2dbcException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code POST /query}: one statement in a transaction of its own on the database's pool (a
 * read-only transaction for a {@link DatabaseRole#READER}), its rows streamed into the response
 * as they arrive, with backpressure from the client's socket back to the database.
 * <ul>
 *   <li>The status is decided by the statement's first signal: an error before the first row is a
 *       400 {@code QueryError} whose message carries PostgreSQL's message and SQLSTATE; otherwise
 *       200, and the body follows the rows. An error after rows were sent (a division by zero in
 *       row 10,000) cannot change the status any more: the connection is closed before the JSON
 *       ends, so a client sees a broken body, never a short, valid one.</li>
 *   <li>A statement that returns no rows (DDL, {@code INSERT} without {@code RETURNING}) answers
 *       {@code "metadata": {}, "data": []}. A query ({@code SELECT}, {@code WITH}, {@code VALUES},
 *       {@code TABLE}) with an empty result still names its columns: it is described by running it
 *       again, read-only, as {@code SELECT q.* FROM (VALUES (1)) v LEFT JOIN (query) q ON true}
 *       (one row of NULLs), and answers an empty {@code metadata} when that fails.</li>
 * </ul>
 */
final class QueryEndpoint {

    private static final Set<String> QUERY_KEYWORDS = Set.of("SELECT", "WITH", "VALUES", "TABLE");

    private final Databases databases;
    private final PostgresTypeNames typeNames;

    QueryEndpoint(Databases databases, PostgresTypeNames typeNames) {
        this.databases = databases;
        this.typeNames = typeNames;
    }

    Mono<Void> query(Account caller, ObjectNode body, boolean objects, HttpServerResponse response) {
        String queryString = JsonBodies.requiredString(body, "query_string");
        String databaseName = JsonBodies.requiredString(body, "database_name");
        String sql = SingleStatement.require(queryString);
        PlatformDatabase db = this.databases.byFullName(databaseName);
        DatabaseRole role = db == null ? null : Databases.role(caller, db);
        if (role == null) {
            throw ApiError.notFound("Database " + databaseName + " was not found");
        }
        SqlClient client = db.client;
        AtomicReference<List<ColumnOid>> described = new AtomicReference<>();
        Flux<Object[]> rows = client.inTransactionMany(tx -> readOnlyUnless(role.canWrite(), tx)
                .thenMany(tx.sql(sql).map((row, metadata) -> {
                    if (described.get() == null) {
                        described.set(PostgresTypeNames.columns(metadata));
                    }
                    return SqlValues.of(row, metadata.getColumnMetadatas().size());
                }).all()));
        Flux<byte[]> chunks = rows.switchOnFirst((first, all) -> {
            if (first.hasValue()) {
                return this.typeNames.resolve(db.id.toString(), client, described.get())
                        .flatMapMany(columns -> QueryResponseBody.encode(queryString, columns, objects, all, n -> this.databases.countRows(db, n)));
            }
            if (first.isOnComplete()) {
                return describeEmpty(db, sql)
                        .flatMapMany(columns -> QueryResponseBody.encode(queryString, columns, objects, Flux.empty(), n -> { }));
            }
            return all.thenMany(Flux.<byte[]>empty());
        });
        return chunks.switchOnFirst((first, all) -> {
            if (first.isOnError()) {
                return Mono.error(toApiError(first.getThrowable()));
            }
            return response.status(HttpResponseStatus.OK)
                    .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .send(all.map(Unpooled::wrappedBuffer));
        }).then();
    }

    /**
     * The columns of a query's empty result (see the class comment), or none.
     *
     * @return the columns; never an error
     */
    Mono<List<ExportColumn>> describeEmpty(PlatformDatabase db, String sql) {
        if (!QUERY_KEYWORDS.contains(SingleStatement.leadingKeyword(sql))) {
            return Mono.just(List.of());
        }
        SqlClient client = db.client;
        String describe = "SELECT q.* FROM (VALUES (1)) AS tributary_describe(x) LEFT JOIN (" + sql + "\n) AS q ON true";
        return client.inTransactionMany(tx -> readOnlyUnless(false, tx)
                        .thenMany(tx.sql(describe).map((row, metadata) -> PostgresTypeNames.columns(metadata)).all()))
                .next()
                .flatMap(columns -> this.typeNames.resolve(db.id.toString(), client, columns))
                .onErrorResume(e -> Mono.empty())
                .defaultIfEmpty(List.of());
    }

    static Mono<Long> readOnlyUnless(boolean writable, SqlSession tx) {
        return writable ? Mono.just(0L) : tx.sql("SET TRANSACTION READ ONLY").rowsUpdated();
    }

    /** @return the 400 {@code QueryError} for a statement's error */
    static ApiError toApiError(Throwable error) {
        if (error instanceof ApiError api) {
            return api;
        }
        if (error instanceof R2dbcException e) {
            return ApiError.badRequest("QueryError", sqlMessage(e), "See https://www.postgresql.org/docs/current/errcodes-appendix.html");
        }
        if (error instanceof IllegalArgumentException || error instanceof IllegalStateException) {
            // the SDK's checks of the statement text (an unbound :name or $1 parameter)
            return ApiError.badRequest("QueryError", String.valueOf(error.getMessage()));
        }
        throw new IllegalStateException("The query failed unexpectedly", error);
    }

    /**
     * @return PostgreSQL's message of a statement's error, with its SQLSTATE ({@code relation "x"
     *         does not exist (SQLSTATE 42P01)}), without the SQL the SDK appends
     */
    static String sqlMessage(R2dbcException error) {
        R2dbcException innermost = error;
        for (Throwable t = error.getCause(); t != null; t = t.getCause()) {
            if (t instanceof R2dbcException r) {
                innermost = r;
            }
        }
        String message = innermost.getMessage() != null ? innermost.getMessage() : innermost.getClass().getSimpleName();
        int sql = message.indexOf(" [SQL: ");
        if (sql >= 0) {
            message = message.substring(0, sql);
        }
        String state = innermost.getSqlState() != null ? innermost.getSqlState() : error.getSqlState();
        return state != null && !message.contains(state) ? message + " (SQLSTATE " + state + ")" : message;
    }
}
