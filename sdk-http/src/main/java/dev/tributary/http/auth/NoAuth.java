package dev.tributary.http.auth;

import reactor.core.publisher.Mono;

/** No {@code Authorization} header. */
final class NoAuth implements Auth {

    static final NoAuth INSTANCE = new NoAuth();

    private NoAuth() {
    }

    @Override
    public Mono<String> authorization() {
        return Mono.empty();
    }

    @Override
    public String toString() {
        return "Auth.none()";
    }
}
