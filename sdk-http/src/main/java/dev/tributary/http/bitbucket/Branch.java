package dev.tributary.http.bitbucket;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A branch ({@code branch} schema, {@code GET .../refs/branches}).
 * <p>
 * Decoded from Bitbucket's snake_case JSON; unknown properties are ignored and any component may be
 * {@code null} when the response leaves it out (a partial response selected with {@code fields}, a
 * condensed embedded object).
 *
 * @param name the branch name
 * @param target the commit it points to
 * @param defaultMergeStrategy the default merge strategy
 * @param mergeStrategies the merge strategies allowed
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Branch(String name, Commit target, String defaultMergeStrategy, List<String> mergeStrategies) {

    /** Copies the lists (immutable; {@code null} stays {@code null}). */
    public Branch {
        mergeStrategies = mergeStrategies == null ? null : List.copyOf(mergeStrategies);
    }
}
