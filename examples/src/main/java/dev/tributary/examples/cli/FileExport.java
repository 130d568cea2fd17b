package dev.tributary.examples.cli;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a stream of buffers to a file without blocking a thread per write: each buffer is
 * written with an {@link AsynchronousFileChannel} and the next one is requested when the write
 * has completed (backpressure from the disk to the database). The file is opened on the
 * bounded-elastic scheduler, closed once on complete, error or cancel, and deleted when the
 * stream fails.
 */
final class FileExport {

    private FileExport() {
    }

    /**
     * @param data the bytes, in order
     * @param file created or truncated
     * @return the number of bytes written; signals {@link UncheckedIOException} when a write fails
     */
    static Mono<Long> write(Flux<ByteBuffer> data, Path file) {
        return Mono.<Long, AsynchronousFileChannel>usingWhen(
                Mono.fromCallable(() -> AsynchronousFileChannel.open(file, StandardOpenOption.WRITE,
                        StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)).subscribeOn(Schedulers.boundedElastic()),
                channel -> {
                    AtomicLong position = new AtomicLong();
                    return data.concatMap(buffer -> writeFully(channel, buffer, position.getAndAdd(buffer.remaining())))
                            .reduce(0L, (total, length) -> total + length);
                },
                channel -> close(channel),
                (channel, error) -> close(channel).then(delete(file)),
                channel -> close(channel).then(delete(file)));
    }

    private static Mono<Long> writeFully(AsynchronousFileChannel channel, ByteBuffer buffer, long position) {
        long length = buffer.remaining();
        return Mono.<Long>create(sink -> channel.write(buffer, position, position, new CompletionHandler<Integer, Long>() {
            @Override
            public void completed(Integer written, Long at) {
                if (buffer.hasRemaining()) {
                    long next = at + written;
                    channel.write(buffer, next, next, this);
                } else {
                    sink.success(length);
                }
            }

            @Override
            public void failed(Throwable failure, Long at) {
                sink.error(failure instanceof IOException
                        ? new UncheckedIOException("Could not write at byte " + at, (IOException) failure)
                        : failure);
            }
        }));
    }

    private static Mono<Void> close(AsynchronousFileChannel channel) {
        return Mono.<Void>fromRunnable(() -> {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private static Mono<Void> delete(Path file) {
        return Mono.<Void>fromRunnable(() -> {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // best effort: the export's own error is what the user needs to see
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }
}
