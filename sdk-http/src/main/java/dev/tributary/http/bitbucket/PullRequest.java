package dev.tributary.http.bitbucket;

import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A pull request ({@code pullrequest} schema).
 * <p>
 * Decoded from Bitbucket's snake_case JSON; unknown properties are ignored and any component may be
 * {@code null} when the response leaves it out (a partial response selected with {@code fields}, a
 * condensed embedded object).
 *
 * @param id the pull request number, unique within the repository
 * @param title the title
 * @param description the description
 * @param state {@code OPEN}, {@code MERGED}, {@code DECLINED} or {@code SUPERSEDED}
 * @param author who opened it
 * @param source where the changes come from
 * @param destination where they go
 * @param mergeCommit the merge commit once merged
 * @param closeSourceBranch whether the source branch is deleted on merge
 * @param closedBy who merged or declined it
 * @param reason why it was declined
 * @param commentCount the number of comments
 * @param taskCount the number of tasks
 * @param participants its participants (only from the pull request's own URL, not in lists)
 * @param reviewers its reviewers (only from the pull request's own URL, not in lists)
 * @param createdOn when it was opened
 * @param updatedOn when it was last updated
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PullRequest(Integer id, String title, String description, String state, Account author, PullRequestEndpoint source, PullRequestEndpoint destination, CommitRef mergeCommit, Boolean closeSourceBranch, Account closedBy, String reason, Integer commentCount, Integer taskCount, List<Participant> participants, List<Account> reviewers, OffsetDateTime createdOn, OffsetDateTime updatedOn) {

    /** Copies the lists (immutable; {@code null} stays {@code null}). */
    public PullRequest {
        participants = participants == null ? null : List.copyOf(participants);
        reviewers = reviewers == null ? null : List.copyOf(reviewers);
    }
}
