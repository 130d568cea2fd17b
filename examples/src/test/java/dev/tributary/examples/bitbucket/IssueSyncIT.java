package dev.tributary.examples.bitbucket;

import dev.tributary.Tributary;
import dev.tributary.emulator.bitbucket.BitbucketEmulator;
import dev.tributary.emulator.bitbucket.IssueSeed;
import dev.tributary.http.bitbucket.BitbucketAuth;
import dev.tributary.http.bitbucket.BitbucketClient;
import dev.tributary.http.bitbucket.IssueUpdate;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sync pipeline: 10,000 emulated issues into an embedded PostgreSQL, then upserted again after changes. */
class IssueSyncIT {

    private static final Logger LOG = LoggerFactory.getLogger(IssueSyncIT.class);
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int ISSUES = 10_000;

    private static BitbucketEmulator emulator;
    private static EmbeddedPostgresServer pg;
    private static BitbucketClient client;
    private static SqlClient db;

    @BeforeAll
    static void start() {
        emulator = BitbucketEmulator.builder().build().start();
        emulator.seedUser("alice", "Alice Liddell", "alice@example.com");
        emulator.seedUser("bob", "Bob Builder", "bob@example.com");
        String token = emulator.createApiToken("alice@example.com");
        emulator.seedWorkspace("acme", "Acme", "alice", "bob");
        emulator.seedProject("acme", "PROJ", "Project");
        emulator.seedRepository("acme", "big", "PROJ");
        emulator.seedIssues("acme", "big", ISSUES, i -> IssueSeed.varied(i, List.of("alice", "bob")));
        emulator.seedRepository("acme", "small", "PROJ");
        emulator.seedIssues("acme", "small", 30, i -> IssueSeed.varied(i, List.of("alice")));
        client = BitbucketClient.builder().baseUrl(emulator.baseUrl())
                .auth(BitbucketAuth.apiToken("alice@example.com", () -> token)).build();
        pg = EmbeddedPostgresServer.builder().start();
        db = Tributary.sql(pg.r2dbcUrl("postgres")).build();
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close().block(WAIT);
        }
        if (client != null) {
            client.close();
        }
        if (pg != null) {
            pg.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void syncsTenThousandIssuesAndUpsertsChangesWithoutDuplicates() {
        IssueSync sync = new IssueSync(db, "bb_issues");
        IssueSync.Result first = sync.sync(client.issues("acme", "big").prefetchOnePage().list()).block(WAIT);
        assertThat(first.rows()).isEqualTo(ISSUES);
        assertThat(first.batches()).isEqualTo(ISSUES / IssueSync.DEFAULT_BATCH_SIZE);
        LOG.info("FIGURE sync-issues first run: {} issues in {} ms, {} rows/s", first.rows(), first.elapsed().toMillis(),
                String.format(Locale.ROOT, "%.0f", first.rowsPerSecond()));

        assertThat(pg.queryForLong("SELECT count(*) FROM bb_issues")).isEqualTo(ISSUES);
        assertThat(pg.queryForLong("SELECT count(DISTINCT id) FROM bb_issues")).isEqualTo(ISSUES);
        assertThat(pg.queryForLong("SELECT min(id) FROM bb_issues")).isEqualTo(1);
        assertThat(pg.queryForLong("SELECT max(id) FROM bb_issues")).isEqualTo(ISSUES);
        // IssueSeed.varied: state cycles through 9 states, so issue i (0-based) is "new" when i % 9 == 0
        assertThat(pg.queryForLong("SELECT count(*) FROM bb_issues WHERE state = 'new'")).isEqualTo((ISSUES + 8) / 9);
        // every third issue (i % 3 == 2) is unassigned
        assertThat(pg.queryForLong("SELECT count(*) FROM bb_issues WHERE assignee IS NULL")).isEqualTo(ISSUES / 3);
        assertThat(pg.queryForLong("SELECT sum(votes) FROM bb_issues"))
                .isEqualTo(java.util.stream.IntStream.range(0, ISSUES).map(i -> i % 7).asLongStream().sum());
        Map<String, Object> row = db.sql("SELECT id, title, kind, priority, reporter, assignee, component, milestone, created_on,"
                + " content FROM bb_issues WHERE id = 41").fetch().one().block(WAIT);
        IssueSeed seed = IssueSeed.varied(40, List.of("alice", "bob"));
        assertThat(row).containsEntry("title", seed.title()).containsEntry("kind", seed.kind())
                .containsEntry("priority", seed.priority()).containsEntry("reporter", "Alice Liddell")
                .containsEntry("assignee", "Bob Builder").containsEntry("component", "component-0")
                .containsEntry("milestone", "m1").containsEntry("content", "Content of issue 41");
        assertThat(((OffsetDateTime) row.get("created_on")).toInstant()).isEqualTo(seed.createdOn());

        // change 100 issues (8 at a time) and add 25, then sync again: updated in place, added once
        Flux.range(1, 100).flatMap(id -> client.issues("acme", "big")
                .update(id, IssueUpdate.builder().state("resolved").title("Renamed " + id).build()), 8).blockLast(WAIT);
        emulator.seedIssues("acme", "big", 25, i -> IssueSeed.of("Late " + i).withKind("task"));
        IssueSync.Result second = sync.sync(client.issues("acme", "big").prefetchOnePage().list()).block(WAIT);
        assertThat(second.rows()).isEqualTo(ISSUES + 25);
        LOG.info("FIGURE sync-issues upsert run: {} issues in {} ms, {} rows/s", second.rows(), second.elapsed().toMillis(),
                String.format(Locale.ROOT, "%.0f", second.rowsPerSecond()));
        assertThat(pg.queryForLong("SELECT count(*) FROM bb_issues")).isEqualTo(ISSUES + 25);
        assertThat(pg.queryForLong("SELECT count(*) FROM bb_issues WHERE id <= 100 AND state = 'resolved'"
                + " AND title = 'Renamed ' || id")).isEqualTo(100);
        assertThat(pg.queryForLong("SELECT count(*) FROM bb_issues WHERE title LIKE 'Late %' AND kind = 'task'")).isEqualTo(25);
    }

    @Test
    void syncsOnlyWhatTheBbqlFilterSelectsIntoATableOfASchema() {
        pg.execute("CREATE SCHEMA IF NOT EXISTS tracker");
        IssueSync sync = new IssueSync(db, "tracker.small_issues").batchSize(7).concurrency(1);
        IssueSync.Result result = sync.sync(client.issues("acme", "small").q("kind = \"bug\"").list()).block(WAIT);
        // kind = KINDS[(i / 2) % 4]: bug for i % 8 in {0, 1}: 30 issues -> i in 0,1,8,9,16,17,24,25
        assertThat(result.rows()).isEqualTo(8);
        assertThat(result.batches()).isEqualTo(2);
        assertThat(pg.queryForLong("SELECT count(*) FROM tracker.small_issues WHERE kind = 'bug'")).isEqualTo(8);
        assertThat(emulator.receivedQueries("/2.0/repositories/acme/small/issues")).isNotEmpty()
                .allSatisfy(q -> assertThat(q.q()).isEqualTo("kind = \"bug\""));
    }

    @Test
    void refusesATableNameThatIsNotAnIdentifier() {
        assertThatThrownBy(() -> new IssueSync(db, "issues; DROP TABLE x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an SQL identifier");
        assertThatThrownBy(() -> new IssueSync(db, "a.b.c")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new IssueSync(db, "t").createTableSql()).startsWith("CREATE TABLE IF NOT EXISTS \"t\" (id integer PRIMARY KEY,")
                .contains("created_on timestamptz").contains("votes integer");
    }
}
