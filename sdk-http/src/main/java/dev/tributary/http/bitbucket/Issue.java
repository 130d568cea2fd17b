package dev.tributary.http.bitbucket;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * An issue ({@code issue} schema), as {@code GET .../issues/{issue_id}} and the issue list return it.
 * <p>
 * Decoded from Bitbucket's snake_case JSON; unknown properties are ignored and any component may be
 * {@code null} when the response leaves it out (a partial response selected with {@code fields}, a
 * condensed embedded object).
 *
 * @param id the issue number, unique within the repository (the key pages are de-duplicated by)
 * @param title the title
 * @param state {@code new}, {@code open}, {@code resolved}, {@code on hold}, {@code invalid}, {@code duplicate}, {@code wontfix} or {@code closed}
 * @param kind {@code bug}, {@code enhancement}, {@code proposal} or {@code task}
 * @param priority {@code trivial}, {@code minor}, {@code major}, {@code critical} or {@code blocker}
 * @param content the description
 * @param reporter who reported it
 * @param assignee who it is assigned to; {@code null} when unassigned
 * @param createdOn when it was created
 * @param updatedOn when it was last updated
 * @param editedOn when its content was last edited
 * @param votes the number of votes
 * @param watches the number of watchers
 * @param milestone its milestone
 * @param component its component
 * @param version its version
 * @param repository its repository (condensed)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Issue(Integer id, String title, String state, String kind, String priority, Content content, Account reporter, Account assignee, OffsetDateTime createdOn, OffsetDateTime updatedOn, OffsetDateTime editedOn, Integer votes, Integer watches, Named milestone, Named component, Named version, Repository repository) {

    /** @return the raw text of {@link #content()}, or {@code null} when there is none */
    public String contentRaw() {
        return this.content == null ? null : this.content.raw();
    }
}
