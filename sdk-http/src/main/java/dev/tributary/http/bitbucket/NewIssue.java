package dev.tributary.http.bitbucket;

import java.util.Map;

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
public final class NewIssue extends JsonBody {

    private NewIssue(Map<String, Object> body) {
        super(body);
    }

    /**
     * @param title the title; not blank
     * @return a builder
     * @throws IllegalArgumentException when the title is blank
     */
    public static Builder builder(String title) {
        return new Builder(title);
    }

    /** @return the title */
    public String title() {
        return (String) body().get("title");
    }

    /**
     * Builds a {@link NewIssue}; not thread-safe. Its setters ({@code content}, {@code kind},
     * {@code priority}, {@code assignee}, {@code milestone}, {@code component}, {@code version})
     * each add one field.
     */
    public static final class Builder extends IssueFieldsBuilder<Builder> {

        private Builder(String title) {
            putTitle(title);
        }

        @Override
        Builder self() {
            return this;
        }

        /** @return the request */
        public NewIssue build() {
            return new NewIssue(this.body);
        }
    }
}
