package dev.tributary.http.bitbucket;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The body of {@code POST /repositories/{workspace}/{repo_slug}/issues}: a title and optionally
 * content, kind, priority, assignee, milestone, component and version. Immutable; serialized as
 * Bitbucket documents it:
 * <pre>{@code
 * {"title": "...", "content": {"raw": "..."}, "kind": "bug", "priority": "major",
 *  "assignee": {"account_id": "..."}, "milestone": {"name": "..."}, "component": {"name": "..."},
 *  "version": {"name": "..."}}
 * }</pre>
 * Only the fields set are sent; Bitbucket fills in the rest ({@code kind} {@code bug},
 * {@code priority} {@code major}, {@code state} {@code new}).
 *
 * <pre>{@code
 * NewIssue issue = NewIssue.builder("Crash on start").content("Steps: ...").kind("bug").priority("critical").build();
 * }</pre>
 */
public final class NewIssue {

    private final Map<String, Object> body;

    private NewIssue(Map<String, Object> body) {
        this.body = Collections.unmodifiableMap(new LinkedHashMap<>(body));
    }

    /**
     * @param title the title; not blank
     * @return a builder
     * @throws IllegalArgumentException when the title is blank
     */
    public static Builder builder(String title) {
        return new Builder(title);
    }

    /** @return the JSON body as an ordered map (what is sent) */
    @JsonValue
    public Map<String, Object> body() {
        return this.body;
    }

    /** @return the title */
    public String title() {
        return (String) this.body.get("title");
    }

    @Override
    public String toString() {
        return "NewIssue" + this.body;
    }

    /** Builds a {@link NewIssue}; not thread-safe. */
    public static final class Builder {

        private final Map<String, Object> body = new LinkedHashMap<>();

        private Builder(String title) {
            Objects.requireNonNull(title, "title");
            if (title.isBlank()) {
                throw new IllegalArgumentException("an issue title must not be blank");
            }
            this.body.put("title", title);
        }

        /**
         * @param raw the description, in the repository's markup (markdown)
         * @return this builder
         */
        public Builder content(String raw) {
            this.body.put("content", Map.of("raw", Objects.requireNonNull(raw, "raw")));
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
         * @param accountId the Atlassian account id of the assignee
         * @return this builder
         */
        public Builder assignee(String accountId) {
            this.body.put("assignee", Map.of("account_id", Objects.requireNonNull(accountId, "accountId")));
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

        /** @return the request */
        public NewIssue build() {
            return new NewIssue(this.body);
        }
    }
}
