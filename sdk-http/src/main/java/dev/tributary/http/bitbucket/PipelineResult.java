package dev.tributary.http.bitbucket;


import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The result of a completed pipeline or step.
 * <p>
 * Decoded from Bitbucket's snake_case JSON; unknown properties are ignored and any component may be
 * {@code null} when the response leaves it out (a partial response selected with {@code fields}, a
 * condensed embedded object).
 *
 * @param name {@code SUCCESSFUL}, {@code FAILED}, {@code ERROR}, {@code STOPPED} or {@code EXPIRED}
 * @param type the schema type, e.g. {@code pipeline_state_completed_successful}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PipelineResult(String name, String type) {
}
