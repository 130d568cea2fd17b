package dev.tributary.http.polling;

import java.time.Duration;

/**
 * A job was still not in a terminal state when the polling deadline passed. Polling stopped; the
 * job itself may still finish on the service (poll again, or look it up later). Transient in R2DBC's
 * sense: waiting longer may succeed.
 */
public class JobTimeoutException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String kind;
    private final String jobId;
    private final Duration deadline;
    private final String lastState;
    private final long polls;

    /**
     * @param kind      what the job is, e.g. {@code import}
     * @param jobId     the job's id
     * @param deadline  the deadline that passed
     * @param lastState the last state observed, or {@code null} when no poll answered
     * @param polls     how many polls answered
     */
    public JobTimeoutException(String kind, String jobId, Duration deadline, String lastState, long polls) {
        super(kind + " job " + jobId + " did not finish within " + deadline.toMillis() + " ms; last state: "
                + (lastState == null ? "unknown (no poll answered)" : lastState) + " after " + polls
                + (polls == 1 ? " poll" : " polls"));
        this.kind = kind;
        this.jobId = jobId;
        this.deadline = deadline;
        this.lastState = lastState;
        this.polls = polls;
    }

    /** @return what the job is, e.g. {@code import} */
    public String getKind() {
        return this.kind;
    }

    /** @return the job's id */
    public String getJobId() {
        return this.jobId;
    }

    /** @return the deadline that passed */
    public Duration getDeadline() {
        return this.deadline;
    }

    /** @return the last state observed, or {@code null} when no poll answered */
    public String getLastState() {
        return this.lastState;
    }

    /** @return how many polls answered */
    public long getPolls() {
        return this.polls;
    }
}
