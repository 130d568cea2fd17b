package dev.tributary.http.bitbucket;

import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A commit ({@code commit} schema), as the commit list (cursor-paged) returns it.
 * <p>
 * Decoded from Bitbucket's snake_case JSON; unknown properties are ignored and any component may be
 * {@code null} when the response leaves it out (a partial response selected with {@code fields}, a
 * condensed embedded object).
 *
 * @param hash the full commit hash (the key pages are de-duplicated by)
 * @param date the commit date
 * @param message the message
 * @param author the author
 * @param parents the parent commits
 * @param repository the repository (condensed)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Commit(String hash, OffsetDateTime date, String message, CommitAuthor author, List<CommitRef> parents, Repository repository) {

    /** Copies the lists (immutable; {@code null} stays {@code null}). */
    public Commit {
        parents = parents == null ? null : List.copyOf(parents);
    }
}
