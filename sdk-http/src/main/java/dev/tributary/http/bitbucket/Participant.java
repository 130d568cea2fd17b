package dev.tributary.http.bitbucket;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A participant of a pull request ({@code participant} schema), as {@code POST .../approve} returns it.
 * <p>
 * Decoded from Bitbucket's snake_case JSON; unknown properties are ignored and any component may be
 * {@code null} when the response leaves it out (a partial response selected with {@code fields}, a
 * condensed embedded object).
 *
 * @param user the participant
 * @param role {@code PARTICIPANT} or {@code REVIEWER}
 * @param approved whether they approved
 * @param state {@code approved}, {@code changes_requested} or {@code null}
 * @param participatedOn when they last took part
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Participant(Account user, String role, Boolean approved, String state, OffsetDateTime participatedOn) {
}
