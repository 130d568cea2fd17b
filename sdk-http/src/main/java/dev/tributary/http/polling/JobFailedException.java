package dev.tributary.http.polling;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;

/**
 * A job (an import, an export) ended in a failed state. Carries what the service said: its error
 * id, error type and details. Non-transient: polling again would show the same state; running the
 * job again is the caller's decision.
 *
 * <pre>{@code
 * .failure(job -> "FAILED".equals(job.state())
 *         ? new JobFailedException("import", job.id(), job.state(), job.errorId(), job.errorType(), job.errorDetails())
 *         : null)
 * }</pre>
 */
public class JobFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String kind;
    private final String jobId;
    private final String state;
    private final String errorId;
    private final String errorType;
    private final transient JsonNode details;

    /**
     * @param kind      what the job is, e.g. {@code import}
     * @param jobId     the job's id
     * @param state     the failed state, e.g. {@code FAILED}
     * @param errorId   the service's error id, or {@code null}
     * @param errorType the service's error type, or {@code null}
     * @param details   the service's error details, or {@code null}; included in the message, so they
     *                  must not contain secrets (services do not put any there)
     */
    public JobFailedException(String kind, String jobId, String state, String errorId, String errorType, JsonNode details) {
        super(kind + " job " + jobId + " ended " + state
                + (errorType == null ? "" : ": " + errorType)
                + (errorId == null ? "" : " (error id " + errorId + ")")
                + (details == null || details.isNull() || details.isMissingNode() ? "" : "; details: " + truncate(details.toString())));
        this.kind = kind;
        this.jobId = jobId;
        this.state = state;
        this.errorId = errorId;
        this.errorType = errorType;
        this.details = details;
    }

    /** @return what the job is, e.g. {@code import} */
    public String getKind() {
        return this.kind;
    }

    /** @return the job's id */
    public String getJobId() {
        return this.jobId;
    }

    /** @return the state the job ended in, e.g. {@code FAILED} */
    public String getState() {
        return this.state;
    }

    /** @return the service's error id, when it gave one */
    public Optional<String> getErrorId() {
        return Optional.ofNullable(this.errorId);
    }

    /** @return the service's error type, when it gave one */
    public Optional<String> getErrorType() {
        return Optional.ofNullable(this.errorType);
    }

    /** @return the service's error details, when it gave them */
    public Optional<JsonNode> getDetails() {
        return Optional.ofNullable(this.details);
    }

    private static String truncate(String s) {
        return s.length() <= 500 ? s : s.substring(0, 500) + "...";
    }
}
