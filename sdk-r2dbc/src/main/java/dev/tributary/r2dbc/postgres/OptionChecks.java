package dev.tributary.r2dbc.postgres;

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The argument checks of the public option builders, so that a setter fails where the mistake is.
 */
final class OptionChecks {

    private OptionChecks() {
    }

    static String text(String name, String value) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value.trim();
    }

    static int port(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, was " + port);
        }
        return port;
    }

    static String file(String name, Path file) {
        return Objects.requireNonNull(file, name).toString();
    }

    /** Puts a secret (a CharSequence, Supplier or Publisher) under a sensitive option. */
    @SuppressWarnings("unchecked")
    static void putSecret(ConnectionFactoryOptions.Builder options, Option<?> option, Object secret) {
        options.option((Option<Object>) option, secret);
    }
}
