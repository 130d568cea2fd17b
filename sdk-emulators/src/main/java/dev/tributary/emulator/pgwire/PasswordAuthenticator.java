package dev.tributary.emulator.pgwire;

import reactor.core.publisher.Mono;

/**
 * Decides whether {@link PostgresGateway} accepts a client, from what the client sent: the
 * database and user of its StartupMessage and the password of its PasswordMessage (on a platform,
 * an API key). It answers with how to log in upstream, or with nothing to refuse the client, which
 * then gets a FATAL ErrorResponse of SQLSTATE {@code 28P01} ("password authentication failed for
 * user ..."), as PostgreSQL sends it; the password is never echoed or logged.
 *
 * <pre>{@code
 * PasswordAuthenticator byApiKey = (database, user, password) -> keys.owner(password)   // Mono<String>
 *         .filter(owner -> database.startsWith(owner + "/"))
 *         .map(owner -> UpstreamLogin.trusted(database, "postgres"));
 * }</pre>
 *
 * The returned {@code Mono} is subscribed to on one of the gateway's event loops and must not
 * block (look keys up reactively, or hop to {@code Schedulers.boundedElastic()}); it may complete
 * on any thread. An error refuses the client with a FATAL ErrorResponse of SQLSTATE {@code XX000}
 * and is logged; a {@code Mono} that does not complete before the gateway's startup timeout is
 * cancelled.
 */
@FunctionalInterface
public interface PasswordAuthenticator {

    /**
     * @param database the database the client asked for (its StartupMessage's {@code database}, or
     *                 the user name when absent), for example {@code alice/demo}; never {@code null}
     * @param user     the client's user name; never {@code null} or empty
     * @param password the password the client sent (may be empty); a secret: do not log it
     * @return the upstream login for an accepted client, or an empty {@code Mono} to refuse it
     */
    Mono<UpstreamLogin> authenticate(String database, String user, String password);
}
