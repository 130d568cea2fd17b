package dev.tributary.http.bitbucket;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A workspace ({@code workspace} schema), as {@code GET /workspaces/{workspace}} returns it or embedded in a repository.
 * <p>
 * Decoded from Bitbucket's snake_case JSON; unknown properties are ignored and any component may be
 * {@code null} when the response leaves it out (a partial response selected with {@code fields}, a
 * condensed embedded object).
 *
 * @param uuid the workspace UUID in braces
 * @param slug the slug used in URLs
 * @param name the display name
 * @param isPrivate whether the workspace is private
 * @param createdOn when it was created
 * @param type {@code workspace} (or {@code workspace_base} in condensed form)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Workspace(String uuid, String slug, String name, Boolean isPrivate, OffsetDateTime createdOn, String type) {
}
