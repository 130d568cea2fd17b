package dev.tributary.http.bitbucket;


import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The state of a pipeline or step: {@code PENDING}, {@code IN_PROGRESS} (with a {@code stage} such as {@code PAUSED}) or {@code COMPLETED} (with a {@code result}).
 * <p>
 * Decoded from Bitbucket's snake_case JSON; unknown properties are ignored and any component may be
 * {@code null} when the response leaves it out (a partial response selected with {@code fields}, a
 * condensed embedded object).
 *
 * @param name {@code PENDING}, {@code IN_PROGRESS} or {@code COMPLETED}
 * @param type the schema type, e.g. {@code pipeline_state_in_progress}
 * @param result the result once {@code COMPLETED}, else {@code null}
 * @param stage the stage while {@code IN_PROGRESS} (e.g. {@code PAUSED}), else {@code null}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PipelineState(String name, String type, PipelineResult result, PipelineResult stage) {

    /** @return whether the state is {@code COMPLETED} */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isCompleted() {
        return "COMPLETED".equals(this.name);
    }

    /** @return the result's name ({@code SUCCESSFUL}, {@code FAILED}...), or {@code null} before completion */
    public String resultName() {
        return this.result == null ? null : this.result.name();
    }
}
