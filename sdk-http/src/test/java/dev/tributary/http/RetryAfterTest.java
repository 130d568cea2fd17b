package dev.tributary.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTest {

    private static final long NOW = Instant.parse("1994-11-06T08:49:30Z").toEpochMilli();

    @Test
    void readsDeltaSeconds() {
        assertThat(RetryAfter.parse("120", null, NOW)).isEqualTo(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse(" 0 ", null, NOW)).isEqualTo(Duration.ZERO);
    }

    @Test
    void readsTheThreeHttpDateFormatsRelativeToNow() {
        assertThat(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", null, NOW)).isEqualTo(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse("Sunday, 06-Nov-94 08:49:37 GMT", null, NOW)).isEqualTo(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse("Sun Nov  6 08:49:37 1994", null, NOW)).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void readsTwoDigitYearsAsTheMostRecentPastCentury() {
        long now = Instant.parse("2025-11-06T08:49:30Z").toEpochMilli();
        assertThat(RetryAfter.parse("Thursday, 06-Nov-25 08:49:37 GMT", null, now)).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void measuresAnHttpDateFromTheResponsesDateHeader() {
        // the client's clock is an hour off; the server's Date header is the reference
        long skewed = NOW + 3_600_000;
        assertThat(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:33 GMT", skewed))
                .isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void aDateInThePastMeansNow() {
        assertThat(RetryAfter.parse("Sun, 06 Nov 1994 08:49:00 GMT", null, NOW)).isEqualTo(Duration.ZERO);
    }

    @Test
    void ignoresWhatItCannotRead() {
        assertThat(RetryAfter.parse(null, null, NOW)).isNull();
        assertThat(RetryAfter.parse("", null, NOW)).isNull();
        assertThat(RetryAfter.parse("soon", null, NOW)).isNull();
        assertThat(RetryAfter.parse("-5", null, NOW)).isNull();
        assertThat(RetryAfter.parse("1.5", null, NOW)).isNull();
    }
}
