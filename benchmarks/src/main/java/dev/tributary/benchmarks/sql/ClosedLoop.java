package dev.tributary.benchmarks.sql;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;

/**
 * Closed-loop load: {@code concurrency} callers, each starting its next operation as soon as the
 * previous one completed, until the duration has passed. Keys are uniformly random in
 * {@code [1, keys]}. Latency is recorded per successful operation in microseconds (HdrHistogram,
 * 3 significant digits); an error is counted and the caller carries on.
 */
final class ClosedLoop {

    /** An operation that does not answer within this is an error (a hung client must not hang the run). */
    static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(10);

    private ClosedLoop() {
    }

    /**
     * Runs reactive operations: {@code concurrency} subscriber loops merged with {@code flatMap}.
     * Blocks the calling thread (the harness's main thread) until the round ends.
     */
    static LoopResult reactive(LongFunction<Mono<?>> operation, long keys, int concurrency, Duration duration) {
        Recorder recorder = new Recorder(3);
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        Flux.range(0, concurrency)
                .flatMap(caller -> Mono.defer(() -> {
                            long t0 = System.nanoTime();
                            return operation.apply(randomKey(keys))
                                    .timeout(OPERATION_TIMEOUT)
                                    .doOnSuccess(v -> {
                                        recorder.recordValue((System.nanoTime() - t0) / 1000);
                                        ok.incrementAndGet();
                                    })
                                    .onErrorResume(e -> {
                                        errors.incrementAndGet();
                                        return Mono.empty();
                                    });
                        })
                        .repeat(() -> System.nanoTime() < deadline)
                        .then(), concurrency)
                .then()
                .block(duration.plus(OPERATION_TIMEOUT).plusSeconds(5));
        long elapsed = System.nanoTime() - start;
        return new LoopResult(ok.get(), errors.get(), elapsed, recorder.getIntervalHistogram());
    }

    /**
     * Runs blocking operations on a fixed pool of {@code concurrency} threads, each in a loop.
     */
    static LoopResult blocking(LongConsumer operation, long keys, int concurrency, Duration duration) {
        ExecutorService threads = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "bench-caller");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Histogram> histograms = new ArrayList<>();
            List<Future<long[]>> callers = new ArrayList<>();
            long start = System.nanoTime();
            long deadline = start + duration.toNanos();
            for (int i = 0; i < concurrency; i++) {
                Histogram histogram = new Histogram(3);
                histograms.add(histogram);
                callers.add(threads.submit(() -> {
                    long ok = 0;
                    long errors = 0;
                    while (System.nanoTime() < deadline) {
                        long t0 = System.nanoTime();
                        try {
                            operation.accept(randomKey(keys));
                            histogram.recordValue((System.nanoTime() - t0) / 1000);
                            ok++;
                        } catch (RuntimeException e) {
                            errors++;
                        }
                    }
                    return new long[] {ok, errors};
                }));
            }
            long ok = 0;
            long errors = 0;
            for (Future<long[]> caller : callers) {
                long[] counts = caller.get(duration.plus(OPERATION_TIMEOUT).toMillis() + 5000, TimeUnit.MILLISECONDS);
                ok += counts[0];
                errors += counts[1];
            }
            long elapsed = System.nanoTime() - start;
            Histogram all = new Histogram(3);
            histograms.forEach(all::add);
            return new LoopResult(ok, errors, elapsed, all);
        } catch (Exception e) {
            throw new IllegalStateException("A blocking closed-loop round failed", e);
        } finally {
            threads.shutdownNow();
        }
    }

    static long randomKey(long keys) {
        return ThreadLocalRandom.current().nextLong(1, keys + 1);
    }
}
