package dev.tributary.http.bitbucket;

import dev.tributary.http.RequestSpec;
import reactor.core.publisher.Mono;

/**
 * The workspaces the caller can reach ({@code GET /user/workspaces}, items {@link WorkspaceAccess}) and workspaces by slug ({@code GET /workspaces/{workspace}}). Filterable by {@code slug}, sortable by {@code slug} only.
 * <p>
 * Listing options (filter, sort, fields, page length) are those of {@link PagedResource}; each
 * returns a new {@code Workspaces}. Immutable and thread-safe.
 */
public final class Workspaces extends PagedResource<WorkspaceAccess, Workspaces> {

    Workspaces(BitbucketClient client, ListOptions options) {
        super(client, options);
    }

    @Override
    Workspaces with(ListOptions options) {
        return new Workspaces(this.client, options);
    }

    @Override
    RequestSpec firstPage() {
        return this.client.http().get("/user/workspaces");
    }

    @Override
    Class<WorkspaceAccess> itemType() {
        return WorkspaceAccess.class;
    }

    @Override
    Object keyOf(WorkspaceAccess item) {
        return item.workspace() == null ? null : item.workspace().uuid();
    }

    /**
     * @param slug the workspace slug (or its UUID in braces)
     * @return the workspace; onError {@link dev.tributary.http.HttpNotFoundException} when there is none
     * (or the caller cannot see it)
     */
    public Mono<Workspace> get(String slug) {
        return this.client.read(this.client.http().get("/workspaces/{workspace}", slug), Workspace.class);
    }
}
