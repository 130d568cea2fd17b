package dev.tributary.http.platform;

import dev.tributary.emulator.platform.PlatformEmulator;
import dev.tributary.http.polling.JobTimeoutException;
import dev.tributary.sql.load.HeaderMode;
import dev.tributary.testkit.netty.NettyLeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Job polling in virtual time against the emulator: the emulator's job clock and the client's
 * polling share one {@link VirtualTimeScheduler}, and the emulator counts the polls, so the
 * backoff, the deadline and a cancel are checked request by request. Time moves only when a test
 * advances it, after the answer to the previous poll has arrived.
 */
@ExtendWith(NettyLeakCheck.class)
class PlatformPollingIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String DB = "alice/jobs";

    /** Not given to StepVerifier.withVirtualTime, which would dispose it (the emulator's jobs run on it). */
    private static VirtualTimeScheduler time;
    /** The client's view of {@link #time}: records the delays the poller schedules. */
    private static DelayRecordingScheduler clientTime;
    private static PlatformEmulator emulator;
    private static PlatformClient platform;
    private static Path csv;

    @BeforeAll
    static void start() throws IOException {
        time = VirtualTimeScheduler.create();
        clientTime = new DelayRecordingScheduler(time);
        // RECEIVED for 500 ms, then PROCESSING for at least 10 s (virtual), then DONE once the load is done
        emulator = PlatformEmulator.builder().timer(time).jobTiming(Duration.ofMillis(500), Duration.ofSeconds(10)).build().start();
        platform = PlatformClient.builder().baseUrl(emulator.baseUrl()).apiKey(emulator.createUser("alice")).scheduler(clientTime).build();
        platform.databases().create("jobs").block(TIMEOUT);
        csv = Files.createTempFile("polling-", ".csv");
        Files.writeString(csv, "id,name\n1,Oslo\n2,Bergen\n3,Tromsø\n");
    }

    @AfterAll
    static void stop() throws IOException {
        if (platform != null) {
            platform.closeLater().block(TIMEOUT);
        }
        if (emulator != null) {
            emulator.close();
        }
        time.dispose();
        Files.deleteIfExists(csv);
    }

    /** Statuses and the end of a subscription, as they arrive. */
    private static final class Observed<T> {
        final BlockingQueue<T> statuses = new LinkedBlockingQueue<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final Disposable subscription;
        volatile boolean completed;

        Observed(Flux<T> flux) {
            this.subscription = flux.subscribe(this.statuses::add, this.error::set, () -> this.completed = true);
        }

        T next() throws InterruptedException {
            T status = this.statuses.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(status).as("a status within %s (error: %s)", TIMEOUT, this.error.get()).isNotNull();
            return status;
        }
    }

    private static long polls(ImportJob job) {
        return emulator.requestCount("GET", "/v2beta/import/" + job.id());
    }

    /** Waits (in real time) until no request arrives for a moment, so that a count is final. */
    private static void settle() throws InterruptedException {
        Thread.sleep(300);
    }

    private static ImportJob newImport(String table) {
        return platform.imports().create(DB, CreateImport.file(csv, table).withHeader(HeaderMode.FIRST_ROW)).block(TIMEOUT);
    }

    @Test
    void pollsWithADoublingBackoffUntilTheJobIsDone() throws Exception {
        ImportJob job = newImport("backoff");
        PollSettings settings = PollSettings.defaults().withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(4));
        Observed<ImportJob> observed = new Observed<>(platform.imports().progress(job, settings));

        assertThat(observed.next().state()).isEqualTo(JobState.RECEIVED);                 // t = 0
        long[] waits = {1000, 2000, 4000};                                                 // then t = 1, 3, 7 s
        for (long wait : waits) {
            clientTime.awaitScheduled(Duration.ofMillis(wait), TIMEOUT);
            long before = polls(job);
            time.advanceTimeBy(Duration.ofMillis(wait - 1));
            settle();
            assertThat(polls(job)).as("no poll before %d ms", wait).isEqualTo(before);
            time.advanceTimeBy(Duration.ofMillis(1));
            assertThat(observed.next().state()).isEqualTo(JobState.PROCESSING);
            assertThat(polls(job)).isEqualTo(before + 1);
        }
        // the load itself runs in real time; the job is DONE once it has and 10 s (virtual) have passed
        awaitRows("backoff", 3);
        clientTime.awaitScheduled(Duration.ofSeconds(4), TIMEOUT);
        time.advanceTimeBy(Duration.ofSeconds(4));                                         // t = 11 s, the backoff's cap
        ImportJob done = observed.next();

        assertThat(done.state()).isEqualTo(JobState.DONE);
        settle();
        assertThat(observed.completed).isTrue();
        assertThat(observed.error.get()).isNull();
        assertThat(polls(job)).isEqualTo(5);
    }

    @Test
    void stopsAtTheDeadlineAndSendsNoMorePolls() throws Exception {
        ImportJob job = newImport("deadline");
        PollSettings settings = PollSettings.defaults().withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .withDeadline(Duration.ofMillis(4500));
        Observed<ImportJob> observed = new Observed<>(platform.imports().progress(job, settings));

        observed.next();                                    // t = 0
        clientTime.awaitScheduled(Duration.ofSeconds(1), TIMEOUT);
        time.advanceTimeBy(Duration.ofSeconds(1));
        observed.next();                                    // t = 1 s
        clientTime.awaitScheduled(Duration.ofSeconds(2), TIMEOUT);
        time.advanceTimeBy(Duration.ofSeconds(2));
        observed.next();                                    // t = 3 s; the next poll would be at 5 s
        clientTime.awaitScheduled(Duration.ofSeconds(2), TIMEOUT);
        time.advanceTimeBy(Duration.ofMillis(1500));        // t = 4.5 s: the deadline
        settle();

        assertThat(observed.error.get()).isInstanceOfSatisfying(JobTimeoutException.class, e -> {
            assertThat(e.getKind()).isEqualTo("import");
            assertThat(e.getJobId()).isEqualTo(job.id().toString());
            assertThat(e.getLastState()).isEqualTo("PROCESSING");
            assertThat(e.getPolls()).isEqualTo(3);
            assertThat(e.getDeadline()).isEqualTo(Duration.ofMillis(4500));
        });
        time.advanceTimeBy(Duration.ofMinutes(1));
        settle();
        assertThat(polls(job)).isEqualTo(3);
        // the job itself went on
        awaitRows("deadline", 3);
    }

    @Test
    void cancellingStopsThePolls() throws Exception {
        ExportJob job = platform.exports().create(DB, CreateExport.query("SELECT 1 AS one", ExportFormat.CSV)).block(TIMEOUT);
        Observed<ExportJob> observed = new Observed<>(platform.exports().progress(job));

        assertThat(observed.next().state()).isEqualTo(JobState.RECEIVED);
        clientTime.awaitScheduled(PollSettings.defaults().getFirstBackoff(), TIMEOUT);
        observed.subscription.dispose();
        time.advanceTimeBy(Duration.ofMinutes(10));
        settle();

        assertThat(emulator.requestCount("GET", "/v2beta/export/" + job.id())).isEqualTo(1);
        assertThat(observed.statuses).isEmpty();
        assertThat(observed.error.get()).isNull();
        // the job itself went on and finished
        ExportJob done = platform.exports().get(job.id()).block(TIMEOUT);
        for (long end = System.nanoTime() + TIMEOUT.toNanos(); done.state() != JobState.DONE && System.nanoTime() < end; ) {
            Thread.sleep(50);       // the export's query runs in real time
            done = platform.exports().get(job.id()).block(TIMEOUT);
        }
        assertThat(done.state()).isEqualTo(JobState.DONE);
        assertThat(platform.exports().download(done).map(java.nio.ByteBuffer::remaining).reduce(0, Integer::sum).block(TIMEOUT))
                .isEqualTo("one\n1\n".length());
    }

    private static void awaitRows(String table, long rows) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Object count = platform.query(DB, "SELECT count(*) FROM pg_tables WHERE tablename = '" + table + "'").rows()
                    .blockFirst(TIMEOUT).get(0);
            if (((Number) count).longValue() == 1
                    && ((Number) platform.query(DB, "SELECT count(*) FROM " + table).rows().blockFirst(TIMEOUT).get(0)).longValue() == rows) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("table " + table + " did not get " + rows + " rows within " + TIMEOUT);
    }
}
