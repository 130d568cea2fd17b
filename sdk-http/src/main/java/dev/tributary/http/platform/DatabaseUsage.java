package dev.tributary.http.platform;

import java.time.LocalDate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A database's usage over one billing period (schema {@code DatabaseUsage}).
 *
 * @param rowsQueried the rows the period's queries read (rows)
 * @param periodStart the period's first day
 * @param periodEnd   the period's last day
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DatabaseUsage(long rowsQueried, LocalDate periodStart, LocalDate periodEnd) {
}
