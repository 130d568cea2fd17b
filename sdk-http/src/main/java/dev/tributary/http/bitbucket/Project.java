package dev.tributary.http.bitbucket;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A project of a workspace ({@code project} schema).
 * <p>
 * Decoded from Bitbucket's snake_case JSON; unknown properties are ignored and any component may be
 * {@code null} when the response leaves it out (a partial response selected with {@code fields}, a
 * condensed embedded object).
 *
 * @param uuid the project UUID in braces
 * @param key the project key, e.g. {@code PUB}
 * @param name the name
 * @param description the description
 * @param isPrivate whether the project is private
 * @param createdOn when it was created
 * @param updatedOn when it was last updated
 * @param owner the owner
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Project(String uuid, String key, String name, String description, Boolean isPrivate, OffsetDateTime createdOn, OffsetDateTime updatedOn, Account owner) {
}
