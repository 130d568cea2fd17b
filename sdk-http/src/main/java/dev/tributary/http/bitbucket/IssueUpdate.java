package dev.tributary.http.bitbucket;

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
public final class IssueUpdate extends JsonBody {

    private IssueUpdate(Map<String, Object> body) {
        super(body);
    }

    /** @return a builder with nothing set */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds an {@link IssueUpdate}; not thread-safe. Its setters ({@code title}, {@code content},
     * {@code state}, {@code kind}, {@code priority}, {@code assignee}, {@code milestone},
     * {@code component}, {@code version}) each change one field; {@code clearAssignee} unassigns.
     */
    public static final class Builder extends IssueFieldsBuilder<Builder> {

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * @param title the new title; not blank
         * @return this builder
         * @throws IllegalArgumentException when the title is blank
         */
        public Builder title(String title) {
            putTitle(title);
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

        /** @return this builder, unassigning the issue ({@code "assignee": null}) */
        public Builder clearAssignee() {
            this.body.put("assignee", null);
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
