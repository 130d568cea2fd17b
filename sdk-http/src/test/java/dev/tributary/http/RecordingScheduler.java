package dev.tributary.http;

import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A virtual-time scheduler that records the delays it is asked for, so that a test against a real
 * server can wait (in real time, on the test thread) until the client has scheduled its retry, and
 * then advance virtual time past it.
 */
final class RecordingScheduler implements Scheduler {

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final List<Duration> delays = new CopyOnWriteArrayList<>();

    @Override
    public Disposable schedule(Runnable task) {
        return this.time.schedule(task);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        this.delays.add(Duration.ofNanos(unit.toNanos(delay)));
        return this.time.schedule(task, delay, unit);
    }

    @Override
    public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
        return this.time.schedulePeriodically(task, initialDelay, period, unit);
    }

    @Override
    public long now(TimeUnit unit) {
        return this.time.now(unit);
    }

    @Override
    public Worker createWorker() {
        return this.time.createWorker();
    }

    @Override
    public void dispose() {
        this.time.dispose();
    }

    /** @return every delay asked for so far, in order */
    List<Duration> delays() {
        return List.copyOf(this.delays);
    }

    /** @return the delays asked for that are not {@code ignored} (e.g. the response timeout's) */
    List<Duration> delaysOtherThan(Duration ignored) {
        return this.delays.stream().filter(d -> !d.equals(ignored)).toList();
    }

    /**
     * Blocks the test thread until {@code count} delays other than {@code ignored} have been asked for.
     */
    void awaitDelays(int count, Duration ignored) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (delaysOtherThan(ignored).size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " scheduled delay(s), saw " + delays());
            }
            sleep(5);
        }
    }

    /** Advances virtual time, running what falls due. */
    void advance(Duration by) {
        this.time.advanceTimeBy(by);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Blocks the test thread until {@code condition} holds (10 s at most). */
    static void await(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            sleep(5);
        }
    }
}
