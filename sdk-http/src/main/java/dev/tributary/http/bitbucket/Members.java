package dev.tributary.http.bitbucket;

import dev.tributary.http.RequestSpec;
import reactor.core.publisher.Mono;

/**
 * The members of a workspace ({@code GET /workspaces/{workspace}/members}, items {@link WorkspaceMembership}).
 * <p>
 * Listing options (filter, sort, fields, page length) are those of {@link PagedResource}; each
 * returns a new {@code Members}. Immutable and thread-safe.
 */
public final class Members extends PagedResource<WorkspaceMembership, Members> {

    private final String workspace;

    Members(BitbucketClient client, ListOptions options, String workspace) {
        super(client, options);
        this.workspace = BitbucketClient.requireName(workspace, "workspace");
    }

    @Override
    Members with(ListOptions options) {
        return new Members(this.client, options, this.workspace);
    }

    @Override
    RequestSpec firstPage() {
        return this.client.http().get("/workspaces/{workspace}/members", this.workspace);
    }

    @Override
    Class<WorkspaceMembership> itemType() {
        return WorkspaceMembership.class;
    }

    @Override
    Object keyOf(WorkspaceMembership item) {
        return item.user() == null ? null : item.user().uuid();
    }
}
