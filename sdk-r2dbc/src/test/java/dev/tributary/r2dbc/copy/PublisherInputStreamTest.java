package dev.tributary.r2dbc.copy;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PublisherInputStreamTest {

    @Test
    void readsTheBuffersInOrderWithoutChangingThem() throws IOException {
        ByteBuffer first = ByteBuffer.wrap("日本".getBytes(StandardCharsets.UTF_8), 0, 4);
        ByteBuffer second = ByteBuffer.wrap("日本".getBytes(StandardCharsets.UTF_8), 4, 2);
        InputStream in = new PublisherInputStream(Flux.just(first, second).publishOn(Schedulers.parallel()), 1);

        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("日本");
        assertThat(first.position()).isZero();
        assertThat(second.position()).isEqualTo(4);
    }

    @Test
    void throwsThePublishersErrorAsItsCause() {
        IllegalStateException failure = new IllegalStateException("upload broke");
        InputStream in = new PublisherInputStream(Flux.concat(Flux.just(ByteBuffer.wrap(new byte[]{1})), Flux.error(failure)), 2);

        assertThatThrownBy(in::readAllBytes).isInstanceOf(PublisherInputStream.PublisherFailedException.class).hasCause(failure);
    }

    @Test
    void closingWakesAReaderWaitingForThePublisher() throws Exception {
        AtomicBoolean cancelled = new AtomicBoolean();
        InputStream in = new PublisherInputStream(Flux.just(ByteBuffer.wrap(new byte[]{42}))
                .concatWith(Flux.never())
                .doOnCancel(() -> cancelled.set(true)), 1);
        assertThat(in.read()).isEqualTo(42);

        CompletableFuture<Object> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return in.read();
            } catch (IOException e) {
                return e;
            }
        });
        Thread.sleep(100);
        assertThat(blocked).isNotDone();
        in.close();

        assertThat(blocked.get(5, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
        assertThat(cancelled).isTrue();
    }
}
