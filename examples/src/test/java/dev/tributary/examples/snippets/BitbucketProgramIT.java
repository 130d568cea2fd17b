package dev.tributary.examples.snippets;

import dev.tributary.Tributary;
import dev.tributary.emulator.bitbucket.BitbucketEmulator;
import dev.tributary.emulator.bitbucket.IssueSeed;
import dev.tributary.examples.bitbucket.IssueSync;
import dev.tributary.http.bitbucket.Issue;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's Bitbucket program does what its comments say, against the Bitbucket emulator. */
class BitbucketProgramIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int ISSUES = 60;

    @Test
    void readmeBitbucketSnippetRunsAgainstTheEmulator() {
        try (BitbucketEmulator emulator = BitbucketEmulator.builder().build().start();
             EmbeddedPostgresServer pg = EmbeddedPostgresServer.builder().start()) {
            emulator.seedUser("alice", "Alice Liddell", "alice@example.com");
            String token = emulator.createApiToken("alice@example.com");
            emulator.seedWorkspace("acme", "Acme", "alice");
            emulator.seedProject("acme", "PROJ", "Project");
            emulator.seedRepository("acme", "app", "PROJ");
            emulator.seedIssues("acme", "app", ISSUES, i -> IssueSeed.varied(i, List.of("alice")));
            SqlClient sql = Tributary.sql(pg.r2dbcUrl("postgres")).build();

            BitbucketProgram.Pipelines p = BitbucketProgram.build(emulator.baseUrl(), "alice@example.com", token, sql);
            try {
                List<Issue> bugs = p.openBugs().collectList().block(TIMEOUT);
                long expected = IntStream.range(0, ISSUES).mapToObj(i -> IssueSeed.varied(i, List.of("alice")))
                        .filter(s -> s.kind().equals("bug") && (s.state().equals("new") || s.state().equals("open"))).count();
                assertThat(expected).isPositive();
                assertThat(bugs).hasSize((int) expected).allSatisfy(issue -> {
                    assertThat(issue.kind()).isEqualTo("bug");
                    assertThat(issue.state()).isIn("new", "open");
                });
                assertThat(bugs).extracting(Issue::updatedOn).isSortedAccordingTo(Comparator.<OffsetDateTime>reverseOrder());
                assertThat(emulator.receivedQueries("/2.0/repositories/acme/app/issues")).first()
                        .satisfies(q -> assertThat(q.q()).isEqualTo("kind = \"bug\" AND state IN (\"new\", \"open\")"));

                Issue created = p.created().block(TIMEOUT);
                assertThat(created.id()).isEqualTo(ISSUES + 1);
                assertThat(created.priority()).isEqualTo("critical");

                List<Map<String, Object>> repos = p.repositories().collectList().block(TIMEOUT);
                assertThat(repos).hasSize(1);
                assertThat(repos.get(0)).containsEntry("full_name", "acme/app").containsEntry("project", "PROJ");

                IssueSync.Result synced = p.synced().block(TIMEOUT);
                assertThat(synced.rows()).isEqualTo(ISSUES + 1);
                assertThat(pg.queryForLong("SELECT count(*) FROM issues")).isEqualTo(ISSUES + 1);
                assertThat(pg.queryForLong("SELECT count(*) FROM issues WHERE title = 'Crash on start' AND kind = 'bug'")).isEqualTo(1);
            } finally {
                p.bitbucket().close();
                sql.close().block(TIMEOUT);
            }
        }
    }
}
