package dev.tributary.http.bitbucket;

import dev.tributary.http.RequestSpec;
import reactor.core.publisher.Mono;

/**
 * The tags of a repository ({@code GET /repositories/{workspace}/{repo_slug}/refs/tags}) and one by name.
 * <p>
 * Listing options (filter, sort, fields, page length) are those of {@link PagedResource}; each
 * returns a new {@code Tags}. Immutable and thread-safe.
 */
public final class Tags extends PagedResource<Tag, Tags> {

    private final String workspace;
    private final String repo;

    Tags(BitbucketClient client, ListOptions options, String workspace, String repo) {
        super(client, options);
        this.workspace = BitbucketClient.requireName(workspace, "workspace");
        this.repo = BitbucketClient.requireName(repo, "repo");
    }

    @Override
    Tags with(ListOptions options) {
        return new Tags(this.client, options, this.workspace, this.repo);
    }

    @Override
    RequestSpec firstPage() {
        return this.client.http().get("/repositories/{workspace}/{repo_slug}/refs/tags", this.workspace, this.repo);
    }

    @Override
    Class<Tag> itemType() {
        return Tag.class;
    }

    @Override
    Object keyOf(Tag item) {
        return item.name();
    }

    /**
     * @param name the tag name
     * @return the tag; onError {@link dev.tributary.http.HttpNotFoundException} when there is none
     */
    public Mono<Tag> get(String name) {
        return this.client.read(this.client.http().get("/repositories/{workspace}/{repo_slug}/refs/tags/{name}",
                this.workspace, this.repo, name), Tag.class);
    }
}
