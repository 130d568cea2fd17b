package dev.tributary.http.bitbucket;

import dev.tributary.http.RequestSpec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.Objects;

/**
 * The pipelines of a repository: list ({@code GET /repositories/{workspace}/{repo_slug}/pipelines}),
 * get, steps, trigger, and a run followed as a job ({@link PipelineJob}: {@code PENDING} →
 * {@code IN_PROGRESS} → {@code COMPLETED} with a result). Pipelines are de-duplicated by uuid
 * within a walk. Immutable and thread-safe.
 *
 * <pre>{@code
 * Pipeline done = bb.pipelines("ws", "repo").run(PipelineTarget.branch("main"));   // Mono: SUCCESSFUL, or JobFailedException
 * }</pre>
 */
public final class Pipelines extends PagedResource<Pipeline, Pipelines> {

    private final String workspace;
    private final String repo;

    Pipelines(BitbucketClient client, ListOptions options, String workspace, String repo) {
        super(client, options);
        this.workspace = BitbucketClient.requireName(workspace, "workspace");
        this.repo = BitbucketClient.requireName(repo, "repo");
    }

    @Override
    Pipelines with(ListOptions options) {
        return new Pipelines(this.client, options, this.workspace, this.repo);
    }

    @Override
    RequestSpec firstPage() {
        return this.client.http().get("/repositories/{workspace}/{repo_slug}/pipelines", this.workspace, this.repo);
    }

    @Override
    Class<Pipeline> itemType() {
        return Pipeline.class;
    }

    @Override
    Object keyOf(Pipeline item) {
        return item.uuid();
    }

    /**
     * @param uuid the pipeline's UUID in braces (or its build number)
     * @return the pipeline; onError {@link dev.tributary.http.HttpNotFoundException} when there is none
     */
    public Mono<Pipeline> get(String uuid) {
        return this.client.read(this.client.http().get("/repositories/{workspace}/{repo_slug}/pipelines/{pipeline_uuid}",
                this.workspace, this.repo, uuid), Pipeline.class);
    }

    /**
     * @param uuid the pipeline's UUID in braces
     * @return its steps (a listable resource)
     */
    public PipelineSteps steps(String uuid) {
        return new PipelineSteps(this.client, ListOptions.NONE, this.workspace, this.repo, uuid);
    }

    /**
     * Starts a pipeline ({@code POST .../pipelines}); retried on 429 only, so a pipeline is never
     * started twice by a retry.
     *
     * @param target what to build
     * @return the new pipeline (typically {@code PENDING}); onError {@link dev.tributary.http.HttpException}
     */
    public Mono<Pipeline> trigger(PipelineTarget target) {
        Objects.requireNonNull(target, "target");
        return this.client.write(this.client.http().post("/repositories/{workspace}/{repo_slug}/pipelines",
                this.workspace, this.repo).jsonBody(target), Pipeline.class);
    }

    /**
     * @param uuid the pipeline's UUID in braces
     * @return the job that follows that pipeline to completion (cold: polling starts on subscription)
     */
    public PipelineJob job(String uuid) {
        return new PipelineJob(this.client, this, BitbucketClient.requireName(uuid, "uuid"));
    }

    /**
     * Starts a pipeline and follows it: the triggered pipeline, then each polled status up to the
     * completed one.
     *
     * @param target what to build
     * @return the statuses; completes after a {@code SUCCESSFUL} one; onError
     * {@link dev.tributary.http.polling.JobFailedException} (after the failed status) when the result is
     * {@code FAILED}, {@code ERROR}, {@code STOPPED} or {@code EXPIRED},
     * {@link dev.tributary.http.polling.JobTimeoutException} when the polling deadline passes
     */
    public Flux<Pipeline> runWithProgress(PipelineTarget target) {
        return trigger(target).flatMapMany(started -> Flux.concat(Mono.just(started),
                job(requireUuid(started)).progress()));
    }

    /**
     * Starts a pipeline and waits for it.
     *
     * @param target what to build
     * @return the completed pipeline when {@code SUCCESSFUL}; onError as {@link #runWithProgress(PipelineTarget)}
     */
    public Mono<Pipeline> run(PipelineTarget target) {
        return trigger(target).flatMap(started -> job(requireUuid(started)).completion());
    }

    private static String requireUuid(Pipeline pipeline) {
        if (pipeline.uuid() == null) {
            throw new IllegalStateException("the triggered pipeline has no uuid to follow");
        }
        return pipeline.uuid();
    }
}
