package dev.tributary.http.bitbucket;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A tag ({@code tag} schema, {@code GET .../refs/tags}).
 * <p>
 * Decoded from Bitbucket's snake_case JSON; unknown properties are ignored and any component may be
 * {@code null} when the response leaves it out (a partial response selected with {@code fields}, a
 * condensed embedded object).
 *
 * @param name the tag name
 * @param target the commit it points to
 * @param message the annotation message of an annotated tag
 * @param date the tag date
 * @param tagger who tagged
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Tag(String name, Commit target, String message, OffsetDateTime date, CommitAuthor tagger) {
}
