package dev.tributary.http.auth;

import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Supplier;

/** {@code Authorization: Basic base64(user:password)} (RFC 7617), UTF-8. */
final class BasicAuth implements Auth {

    private final String username;
    private final Supplier<String> password;

    BasicAuth(String username, Supplier<String> password) {
        Objects.requireNonNull(username, "username");
        if (username.isEmpty() || username.indexOf(':') >= 0) {
            throw new IllegalArgumentException("Basic auth user name must be non-empty and contain no ':' (RFC 7617 §2)");
        }
        this.username = username;
        this.password = Objects.requireNonNull(password, "password");
    }

    @Override
    public Mono<String> authorization() {
        return Mono.fromSupplier(() -> {
            String secret = this.password.get();
            if (secret == null || secret.isEmpty()) {
                throw new CredentialsUnavailableException("No password or API token for " + this.username
                        + ": the supplier returned none");
            }
            byte[] pair = (this.username + ':' + secret).getBytes(StandardCharsets.UTF_8);
            return "Basic " + Base64.getEncoder().encodeToString(pair);
        });
    }

    @Override
    public String toString() {
        return "Auth.basic(" + this.username + ", REDACTED)";
    }
}
