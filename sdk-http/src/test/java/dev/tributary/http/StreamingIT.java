package dev.tributary.http;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Streamed JSON arrays and downloads against a loopback server: backpressure, memory, release on cancel. */
class StreamingIT {

    private static final int ELEMENTS = 1_000_000;
    private static final int BATCH = 1_000;

    /** Elements the server has generated (it generates only as fast as the socket drains). */
    private static final AtomicLong generated = new AtomicLong();
    private static final AtomicBoolean bigBodyClosed = new AtomicBoolean();
    private static final AtomicInteger flaky = new AtomicInteger();
    private static LoopbackServer server;
    private static Path cities;

    @BeforeAll
    static void startServer() {
        cities = Path.of(System.getProperty("tributary.shared.data"), "geonames-cities.json");
        server = LoopbackServer.start((request, response) -> {
            switch (request.uri) {
                case "/query/big":
                    generated.set(0);
                    bigBodyClosed.set(false);
                    response.withConnection(c -> c.onDispose(() -> bigBodyClosed.set(true)));
                    Flux<String> rows = Flux.range(0, ELEMENTS / BATCH).map(batch -> {
                        StringBuilder s = new StringBuilder(BATCH * 48);
                        for (int i = batch * BATCH; i < (batch + 1) * BATCH; i++) {
                            s.append(i == 0 ? "" : ",").append('[').append(i).append(",\"Sant Julià de Lòria\",42.46372,1.49129]");
                        }
                        generated.addAndGet(BATCH);
                        return s.toString();
                    });
                    return response.header("Content-Type", "application/json")
                            .sendString(Flux.concat(Mono.just("{\"query_string\": \"SELECT * FROM big\", \"metadata\": "
                                    + "{\"id\": \"integer\", \"name\": \"text\", \"lat\": \"double\", \"lng\": \"double\"}, \"data\": ["),
                                    rows, Mono.just("]}")), StandardCharsets.UTF_8);
                case "/query/small":
                    return response.header("Content-Type", "application/json").sendString(Mono.just(
                            "{\"query_string\": \"SELECT name, pop FROM cities\", \"metadata\": {\"name\": \"text\", \"pop\": \"integer\"},"
                                    + " \"data\": [[\"Vila\", 1200], [\"Encamp\", 11000]]}"));
                case "/query/broken":
                    // 200, part of the array, then the connection drops
                    return response.header("Content-Type", "application/json")
                            .sendString(Flux.concat(Mono.just("{\"data\": [[1], [2], [3],"), Mono.delay(Duration.ofMillis(50)).then(Mono.empty())))
                            .then(Mono.fromRunnable(() -> response.withConnection(c -> c.channel().close())));
                case "/query/flaky":
                    return flaky.incrementAndGet() == 1
                            ? response.status(503).sendString(Mono.just("warming up"))
                            : response.sendString(Mono.just("[1, 2, 3]"));
                case "/export/cities.json":
                    return response.header("Content-Type", "application/json").sendFile(cities);
                default:
                    return response.status(404).send();
            }
        }, http -> http.childOption(ChannelOption.SO_SNDBUF, 64 * 1024)
                // the server's buffers come from another allocator, so that the default one measures the client's
                .childOption(ChannelOption.ALLOCATOR, UnpooledByteBufAllocator.DEFAULT));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static HttpServiceClient client() {
        return HttpServiceClient.builder().baseUrl(server.url())
                .retry(RetrySettings.builder().backoff(Duration.ofMillis(10), Duration.ofMillis(10)).build()).build();
    }

    private static long nettyUsedMemory() {
        ByteBufAllocatorMetric metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        return metric.usedDirectMemory() + metric.usedHeapMemory();
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            RecordingScheduler.sleep(20);
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** Waits (10 s at most) until {@code counter} has not moved for {@code quiet}; returns its value. */
    private static long awaitStable(AtomicLong counter, Duration quiet) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long value = counter.get();
        long since = System.nanoTime();
        while (System.nanoTime() - since < quiet.toNanos()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server never stopped generating: " + counter.get());
            }
            RecordingScheduler.sleep(10);
            long now = counter.get();
            if (now != value) {
                value = now;
                since = System.nanoTime();
            }
        }
        return value;
    }

    /** Requests from the test thread, counts and sums what arrives. */
    static final class SlowSubscriber extends BaseSubscriber<List<Object>> {
        final AtomicLong received = new AtomicLong();
        final AtomicLong idSum = new AtomicLong();
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicReference<Throwable> error = new AtomicReference<>();

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            // nothing until the test asks
        }

        @Override
        protected void hookOnNext(List<Object> row) {
            this.idSum.addAndGet(((Number) row.get(0)).longValue());
            this.received.incrementAndGet();
        }

        @Override
        protected void hookOnError(Throwable throwable) {
            this.error.set(throwable);
        }

        @Override
        protected void hookFinally(reactor.core.publisher.SignalType type) {
            this.done.countDown();
        }
    }

    @Test
    void streamsAMillionElementsToASlowSubscriberInBoundedMemory() throws InterruptedException {
        try (HttpServiceClient client = client()) {
            long heapBefore = usedHeapAfterGc();
            long nettyBefore = nettyUsedMemory();
            SlowSubscriber subscriber = new SlowSubscriber();
            client.get("/query/big").streamArray("/data", new TypeReference<List<Object>>() { }).subscribe(subscriber);

            // a subscriber that wants 10 elements: the body must stop flowing
            subscriber.request(10);
            RecordingScheduler.await("10 elements", () -> subscriber.received.get() == 10);
            // the server is held back by TCP flow control: it stops generating once the buffers are full
            long generatedWhilePaused = awaitStable(generated, Duration.ofMillis(200));
            long nettyPaused = nettyUsedMemory() - nettyBefore;
            long heapPaused = usedHeapAfterGc() - heapBefore;
            assertThat(subscriber.received).hasValue(10);

            // then slowly: 50 000 at a time, with pauses, sampling memory
            long nettyPeak = nettyPaused;
            while (subscriber.done.getCount() > 0) {
                long target = Math.min(ELEMENTS, subscriber.received.get() + 50_000);
                subscriber.request(50_000);
                RecordingScheduler.await("the next 50 000 elements", () -> subscriber.received.get() >= target
                        || subscriber.done.getCount() == 0);
                nettyPeak = Math.max(nettyPeak, nettyUsedMemory() - nettyBefore);
                RecordingScheduler.sleep(5);
            }
            assertThat(subscriber.done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(subscriber.error.get()).isNull();
            assertThat(subscriber.received).hasValue(ELEMENTS);
            assertThat(subscriber.idSum).hasValue((long) ELEMENTS * (ELEMENTS - 1) / 2);

            System.out.printf("streamed %,d elements: while paused after 10 the server had generated %,d (%.1f %%);"
                            + " client Netty memory paused %,d B, peak %,d B; retained heap paused %,d B%n",
                    ELEMENTS, generatedWhilePaused, 100.0 * generatedWhilePaused / ELEMENTS, nettyPaused, nettyPeak, heapPaused);
            // ~45 MB of JSON, ~200 MB of decoded rows if they were all buffered
            assertThat(generatedWhilePaused).as("elements generated while the subscriber wanted 10").isLessThan(ELEMENTS / 4);
            assertThat(nettyPeak).as("the client's Netty buffer memory").isLessThan(4L * 1024 * 1024);
            assertThat(heapPaused).as("heap retained while paused").isLessThan(32L * 1024 * 1024);
        }
    }

    @Test
    void cancellingMidStreamReleasesTheBodyAndTheConnection() {
        try (HttpServiceClient client = client()) {
            StepVerifier.create(client.get("/query/big").streamArray("/data", new TypeReference<List<Object>>() { }).take(5_000))
                    .expectNextCount(5_000)
                    .verifyComplete();
            RecordingScheduler.await("the server to see the connection closed", bigBodyClosed::get);
            assertThat(generated.get()).isLessThan(ELEMENTS);
        }
    }

    @Test
    void handsTheFieldsBeforeTheArrayToTheCaller() {
        try (HttpServiceClient client = client()) {
            Flux<Map<String, Object>> rows = client.get("/query/small").streamArray("/data", List.class, (head, arrays) -> {
                List<String> columns = new ArrayList<>();
                head.get("metadata").fieldNames().forEachRemaining(columns::add);
                return arrays.map(values -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 0; i < columns.size(); i++) {
                        row.put(columns.get(i), values.get(i));
                    }
                    return row;
                });
            });
            StepVerifier.create(rows)
                    .expectNext(Map.of("name", "Vila", "pop", 1200))
                    .expectNext(Map.of("name", "Encamp", "pop", 11000))
                    .verifyComplete();
            StepVerifier.create(client.get("/query/small").streamArray("/data", JsonNode.class,
                            (head, arrays) -> Mono.just(head.get("query_string").asText())))
                    .expectNext("SELECT name, pop FROM cities")
                    .verifyComplete();
        }
    }

    @Test
    void aConnectionLostMidStreamIsTypedAfterTheElementsThatArrived() {
        try (HttpServiceClient client = client()) {
            int before = server.requests();
            StepVerifier.create(client.get("/query/broken").streamArray("/data", JsonNode.class))
                    .expectNextCount(3)
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(HttpConnectionException.class)
                                .hasMessageContaining("connection lost during the response (status 200)");
                        assertThat(((HttpException) e).getStatus()).isEqualTo(200);
                    })
                    .verify(Duration.ofSeconds(10));
            assertThat(server.requests() - before).as("not retried once elements were emitted").isEqualTo(1);
        }
    }

    @Test
    void aTransientFailureBeforeTheFirstElementIsRetried() {
        try (HttpServiceClient client = client()) {
            StepVerifier.create(client.get("/query/flaky").streamArray("", Integer.class))
                    .expectNext(1, 2, 3)
                    .verifyComplete();
            assertThat(flaky).hasValue(2);
        }
    }

    @Test
    void anArrayThatIsNotThereIsADecodingError() {
        try (HttpServiceClient client = client()) {
            StepVerifier.create(client.get("/query/small").streamArray("/rows", JsonNode.class))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(HttpResponseDecodingException.class)
                            .hasMessage("GET " + server.url() + "/query/small: 200: no array at JSON pointer \"/rows\""))
                    .verify(Duration.ofSeconds(10));
        }
    }

    @Test
    void downloadsAFileByteForByte(@TempDir Path dir) throws Exception {
        long size = Files.size(cities);
        Path target = dir.resolve("cities.json");
        try (HttpServiceClient client = client()) {
            StepVerifier.create(client.get("/export/cities.json").downloadTo(target))
                    .expectNext(size)
                    .verifyComplete();
            assertThat(Files.mismatch(cities, target)).isEqualTo(-1L);

            StepVerifier.create(client.get("/export/cities.json").download().map(ByteBuffer::remaining)
                            .reduce(0L, (sum, n) -> sum + n))
                    .expectNext(size)
                    .verifyComplete();
        }
    }

    @Test
    void aFailedDownloadLeavesNoFile(@TempDir Path dir) {
        Path target = dir.resolve("missing.json");
        try (HttpServiceClient client = client()) {
            StepVerifier.create(client.get("/export/missing.json").downloadTo(target))
                    .expectError(HttpNotFoundException.class)
                    .verify(Duration.ofSeconds(10));
            assertThat(target).doesNotExist();
        }
    }
}
