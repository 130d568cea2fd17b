package dev.tributary.http.bitbucket;

import dev.tributary.http.polling.JobFailedException;
import dev.tributary.http.polling.JobPoller;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A pipeline followed as a job: polled ({@code GET .../pipelines/{uuid}}) with the client's
 * {@link dev.tributary.http.polling.JobPoller} settings until its state is {@code COMPLETED}. The
 * result {@code SUCCESSFUL} is a success; {@code FAILED}, {@code ERROR}, {@code STOPPED},
 * {@code EXPIRED} (or any other) end in a {@link JobFailedException} of kind {@code pipeline}
 * whose job id is {@code #<build number> <uuid>} and whose state is the result's name. Cold:
 * each subscription polls anew; cancelling stops polling.
 */
public final class PipelineJob {

    private final BitbucketClient client;
    private final Pipelines pipelines;
    private final String uuid;

    PipelineJob(BitbucketClient client, Pipelines pipelines, String uuid) {
        this.client = client;
        this.pipelines = pipelines;
        this.uuid = uuid;
    }

    /** @return the pipeline's uuid */
    public String uuid() {
        return this.uuid;
    }

    /**
     * @return each polled status, the completed one last; completes after a {@code SUCCESSFUL} result;
     * onError {@link JobFailedException} after a failed one, {@link dev.tributary.http.polling.JobTimeoutException}
     * when the polling deadline passes, the poll's {@link dev.tributary.http.HttpException} when it is not transient
     */
    public Flux<Pipeline> progress() {
        return poller().progress();
    }

    /**
     * @return the completed pipeline when {@code SUCCESSFUL}; onError as {@link #progress()}
     */
    public Mono<Pipeline> completion() {
        return poller().awaitCompletion();
    }

    private JobPoller<Pipeline> poller() {
        return this.client.polling(JobPoller.<Pipeline>builder("pipeline", this.uuid,
                        () -> this.pipelines.get(this.uuid)))
                .terminalWhen(p -> p.state() != null && p.state().isCompleted())
                .failure(PipelineJob::failureOf)
                .stateOf(p -> p.resultName() != null ? p.stateName() + "/" + p.resultName() : p.stateName())
                .build();
    }

    static Throwable failureOf(Pipeline pipeline) {
        String result = pipeline.resultName();
        if ("SUCCESSFUL".equals(result)) {
            return null;
        }
        String id = (pipeline.buildNumber() == null ? "" : "#" + pipeline.buildNumber() + " ") + pipeline.uuid();
        return new JobFailedException("pipeline", id, result == null ? "COMPLETED without a result" : result,
                null, pipeline.state() == null || pipeline.state().result() == null ? null : pipeline.state().result().type(),
                null);
    }

    @Override
    public String toString() {
        return "PipelineJob{" + this.uuid + '}';
    }
}
