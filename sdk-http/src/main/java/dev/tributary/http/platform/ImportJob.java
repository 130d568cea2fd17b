package dev.tributary.http.platform;

import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * An import job's status (schema {@code ImportJob}), as creating it and each poll return it.
 *
 * @param id           the job's id, never {@code null}
 * @param dateCreated  when the job was accepted, never {@code null}
 * @param dateFinished when it ended, {@code null} until then
 * @param state        its state, never {@code null}
 * @param retries      how many times the service retried it
 * @param errorType    the error's type when {@link JobState#FAILED}, else {@code null}
 * @param errorId      the error's id when {@link JobState#FAILED}, else {@code null}
 * @param errorDetails what failed and where (for example the line), {@code null} if none
 * @param statusUrl    the absolute URL to poll; may be empty (then {@code GET /import/{id}})
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImportJob(UUID id, OffsetDateTime dateCreated, OffsetDateTime dateFinished, JobState state,
                        int retries, String errorType, String errorId, JsonNode errorDetails, String statusUrl) {

    /**
     * @throws NullPointerException if a required field is missing
     */
    public ImportJob {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(dateCreated, "date_created");
        Objects.requireNonNull(state, "state");
    }
}
