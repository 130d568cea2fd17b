package dev.tributary.http.platform;

import dev.tributary.emulator.platform.PlatformEmulator;
import dev.tributary.testkit.netty.NettyLeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Schedulers;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A half-million-row query answer (55 MB of JSON) streamed from the emulator through the client with
 * bounded memory: the rows are consumed on the test thread with a bounded prefetch, the heap is
 * measured after a full collection every 100,000 rows and during a pause of the consumer, and must
 * not grow by more than a small fraction of what the answer weighs.
 * <p>
 * The rates these tests log are far below the client's: the test JVM runs with Netty's paranoid leak
 * detection and BlockHound, which slow every buffer access. Outside tests the client decodes this
 * answer at about 600,000 rows/s on 2 cores (measured 2026-11-22, a million rows in 1.6 s warm).
 */
@ExtendWith(NettyLeakCheck.class)
class PlatformStreamingIT {

    private static final Logger LOG = LoggerFactory.getLogger(PlatformStreamingIT.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final int ROWS = 500_000;
    private static final String SQL = sql(ROWS);
    /** Rows of the objects test: enough to decode through many chunks; the bounded-memory proof is the arrays test's. */
    private static final int OBJECT_ROWS = 200_000;
    /** The growth of the live heap the test allows: the answer weighs about 55 MB as JSON, several times that as objects. */
    private static final long MAX_GROWTH = 16L * 1024 * 1024;

    private static PlatformEmulator emulator;
    private static PlatformClient platform;

    @BeforeAll
    static void start() {
        emulator = PlatformEmulator.builder().build().start();
        platform = PlatformClient.builder().baseUrl(emulator.baseUrl()).apiKey(emulator.createUser("alice"))
                .responseTimeout(TIMEOUT).build();
        platform.databases().create("big").block(TIMEOUT);
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.closeLater().block(TIMEOUT);
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    private static String sql(int rows) {
        return "SELECT g AS n, md5(g::text) AS hash, repeat('x', 64) AS pad FROM generate_series(1, " + rows + ") AS g";
    }

    private static long liveHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    @Test
    void streamsHalfAMillionRowsAsArraysInBoundedMemory() {
        long baseline = liveHeap();
        AtomicLong peak = new AtomicLong(baseline);
        long[] count = {0};
        long[] sum = {0};
        long[] jsonBytes = {0};
        long start = System.nanoTime();
        // rows are handed to a thread that may block (measuring, pausing), 256 at a time
        platform.query("alice/big", SQL).rows()
                .timeout(Duration.ofSeconds(30))            // a stall fails the test instead of hanging it
                .publishOn(Schedulers.boundedElastic(), 256)
                .doOnNext(row -> {
                    long n = ((Number) row.get(0)).longValue();
                    assertThat(row.get(1)).asString().hasSize(32);
                    count[0]++;
                    sum[0] += n;
                    jsonBytes[0] += Long.toString(n).length() + 32 + 64 + 9;     // [n,"hash","pad"], and a comma
                    if (count[0] == 1_000) {
                        pause(Duration.ofSeconds(2));    // meanwhile the server may not push the rest into memory
                        peak.accumulateAndGet(liveHeap(), Math::max);
                    }
                    if (count[0] % 100_000 == 0) {
                        peak.accumulateAndGet(liveHeap(), Math::max);
                    }
                })
                .blockLast(TIMEOUT);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(count[0]).isEqualTo(ROWS);
        assertThat(sum[0]).isEqualTo((long) ROWS * (ROWS + 1) / 2);
        LOG.info("FIGURE streamed {} rows ({} MB of JSON rows) in {} ms ({} rows/s, {} full GCs and a 2 s pause included);"
                        + " live heap {} KB before, peak {} KB (growth {} KB, limit {} KB)", count[0], jsonBytes[0] / 1_000_000, millis,
                count[0] * 1000 / Math.max(1, millis), 2 * (ROWS / 100_000 + 1), baseline >> 10, peak.get() >> 10, (peak.get() - baseline) >> 10, MAX_GROWTH >> 10);
        assertThat(peak.get() - baseline).isLessThan(MAX_GROWTH);
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void streamsRowsAsObjectsAndStopsEarlyOnCancel() {
        long baseline = liveHeap();
        long start = System.nanoTime();
        long count = platform.query("alice/big", sql(OBJECT_ROWS)).objects()
                .timeout(Duration.ofSeconds(30))
                .filter(row -> row.size() == 3)
                .count().block(TIMEOUT);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(count).isEqualTo(OBJECT_ROWS);

        List<Map<String, Object>> first = platform.query("alice/big", SQL).objects().take(5).collectList().block(TIMEOUT);
        assertThat(first).extracting(row -> row.get("n")).containsExactly(1, 2, 3, 4, 5);
        long after = liveHeap();
        LOG.info("FIGURE streamed {} rows as objects in {} ms ({} rows/s); live heap growth after the streams {} KB", count, millis,
                count * 1000 / Math.max(1, millis), (after - baseline) >> 10);
        assertThat(after - baseline).isLessThan(MAX_GROWTH);
    }
}
