package dev.tributary.http.platform;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A newly issued API key ({@code POST /api-key/}, {@code POST /service-account/{id}/api-key/}).
 * {@link #toString()} never shows the key.
 *
 * @param apiKey   the key ({@code v2_...}), a secret: it is the password of direct PostgreSQL
 *                 connections too
 * @param username the user or service account the key belongs to
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ApiKey(String apiKey, String username) {

    /**
     * @throws NullPointerException if a field is missing
     */
    public ApiKey {
        Objects.requireNonNull(apiKey, "api_key");
        Objects.requireNonNull(username, "username");
    }

    @Override
    public String toString() {
        return "ApiKey[apiKey=REDACTED, username=" + this.username + "]";
    }
}
