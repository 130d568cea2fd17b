package dev.tributary.emulator.bitbucket;

/**
 * How an emulated pipeline ends: its state becomes {@code COMPLETED} with the result
 * {@code pipeline_state_completed_successful} or {@code pipeline_state_completed_failed}.
 */
public enum PipelineResult {
    /** {@code {"name": "SUCCESSFUL", "type": "pipeline_state_completed_successful"}} */
    SUCCESSFUL,
    /** {@code {"name": "FAILED", "type": "pipeline_state_completed_failed"}} */
    FAILED
}
