package dev.tributary.examples.cli;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void followSeesTheLastStatusBeforeTheErrorThatEndsTheStatuses() {
        StringWriter text = new StringWriter();
        List<String> failedWith = new ArrayList<>();
        // everything, the error included, arrives at subscription: before the first hasNext()
        Flux<String> statuses = Flux.just("RECEIVED", "PROCESSING", "FAILED")
                .concatWith(Flux.error(new IllegalStateException("job ended FAILED: LoadError")));
        JobProgress progress = new JobProgress.Lines("import x.csv into alice/demo", new PrintWriter(text));
        assertThatThrownBy(() -> progress.follow(statuses, "RECEIVED", status -> status, failedWith::add))
                .isInstanceOf(IllegalStateException.class).hasMessage("job ended FAILED: LoadError");
        assertThat(failedWith).containsExactly("FAILED");
        assertThat(text.toString()).contains(": RECEIVED (", ": PROCESSING (", ": FAILED (");
    }

    @Test
    void followReturnsTheLastStatusOfAJobThatEnds() {
        JobProgress progress = new JobProgress.Lines("export t", new PrintWriter(new StringWriter()));
        assertThat(progress.follow(Flux.just("RECEIVED", "DONE"), "RECEIVED", status -> status,
                failed -> { throw new AssertionError("no failure: " + failed); })).isEqualTo("DONE");
    }
}
