package dev.tributary.http.bitbucket;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A pipeline run ({@code pipeline} schema).
 * <p>
 * Decoded from Bitbucket's snake_case JSON; unknown properties are ignored and any component may be
 * {@code null} when the response leaves it out (a partial response selected with {@code fields}, a
 * condensed embedded object).
 *
 * @param uuid the pipeline UUID in braces (the key pages are de-duplicated by)
 * @param buildNumber the build number, increasing per repository
 * @param state its state
 * @param target what it builds
 * @param creator who started it
 * @param createdOn when it was created
 * @param completedOn when it completed, {@code null} before
 * @param durationInSeconds how long it ran (s)
 * @param buildSecondsUsed the build seconds billed (s)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Pipeline(String uuid, Long buildNumber, PipelineState state, PipelineRefTarget target, Account creator, OffsetDateTime createdOn, OffsetDateTime completedOn, Long durationInSeconds, Long buildSecondsUsed) {

    /** @return the state's name, or {@code null} when the response has no state */
    public String stateName() {
        return this.state == null ? null : this.state.name();
    }

    /** @return the result's name once completed ({@code SUCCESSFUL}, {@code FAILED}...), else {@code null} */
    public String resultName() {
        return this.state == null ? null : this.state.resultName();
    }
}
