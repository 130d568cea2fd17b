package dev.tributary.http.bitbucket;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable request body held as an ordered JSON map and serialized as that map: what
 * {@link NewIssue}, {@link IssueUpdate} and {@link PullRequestMerge} share.
 */
abstract class JsonBody {

    private final Map<String, Object> body;

    JsonBody(Map<String, Object> body) {
        // LinkedHashMap keeps the nulls of cleared fields (Map.copyOf would refuse them)
        this.body = Collections.unmodifiableMap(new LinkedHashMap<>(body));
    }

    /** @return the JSON body as an ordered map (what is sent; a cleared field maps to {@code null}) */
    @JsonValue
    public Map<String, Object> body() {
        return this.body;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + this.body;
    }
}
