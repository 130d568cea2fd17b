package dev.tributary.http.platform;

import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A database on the platform, as {@code GET /db/{username}/{db_name}} returns it (schema
 * {@code Database} of the v2beta OpenAPI document).
 *
 * @param id                the database's id, never {@code null}
 * @param name              the full name {@code <username>/<db_name>}, never {@code null}
 * @param dateCreated       when it was created, never {@code null}
 * @param isPrivate         whether only its members can read it
 * @param role              the caller's role on it, never {@code null}
 * @param storageLimitBytes the storage quota (bytes)
 * @param storageUsageBytes the storage used (bytes), {@code null} when the service leaves it out
 * @param usageCurrent      rows queried in the current billing period, never {@code null}
 * @param usagePrevious     rows queried in the previous billing period, never {@code null}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Database(UUID id, String name, OffsetDateTime dateCreated, boolean isPrivate, Role role,
                       long storageLimitBytes, Long storageUsageBytes, DatabaseUsage usageCurrent,
                       DatabaseUsage usagePrevious) {

    /**
     * @throws NullPointerException if a required field is missing
     */
    public Database {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dateCreated, "date_created");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(usageCurrent, "usage_current");
        Objects.requireNonNull(usagePrevious, "usage_previous");
    }

    /**
     * @return the owner part of {@link #name()} ({@code alice} of {@code alice/demo})
     */
    public String owner() {
        return DatabaseName.parse(this.name).owner();
    }
}
