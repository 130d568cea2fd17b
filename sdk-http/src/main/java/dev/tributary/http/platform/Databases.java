package dev.tributary.http.platform;

import dev.tributary.http.HttpServiceClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.Objects;

/**
 * The caller's databases ({@code /db/}): list, create, get, update (rename, privacy, quota) and
 * delete. Obtained from {@link PlatformClient#databases()}; thread-safe. Databases are named
 * {@code <username>/<db_name>} ({@code alice/demo}); each part is percent-encoded as one path
 * segment in the URL.
 * <p>
 * Every method returns a cold publisher: nothing is sent until it is subscribed to. Errors (as
 * {@code onError}): {@link dev.tributary.http.HttpUnauthorizedException} (401: no valid API key),
 * {@link dev.tributary.http.HttpForbiddenException} (403: the caller's role does not allow it),
 * {@link dev.tributary.http.HttpNotFoundException} (404: no such database, or not visible to the
 * caller), {@link dev.tributary.http.HttpConflictException} (409: the name is taken),
 * {@link dev.tributary.http.HttpBadRequestException} (400 and 422: the service rejected the
 * request), {@link dev.tributary.http.HttpTransientException} (429/502/503/504 once retries ran out,
 * connection failures, timeouts), {@link dev.tributary.http.auth.CredentialsUnavailableException}
 * (no API key to send). Each exception carries the service's error id and message.
 *
 * <pre>{@code
 * Databases databases = platform.databases();
 * Mono<Database> demo = databases.create(CreateDatabase.named("demo").withPrivate(false));
 * Flux<String> names = databases.list().map(Database::name);
 * }</pre>
 */
public final class Databases {

    private final HttpServiceClient http;

    Databases(HttpServiceClient http) {
        this.http = http;
    }

    /**
     * The databases the caller may see ({@code GET /db/}, answer {@code {"databases": [...]}}),
     * decoded as they arrive.
     *
     * @return the databases in the service's order; onError as listed on the class
     */
    public Flux<Database> list() {
        return Flux.defer(() -> this.http.get("/db/").streamArray("/databases", Database.class));
    }

    /**
     * Creates a private database with the service's storage quota ({@code POST /db/}, 201).
     *
     * @param name the name without the owner ({@code demo}); the database becomes {@code <caller>/<name>}
     * @return the new database; onError {@link dev.tributary.http.HttpConflictException} when the
     * caller has a database of that name, otherwise as listed on the class
     * @throws IllegalArgumentException if the name is blank or contains {@code /}
     */
    public Mono<Database> create(String name) {
        return create(CreateDatabase.named(name));
    }

    /**
     * Creates a database ({@code POST /db/}, 201). Not repeated after a transient failure (a
     * repeated create would answer 409).
     *
     * @param request its name, privacy and quota
     * @return the new database; onError {@link dev.tributary.http.HttpConflictException} when the
     * caller has a database of that name, otherwise as listed on the class
     */
    public Mono<Database> create(CreateDatabase request) {
        Objects.requireNonNull(request, "request");
        return Mono.defer(() -> this.http.post("/db/").jsonBody(request).retrieve(Database.class));
    }

    /**
     * One database ({@code GET /db/{username}/{db_name}}).
     *
     * @param database the full name, {@code <username>/<db_name>}
     * @return the database; onError {@link dev.tributary.http.HttpNotFoundException} when there is
     * none the caller may see, otherwise as listed on the class
     * @throws IllegalArgumentException if the name is not {@code <username>/<db_name>}
     */
    public Mono<Database> get(String database) {
        DatabaseName name = DatabaseName.parse(database);
        return Mono.defer(() -> this.http.get("/db/{username}/{db_name}", name.owner(), name.database())
                .retrieve(Database.class));
    }

    /**
     * Changes a database's name, privacy or quota ({@code PATCH /db/{username}/{db_name}}). After a
     * rename the database is {@code <owner>/<new name>} (the returned {@link Database#name()}).
     *
     * @param database the full name, {@code <username>/<db_name>}
     * @param update   what to change; at least one setting
     * @return the database as it is now; onError {@link dev.tributary.http.HttpNotFoundException},
     * {@link dev.tributary.http.HttpForbiddenException} (a reader or writer may not change it),
     * {@link dev.tributary.http.HttpConflictException} (a rename to a taken name), otherwise as
     * listed on the class
     * @throws IllegalArgumentException if the name is not {@code <username>/<db_name>} or the update
     *                                  changes nothing
     */
    public Mono<Database> update(String database, UpdateDatabase update) {
        DatabaseName name = DatabaseName.parse(database);
        Objects.requireNonNull(update, "update");
        if (update.isEmpty()) {
            throw new IllegalArgumentException("the update of " + database + " changes nothing: set a name, is_private"
                    + " or storage_limit_bytes");
        }
        return Mono.defer(() -> this.http.patch("/db/{username}/{db_name}", name.owner(), name.database())
                .jsonBody(update).retrieve(Database.class));
    }

    /**
     * Deletes a database and its data ({@code DELETE /db/{username}/{db_name}}; owner only).
     *
     * @param database the full name, {@code <username>/<db_name>}
     * @return the deleted database as it was; onError {@link dev.tributary.http.HttpNotFoundException},
     * {@link dev.tributary.http.HttpForbiddenException} (the caller does not own it), otherwise as
     * listed on the class
     * @throws IllegalArgumentException if the name is not {@code <username>/<db_name>}
     */
    public Mono<Database> delete(String database) {
        DatabaseName name = DatabaseName.parse(database);
        return Mono.defer(() -> this.http.delete("/db/{username}/{db_name}", name.owner(), name.database())
                .retrieve(Database.class));
    }
}
