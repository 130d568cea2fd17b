package dev.tributary.examples.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The two job displays: one line per state change, and the progress bar. */
class JobProgressTest {

    @Test
    void writesOneLinePerStateChangeWithTheElapsedTime() {
        StringWriter text = new StringWriter();
        try (JobProgress progress = new JobProgress.Lines("import x.csv into alice/demo", new PrintWriter(text))) {
            progress.state("RECEIVED");
            progress.state("RECEIVED");
            progress.state("PROCESSING");
            progress.state("DONE");
            progress.complete();
        }
        assertThat(text.toString().lines().toList()).hasSize(3).satisfiesExactly(
                line -> assertThat(line).matches("import x\\.csv into alice/demo: RECEIVED \\(\\d+\\.\\d s\\)"),
                line -> assertThat(line).matches("import x\\.csv into alice/demo: PROCESSING \\(\\d+\\.\\d s\\)"),
                line -> assertThat(line).matches("import x\\.csv into alice/demo: DONE \\(\\d+\\.\\d s\\)"));
    }

    @Test
    void drawsABarWithTheTaskTheElapsedTimeAndTheStateThenAFullBarOnceComplete() throws InterruptedException {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        JobProgress progress = new JobProgress.Bar("export table t from alice/demo", stderr);
        progress.state("PROCESSING");
        String drawn = "";
        for (int i = 0; i < 100 && !drawn.contains("PROCESSING"); i++) { // drawn on the library's thread
            Thread.sleep(20);
            drawn = stderr.toString(StandardCharsets.UTF_8);
        }
        assertThat(drawn).contains("export table t from alice/demo [").contains("<=>").contains("] 0:00:00 PROCESSING");
        progress.state("DONE");
        progress.complete();
        progress.close();
        progress.close(); // idempotent: one last drawing, one line break
        String all = stderr.toString(StandardCharsets.UTF_8);
        String last = all.substring(all.lastIndexOf('\r') + 1);
        assertThat(last).matches("export table t from alice/demo \\[=+\\] 0:00:0\\d DONE\\s*\\R");
        assertThat(all.chars().filter(c -> c == '\n').count()).isEqualTo(1);
    }
}
