package dev.tributary.http.bitbucket;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a triggered pipeline builds: the body of {@code POST .../pipelines},
 * {@code {"target": {"type": "pipeline_ref_target", "ref_type": "branch", "ref_name": "main"}}},
 * optionally with a commit and a custom pipeline selector. Immutable.
 */
public final class PipelineTarget {

    private final Map<String, Object> body;

    private PipelineTarget(Map<String, Object> target) {
        this.body = Map.of("target", Map.copyOf(target));
    }

    /**
     * @param name the branch to build
     * @return the latest commit of that branch's default pipeline
     */
    public static PipelineTarget branch(String name) {
        return ref("branch", name, null, null);
    }

    /**
     * @param name the tag to build
     * @return that tag's default pipeline
     */
    public static PipelineTarget tag(String name) {
        return ref("tag", name, null, null);
    }

    /**
     * @param branch   the branch
     * @param pipeline the name of a custom pipeline of {@code bitbucket-pipelines.yml}
     *                 ({@code selector: {type: custom, pattern: name}})
     * @return the custom pipeline on that branch
     */
    public static PipelineTarget custom(String branch, String pipeline) {
        return ref("branch", branch, null, Objects.requireNonNull(pipeline, "pipeline"));
    }

    /**
     * @param refType {@code branch} or {@code tag}
     * @param refName the branch or tag
     * @param commit  a commit hash to build instead of the ref's head, or {@code null}
     * @param custom  a custom pipeline name, or {@code null} for the default one
     * @return the target
     */
    public static PipelineTarget ref(String refType, String refName, String commit, String custom) {
        Objects.requireNonNull(refType, "refType");
        Objects.requireNonNull(refName, "refName");
        if (refName.isBlank()) {
            throw new IllegalArgumentException("refName must not be blank");
        }
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("type", "pipeline_ref_target");
        target.put("ref_type", refType);
        target.put("ref_name", refName);
        if (commit != null) {
            target.put("commit", Map.of("type", "commit", "hash", commit));
        }
        if (custom != null) {
            target.put("selector", Map.of("type", "custom", "pattern", custom));
        }
        return new PipelineTarget(target);
    }

    /** @return the JSON body (what is sent) */
    @JsonValue
    public Map<String, Object> body() {
        return this.body;
    }

    @Override
    public String toString() {
        return "PipelineTarget" + this.body;
    }
}
