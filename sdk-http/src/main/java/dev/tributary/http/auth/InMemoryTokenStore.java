package dev.tributary.http.auth;

import reactor.core.publisher.Mono;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/** Tokens in an {@link AtomicReference}. */
final class InMemoryTokenStore implements TokenStore {

    private final AtomicReference<Tokens> tokens;

    InMemoryTokenStore(Tokens initial) {
        this.tokens = new AtomicReference<>(initial);
    }

    @Override
    public Mono<Tokens> load() {
        return Mono.fromSupplier(this.tokens::get);
    }

    @Override
    public Mono<Void> save(Tokens tokens) {
        Objects.requireNonNull(tokens, "tokens");
        return Mono.fromRunnable(() -> this.tokens.set(tokens));
    }

    @Override
    public String toString() {
        return "TokenStore.inMemory()";
    }
}
