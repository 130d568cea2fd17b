package dev.tributary.http.bitbucket;


import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A member of a workspace ({@code workspace_membership} schema, the items of {@code GET /workspaces/{workspace}/members}).
 * <p>
 * Decoded from Bitbucket's snake_case JSON; unknown properties are ignored and any component may be
 * {@code null} when the response leaves it out (a partial response selected with {@code fields}, a
 * condensed embedded object).
 *
 * @param user the member
 * @param workspace the workspace (condensed)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record WorkspaceMembership(Account user, Workspace workspace) {
}
