package dev.tributary.http.bitbucket;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The body of {@code PUT /repositories/{workspace}/{repo_slug}/issues/{issue_id}}: only the fields
 * set are sent and changed; a field cleared with {@code clearAssignee()} and the like is sent as
 * {@code null}. Immutable.
 *
 * <pre>{@code
 * IssueUpdate resolve = IssueUpdate.builder().state("resolved").clearAssignee().build();
 * // {"state": "resolved", "assignee": null}
 * }</pre>
 */
public final class IssueUpdate {

    private final Map<String, Object> body;

    private IssueUpdate(Map<String, Object> body) {
        // LinkedHashMap keeps the nulls of cleared fields (Map.copyOf would refuse them)
        this.body = Collections.unmodifiableMap(new LinkedHashMap<>(body));
    }

    /** @return a builder with nothing set */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the JSON body as an ordered map (what is sent; cleared fields map to {@code null}) */
    @JsonValue
    public Map<String, Object> body() {
        return this.body;
    }

    @Override
    public String toString() {
        return "IssueUpdate" + this.body;
    }

    /** Builds an {@link IssueUpdate}; not thread-safe. */
    public static final class Builder {

        private final Map<String, Object> body = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * @param title the new title; not blank
         * @return this builder
         */
        public Builder title(String title) {
            Objects.requireNonNull(title, "title");
            if (title.isBlank()) {
                throw new IllegalArgumentException("an issue title must not be blank");
            }
            this.body.put("title", title);
            return this;
        }

        /**
         * @param raw the new description
         * @return this builder
         */
        public Builder content(String raw) {
            this.body.put("content", Map.of("raw", Objects.requireNonNull(raw, "raw")));
            return this;
        }

        /**
         * @param state {@code new}, {@code open}, {@code resolved}, {@code on hold}, {@code invalid},
         *              {@code duplicate}, {@code wontfix} or {@code closed}
         * @return this builder
         */
        public Builder state(String state) {
            this.body.put("state", Objects.requireNonNull(state, "state"));
            return this;
        }

        /**
         * @param kind {@code bug}, {@code enhancement}, {@code proposal} or {@code task}
         * @return this builder
         */
        public Builder kind(String kind) {
            this.body.put("kind", Objects.requireNonNull(kind, "kind"));
            return this;
        }

        /**
         * @param priority {@code trivial}, {@code minor}, {@code major}, {@code critical} or {@code blocker}
         * @return this builder
         */
        public Builder priority(String priority) {
            this.body.put("priority", Objects.requireNonNull(priority, "priority"));
            return this;
        }

        /**
         * @param accountId the Atlassian account id of the new assignee
         * @return this builder
         */
        public Builder assignee(String accountId) {
            this.body.put("assignee", Map.of("account_id", Objects.requireNonNull(accountId, "accountId")));
            return this;
        }

        /** @return this builder, unassigning the issue ({@code "assignee": null}) */
        public Builder clearAssignee() {
            this.body.put("assignee", null);
            return this;
        }

        /**
         * @param name the milestone's name
         * @return this builder
         */
        public Builder milestone(String name) {
            this.body.put("milestone", Map.of("name", Objects.requireNonNull(name, "name")));
            return this;
        }

        /**
         * @param name the component's name
         * @return this builder
         */
        public Builder component(String name) {
            this.body.put("component", Map.of("name", Objects.requireNonNull(name, "name")));
            return this;
        }

        /**
         * @param name the version's name
         * @return this builder
         */
        public Builder version(String name) {
            this.body.put("version", Map.of("name", Objects.requireNonNull(name, "name")));
            return this;
        }

        /**
         * @return the update
         * @throws IllegalStateException when nothing was set
         */
        public IssueUpdate build() {
            if (this.body.isEmpty()) {
                throw new IllegalStateException("an issue update must change at least one field");
            }
            return new IssueUpdate(this.body);
        }
    }
}
