package dev.tributary.http.bitbucket;

import dev.tributary.http.RequestSpec;
import reactor.core.publisher.Mono;

/**
 * The steps of a pipeline ({@code GET /repositories/{workspace}/{repo_slug}/pipelines/{pipeline_uuid}/steps}).
 * <p>
 * Listing options (filter, sort, fields, page length) are those of {@link PagedResource}; each
 * returns a new {@code PipelineSteps}. Immutable and thread-safe.
 */
public final class PipelineSteps extends PagedResource<PipelineStep, PipelineSteps> {

    private final String workspace;
    private final String repo;
    private final String pipeline;

    PipelineSteps(BitbucketClient client, ListOptions options, String workspace, String repo, String pipeline) {
        super(client, options);
        this.workspace = BitbucketClient.requireName(workspace, "workspace");
        this.repo = BitbucketClient.requireName(repo, "repo");
        this.pipeline = BitbucketClient.requireName(pipeline, "pipeline");
    }

    @Override
    PipelineSteps with(ListOptions options) {
        return new PipelineSteps(this.client, options, this.workspace, this.repo, this.pipeline);
    }

    @Override
    RequestSpec firstPage() {
        return this.client.http().get("/repositories/{workspace}/{repo_slug}/pipelines/{pipeline_uuid}/steps", this.workspace, this.repo, this.pipeline);
    }

    @Override
    Class<PipelineStep> itemType() {
        return PipelineStep.class;
    }

    @Override
    Object keyOf(PipelineStep item) {
        return item.uuid();
    }
}
