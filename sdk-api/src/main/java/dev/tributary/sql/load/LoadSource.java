package dev.tributary.sql.load;

import org.reactivestreams.Publisher;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where a bulk load reads its bytes. Sources are read as a stream, never whole into memory. A
 * file can be read twice (once to infer column types from every row, once to load); a stream is
 * read once (types are inferred from its first {@link LoadRequest.Builder#sampleRows(int)} rows).
 * Blocking reads ({@link Path}, {@link InputStream}) run on Reactor's bounded-elastic scheduler,
 * never on an event loop.
 */
public final class LoadSource {

    private final String description;
    private final Path path;
    private final Supplier<? extends InputStream> inputStream;
    private final Publisher<ByteBuffer> publisher;

    private LoadSource(String description, Path path, Supplier<? extends InputStream> inputStream, Publisher<ByteBuffer> publisher) {
        this.description = description;
        this.path = path;
        this.inputStream = inputStream;
        this.publisher = publisher;
    }

    /**
     * @param file a readable file; not {@code null}
     * @return a source reading the file (re-readable)
     */
    public static LoadSource of(Path file) {
        Objects.requireNonNull(file, "file");
        return new LoadSource(file.getFileName() != null ? file.getFileName().toString() : file.toString(), file, null, null);
    }

    /**
     * @param description how errors name the source (for example the original file name)
     * @param stream      opened when the load is subscribed to, closed when it ends; not
     *                    {@code null}
     * @return a source reading the stream once
     */
    public static LoadSource of(String description, Supplier<? extends InputStream> stream) {
        return new LoadSource(Objects.requireNonNull(description, "description"), null, Objects.requireNonNull(stream, "stream"), null);
    }

    /**
     * @param description how errors name the source
     * @param bytes       the source's bytes, consumed with backpressure; not {@code null}
     * @return a source reading the publisher once
     */
    public static LoadSource of(String description, Publisher<ByteBuffer> bytes) {
        return new LoadSource(Objects.requireNonNull(description, "description"), null, null, Objects.requireNonNull(bytes, "bytes"));
    }

    /** @return how errors name the source */
    public String description() {
        return this.description;
    }

    /** @return the file, or {@code null} when the source is a stream */
    public Path path() {
        return this.path;
    }

    /** @return the stream supplier, or {@code null} */
    public Supplier<? extends InputStream> inputStream() {
        return this.inputStream;
    }

    /** @return the byte publisher, or {@code null} */
    public Publisher<ByteBuffer> publisher() {
        return this.publisher;
    }

    @Override
    public String toString() {
        return "LoadSource{" + this.description + '}';
    }
}
