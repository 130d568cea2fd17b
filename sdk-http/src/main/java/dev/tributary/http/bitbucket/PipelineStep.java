package dev.tributary.http.bitbucket;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A step of a pipeline ({@code pipeline_step} schema).
 * <p>
 * Decoded from Bitbucket's snake_case JSON; unknown properties are ignored and any component may be
 * {@code null} when the response leaves it out (a partial response selected with {@code fields}, a
 * condensed embedded object).
 *
 * @param uuid the step UUID in braces
 * @param name the step name
 * @param state its state
 * @param startedOn when it started
 * @param completedOn when it completed
 * @param durationInSeconds how long it ran (s)
 * @param buildSecondsUsed the build seconds billed (s)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PipelineStep(String uuid, String name, PipelineState state, OffsetDateTime startedOn, OffsetDateTime completedOn, Long durationInSeconds, Long buildSecondsUsed) {
}
