package dev.tributary.http.bitbucket;

/**
 * The states of a pull request. The list endpoint returns only {@link #OPEN} ones unless states are
 * given ({@link PullRequests#states(PullRequestState...)}).
 */
public enum PullRequestState {
    /** Open for review. */
    OPEN,
    /** Merged. */
    MERGED,
    /** Declined. */
    DECLINED,
    /** Superseded by another pull request. */
    SUPERSEDED
}
