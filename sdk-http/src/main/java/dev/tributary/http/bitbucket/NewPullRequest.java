package dev.tributary.http.bitbucket;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The body of {@code POST /repositories/{workspace}/{repo_slug}/pullrequests}:
 * <pre>{@code
 * {"title": "...", "source": {"branch": {"name": "feature"}}, "destination": {"branch": {"name": "main"}},
 *  "description": "...", "close_source_branch": true, "reviewers": [{"uuid": "{...}"}]}
 * }</pre>
 * Without a destination, Bitbucket uses the repository's main branch. Immutable.
 */
public final class NewPullRequest {

    private final Map<String, Object> body;

    private NewPullRequest(Map<String, Object> body) {
        this.body = Collections.unmodifiableMap(new LinkedHashMap<>(body));
    }

    /**
     * @param title        the title; not blank
     * @param sourceBranch the branch with the changes; not blank
     * @return a builder
     * @throws IllegalArgumentException when either is blank
     */
    public static Builder builder(String title, String sourceBranch) {
        return new Builder(title, sourceBranch);
    }

    /** @return the JSON body as an ordered map (what is sent) */
    @JsonValue
    public Map<String, Object> body() {
        return this.body;
    }

    @Override
    public String toString() {
        return "NewPullRequest" + this.body;
    }

    /** Builds a {@link NewPullRequest}; not thread-safe. */
    public static final class Builder {

        private final Map<String, Object> body = new LinkedHashMap<>();
        private final List<Map<String, String>> reviewers = new ArrayList<>();

        private Builder(String title, String sourceBranch) {
            this.body.put("title", notBlank(title, "title"));
            this.body.put("source", Map.of("branch", Map.of("name", notBlank(sourceBranch, "sourceBranch"))));
        }

        /**
         * @param branch the branch to merge into (default: the repository's main branch)
         * @return this builder
         */
        public Builder destinationBranch(String branch) {
            this.body.put("destination", Map.of("branch", Map.of("name", notBlank(branch, "destinationBranch"))));
            return this;
        }

        /**
         * @param description the description (markdown)
         * @return this builder
         */
        public Builder description(String description) {
            this.body.put("description", Objects.requireNonNull(description, "description"));
            return this;
        }

        /**
         * @param close whether the source branch is deleted when the pull request is merged
         * @return this builder
         */
        public Builder closeSourceBranch(boolean close) {
            this.body.put("close_source_branch", close);
            return this;
        }

        /**
         * @param uuid a reviewer's account UUID, in braces
         * @return this builder
         */
        public Builder reviewer(String uuid) {
            this.reviewers.add(Map.of("uuid", notBlank(uuid, "uuid")));
            return this;
        }

        /** @return the request */
        public NewPullRequest build() {
            Map<String, Object> copy = new LinkedHashMap<>(this.body);
            if (!this.reviewers.isEmpty()) {
                copy.put("reviewers", List.copyOf(this.reviewers));
            }
            return new NewPullRequest(copy);
        }

        private static String notBlank(String value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }
    }
}
