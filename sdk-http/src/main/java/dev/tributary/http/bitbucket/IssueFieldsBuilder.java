package dev.tributary.http.bitbucket;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The issue fields that {@link NewIssue.Builder} and {@link IssueUpdate.Builder} both set, written
 * into the JSON body as Bitbucket documents them ({@code "content": {"raw": ...}},
 * {@code "assignee": {"account_id": ...}}, {@code "milestone": {"name": ...}}...).
 *
 * @param <B> the concrete builder, returned by every setter
 */
abstract class IssueFieldsBuilder<B extends IssueFieldsBuilder<B>> {

    /** The body being built, in the order the fields were set. */
    final Map<String, Object> body = new LinkedHashMap<>();

    IssueFieldsBuilder() {
    }

    /** @return this builder as its concrete type */
    abstract B self();

    /**
     * Sets the title.
     *
     * @param title the title; not blank
     * @throws IllegalArgumentException when the title is blank
     */
    final void putTitle(String title) {
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
    public B content(String raw) {
        this.body.put("content", Map.of("raw", Objects.requireNonNull(raw, "raw")));
        return self();
    }

    /**
     * @param kind {@code bug}, {@code enhancement}, {@code proposal} or {@code task}
     * @return this builder
     */
    public B kind(String kind) {
        this.body.put("kind", Objects.requireNonNull(kind, "kind"));
        return self();
    }

    /**
     * @param priority {@code trivial}, {@code minor}, {@code major}, {@code critical} or {@code blocker}
     * @return this builder
     */
    public B priority(String priority) {
        this.body.put("priority", Objects.requireNonNull(priority, "priority"));
        return self();
    }

    /**
     * @param accountId the Atlassian account id of the assignee
     * @return this builder
     */
    public B assignee(String accountId) {
        this.body.put("assignee", Map.of("account_id", Objects.requireNonNull(accountId, "accountId")));
        return self();
    }

    /**
     * @param name the milestone's name
     * @return this builder
     */
    public B milestone(String name) {
        this.body.put("milestone", Map.of("name", Objects.requireNonNull(name, "name")));
        return self();
    }

    /**
     * @param name the component's name
     * @return this builder
     */
    public B component(String name) {
        this.body.put("component", Map.of("name", Objects.requireNonNull(name, "name")));
        return self();
    }

    /**
     * @param name the version's name
     * @return this builder
     */
    public B version(String name) {
        this.body.put("version", Map.of("name", Objects.requireNonNull(name, "name")));
        return self();
    }
}
