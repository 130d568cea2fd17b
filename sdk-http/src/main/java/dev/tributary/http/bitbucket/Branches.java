package dev.tributary.http.bitbucket;

import dev.tributary.http.RequestSpec;
import reactor.core.publisher.Mono;

/**
 * The branches of a repository ({@code GET /repositories/{workspace}/{repo_slug}/refs/branches}), filterable by {@code name ~ "..."}, and one by name.
 * <p>
 * Listing options (filter, sort, fields, page length) are those of {@link PagedResource}; each
 * returns a new {@code Branches}. Immutable and thread-safe.
 */
public final class Branches extends PagedResource<Branch, Branches> {

    private final String workspace;
    private final String repo;

    Branches(BitbucketClient client, ListOptions options, String workspace, String repo) {
        super(client, options);
        this.workspace = BitbucketClient.requireName(workspace, "workspace");
        this.repo = BitbucketClient.requireName(repo, "repo");
    }

    @Override
    Branches with(ListOptions options) {
        return new Branches(this.client, options, this.workspace, this.repo);
    }

    @Override
    RequestSpec firstPage() {
        return this.client.http().get("/repositories/{workspace}/{repo_slug}/refs/branches", this.workspace, this.repo);
    }

    @Override
    Class<Branch> itemType() {
        return Branch.class;
    }

    @Override
    Object keyOf(Branch item) {
        return item.name();
    }

    /**
     * @param name the branch name (a {@code /} in it is sent encoded)
     * @return the branch; onError {@link dev.tributary.http.HttpNotFoundException} when there is none
     */
    public Mono<Branch> get(String name) {
        return this.client.read(this.client.http().get("/repositories/{workspace}/{repo_slug}/refs/branches/{name}",
                this.workspace, this.repo, name), Branch.class);
    }
}
