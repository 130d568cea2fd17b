package dev.tributary.http.bitbucket;

import dev.tributary.http.RequestSpec;
import reactor.core.publisher.Mono;

/**
 * The commits of a repository ({@code GET /repositories/{workspace}/{repo_slug}/commits}, newest
 * first), or of one revision ({@link #revision(String)}). Bitbucket pages commits by cursor: pages
 * carry only {@code next} and {@code pagelen}; the default page length there is 30, the client asks
 * for its own ({@link BitbucketClient.Builder#pagelen(int)}, at most 100). Commits are
 * de-duplicated by hash within one walk. Bitbucket does not filter nor sort commits with BBQL.
 * Immutable and thread-safe.
 */
public final class Commits extends PagedResource<Commit, Commits> {

    private final String workspace;
    private final String repo;
    private final String revision;

    Commits(BitbucketClient client, ListOptions options, String workspace, String repo, String revision) {
        super(client, options);
        this.workspace = BitbucketClient.requireName(workspace, "workspace");
        this.repo = BitbucketClient.requireName(repo, "repo");
        this.revision = revision;
    }

    @Override
    Commits with(ListOptions options) {
        return new Commits(this.client, options, this.workspace, this.repo, this.revision);
    }

    @Override
    RequestSpec firstPage() {
        return this.revision == null
                ? this.client.http().get("/repositories/{workspace}/{repo_slug}/commits", this.workspace, this.repo)
                : this.client.http().get("/repositories/{workspace}/{repo_slug}/commits/{revision}",
                this.workspace, this.repo, this.revision);
    }

    @Override
    Class<Commit> itemType() {
        return Commit.class;
    }

    @Override
    Object keyOf(Commit item) {
        return item.hash();
    }

    /**
     * @param revision a branch name, tag or commit hash
     * @return the commits reachable from that revision (a copy of this resource)
     */
    public Commits revision(String revision) {
        return new Commits(this.client, this.options, this.workspace, this.repo,
                BitbucketClient.requireName(revision, "revision"));
    }

    /**
     * @param hash a commit hash (full or abbreviated)
     * @return the commit; onError {@link dev.tributary.http.HttpNotFoundException} when there is none
     */
    public Mono<Commit> get(String hash) {
        return this.client.read(this.client.http().get("/repositories/{workspace}/{repo_slug}/commit/{commit}",
                this.workspace, this.repo, hash), Commit.class);
    }
}
