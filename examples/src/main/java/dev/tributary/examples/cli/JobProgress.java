package dev.tributary.examples.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarRenderer;
import me.tongfei.progressbar.ProgressState;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Signal;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Shows an import or export job's progress on stderr while the command waits for it: its state
 * and the time since it was started. On a terminal, a progress bar redrawn in place
 * ({@code me.tongfei:progressbar}; a job's length is unknown, so a marker moves along the bar until
 * the job is done); otherwise one line per state change, which reads well in a log. Driven from
 * the command's (main) thread; the bar redraws on the library's own thread.
 */
abstract class JobProgress implements AutoCloseable {

    private final long startNanos = System.nanoTime();
    private String state;
    private boolean closed;

    /**
     * @param tributary the program (its raw stderr, and whether it is a terminal)
     * @param task      what the job does, e.g. {@code import world-countries.csv into alice/demo}
     * @param err       the command's stderr writer, for the line-per-state display
     * @return the display, showing nothing until the first {@link #state(String)}
     */
    static JobProgress start(TributaryCommand tributary, String task, PrintWriter err) {
        return tributary.stderrIsTerminal() ? new Bar(task, tributary.stderr()) : new Lines(task, err);
    }

    /**
     * @param newState the job's state as last seen ({@code RECEIVED}, {@code PROCESSING}, ...), or a
     *                 step of the command's own ({@code downloading ...}); shown when it changes
     */
    final void state(String newState) {
        if (!this.closed && !newState.equals(this.state)) {
            this.state = newState;
            changed(newState, Duration.ofNanos(System.nanoTime() - this.startNanos));
        }
    }

    /**
     * Follows a job's statuses on the calling thread, showing each state, until the job ends.
     * The statuses are {@linkplain Flux#materialize() materialized} so that the last one (a
     * {@code FAILED} status) is seen before the error that follows it: a blocking iterator would
     * throw the error as soon as it arrives, dropping a status still queued.
     *
     * @param statuses  the job's statuses until it ends; an error after a {@code FAILED} status
     * @param job       the job as created
     * @param stateOf   a status's state
     * @param onFailure given the last status seen when the statuses end with an error, before it is thrown
     * @param <T>       the status type
     * @return the last status (the job as it ended)
     */
    final <T> T follow(Flux<T> statuses, T job, Function<T, String> stateOf, Consumer<T> onFailure) {
        T last = job;
        state(stateOf.apply(last));
        Throwable failure = null;
        try (Stream<Signal<T>> signals = statuses.materialize().toStream(1)) {
            for (Iterator<Signal<T>> it = signals.iterator(); it.hasNext() && failure == null; ) {
                Signal<T> signal = it.next();
                if (signal.isOnNext()) {
                    last = signal.get();
                    state(stateOf.apply(last));
                } else if (signal.isOnError()) {
                    failure = signal.getThrowable();
                }
            }
        }
        if (failure != null) {
            close();
            onFailure.accept(last);
            throw Exceptions.propagate(failure);
        }
        return last;
    }

    /** Shows that the work is complete (a full bar); call before {@link #close()}. */
    void complete() {
    }

    /** Finishes the display (the bar's last drawing and a line break). Idempotent. */
    @Override
    public final void close() {
        if (!this.closed) {
            this.closed = true;
            finish();
        }
    }

    abstract void changed(String state, Duration elapsed);

    abstract void finish();

    /** One line per state change: {@code import x.csv into alice/demo: PROCESSING (0.3 s)}. */
    static final class Lines extends JobProgress {

        private final String task;
        private final PrintWriter err;

        Lines(String task, PrintWriter err) {
            this.task = task;
            this.err = err;
        }

        @Override
        void changed(String state, Duration elapsed) {
            this.err.printf(Locale.ROOT, "%s: %s (%.1f s)%n", this.task, state, elapsed.toMillis() / 1000.0);
            this.err.flush();
        }

        @Override
        void finish() {
            // every line is out already
        }
    }

    /** The progress bar: {@code import x.csv into alice/demo [   <=>   ] 0:00:03 PROCESSING}. */
    static final class Bar extends JobProgress {

        private final ProgressBar bar;

        Bar(String task, OutputStream stderr) {
            this.bar = ProgressBar.builder()
                    .setTaskName(task)
                    .setInitialMax(-1)
                    .setUpdateIntervalMillis(200)
                    .setRenderer(new ElapsedTimeRenderer())
                    .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(stderr, true, StandardCharsets.UTF_8)))
                    .build();
        }

        @Override
        void changed(String state, Duration elapsed) {
            this.bar.setExtraMessage(state);
            this.bar.refresh();
        }

        @Override
        void complete() {
            this.bar.maxHint(1);
            this.bar.stepTo(1);
        }

        @Override
        void finish() {
            this.bar.close();
        }
    }

    /**
     * Draws the task, a bar, the elapsed time and the state. The bar is full once the work is
     * {@linkplain #complete() complete}; before, a marker bounces along it, moved by the clock.
     */
    static final class ElapsedTimeRenderer implements ProgressBarRenderer {

        private static final int MAX_BAR = 24;
        private static final String MARKER = "<=>";

        @Override
        public String render(ProgressState progress, int maxLength) {
            Duration elapsed = progress.getTotalElapsed();
            String time = String.format(Locale.ROOT, "%d:%02d:%02d", elapsed.toHours(), elapsed.toMinutesPart(),
                    elapsed.toSecondsPart());
            String message = progress.getExtraMessage() == null ? "" : progress.getExtraMessage();
            String text = progress.getTaskName() + " %s " + time + " " + message;
            int barWidth = Math.min(MAX_BAR, maxLength - (text.length() - 2) - 2);
            if (barWidth < MARKER.length() + 2) {
                String line = String.format(Locale.ROOT, text, "");
                return line.length() <= maxLength ? line : line.substring(0, Math.max(0, maxLength));
            }
            StringBuilder bar = new StringBuilder(barWidth + 2).append('[');
            if (!progress.isIndefinite() && progress.getCurrent() >= progress.getMax()) {
                bar.append("=".repeat(barWidth));
            } else {
                int travel = barWidth - MARKER.length();
                int step = (int) ((elapsed.toMillis() / 100) % (2L * travel));
                int at = step <= travel ? step : 2 * travel - step;
                bar.append(" ".repeat(at)).append(MARKER).append(" ".repeat(travel - at));
            }
            return String.format(Locale.ROOT, text, bar.append(']'));
        }
    }
}
