package dev.tributary.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * {@code Retry-After} (RFC 9110 §10.2.3): delta-seconds or an HTTP-date in any of the three
 * formats a recipient must accept (RFC 9110 §5.6.7: IMF-fixdate, RFC 850, asctime).
 */
final class RetryAfter {


    /** {@code Sun Nov  6 08:49:37 1994} (always GMT). */
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US)
            .withZone(java.time.ZoneOffset.UTC);

    private RetryAfter() {
    }

    /**
     * @param value     the header value, or {@code null}
     * @param date      the response's {@code Date} header, the reference for an HTTP-date (so that
     *                  clock skew between client and server does not matter), or {@code null}
     * @param nowMillis the current time (epoch ms), the reference when {@code date} is absent
     * @return the delay (zero for a date in the past), or {@code null} when absent or unparseable
     */
    static Duration parse(String value, String date, long nowMillis) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (v.isEmpty()) {
            return null;
        }
        if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                return Duration.ofSeconds(Long.parseLong(v));
            } catch (NumberFormatException tooLarge) {
                return Duration.ofSeconds(Long.MAX_VALUE / 1_000_000_000L);
            }
        }
        Instant at = httpDate(v, nowMillis);
        if (at == null) {
            return null;
        }
        Instant reference = date == null ? null : httpDate(date.strip(), nowMillis);
        long from = reference != null ? reference.toEpochMilli() : nowMillis;
        long delay = at.toEpochMilli() - from;
        return delay <= 0 ? Duration.ZERO : Duration.ofMillis(delay);
    }

    /**
     * {@code Sunday, 06-Nov-94 08:49:37 GMT}: a two-digit year more than 50 years ahead of now is the
     * most recent past year with those digits (RFC 9110 §5.6.7).
     */
    private static DateTimeFormatter rfc850(long nowMillis) {
        int year = Instant.ofEpochMilli(nowMillis).atZone(java.time.ZoneOffset.UTC).getYear();
        return new DateTimeFormatterBuilder()
                .appendPattern("EEEE, dd-MMM-")
                .appendValueReduced(ChronoField.YEAR, 2, 2, year - 49)
                .appendPattern(" HH:mm:ss zzz")
                .toFormatter(Locale.US);
    }

    static Instant httpDate(String v, long nowMillis) {
        for (DateTimeFormatter format : new DateTimeFormatter[]{DateTimeFormatter.RFC_1123_DATE_TIME, rfc850(nowMillis), ASCTIME}) {
            try {
                return ZonedDateTime.parse(v, format).toInstant();
            } catch (DateTimeParseException ignored) {
                // try the next format
            }
        }
        return null;
    }
}
