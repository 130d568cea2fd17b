package dev.tributary.http.bitbucket;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A repository ({@code repository} schema), as {@code GET /repositories/{workspace}/{repo_slug}} returns it; embedded (condensed) in issues, pull requests and commits with only uuid, name and full_name.
 * <p>
 * Decoded from Bitbucket's snake_case JSON; unknown properties are ignored and any component may be
 * {@code null} when the response leaves it out (a partial response selected with {@code fields}, a
 * condensed embedded object).
 *
 * @param uuid the repository UUID in braces
 * @param slug the slug used in URLs
 * @param name the name
 * @param fullName {@code workspace/slug}
 * @param description the description
 * @param isPrivate whether the repository is private
 * @param scm {@code git}
 * @param language the main language, possibly empty
 * @param size the size in bytes
 * @param forkPolicy {@code allow_forks}, {@code no_public_forks} or {@code no_forks}
 * @param hasIssues whether the issue tracker is enabled
 * @param hasWiki whether the wiki is enabled
 * @param mainbranch the main branch
 * @param owner the owner
 * @param workspace the workspace (condensed)
 * @param project the project (condensed)
 * @param createdOn when it was created
 * @param updatedOn when it was last updated
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Repository(String uuid, String slug, String name, String fullName, String description, Boolean isPrivate, String scm, String language, Long size, String forkPolicy, Boolean hasIssues, Boolean hasWiki, BranchRef mainbranch, Account owner, Workspace workspace, Project project, OffsetDateTime createdOn, OffsetDateTime updatedOn) {
}
