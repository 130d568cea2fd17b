package dev.tributary.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.emulator.bitbucket.BitbucketEmulator;
import dev.tributary.examples.bitbucket.DemoWorkspace;
import dev.tributary.http.bitbucket.BitbucketAuth;
import dev.tributary.http.bitbucket.BitbucketClient;
import dev.tributary.http.bitbucket.PipelineTarget;
import dev.tributary.http.bitbucket.table.BitbucketTables;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.http.client.HttpClient;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tributary bitbucket ...} in process against one Bitbucket emulator seeded with the
 * {@link DemoWorkspace} (120 issues), and one embedded PostgreSQL for {@code sync-issues}. Every
 * run is checked not to print the API token.
 */
class BitbucketCommandsIT {

    private static final int ISSUES = 120;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static BitbucketEmulator emulator;
    private static EmbeddedPostgresServer pg;
    private static DemoWorkspace demo;
    private static Map<String, String> env;

    @BeforeAll
    static void start() {
        emulator = BitbucketEmulator.builder().pipelineTiming(Duration.ofMillis(1), Duration.ofMillis(1)).build().start();
        demo = DemoWorkspace.seed(emulator, ISSUES);
        try (BitbucketClient client = BitbucketClient.builder().baseUrl(emulator.baseUrl())
                .auth(BitbucketAuth.apiToken(demo.email(), demo::apiToken)).build()) {
            client.pipelines("demo", "app").trigger(PipelineTarget.branch("main")).block(Duration.ofSeconds(10));
        }
        env = Map.of("BITBUCKET_BASE_URL", emulator.baseUrl(), "BITBUCKET_EMAIL", demo.email(),
                "BITBUCKET_API_TOKEN", demo.apiToken());
        pg = EmbeddedPostgresServer.builder().start();
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    private static CommandRun run(Map<String, String> environment, String... args) {
        CommandRun run = CommandRun.of(environment, args);
        assertThat(run.out() + run.err()).as("the API token is never printed").doesNotContain(demo.apiToken());
        return run;
    }

    private static CommandRun run(String... args) {
        return run(env, args);
    }

    @Test
    void listsIssuesAsCsvFilteredAndSortedOnTheServer() {
        emulator.clearReceivedQueries();
        CommandRun run = run("bitbucket", "issues", "-w", "demo", "-r", "app", "--where", "state = \"new\"", "--sort", "-id",
                "-o", "csv");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<String> lines = run.outLines();
        assertThat(lines.get(0)).isEqualTo(String.join(",", BitbucketTables.issues().columnNames()));
        // IssueSeed.varied: issue i (0-based) is "new" when i % 9 == 0: ids 1, 10, ..., 118
        assertThat(lines).hasSize(1 + 14);
        assertThat(lines.get(1)).startsWith("118,\"Issue 118: ").contains(",new,");
        assertThat(lines.get(14)).startsWith("1,");
        assertThat(emulator.receivedQueries("/2.0/repositories/demo/app/issues")).isNotEmpty()
                .allSatisfy(q -> assertThat(q.q()).isEqualTo("state = \"new\""));
    }

    @Test
    void listsIssuesAsJsonWithAPartialResponseAndALimit() throws IOException {
        CommandRun run = run("bitbucket", "issues", "-w", "demo", "-r", "app", "--fields", "values.id,values.title",
                "--limit", "5", "-o", "json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode rows = JSON.readTree(run.out());
        assertThat(rows).hasSize(5);
        assertThat(rows.get(0).get("id").asInt()).isEqualTo(1);
        assertThat(rows.get(0).get("title").asText()).startsWith("Issue 1: ");
        assertThat(rows.get(0).get("state").isNull()).as("left out by --fields").isTrue();
        assertThat(rows.get(4).get("id").asInt()).isEqualTo(5);
    }

    @Test
    void listsIssuesAsATableOfTheChosenColumns() {
        CommandRun run = run("bitbucket", "issues", "-w", "demo", "-r", "app", "--columns", "id,state,assignee", "--limit", "3");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<String> lines = run.outLines();
        assertThat(lines.get(0)).matches("\\s*id\\s+state\\s+assignee\\s*");
        assertThat(lines.get(2)).contains("1").contains("new").contains("Alice Liddell");
        assertThat(lines.get(3)).contains("2").contains("open").contains("Bob Builder");
        assertThat(run.out()).contains("(3 rows)");
        CommandRun unknown = run("bitbucket", "issues", "-w", "demo", "-r", "app", "--columns", "id,colour");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("--columns: no column 'colour' in issues");
    }

    @Test
    void listsWorkspacesRepositoriesPullRequestsPipelinesCommitsAndBranches() throws IOException {
        CommandRun workspaces = run("bitbucket", "workspaces", "-o", "csv");
        assertThat(workspaces.exitCode()).as(workspaces.toString()).isZero();
        assertThat(workspaces.outLines()).hasSize(2);
        // GET /user/workspaces gives each workspace condensed (slug and uuid)
        assertThat(workspaces.outLines().get(1)).startsWith("demo,").contains("{").endsWith(",true,");

        CommandRun repos = run("bitbucket", "repos", "-w", "demo", "--where", "slug = \"app\"", "--columns", "full_name,project,has_issues",
                "-o", "csv");
        assertThat(repos.exitCode()).as(repos.toString()).isZero();
        assertThat(repos.outLines()).containsExactly("full_name,project,has_issues", "demo/app,DEMO,true");

        CommandRun open = run("bitbucket", "prs", "-w", "demo", "-r", "app", "-o", "json");
        assertThat(open.exitCode()).as(open.toString()).isZero();
        JsonNode prs = JSON.readTree(open.out());
        assertThat(prs).hasSize(1);
        assertThat(prs.get(0).get("title").asText()).isEqualTo("Add search");
        assertThat(prs.get(0).get("source_branch").asText()).isEqualTo("feature/search");
        assertThat(prs.get(0).get("author").asText()).isEqualTo("Bob Builder");
        CommandRun all = run("bitbucket", "prs", "-w", "demo", "-r", "app", "--state", "OPEN,MERGED", "--sort", "id",
                "--columns", "id,state", "-o", "csv");
        assertThat(all.outLines()).containsExactly("id,state", "1,OPEN", "2,MERGED");

        CommandRun pipelines = run("bitbucket", "pipelines", "-w", "demo", "-r", "app", "--columns", "build_number,ref_type,ref_name",
                "-o", "csv");
        assertThat(pipelines.exitCode()).as(pipelines.toString()).isZero();
        assertThat(pipelines.outLines()).containsExactly("build_number,ref_type,ref_name", "1,branch,main");

        CommandRun commits = run("bitbucket", "commits", "-w", "demo", "-r", "app", "--revision", "main", "-o", "json");
        assertThat(commits.exitCode()).as(commits.toString()).isZero();
        JsonNode main = JSON.readTree(commits.out());
        assertThat(main).hasSize(12);
        assertThat(main.get(0).get("hash").asText()).hasSizeGreaterThanOrEqualTo(12);
        assertThat(main.get(0).get("date").asText()).isGreaterThanOrEqualTo(main.get(11).get("date").asText());
        assertThat(main.get(11).get("parents").asInt()).as("the initial commit").isZero();
        assertThat(main.get(0).get("parents").asInt()).isEqualTo(1);
        assertThat(main.get(0).get("summary").asText()).isNotBlank();
        CommandRun five = run("bitbucket", "commits", "-w", "demo", "-r", "app", "--limit", "5", "-o", "csv");
        assertThat(five.outLines()).hasSize(6);

        CommandRun branches = run("bitbucket", "branches", "-w", "demo", "-r", "app", "--sort", "name", "--columns", "name",
                "-o", "csv");
        assertThat(branches.exitCode()).as(branches.toString()).isZero();
        assertThat(branches.outLines()).containsExactly("name", "feature/search", "fix/typo", "main");
    }

    @Test
    void createsUpdatesAndDeletesAnIssue() throws IOException {
        int before = emulator.issueCount("demo", "app");
        CommandRun created = run("bitbucket", "issues", "create", "-w", "demo", "-r", "app", "--title", "Crash on start",
                "--kind", "bug", "--priority", "critical", "--content", "Stack trace attached", "-o", "json");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        JsonNode issue = JSON.readTree(created.out()).get(0);
        int id = issue.get("id").asInt();
        assertThat(issue.get("title").asText()).isEqualTo("Crash on start");
        assertThat(issue.get("kind").asText()).isEqualTo("bug");
        assertThat(issue.get("priority").asText()).isEqualTo("critical");
        assertThat(issue.get("content").asText()).isEqualTo("Stack trace attached");
        assertThat(issue.get("reporter").asText()).isEqualTo("Alice Liddell");
        assertThat(emulator.issueCount("demo", "app")).isEqualTo(before + 1);

        CommandRun updated = run("bitbucket", "issues", "update", String.valueOf(id), "-w", "demo", "-r", "app", "--state", "resolved",
                "-o", "csv");
        assertThat(updated.exitCode()).as(updated.toString()).isZero();
        assertThat(updated.outLines().get(1)).startsWith(id + ",\"Crash on start\",resolved,bug,critical,\"Alice Liddell\",");
        CommandRun nothing = run("bitbucket", "issues", "update", String.valueOf(id), "-w", "demo", "-r", "app");
        assertThat(nothing.exitCode()).isEqualTo(2);
        assertThat(nothing.err()).contains("Nothing to update");

        CommandRun deleted = run("bitbucket", "issues", "delete", String.valueOf(id), "-w", "demo", "-r", "app");
        assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
        assertThat(deleted.out()).contains("Deleted issue " + id + " of demo/app");
        assertThat(emulator.issueCount("demo", "app")).isEqualTo(before);
        CommandRun gone = run("bitbucket", "issues", "delete", String.valueOf(id), "-w", "demo", "-r", "app");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err()).startsWith("tributary bitbucket issues delete: ").contains("404");
    }

    @Test
    void badBbqlIsAOneLineErrorWithExitCodeOne() {
        CommandRun run = run("bitbucket", "issues", "-w", "demo", "-r", "app", "--where", "state = ", "-o", "csv");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("tributary bitbucket issues: ").contains("400");
        assertThat(run.err().strip()).doesNotContain("\n");
        CommandRun blank = run("bitbucket", "issues", "-w", "demo", "-r", "app", "--where", " ");
        assertThat(blank.exitCode()).isEqualTo(2);
        assertThat(blank.err()).contains("q must not be blank");
        CommandRun noRepo = run("bitbucket", "issues", "-w", "demo");
        assertThat(noRepo.exitCode()).isEqualTo(2);
        assertThat(noRepo.err()).contains("--repo/-r");
    }

    @Test
    void credentialsComeFromTheEnvironmentAndAreNeverPrinted(@TempDir Path dir) {
        CommandRun none = run(Map.of("BITBUCKET_BASE_URL", emulator.baseUrl()), "bitbucket", "workspaces");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("No Bitbucket credentials").contains("BITBUCKET_API_TOKEN");

        Map<String, String> wrong = new HashMap<>(env);
        wrong.put("BITBUCKET_API_TOKEN", "ATATT3xWrongTokenValue0123456789");
        CommandRun refused = run(wrong, "bitbucket", "workspaces");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("401").doesNotContain("ATATT3xWrongTokenValue0123456789");

        String accessToken = emulator.createAccessToken("bob", "demo");
        CommandRun bearer = run(Map.of("BITBUCKET_BASE_URL", emulator.baseUrl(), "BITBUCKET_ACCESS_TOKEN", accessToken),
                "bitbucket", "repos", "-w", "demo", "--columns", "slug", "-o", "csv");
        assertThat(bearer.exitCode()).as(bearer.toString()).isZero();
        assertThat(bearer.outLines()).containsExactly("slug", "app");
        assertThat(bearer.out() + bearer.err()).doesNotContain(accessToken);

        emulator.seedOAuthConsumer("cli-consumer", "cli-secret-0123456789", "http://127.0.0.1/callback", "alice");
        CommandRun oauth = run(Map.of("BITBUCKET_BASE_URL", emulator.baseUrl(), "BITBUCKET_CLIENT_ID", "cli-consumer",
                "BITBUCKET_CLIENT_SECRET", "cli-secret-0123456789", "BITBUCKET_TOKEN_URL", emulator.tokenUrl(),
                "BITBUCKET_TOKEN_FILE", dir.resolve("no-login.json").toString()),
                "bitbucket", "workspaces", "--columns", "slug", "-o", "csv");
        assertThat(oauth.exitCode()).as(oauth.toString()).isZero();
        assertThat(oauth.outLines()).containsExactly("slug", "demo");
        assertThat(emulator.tokenGrants("client_credentials")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void logsInWithTheAuthorizationCodeFlowAndThenUsesTheStoredTokens(@TempDir Path dir) throws Exception {
        emulator.seedOAuthConsumer("login-consumer", "login-secret-0123456789", "http://127.0.0.1", "bob");
        Path file = dir.resolve("config").resolve("bitbucket-tokens.json");
        Map<String, String> consumer = Map.of("BITBUCKET_BASE_URL", emulator.baseUrl(), "BITBUCKET_CLIENT_ID", "login-consumer",
                "BITBUCKET_CLIENT_SECRET", "login-secret-0123456789", "BITBUCKET_TOKEN_URL", emulator.tokenUrl(),
                "BITBUCKET_AUTHORIZE_URL", emulator.authorizeUrl(), "BITBUCKET_TOKEN_FILE", file.toString());
        long grants = emulator.tokenGrants("authorization_code");

        PipedInputStream printed = new PipedInputStream(64 * 1024);
        PipedOutputStream stdout = new PipedOutputStream(printed);
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        CompletableFuture<Integer> login = CompletableFuture.supplyAsync(() -> {
            try (stdout) {
                return TributaryCommand.commandLine(consumer, stdout, stderr)
                        .execute("bitbucket", "login", "--callback-port", "0", "--timeout", "30");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        StringBuilder out = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(printed, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                out.append(line).append('\n');
                if (line.startsWith("  http")) {
                    // the browser: the emulator approves at once and redirects to the callback server
                    HttpClient.create().followRedirect(true).get().uri(line.strip()).response().block(Duration.ofSeconds(30));
                }
            }
        }
        assertThat(login.get(30, TimeUnit.SECONDS)).as(out + stderr.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out).contains("Open this URL in a browser", emulator.authorizeUrl() + "?", "Logged in: tokens stored in " + file);
        assertThat(emulator.tokenGrants("authorization_code")).isEqualTo(grants + 1);
        assertThat(file).exists();
        String stored = Files.readString(file);
        assertThat(stored).contains("refresh_token");

        CommandRun repos = run(consumer, "bitbucket", "repos", "-w", "demo", "--columns", "slug", "-o", "csv");
        assertThat(repos.exitCode()).as(repos.toString()).isZero();
        assertThat(repos.outLines()).containsExactly("slug", "app");
        JsonNode tokens = JSON.readTree(stored);
        tokens.properties().forEach(field -> {
            if (field.getKey().contains("token")) {
                assertThat(out.toString() + repos.out() + repos.err()).doesNotContain(field.getValue().asText());
            }
        });
    }

    @Test
    void theEmulatorCommandPrintsItsBaseUrlAndCredentialsAndStopsAtTheEndOfInput() {
        CommandRun run = CommandRun.of(Map.of(), "bitbucket", "emulator", "--issues", "5");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).containsPattern("base URL +http://127\\.0\\.0\\.1:\\d+/2\\.0")
                .contains("workspace   demo, repository app (5 issues)", "e-mail      alice@example.com", "API token   ATATT",
                        "export BITBUCKET_API_TOKEN=");
        assertThat(run.err()).contains("tributary bitbucket emulator: stopped");
    }

    @Test
    void syncsTheIssuesIntoPostgresqlAndAgainWithoutDuplicates() {
        Map<String, String> withDb = new HashMap<>(env);
        withDb.put("TRIBUTARY_URL", pg.r2dbcUrl("postgres"));
        CommandRun first = run(withDb, "bitbucket", "sync-issues", "-w", "demo", "-r", "app", "--into", "app_issues");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).startsWith("Synced 120 issues of demo/app into app_issues");
        assertThat(first.out() + first.err()).doesNotContain(pg.r2dbcUrl("postgres"));
        CommandRun bugs = run(withDb, "bitbucket", "sync-issues", "-w", "demo", "-r", "app", "--into", "app_issues",
                "--where", "kind = \"bug\"", "--batch-size", "7");
        assertThat(bugs.exitCode()).as(bugs.toString()).isZero();
        // kind = KINDS[(i / 2) % 4]: bug when i % 8 is 0 or 1: 30 of 120
        assertThat(bugs.out()).startsWith("Synced 30 issues").contains("5 batches");
        assertThat(pg.queryForLong("SELECT count(*) FROM app_issues")).isEqualTo(ISSUES);
        assertThat(pg.queryForLong("SELECT count(*) FROM app_issues WHERE kind = 'bug'")).isEqualTo(30);
        CommandRun badTable = run(withDb, "bitbucket", "sync-issues", "-w", "demo", "-r", "app", "--into", "x;y");
        assertThat(badTable.exitCode()).isEqualTo(2);
        assertThat(badTable.err()).contains("not an SQL identifier");
    }
}
