package dev.tributary.http.platform;

/**
 * The states of an import or export job: {@code RECEIVED -> PROCESSING -> DONE | FAILED}.
 */
public enum JobState {
    /** Accepted, not started. */
    RECEIVED,
    /** Running. */
    PROCESSING,
    /** Finished; an export's {@code download_url} is set. Terminal. */
    DONE,
    /** Ended with an error ({@code error_type}, {@code error_id}, details). Terminal. */
    FAILED;

    /**
     * @return whether the job has ended ({@link #DONE} or {@link #FAILED})
     */
    public boolean isTerminal() {
        return this == DONE || this == FAILED;
    }
}
