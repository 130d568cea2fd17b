package dev.tributary.r2dbc;

import dev.tributary.Tributary;
import dev.tributary.sql.DatabaseUnavailableException;
import dev.tributary.sql.OutcomeUnknownException;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Four writers insert rows with unique keys while the server restarts: every row acknowledged to a
 * caller exists exactly once, no row exists twice, and every row whose outcome the SDK could not
 * know was reported as such.
 */
class WritesDuringRestartsIT {

    /** Acknowledged writes before each restart and after the last one. */
    private static final int WRITES_BETWEEN_RESTARTS = 40;

    /** The longest the writers may take to reach the next count (a restart takes a few seconds). */
    private static final Duration PROGRESS = Duration.ofSeconds(60);

    @Test
    void acknowledgedWritesExistExactlyOnceAndNoneIsDoubled() throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.builder().start()) {
            pg.execute("CREATE TABLE events (id bigint NOT NULL, writer int NOT NULL)"); // no key: a doubled write would show
            SqlClient db = Tributary.sql(pg.r2dbcUrl("postgres")).pool(PoolSettings.serverless()).build();
            Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
            Set<Long> unknown = ConcurrentHashMap.newKeySet();
            Set<Long> refused = ConcurrentHashMap.newKeySet();
            Map<String, Integer> otherErrors = new ConcurrentHashMap<>();
            AtomicBoolean running = new AtomicBoolean(true);

            Mono<Void> writers = Flux.range(0, 4).flatMap(writer -> Flux.range(0, Integer.MAX_VALUE)
                            .takeWhile(i -> running.get())
                            .concatMap(i -> {
                                long id = writer * 1_000_000L + i;
                                return db.sql("INSERT INTO events (id, writer) VALUES ($1, $2)").bind(0, id).bind(1, writer).rowsUpdated()
                                        .doOnNext(n -> acknowledged.add(id))
                                        .onErrorResume(e -> {
                                            if (e instanceof OutcomeUnknownException) {
                                                unknown.add(id);
                                            } else if (e instanceof DatabaseUnavailableException) {
                                                refused.add(id);
                                            } else {
                                                otherErrors.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
                                            }
                                            return Mono.empty();
                                        });
                            }), 4)
                    .then();
            var done = writers.toFuture();
            // Restart after the writers have made progress, not after a fixed time a busy machine can
            // outlast: the writes resume after each restart, or the test fails.
            for (int restart = 0; restart < 3; restart++) {
                awaitAcknowledged(acknowledged, WRITES_BETWEEN_RESTARTS * (restart + 1), restart);
                pg.restart();
            }
            awaitAcknowledged(acknowledged, WRITES_BETWEEN_RESTARTS * 4, 3);
            running.set(false);
            done.get();
            db.close().block(Duration.ofSeconds(10));

            Map<Long, Integer> stored = new HashMap<>();
            try (Connection c = pg.superuserDataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id, count(*) FROM events GROUP BY id")) {
                while (rs.next()) {
                    stored.put(rs.getLong(1), rs.getInt(2));
                }
            }
            System.out.printf("writes during 3 restarts: acknowledged %d, outcome unknown %d, refused before sending %d, stored %d, other errors %s%n",
                    acknowledged.size(), unknown.size(), refused.size(), stored.size(), otherErrors);
            assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(WRITES_BETWEEN_RESTARTS * 4);
            assertThat(otherErrors).isEmpty();
            assertThat(stored.values()).as("no row is stored twice").allMatch(n -> n == 1);
            assertThat(stored.keySet()).as("every acknowledged row is stored").containsAll(acknowledged);
            assertThat(refused).as("a write refused before it was sent is not stored").doesNotContainAnyElementsOf(stored.keySet());
            Set<Long> unexplained = new java.util.HashSet<>(stored.keySet());
            unexplained.removeAll(acknowledged);
            assertThat(unknown).as("every stored row that was not acknowledged was reported as outcome unknown").containsAll(unexplained);
        }
    }

    private static void awaitAcknowledged(Set<Long> acknowledged, int count, int restarts) throws InterruptedException {
        long deadline = System.nanoTime() + PROGRESS.toNanos();
        while (acknowledged.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(acknowledged).as("acknowledged writes within %d s, after %d restarts", PROGRESS.toSeconds(), restarts)
                .hasSizeGreaterThanOrEqualTo(count);
    }
}
