package dev.tributary.http.bitbucket;


import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What a pipeline runs on ({@code pipeline_ref_target} schema): a branch or tag and its commit.
 * <p>
 * Decoded from Bitbucket's snake_case JSON; unknown properties are ignored and any component may be
 * {@code null} when the response leaves it out (a partial response selected with {@code fields}, a
 * condensed embedded object).
 *
 * @param type {@code pipeline_ref_target} (or {@code pipeline_commit_target}, {@code pipeline_pullrequest_target})
 * @param refType {@code branch} or {@code tag}
 * @param refName the branch or tag name
 * @param commit the commit built
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PipelineRefTarget(String type, String refType, String refName, CommitRef commit) {
}
