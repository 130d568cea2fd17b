package dev.tributary.http.platform;

import dev.tributary.http.auth.Auth;
import dev.tributary.http.auth.CredentialsUnavailableException;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where the API key comes from: a fixed key, a supplier asked on every request and connect
 * (rotation), or an environment variable read on every request and connect. One source feeds the
 * HTTP requests' bearer token and the PostgreSQL password, so they cannot disagree. Never prints
 * the key.
 */
final class ApiKeySource {

    private final String fixed;
    private final Supplier<String> supplier;
    private final String description;

    private ApiKeySource(String fixed, Supplier<String> supplier, String description) {
        this.fixed = fixed;
        this.supplier = supplier;
        this.description = description;
    }

    static ApiKeySource fixed(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("the API key must not be null or blank");
        }
        return new ApiKeySource(key.strip(), null, "a fixed key");
    }

    static ApiKeySource supplier(Supplier<String> supplier) {
        Objects.requireNonNull(supplier, "supplier");
        return new ApiKeySource(null, () -> {
            String key = supplier.get();
            if (key == null || key.isBlank()) {
                throw new CredentialsUnavailableException("No API key: the API key supplier returned none");
            }
            return key.strip();
        }, "a supplier");
    }

    static ApiKeySource environment(String variable, Function<String, String> environment) {
        Objects.requireNonNull(variable, "variable");
        Objects.requireNonNull(environment, "environment");
        if (variable.isBlank()) {
            throw new IllegalArgumentException("the environment variable's name must not be blank");
        }
        return new ApiKeySource(null, () -> {
            String key = environment.apply(variable);
            if (key == null || key.isBlank()) {
                throw new CredentialsUnavailableException("No API key: the environment variable " + variable
                        + " is not set (or blank); set it to a platform API key (v2_...)");
            }
            return key.strip();
        }, "environment variable " + variable);
    }

    /**
     * @return the key now
     * @throws CredentialsUnavailableException when a supplier or the environment has none
     */
    String get() {
        return this.fixed != null ? this.fixed : this.supplier.get();
    }

    /** @return bearer authentication reading this source on every attempt */
    Auth auth() {
        return this.fixed != null ? Auth.bearer(this.fixed) : Auth.bearer(this.supplier);
    }

    /** @return the PostgreSQL password option's value: the key, or a supplier asked on every connect */
    Object password() {
        if (this.fixed != null) {
            return this.fixed;
        }
        Supplier<CharSequence> perConnect = this.supplier::get;
        return perConnect;
    }

    @Override
    public String toString() {
        return "API key from " + this.description;
    }
}
