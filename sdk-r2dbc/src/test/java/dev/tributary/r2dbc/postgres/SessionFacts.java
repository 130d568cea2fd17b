package dev.tributary.r2dbc.postgres;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import reactor.core.publisher.Mono;

/**
 * What the server says about the session a connection factory opens: who logged in, how, to
 * which database, and whether over TLS. Read in one round trip, connection closed afterwards.
 *
 * @param currentUser     {@code current_user}
 * @param systemUser      {@code system_user} (PostgreSQL 16+): {@code <auth method>:<identity>},
 *                        for example {@code scram-sha-256:alice}; {@code null} for trust
 * @param currentDatabase {@code current_database()}
 * @param ssl             {@code pg_stat_ssl.ssl} of this backend
 */
record SessionFacts(String currentUser, String systemUser, String currentDatabase, boolean ssl) {

    private static final String SQL = "SELECT current_user::text AS u, system_user AS s, current_database()::text AS d,"
            + " (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) AS ssl";

    static Mono<SessionFacts> of(ConnectionFactory connectionFactory) {
        return Mono.usingWhen(connectionFactory.create(),
                connection -> Mono.from(connection.createStatement(SQL).execute())
                        .flatMap(result -> Mono.from(result.map((row, metadata) -> new SessionFacts(
                                row.get("u", String.class), row.get("s", String.class), row.get("d", String.class),
                                Boolean.TRUE.equals(row.get("ssl", Boolean.class)))))),
                Connection::close);
    }
}
