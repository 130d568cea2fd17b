package dev.tributary.http.platform;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A service account: a non-human user with its own API keys and a role on some databases (the
 * shape the official SDKs decode; the v2beta OpenAPI document does not cover it).
 *
 * @param id               the account's id, never {@code null}
 * @param name             its name, never {@code null}
 * @param dateCreated      when it was created, never {@code null}
 * @param role             its role on {@link #databases()}, never {@code null}
 * @param databases        the databases it may use, never {@code null}
 * @param tokenCount       the API keys ever issued to it
 * @param activeTokenCount the API keys not revoked
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ServiceAccount(UUID id, String name, OffsetDateTime dateCreated, Role role,
                             List<DatabaseRef> databases, int tokenCount, int activeTokenCount) {

    /**
     * @throws NullPointerException if a required field is missing
     */
    public ServiceAccount {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dateCreated, "date_created");
        Objects.requireNonNull(role, "role");
        databases = databases == null ? List.of() : List.copyOf(databases);
    }

    /**
     * A database a service account may use.
     *
     * @param id   the database's id
     * @param name its full name {@code <username>/<db_name>}
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DatabaseRef(UUID id, String name) {
    }
}
