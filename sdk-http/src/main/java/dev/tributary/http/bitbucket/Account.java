package dev.tributary.http.bitbucket;


import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A user or team as Bitbucket embeds it ({@code user} schema: a reporter, an assignee, an author, a workspace member).
 * <p>
 * Decoded from Bitbucket's snake_case JSON; unknown properties are ignored and any component may be
 * {@code null} when the response leaves it out (a partial response selected with {@code fields}, a
 * condensed embedded object).
 *
 * @param uuid the account's UUID in braces, e.g. {@code {644c7fc2-...}}
 * @param accountId the Atlassian account id (what {@code assignee: {account_id}} takes)
 * @param displayName the display name
 * @param nickname the nickname
 * @param type {@code user} or {@code team}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Account(String uuid, String accountId, String displayName, String nickname, String type) {
}
