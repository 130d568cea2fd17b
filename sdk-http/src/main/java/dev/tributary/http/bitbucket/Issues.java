package dev.tributary.http.bitbucket;

import dev.tributary.http.RequestSpec;
import reactor.core.publisher.Mono;

import java.util.Objects;

/**
 * The issue tracker of a repository: list ({@code GET /repositories/{workspace}/{repo_slug}/issues}),
 * get, create, update, delete, and comments.
 * <p>
 * Without an explicit {@link #sort(String)}, the list is sorted by {@code id} on the server
 * ({@code sort=id}): Bitbucket's unsorted order is not stable across pages, which shows as
 * duplicates (dropped by the walk) and gaps (not recoverable) when the tracker changes during a walk.
 * Listing options are those of {@link PagedResource}. Immutable and thread-safe.
 *
 * <pre>{@code
 * Flux<Issue> open = bb.issues("ws", "repo")
 *         .filter(Bbql.field("state").in("new", "open").and(Bbql.field("priority").ge("major")))
 *         .sortDescending("updated_on")
 *         .list();
 * }</pre>
 */
public final class Issues extends PagedResource<Issue, Issues> {

    private final String workspace;
    private final String repo;

    Issues(BitbucketClient client, ListOptions options, String workspace, String repo) {
        super(client, options);
        this.workspace = BitbucketClient.requireName(workspace, "workspace");
        this.repo = BitbucketClient.requireName(repo, "repo");
    }

    @Override
    Issues with(ListOptions options) {
        return new Issues(this.client, options, this.workspace, this.repo);
    }

    @Override
    RequestSpec firstPage() {
        return this.client.http().get("/repositories/{workspace}/{repo_slug}/issues", this.workspace, this.repo);
    }

    @Override
    Class<Issue> itemType() {
        return Issue.class;
    }

    @Override
    Object keyOf(Issue item) {
        return item.id();
    }

    @Override
    String defaultSort() {
        return "id";
    }

    /**
     * @param id the issue number
     * @return the issue; onError {@link dev.tributary.http.HttpNotFoundException} when there is none
     */
    public Mono<Issue> get(int id) {
        return this.client.read(this.client.http().get("/repositories/{workspace}/{repo_slug}/issues/{issue_id}",
                this.workspace, this.repo, id), Issue.class);
    }

    /**
     * Creates an issue ({@code POST .../issues}). Retried on 429 only: Bitbucket answers 429 before
     * processing a request, while a 5xx or a timeout may come after the issue was created, so
     * retrying those could create it twice; they are signalled instead.
     *
     * @param issue the new issue
     * @return the issue as created (with its id); onError {@link dev.tributary.http.HttpException}
     * ({@link dev.tributary.http.HttpBadRequestException} with Bitbucket's field errors for an invalid body)
     */
    public Mono<Issue> create(NewIssue issue) {
        Objects.requireNonNull(issue, "issue");
        return this.client.write(this.client.http().post("/repositories/{workspace}/{repo_slug}/issues",
                this.workspace, this.repo).jsonBody(issue), Issue.class);
    }

    /**
     * Changes the fields set in {@code update} ({@code PUT .../issues/{issue_id}}; idempotent, retried
     * on transient failures).
     *
     * @param id     the issue number
     * @param update what to change
     * @return the issue after the change; onError {@link dev.tributary.http.HttpNotFoundException}
     * when there is no such issue
     */
    public Mono<Issue> update(int id, IssueUpdate update) {
        Objects.requireNonNull(update, "update");
        return this.client.write(this.client.http().put("/repositories/{workspace}/{repo_slug}/issues/{issue_id}",
                this.workspace, this.repo, id).jsonBody(update), Issue.class);
    }

    /**
     * Deletes an issue ({@code DELETE .../issues/{issue_id}}).
     *
     * @param id the issue number
     * @return completes when deleted; onError {@link dev.tributary.http.HttpNotFoundException} when
     * there is no such issue
     */
    public Mono<Void> delete(int id) {
        return this.client.write(this.client.http().delete("/repositories/{workspace}/{repo_slug}/issues/{issue_id}",
                this.workspace, this.repo, id), Void.class).then();
    }

    /**
     * @param id the issue number
     * @return the issue's comments (a listable resource that also creates comments)
     */
    public IssueComments comments(int id) {
        return new IssueComments(this.client, ListOptions.NONE, this.workspace, this.repo, id);
    }
}
