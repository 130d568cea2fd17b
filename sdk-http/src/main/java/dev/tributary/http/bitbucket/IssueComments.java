package dev.tributary.http.bitbucket;

import dev.tributary.http.RequestSpec;
import reactor.core.publisher.Mono;

/**
 * The comments of an issue ({@code GET /repositories/{workspace}/{repo_slug}/issues/{issue_id}/comments}), and new ones.
 * <p>
 * Listing options (filter, sort, fields, page length) are those of {@link PagedResource}; each
 * returns a new {@code IssueComments}. Immutable and thread-safe.
 */
public final class IssueComments extends PagedResource<IssueComment, IssueComments> {

    private final String workspace;
    private final String repo;
    private final Integer issue;

    IssueComments(BitbucketClient client, ListOptions options, String workspace, String repo, Integer issue) {
        super(client, options);
        this.workspace = BitbucketClient.requireName(workspace, "workspace");
        this.repo = BitbucketClient.requireName(repo, "repo");
        this.issue = issue;
    }

    @Override
    IssueComments with(ListOptions options) {
        return new IssueComments(this.client, options, this.workspace, this.repo, this.issue);
    }

    @Override
    RequestSpec firstPage() {
        return this.client.http().get("/repositories/{workspace}/{repo_slug}/issues/{issue_id}/comments", this.workspace, this.repo, this.issue);
    }

    @Override
    Class<IssueComment> itemType() {
        return IssueComment.class;
    }

    @Override
    Object keyOf(IssueComment item) {
        return item.id();
    }

    /**
     * Adds a comment ({@code POST .../comments} with {@code {"content": {"raw": ...}}}). Retried only on
     * 429 (which Bitbucket answers before processing), so a comment is never posted twice.
     *
     * @param raw the text (markdown); not blank
     * @return the comment as created; onError {@link dev.tributary.http.HttpException}
     */
    public Mono<IssueComment> create(String raw) {
        java.util.Objects.requireNonNull(raw, "raw");
        if (raw.isBlank()) {
            throw new IllegalArgumentException("a comment must not be blank");
        }
        return this.client.write(this.client.http().post("/repositories/{workspace}/{repo_slug}/issues/{issue_id}/comments",
                        this.workspace, this.repo, this.issue)
                .jsonBody(java.util.Map.of("content", java.util.Map.of("raw", raw))), IssueComment.class);
    }
}
