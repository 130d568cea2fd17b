package dev.tributary.http.platform;

import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * An export job's status (schema {@code ExportJob}), as creating it and each poll return it.
 *
 * @param id           the job's id, never {@code null}
 * @param dateCreated  when the job was accepted, never {@code null}
 * @param dateFinished when it ended, {@code null} until then
 * @param state        its state, never {@code null}
 * @param retries      how many times the service retried it
 * @param errorType    the error's type when {@link JobState#FAILED}, else {@code null}
 * @param errorId      the error's id when {@link JobState#FAILED}, else {@code null}
 * @param statusUrl    the absolute URL to poll; may be empty (then {@code GET /export/{id}})
 * @param exportFormat the file's format, never {@code null}
 * @param fileName     the file's name, {@code null} if the service chose none
 * @param downloadUrl  where to download the file (a presigned URL: it takes no API key), set only
 *                     when {@link JobState#DONE}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExportJob(UUID id, OffsetDateTime dateCreated, OffsetDateTime dateFinished, JobState state,
                        int retries, String errorType, String errorId, String statusUrl,
                        ExportFormat exportFormat, String fileName, String downloadUrl) {

    /**
     * @throws NullPointerException if a required field is missing
     */
    public ExportJob {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(dateCreated, "date_created");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(exportFormat, "export_format");
    }
}
