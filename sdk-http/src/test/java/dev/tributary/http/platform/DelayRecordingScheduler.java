package dev.tributary.http.platform;

import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler (a virtual-time one in the tests) that records the delays it is asked for, so that a
 * test can wait until the poller has scheduled its next poll before it advances the clock: a
 * status reaches the subscriber before the poller schedules the next poll, and a clock advanced in
 * between would be advanced past a delay not yet scheduled.
 */
final class DelayRecordingScheduler implements Scheduler {

    private final Scheduler delegate;
    private final List<Long> delays = new CopyOnWriteArrayList<>();

    DelayRecordingScheduler(Scheduler delegate) {
        this.delegate = delegate;
    }

    /**
     * Waits (real time, on the test thread) until a task was scheduled with exactly {@code delay},
     * and forgets it.
     */
    void awaitScheduled(Duration delay, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (this.delays.remove(Long.valueOf(delay.toNanos()))) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("nothing was scheduled with a delay of " + delay + " within " + timeout + "; delays: " + this.delays);
    }

    @Override
    public Disposable schedule(Runnable task) {
        return this.delegate.schedule(task);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        this.delays.add(unit.toNanos(delay));
        return this.delegate.schedule(task, delay, unit);
    }

    @Override
    public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
        return this.delegate.schedulePeriodically(task, initialDelay, period, unit);
    }

    @Override
    public long now(TimeUnit unit) {
        return this.delegate.now(unit);
    }

    @Override
    public Worker createWorker() {
        return this.delegate.createWorker();
    }

    @Override
    public void dispose() {
        this.delegate.dispose();
    }

    @Override
    public boolean isDisposed() {
        return this.delegate.isDisposed();
    }

    @Override
    public void init() {
        this.delegate.init();
    }
}
