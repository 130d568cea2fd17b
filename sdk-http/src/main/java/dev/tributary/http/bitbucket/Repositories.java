package dev.tributary.http.bitbucket;

import dev.tributary.http.RequestSpec;
import reactor.core.publisher.Mono;

/**
 * The repositories of a workspace ({@code GET /repositories/{workspace}}) and one by slug.
 * <p>
 * Listing options (filter, sort, fields, page length) are those of {@link PagedResource}; each
 * returns a new {@code Repositories}. Immutable and thread-safe.
 */
public final class Repositories extends PagedResource<Repository, Repositories> {

    private final String workspace;

    Repositories(BitbucketClient client, ListOptions options, String workspace) {
        super(client, options);
        this.workspace = BitbucketClient.requireName(workspace, "workspace");
    }

    @Override
    Repositories with(ListOptions options) {
        return new Repositories(this.client, options, this.workspace);
    }

    @Override
    RequestSpec firstPage() {
        return this.client.http().get("/repositories/{workspace}", this.workspace);
    }

    @Override
    Class<Repository> itemType() {
        return Repository.class;
    }

    @Override
    Object keyOf(Repository item) {
        return item.uuid();
    }

    /**
     * @param slug the repository slug (or its UUID in braces)
     * @return the repository; onError {@link dev.tributary.http.HttpNotFoundException} when there is none
     */
    public Mono<Repository> get(String slug) {
        return this.client.read(this.client.http().get("/repositories/{workspace}/{repo_slug}", this.workspace, slug),
                Repository.class);
    }
}
