package dev.tributary.http.platform;

import dev.tributary.http.HttpServiceClient;
import reactor.core.publisher.Mono;

import java.util.Objects;

/**
 * The caller's own API keys ({@code /api-key/}): issue a new one, revoke one, revoke all.
 * Obtained from {@link PlatformClient#apiKeys()}; thread-safe; every method returns a cold
 * publisher. Keys are secrets: they never appear in this SDK's messages or {@code toString}.
 *
 * <pre>{@code
 * ApiKey fresh = platform.apiKeys().create().block();
 * PlatformClient rotated = PlatformClient.builder().apiKey(fresh.apiKey()).build();
 * platform.apiKeys().revoke(oldKey).block();
 * }</pre>
 * Errors (as {@code onError}): {@link dev.tributary.http.HttpUnauthorizedException} (401: the key
 * the client sends is not valid), {@link dev.tributary.http.HttpTransientException} (429/502/503/504
 * once retries ran out, connection failures, timeouts),
 * {@link dev.tributary.http.auth.CredentialsUnavailableException}.
 */
public final class ApiKeys {

    private final HttpServiceClient http;

    ApiKeys(HttpServiceClient http) {
        this.http = http;
    }

    /**
     * Issues a new API key for the caller ({@code POST /api-key/}). Not repeated after a transient
     * failure (a repeat would issue a second key).
     *
     * @return the new key and the caller's user name; onError as listed on the class
     */
    public Mono<ApiKey> create() {
        return Mono.defer(() -> this.http.post("/api-key/").retrieve(ApiKey.class));
    }

    /**
     * Revokes one of the caller's keys ({@code DELETE /api-key/?api_key=KEY}). The key travels in the
     * query (as the service requires) and is shown as {@code REDACTED} in every message.
     *
     * @param apiKey the key to revoke ({@code v2_...}); not blank. It may be the key this client sends:
     *               its later requests then fail with {@link dev.tributary.http.HttpUnauthorizedException}
     * @return completes when it is revoked; onError as listed on the class
     * @throws IllegalArgumentException if the key is blank (the message never shows it)
     */
    public Mono<Void> revoke(String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("the API key to revoke must not be null or blank");
        }
        return Mono.defer(() -> this.http.delete("/api-key/").query("api_key", apiKey.strip()).execute());
    }

    /**
     * Revokes every key of the caller ({@code DELETE /api-key/}), the one this client sends included:
     * its later requests fail with {@link dev.tributary.http.HttpUnauthorizedException}.
     *
     * @return completes when they are revoked; onError as listed on the class
     */
    public Mono<Void> revokeAll() {
        return Mono.defer(() -> this.http.delete("/api-key/").execute());
    }

    @Override
    public String toString() {
        return "ApiKeys{" + Objects.toString(this.http.getBaseUrl()) + '}';
    }
}
