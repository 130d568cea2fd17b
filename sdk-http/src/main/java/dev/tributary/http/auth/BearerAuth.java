package dev.tributary.http.auth;

import reactor.core.publisher.Mono;

import java.util.function.Supplier;

/** {@code Authorization: Bearer <token>} (RFC 6750 §2.1), the token read on every request. */
final class BearerAuth implements Auth {

    private final Supplier<String> token;
    private final String source;

    BearerAuth(Supplier<String> token, String source) {
        this.token = token;
        this.source = source;
    }

    @Override
    public Mono<String> authorization() {
        return Mono.fromSupplier(() -> {
            String value = this.token.get();
            if (value == null || value.isBlank()) {
                throw new CredentialsUnavailableException("No bearer token: " + this.source + " returned none");
            }
            return "Bearer " + value.strip();
        });
    }

    @Override
    public String toString() {
        return "Auth.bearer(REDACTED from " + this.source + ")";
    }
}
