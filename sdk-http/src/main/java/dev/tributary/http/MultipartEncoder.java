package dev.tributary.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link MultipartBody} as the bytes RFC 7578 (and RFC 2046 §5.1.1) define, with its total
 * length known before the first byte is sent. reactor-netty's {@code sendForm} encodes multipart
 * bodies with chunked transfer encoding and no {@code Content-Length}; this encoder is the
 * length-first alternative: part preambles and text fields are small byte arrays, files are read in
 * {@value #CHUNK}-byte heap chunks on {@code Schedulers.boundedElastic()} as the connection asks for them.
 */
final class MultipartEncoder {

    static final int CHUNK = 64 * 1024;

    private static final byte[] CRLF = {'\r', '\n'};

    private MultipartEncoder() {
    }

    /** The encoded body: its length and its bytes (subscribe once per attempt). */
    static final class Encoded {
        final long length;
        final Flux<ByteBuf> content;

        Encoded(long length, Flux<ByteBuf> content) {
            this.length = length;
            this.content = content;
        }
    }

    /**
     * @return the body, its file sizes read on {@code boundedElastic}; onError {@link UncheckedIOException}
     * naming a file that cannot be read
     */
    static Mono<Encoded> encode(MultipartBody body) {
        boolean hasFiles = body.parts().stream().anyMatch(p -> p.file != null);
        Mono<Encoded> encoded = Mono.fromCallable(() -> encodeNow(body));
        return hasFiles ? encoded.subscribeOn(Schedulers.boundedElastic()) : encoded;
    }

    private static Encoded encodeNow(MultipartBody body) {
        byte[] delimiter = HttpServiceClient.utf8("--" + body.getBoundary() + "\r\n");
        byte[] close = HttpServiceClient.utf8("--" + body.getBoundary() + "--\r\n");
        long length = 0;
        List<Flux<ByteBuf>> pieces = new ArrayList<>();
        for (MultipartBody.Part part : body.parts()) {
            byte[] headers = part.headers();
            byte[] preamble = new byte[delimiter.length + headers.length];
            System.arraycopy(delimiter, 0, preamble, 0, delimiter.length);
            System.arraycopy(headers, 0, preamble, delimiter.length, headers.length);
            pieces.add(bytes(preamble));
            length += preamble.length;
            if (part.file != null) {
                long size;
                try {
                    size = Files.size(part.file);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the size of the file " + part.file + " of part "
                            + part.name + ": " + e, e);
                }
                pieces.add(file(part.file, size));
                length += size;
            } else {
                pieces.add(bytes(part.text));
                length += part.text.length;
            }
            pieces.add(bytes(CRLF));
            length += CRLF.length;
        }
        pieces.add(bytes(close));
        length += close.length;
        return new Encoded(length, Flux.concat(pieces));
    }

    private static Flux<ByteBuf> bytes(byte[] bytes) {
        return Flux.defer(() -> Flux.just(Unpooled.wrappedBuffer(bytes)));
    }

    /** The file's bytes, {@code size} of them exactly; a file that changed size fails the upload. */
    static Flux<ByteBuf> file(Path path, long size) {
        return Flux.using(
                () -> FileChannel.open(path, StandardOpenOption.READ),
                channel -> Flux.<ByteBuf, Long>generate(() -> 0L, (position, sink) -> {
                    if (position >= size) {
                        try {
                            long now = channel.size();
                            if (now != size) {
                                sink.error(new IllegalStateException("the file " + path + " changed size during the upload: "
                                        + size + " bytes announced, " + now + " now"));
                                return position;
                            }
                        } catch (IOException e) {
                            sink.error(new UncheckedIOException("cannot read " + path + ": " + e, e));
                            return position;
                        }
                        sink.complete();
                        return position;
                    }
                    int length = (int) Math.min(CHUNK, size - position);
                    // a heap chunk of its own: allocating from Netty's pooled allocator off the event loops
                    // contends with the event loops for its shared magazines
                    ByteBuffer chunk = ByteBuffer.allocate(length);
                    try {
                        while (chunk.hasRemaining()) {
                            int n = channel.read(chunk, position + chunk.position());
                            if (n < 0) {
                                throw new IllegalStateException("the file " + path + " shrank during the upload: "
                                        + "expected " + size + " bytes, it ended at " + (position + chunk.position()));
                            }
                        }
                    } catch (IOException e) {
                        sink.error(new UncheckedIOException("cannot read " + path + ": " + e, e));
                        return position;
                    } catch (RuntimeException e) {
                        sink.error(e);
                        return position;
                    }
                    chunk.flip();
                    sink.next(Unpooled.wrappedBuffer(chunk));
                    return position + length;
                }),
                channel -> {
                    try {
                        channel.close();
                    } catch (IOException ignored) {
                        // read-only channel: nothing is lost
                    }
                })
                .subscribeOn(Schedulers.boundedElastic());
    }
}
