package dev.tributary.testkit.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NettyLeakCheckTest {

    @Test
    void reportsABufferThatWasNeverReleased() {
        NettyLeakCheck.collectLeaks();
        leakOne();
        List<String> leaks = new ArrayList<>();
        for (int attempt = 0; attempt < 20 && leaks.isEmpty(); attempt++) {
            leaks.addAll(NettyLeakCheck.collectLeaks());
        }
        assertThat(leaks).anySatisfy(leak -> assertThat(leak).contains("ByteBuf").contains("leakOne"));
        assertThat(NettyLeakCheck.collectLeaks()).isEmpty();
    }

    @Test
    void blockHoundRejectsBlockingOnANonBlockingThread() {
        // Mono.delay emits on Reactor's parallel scheduler, a non-blocking thread.
        Mono.delay(Duration.ofMillis(1))
                .doOnNext(x -> {
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                })
                .as(StepVerifier::create)
                .expectError(BlockingOperationError.class)
                .verify(Duration.ofSeconds(5));
    }

    private static void leakOne() {
        ByteBuf leaked = ByteBufAllocator.DEFAULT.directBuffer(128);
        leaked.writeInt(42);
        // dropped without release()
    }
}
