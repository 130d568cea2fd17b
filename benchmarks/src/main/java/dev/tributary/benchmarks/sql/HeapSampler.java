package dev.tributary.benchmarks.sql;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Heap growth during a measurement, over a baseline taken after {@code System.gc()}: the used heap
 * sampled every 10 ms ({@link MemoryMXBean}; its peak is mostly the young generation filling up
 * between collections), and the heap retained at one moment chosen by the caller (mid-stream),
 * measured after a full {@code System.gc()}: what the stream really holds, its buffered rows.
 */
final class HeapSampler implements AutoCloseable {

    private static final double MIB = 1024.0 * 1024.0;

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final long baseline;
    private final AtomicLong peakSampled = new AtomicLong();
    private volatile double retainedMib = Double.NaN;
    private final Thread sampler;
    private volatile boolean running = true;

    /**
     * The growth figures of one measurement, in MiB.
     *
     * @param peakSampledMib the peak of the sampled used heap
     * @param retainedMib    the heap retained when {@link #measureRetained()} ran ({@code NaN} if it did not)
     */
    record Growth(double peakSampledMib, double retainedMib) {
    }

    HeapSampler() {
        System.gc();
        this.baseline = this.memory.getHeapMemoryUsage().getUsed();
        this.sampler = new Thread(() -> {
            while (this.running) {
                this.peakSampled.accumulateAndGet(this.memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        this.sampler.setDaemon(true);
        this.sampler.start();
    }

    /**
     * Runs a full collection and records what is still used over the baseline. Blocks the calling
     * thread for the collection (tens of milliseconds), once per measurement.
     */
    void measureRetained() {
        System.gc();
        this.retainedMib = Math.max(0, this.memory.getHeapMemoryUsage().getUsed() - this.baseline) / MIB;
    }

    /** @return the growth so far */
    Growth growth() {
        return new Growth(Math.max(0, this.peakSampled.get() - this.baseline) / MIB, this.retainedMib);
    }

    @Override
    public void close() {
        this.running = false;
        this.sampler.interrupt();
    }
}
