package dev.tributary.http.auth;

import reactor.core.publisher.Mono;

import java.util.Objects;
import java.util.function.Function;

/** A bearer token read from an environment variable on every request. */
final class EnvironmentAuth implements Auth {

    private final String variable;
    private final Function<String, String> environment;

    private EnvironmentAuth(String variable, Function<String, String> environment) {
        this.variable = variable;
        this.environment = environment;
    }

    /**
     * @param variable    the variable's name
     * @param environment looks a variable up ({@code System::getenv}; a map in tests)
     */
    static EnvironmentAuth bearer(String variable, Function<String, String> environment) {
        Objects.requireNonNull(variable, "variable");
        if (variable.isBlank()) {
            throw new IllegalArgumentException("environment variable name must not be blank");
        }
        return new EnvironmentAuth(variable, environment);
    }

    @Override
    public Mono<String> authorization() {
        return Mono.fromSupplier(() -> {
            String value = this.environment.apply(this.variable);
            if (value == null || value.isBlank()) {
                throw new CredentialsUnavailableException("The environment variable " + this.variable
                        + " is not set (or blank): set it to the API key");
            }
            return "Bearer " + value.strip();
        });
    }

    @Override
    public String toString() {
        return "Auth.bearerFromEnvironment(" + this.variable + ")";
    }
}
