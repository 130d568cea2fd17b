package dev.tributary.examples.soak;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** The 10 s soak: restarts, terminated backends and idle closes cost retries, never a failed read or a lost or doubled write. */
class SoakIT {

    @Test
    void tenSecondsOfRestartsTerminationsAndIdleClosesLoseNothing() throws Exception {
        StringWriter progress = new StringWriter();
        Soak.Report report = Soak.run(Soak.Settings.quick(), new PrintWriter(progress, true));
        StringWriter figures = new StringWriter();
        report.print(new PrintWriter(figures, true));
        System.out.println(progress);
        System.out.println(figures);

        assertThat(report.restarts()).isGreaterThanOrEqualTo(2);
        assertThat(report.terminations()).isGreaterThan(0);
        assertThat(report.readsDone()).isGreaterThan(100);
        assertThat(report.writesAcknowledged()).isGreaterThan(100);
        assertThat(report.readsFailed()).as(report.failures().toString()).isZero();
        assertThat(report.writesLost()).isZero();
        assertThat(report.writesDoubled()).isZero();
        assertThat(report.otherWriteErrors()).as(report.failures().toString()).isZero();
        assertThat(report.connectionsLeaked()).isZero();
        assertThat(report.recoveryMs().getTotalCount()).isEqualTo(report.restarts());
    }
}
