package dev.tributary.http.bitbucket;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The body of {@code POST .../pullrequests/{id}/merge} ({@code pullrequest_merge_parameters}):
 * {@code {"type": "pullrequest_merge_parameters", "merge_strategy": "squash", "message": "...",
 * "close_source_branch": true}}. Immutable.
 */
public final class PullRequestMerge extends JsonBody {

    private static final PullRequestMerge DEFAULTS = builder().build();

    private PullRequestMerge(Map<String, Object> body) {
        super(body);
    }

    /** @return a merge with the repository's defaults (strategy, message, source branch kept or not) */
    public static PullRequestMerge defaults() {
        return DEFAULTS;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link PullRequestMerge}; not thread-safe. */
    public static final class Builder {

        private final Map<String, Object> body = new LinkedHashMap<>();

        private Builder() {
            this.body.put("type", "pullrequest_merge_parameters");
        }

        /**
         * @param strategy {@code merge_commit}, {@code squash}, {@code fast_forward},
         *                 {@code squash_fast_forward}, {@code rebase_fast_forward} or {@code rebase_merge}
         * @return this builder
         */
        public Builder mergeStrategy(String strategy) {
            this.body.put("merge_strategy", Objects.requireNonNull(strategy, "strategy"));
            return this;
        }

        /**
         * @param message the merge commit's message (at most 128 KiB)
         * @return this builder
         */
        public Builder message(String message) {
            this.body.put("message", Objects.requireNonNull(message, "message"));
            return this;
        }

        /**
         * @param close whether the source branch is deleted
         * @return this builder
         */
        public Builder closeSourceBranch(boolean close) {
            this.body.put("close_source_branch", close);
            return this;
        }

        /** @return the merge parameters */
        public PullRequestMerge build() {
            return new PullRequestMerge(this.body);
        }
    }
}
