package dev.tributary.emulator.platform;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultTest {

    @Test
    void retryAfterIsWholeSecondsRoundedUpOrAnImfFixdate() {
        assertThat(Fault.tooManyRequests(Duration.ofMillis(1)).toString()).contains("Retry-After: 1");
        assertThat(Fault.tooManyRequests(Duration.ofSeconds(2)).toString()).contains("Retry-After: 2,");
        assertThat(Fault.serviceUnavailable(Duration.ZERO).toString()).contains("Retry-After: 0");
        assertThat(Fault.tooManyRequests(Instant.parse("1994-11-06T08:49:37Z")).toString())
                .contains("Retry-After: Sun, 06 Nov 1994 08:49:37 GMT");
        assertThatThrownBy(() -> Fault.tooManyRequests(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fault.status(600, "text/plain", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aScheduleAnswersTheNextMatchingRequestsInOrder() {
        FaultSchedule schedule = new FaultSchedule();
        Fault first = Fault.serviceUnavailable();
        Fault second = Fault.dropConnection();
        schedule.enqueue("GET", Pattern.compile("/v2beta/import/.*"), first, 2);
        schedule.enqueue(null, Pattern.compile("/v2beta/import/.*"), second, 1);
        assertThat(schedule.pending()).isEqualTo(3);
        assertThat(schedule.take("POST", "/v2beta/import/x")).isSameAs(second);
        assertThat(schedule.take("GET", "/v2beta/query")).isNull();
        assertThat(schedule.take("get", "/v2beta/import/x")).isSameAs(first);
        assertThat(schedule.take("GET", "/v2beta/import/y")).isSameAs(first);
        assertThat(schedule.take("GET", "/v2beta/import/z")).isNull();
        assertThat(schedule.pending()).isZero();
    }
}
