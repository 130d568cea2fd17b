package dev.tributary.http.bitbucket;

import dev.tributary.http.RequestSpec;
import reactor.core.publisher.Mono;

/**
 * The projects of a workspace ({@code GET /workspaces/{workspace}/projects}) and one by key.
 * <p>
 * Listing options (filter, sort, fields, page length) are those of {@link PagedResource}; each
 * returns a new {@code Projects}. Immutable and thread-safe.
 */
public final class Projects extends PagedResource<Project, Projects> {

    private final String workspace;

    Projects(BitbucketClient client, ListOptions options, String workspace) {
        super(client, options);
        this.workspace = BitbucketClient.requireName(workspace, "workspace");
    }

    @Override
    Projects with(ListOptions options) {
        return new Projects(this.client, options, this.workspace);
    }

    @Override
    RequestSpec firstPage() {
        return this.client.http().get("/workspaces/{workspace}/projects", this.workspace);
    }

    @Override
    Class<Project> itemType() {
        return Project.class;
    }

    @Override
    Object keyOf(Project item) {
        return item.uuid();
    }

    /**
     * @param key the project key, e.g. {@code PUB}
     * @return the project; onError {@link dev.tributary.http.HttpNotFoundException} when there is none
     */
    public Mono<Project> get(String key) {
        return this.client.read(this.client.http().get("/workspaces/{workspace}/projects/{key}", this.workspace, key),
                Project.class);
    }
}
