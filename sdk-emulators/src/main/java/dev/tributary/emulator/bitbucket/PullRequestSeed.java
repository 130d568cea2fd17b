package dev.tributary.emulator.bitbucket;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A pull request to seed with {@link BitbucketEmulator#seedPullRequest}. Branches that do not
 * exist yet are created at the repository's head commit.
 *
 * @param title             not {@code null}
 * @param description       markdown, or {@code null} for ""
 * @param sourceBranch      the source branch name, not {@code null}
 * @param destinationBranch the destination branch, or {@code null} for the repository's main branch
 * @param state             {@code OPEN}, {@code MERGED}, {@code DECLINED} or {@code SUPERSEDED}
 * @param author            the author's nickname, not {@code null}
 * @param reviewers         reviewers' nicknames; not {@code null}
 * @param createdOn         {@code created_on}, or {@code null} for now
 * @param updatedOn         {@code updated_on}, or {@code null} for {@code createdOn}
 */
public record PullRequestSeed(String title, String description, String sourceBranch, String destinationBranch, String state,
                              String author, List<String> reviewers, Instant createdOn, Instant updatedOn) {

    static final List<String> STATES = List.of("OPEN", "MERGED", "DECLINED", "SUPERSEDED");

    /**
     * @throws IllegalArgumentException for an unknown state; {@link NullPointerException} for a
     *                                  missing required value
     */
    public PullRequestSeed {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(sourceBranch, "sourceBranch");
        Objects.requireNonNull(author, "author");
        reviewers = List.copyOf(reviewers);
        if (!STATES.contains(state)) {
            throw new IllegalArgumentException("state must be one of " + STATES + ", was '" + state + "'");
        }
    }

    /**
     * @param title        the title
     * @param sourceBranch the source branch
     * @param author       the author's nickname
     * @return an OPEN pull request into the main branch, without reviewers, created now
     */
    public static PullRequestSeed open(String title, String sourceBranch, String author) {
        return new PullRequestSeed(title, "", sourceBranch, null, "OPEN", author, List.of(), null, null);
    }

    /** @return a copy in that state */
    public PullRequestSeed withState(String newState) {
        return new PullRequestSeed(title, description, sourceBranch, destinationBranch, newState, author, reviewers, createdOn, updatedOn);
    }

    /** @return a copy with those reviewers' nicknames */
    public PullRequestSeed withReviewers(String... nicknames) {
        return new PullRequestSeed(title, description, sourceBranch, destinationBranch, state, author, List.of(nicknames), createdOn, updatedOn);
    }

    /** @return a copy into that destination branch */
    public PullRequestSeed withDestination(String branch) {
        return new PullRequestSeed(title, description, sourceBranch, branch, state, author, reviewers, createdOn, updatedOn);
    }

    /** @return a copy with those times */
    public PullRequestSeed withTimes(Instant created, Instant updated) {
        return new PullRequestSeed(title, description, sourceBranch, destinationBranch, state, author, reviewers, created, updated);
    }
}
