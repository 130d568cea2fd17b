package dev.tributary.benchmarks.sql;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Heap growth during a measurement: a baseline after {@code System.gc()}, then the used heap
 * sampled every 10 ms ({@link MemoryMXBean}) and the used heap right after each collection (GC
 * notifications: what the collector could not free, i.e. what the stream held). Both are reported
 * as growth over the baseline, in MiB.
 */
final class HeapSampler implements AutoCloseable {

    private static final double MIB = 1024.0 * 1024.0;

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private final long baseline;
    private final AtomicLong peakSampled = new AtomicLong();
    private final AtomicLong peakAfterGc = new AtomicLong(-1);
    private final NotificationListener listener = this::onCollection;
    private final Thread sampler;
    private volatile boolean running = true;

    /** The growth figures of one measurement. */
    record Growth(double peakSampledMib, double peakAfterGcMib) {
    }

    HeapSampler() {
        System.gc();
        this.baseline = this.memory.getHeapMemoryUsage().getUsed();
        for (GarbageCollectorMXBean collector : this.collectors) {
            ((NotificationEmitter) collector).addNotificationListener(this.listener, null, null);
        }
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

    private void onCollection(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream().mapToLong(MemoryUsage::getUsed).sum();
        this.peakAfterGc.accumulateAndGet(used, Math::max);
    }

    /** @return the growth so far; {@code NaN} after-GC growth when no collection ran */
    Growth growth() {
        long afterGc = this.peakAfterGc.get();
        return new Growth(Math.max(0, this.peakSampled.get() - this.baseline) / MIB,
                afterGc < 0 ? Double.NaN : Math.max(0, afterGc - this.baseline) / MIB);
    }

    @Override
    public void close() {
        this.running = false;
        this.sampler.interrupt();
        for (GarbageCollectorMXBean collector : this.collectors) {
            try {
                ((NotificationEmitter) collector).removeNotificationListener(this.listener);
            } catch (ListenerNotFoundException e) {
                // never added
            }
        }
    }
}
