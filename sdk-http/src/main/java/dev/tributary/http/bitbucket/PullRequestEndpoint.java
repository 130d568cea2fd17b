package dev.tributary.http.bitbucket;


import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The source or destination of a pull request: a branch and commit in a repository.
 * <p>
 * Decoded from Bitbucket's snake_case JSON; unknown properties are ignored and any component may be
 * {@code null} when the response leaves it out (a partial response selected with {@code fields}, a
 * condensed embedded object).
 *
 * @param branch the branch
 * @param commit the head commit
 * @param repository the repository (condensed)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PullRequestEndpoint(BranchRef branch, CommitRef commit, Repository repository) {
}
