package dev.tributary.r2dbc.copy;

import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadResult;
import dev.tributary.sql.load.LoadSource;
import dev.tributary.sql.load.LoadedColumn;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Function;

/**
 * The byte streams one load opens on its source, and their closing. Opening and reading block
 * (bounded-elastic threads only). {@link #close()} may run on another thread while a read is in
 * progress: it closes the streams under the reader, which then fails or ends promptly (a blocked
 * read of a {@code Publisher} source wakes up); that is how a cancelled load stops reading.
 */
final class SourceReading implements AutoCloseable {

    private static final int PUBLISHER_PREFETCH = 8;

    private final LoadSource source;
    private final List<InputStream> open = new ArrayList<>();
    private boolean closed;
    private int opened;

    SourceReading(LoadSource source) {
        this.source = source;
    }

    /**
     * Runs one load of a backend: opens a reading of the request's source, hands it to
     * {@code load}, and closes it on complete, error and cancel (on a bounded-elastic thread:
     * closing a stream may block).
     *
     * @param request the load
     * @param load    what the backend does with the reading
     * @return the load's result, timed from subscription
     */
    static Mono<LoadResult> run(LoadRequest request, Function<SourceReading, Mono<Outcome>> load) {
        return Mono.defer(() -> {
            long started = System.nanoTime();
            return Mono.usingWhen(Mono.fromSupplier(() -> new SourceReading(request.source())), load,
                            SourceReading::closeLater, (reading, error) -> closeLater(reading), SourceReading::closeLater)
                    .map(outcome -> new LoadResult(outcome.table().toString(), outcome.rows(), outcome.created(), outcome.columns(),
                            Duration.ofNanos(System.nanoTime() - started)));
        });
    }

    private static Mono<Void> closeLater(SourceReading reading) {
        return Mono.fromRunnable(reading::close).subscribeOn(Schedulers.boundedElastic()).then();
    }

    /** What a load did: its table, the rows it wrote, whether it created the table, the columns it loaded. */
    record Outcome(TableName table, long rows, boolean created, List<LoadedColumn> columns) {
    }

    /** @return how errors name the source */
    String description() {
        return this.source.description();
    }

    /** @return whether the source can be read twice (a file) */
    boolean rereadable() {
        return this.source.path() != null;
    }

    /**
     * Opens the source's bytes (again, for a file).
     *
     * @return the stream, closed by {@link #close(InputStream)} or {@link #close()}
     * @throws IOException           if it cannot be opened
     * @throws IllegalStateException if a stream source is opened a second time
     * @throws CancellationException if the reading was closed
     */
    InputStream open() throws IOException {
        synchronized (this) {
            if (this.closed) {
                throw new CancellationException("The load was cancelled");
            }
            if (this.opened > 0 && !rereadable()) {
                throw new IllegalStateException("A stream source can only be read once: " + description());
            }
            this.opened++;
        }
        InputStream in;
        if (this.source.path() != null) {
            in = Files.newInputStream(this.source.path());
        } else if (this.source.inputStream() != null) {
            in = this.source.inputStream().get();
            if (in == null) {
                throw new IllegalStateException("The InputStream supplier of " + description() + " returned null");
            }
        } else {
            in = new PublisherInputStream(this.source.publisher(), PUBLISHER_PREFETCH);
        }
        boolean closedMeanwhile;
        synchronized (this) {
            closedMeanwhile = this.closed;
            if (!closedMeanwhile) {
                this.open.add(in);
            }
        }
        if (closedMeanwhile) {
            closeQuietly(in);
            throw new CancellationException("The load was cancelled");
        }
        return in;
    }

    /**
     * Closes one stream this reading opened.
     *
     * @param in the stream
     */
    void close(InputStream in) {
        synchronized (this) {
            this.open.remove(in);
        }
        closeQuietly(in);
    }

    /** @return whether {@link #close()} was called */
    synchronized boolean isClosed() {
        return this.closed;
    }

    /**
     * Closes every stream still open; later {@link #open()} calls fail. Idempotent.
     */
    @Override
    public void close() {
        List<InputStream> toClose;
        synchronized (this) {
            this.closed = true;
            toClose = new ArrayList<>(this.open);
            this.open.clear();
        }
        toClose.forEach(SourceReading::closeQuietly);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException | RuntimeException ignored) {
            // closing is best effort: the load has its outcome already
        }
    }
}
