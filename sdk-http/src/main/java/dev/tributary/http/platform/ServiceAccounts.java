package dev.tributary.http.platform;

import dev.tributary.http.HttpServiceClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.Objects;
import java.util.UUID;

/**
 * The caller's service accounts ({@code /service-account/}): non-human users with keys of their
 * own and a role on some databases. Obtained from {@link PlatformClient#serviceAccounts()};
 * thread-safe; every method returns a cold publisher. The endpoints are not in the v2beta OpenAPI
 * document; their shapes are the official SDKs' (node-bitdotio, python-bitdotio, go-bitdotio).
 *
 * <pre>{@code
 * Mono<ApiKey> key = platform.serviceAccounts().list()
 *         .filter(account -> account.name().equals("etl"))
 *         .next()
 *         .flatMap(account -> platform.serviceAccounts().createKey(account.id()));
 * }</pre>
 * Errors (as {@code onError}): {@link dev.tributary.http.HttpUnauthorizedException} (401),
 * {@link dev.tributary.http.HttpNotFoundException} (404: no such account of the caller's),
 * {@link dev.tributary.http.HttpTransientException} (429/502/503/504 once retries ran out,
 * connection failures, timeouts), {@link dev.tributary.http.auth.CredentialsUnavailableException}.
 */
public final class ServiceAccounts {

    private final HttpServiceClient http;

    ServiceAccounts(HttpServiceClient http) {
        this.http = http;
    }

    /**
     * The caller's service accounts ({@code GET /service-account/}, answer
     * {@code {"service_accounts": [...]}}).
     *
     * @return the accounts; onError as listed on the class
     */
    public Flux<ServiceAccount> list() {
        return Flux.defer(() -> this.http.get("/service-account/").streamArray("/service_accounts", ServiceAccount.class));
    }

    /**
     * One service account ({@code GET /service-account/{id}}).
     *
     * @param id the account's id
     * @return the account; onError {@link dev.tributary.http.HttpNotFoundException} when the caller
     * has none with that id, otherwise as listed on the class
     */
    public Mono<ServiceAccount> get(UUID id) {
        Objects.requireNonNull(id, "id");
        return Mono.defer(() -> this.http.get("/service-account/{id}", id).retrieve(ServiceAccount.class));
    }

    /**
     * Issues a new API key for a service account ({@code POST /service-account/{id}/api-key/}). Not
     * repeated after a transient failure (a repeat would issue a second key).
     *
     * @param id the account's id
     * @return the new key (a secret: {@link ApiKey#toString()} hides it) and the account's user name;
     * onError as listed on the class
     */
    public Mono<ApiKey> createKey(UUID id) {
        Objects.requireNonNull(id, "id");
        return Mono.defer(() -> this.http.post("/service-account/{id}/api-key/", id).retrieve(ApiKey.class));
    }

    /**
     * Revokes every API key of a service account ({@code DELETE /service-account/{id}/api-key/});
     * requests made with them are answered 401 afterwards.
     *
     * @param id the account's id
     * @return completes when the keys are revoked; onError as listed on the class
     */
    public Mono<Void> revokeKeys(UUID id) {
        Objects.requireNonNull(id, "id");
        return Mono.defer(() -> this.http.delete("/service-account/{id}/api-key/", id).execute());
    }
}
