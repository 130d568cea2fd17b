package dev.tributary.http.bitbucket;

import dev.tributary.http.RequestSpec;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The pull requests of a repository: list ({@code GET /repositories/{workspace}/{repo_slug}/pullrequests}),
 * get, create, approve and merge.
 * <p>
 * The list holds only {@code OPEN} pull requests unless {@link #states(PullRequestState...)} says
 * otherwise (Bitbucket's default). Page length is capped at 50 (the endpoint's maximum). Without an
 * explicit sort, the list is sorted by {@code id} on the server (a stable order across pages).
 * Immutable and thread-safe.
 */
public final class PullRequests extends PagedResource<PullRequest, PullRequests> {

    private final String workspace;
    private final String repo;

    PullRequests(BitbucketClient client, ListOptions options, String workspace, String repo) {
        super(client, options);
        this.workspace = BitbucketClient.requireName(workspace, "workspace");
        this.repo = BitbucketClient.requireName(repo, "repo");
    }

    @Override
    PullRequests with(ListOptions options) {
        return new PullRequests(this.client, options, this.workspace, this.repo);
    }

    @Override
    RequestSpec firstPage() {
        return this.client.http().get("/repositories/{workspace}/{repo_slug}/pullrequests", this.workspace, this.repo);
    }

    @Override
    Class<PullRequest> itemType() {
        return PullRequest.class;
    }

    @Override
    Object keyOf(PullRequest item) {
        return item.id();
    }

    @Override
    int maxPagelen() {
        return 50;
    }

    @Override
    String defaultSort() {
        return "id";
    }

    /**
     * @param states the states to list (each sent as a {@code state} parameter); none restores the
     *               default (open only)
     * @return a copy of this resource listing those states
     */
    public PullRequests states(PullRequestState... states) {
        Objects.requireNonNull(states, "states");
        List<Map.Entry<String, String>> extra = new ArrayList<>();
        for (PullRequestState state : states) {
            extra.add(Map.entry("state", Objects.requireNonNull(state, "state").name()));
        }
        return with(this.options.withExtra(extra));
    }

    /**
     * @param id the pull request number
     * @return the pull request (with participants and reviewers); onError
     * {@link dev.tributary.http.HttpNotFoundException} when there is none
     */
    public Mono<PullRequest> get(int id) {
        return this.client.read(this.client.http().get("/repositories/{workspace}/{repo_slug}/pullrequests/{id}",
                this.workspace, this.repo, id), PullRequest.class);
    }

    /**
     * Opens a pull request ({@code POST .../pullrequests}); retried on 429 only.
     *
     * @param pullRequest the new pull request
     * @return the pull request as created; onError {@link dev.tributary.http.HttpException}
     */
    public Mono<PullRequest> create(NewPullRequest pullRequest) {
        Objects.requireNonNull(pullRequest, "pullRequest");
        return this.client.write(this.client.http().post("/repositories/{workspace}/{repo_slug}/pullrequests",
                this.workspace, this.repo).jsonBody(pullRequest), PullRequest.class);
    }

    /**
     * Approves a pull request as the caller ({@code POST .../pullrequests/{id}/approve}).
     *
     * @param id the pull request number
     * @return the caller as a participant with {@code approved = true}; onError
     * {@link dev.tributary.http.HttpException}
     */
    public Mono<Participant> approve(int id) {
        return this.client.write(this.client.http().post("/repositories/{workspace}/{repo_slug}/pullrequests/{id}/approve",
                this.workspace, this.repo, id), Participant.class);
    }

    /**
     * Merges a pull request with {@code async=true} and waits for the merge: a {@code 200} carries the
     * merged pull request at once; a {@code 202} names the task-status URL in its {@code Location}
     * header, which is polled ({@link dev.tributary.http.polling.JobPoller}, the client's polling
     * settings) until {@code SUCCESS}. Retried on 429 only.
     *
     * @param id    the pull request number
     * @param merge the merge parameters ({@link PullRequestMerge#defaults()} for the repository's)
     * @return the merged pull request; onError {@link dev.tributary.http.HttpConflictException} when
     * the refs changed during the merge, {@link dev.tributary.http.HttpException} when the task
     * status reports a failure, {@link dev.tributary.http.polling.JobTimeoutException} when the
     * polling deadline passes
     */
    public Mono<PullRequest> merge(int id, PullRequestMerge merge) {
        Objects.requireNonNull(merge, "merge");
        RequestSpec request = this.client.http().post("/repositories/{workspace}/{repo_slug}/pullrequests/{id}/merge",
                this.workspace, this.repo, id).query("async", "true").jsonBody(merge);
        return this.client.mergeAndWait(request, id, get(id));
    }
}
