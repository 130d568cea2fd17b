package dev.tributary.http.bitbucket;


import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The status of an asynchronous merge ({@code GET .../pullrequests/{id}/merge/task-status/{task_id}}): {@code PENDING}, then {@code SUCCESS} with the merged pull request (a failed merge answers with an error status instead).
 * <p>
 * Decoded from Bitbucket's snake_case JSON; unknown properties are ignored and any component may be
 * {@code null} when the response leaves it out (a partial response selected with {@code fields}, a
 * condensed embedded object).
 *
 * @param taskStatus {@code PENDING} or {@code SUCCESS}
 * @param mergeResult the merged pull request once {@code SUCCESS}, else {@code null}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record MergeTaskStatus(String taskStatus, PullRequest mergeResult) {
}
