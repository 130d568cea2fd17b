package dev.tributary.http.bitbucket;

import dev.tributary.emulator.bitbucket.BitbucketEmulator;
import dev.tributary.emulator.bitbucket.BitbucketFault;
import dev.tributary.emulator.bitbucket.BitbucketUser;
import dev.tributary.emulator.bitbucket.IssueSeed;
import dev.tributary.emulator.bitbucket.PagingQuirk;
import dev.tributary.emulator.bitbucket.PipelineResult;
import dev.tributary.emulator.bitbucket.PullRequestSeed;
import dev.tributary.emulator.bitbucket.ReceivedQuery;
import dev.tributary.http.HttpBadRequestException;
import dev.tributary.http.HttpNotFoundException;
import dev.tributary.http.HttpTransientException;
import dev.tributary.http.HttpUnauthorizedException;
import dev.tributary.http.RetrySettings;
import dev.tributary.http.auth.Auth;
import dev.tributary.http.polling.JobFailedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client against the Bitbucket emulator: every resource, paging with and without the quirks,
 * BBQL pushdown, issue CRUD, 429 storms, pipelines and asynchronous merges as jobs. One emulator
 * for the class; each test has repositories of its own (tests run in random order).
 */
class BitbucketClientIT {

    private static final String WS = "acme";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static BitbucketEmulator emulator;
    private static BitbucketClient bb;
    private static BitbucketUser alice;

    @BeforeAll
    static void start() {
        emulator = BitbucketEmulator.builder()
                .pipelineTiming(Duration.ofMillis(150), Duration.ofMillis(300))
                .mergeTaskPendingPolls(2)
                .build().start();
        alice = emulator.seedUser("alice", "Alice Liddell", "alice@example.com");
        emulator.seedUser("bob", "Bob Builder", "bob@example.com");
        String token = emulator.createApiToken("alice@example.com");
        emulator.seedWorkspace(WS, "Acme", "alice", "bob");
        emulator.seedProject(WS, "PROJ", "Project");
        bb = BitbucketClient.builder()
                .baseUrl(emulator.baseUrl())
                .auth(Auth.basic("alice@example.com", () -> token))
                .retry(RetrySettings.builder().maxAttempts(8).backoff(Duration.ofMillis(5), Duration.ofMillis(80)).jitter(0.5).build())
                .polling(Duration.ofMillis(20), Duration.ofMillis(60), Duration.ofSeconds(20))
                .build();
    }

    @AfterAll
    static void stop() {
        if (bb != null) {
            bb.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    private static String repo(String slug) {
        emulator.seedRepository(WS, slug, "PROJ");
        return slug;
    }

    private static String issuesPath(String repo) {
        return "/2.0/repositories/" + WS + "/" + repo + "/issues";
    }

    @Test
    void servesEveryResource() {
        String repo = repo("tour");
        assertThat(bb.currentUser().block(WAIT)).satisfies(me -> {
            assertThat(me.uuid()).isEqualTo(alice.uuid());
            assertThat(me.displayName()).isEqualTo("Alice Liddell");
        });
        assertThat(bb.workspaces().list().collectList().block(WAIT))
                .extracting(access -> access.workspace().slug()).contains(WS);
        assertThat(bb.workspaces().get(WS).block(WAIT).slug()).isEqualTo(WS);
        assertThat(bb.members(WS).list().collectList().block(WAIT))
                .extracting(m -> m.user().nickname()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(bb.projects(WS).list().map(Project::key).collectList().block(WAIT)).contains("PROJ");
        assertThat(bb.projects(WS).get("PROJ").block(WAIT).name()).isEqualTo("Project");
        assertThat(bb.repositories(WS).list().map(Repository::slug).collectList().block(WAIT)).contains(repo);
        Repository repository = bb.repositories(WS).get(repo).block(WAIT);
        assertThat(repository.fullName()).isEqualTo(WS + "/" + repo);
        assertThat(repository.mainbranch().name()).isEqualTo("main");

        String head = emulator.seedCommits(WS, repo, "main", 45);
        emulator.seedBranch(WS, repo, "feature/x");
        emulator.seedTag(WS, repo, "v1.0");
        assertThat(bb.branches(WS, repo).list().map(Branch::name).collectList().block(WAIT))
                .containsExactlyInAnyOrder("main", "feature/x");
        assertThat(bb.branches(WS, repo).filter(Bbql.field("name").eq("main")).list().collectList().block(WAIT))
                .singleElement().satisfies(main -> assertThat(main.target().hash()).isEqualTo(head));
        assertThat(bb.tags(WS, repo).list().map(Tag::name).collectList().block(WAIT)).containsExactly("v1.0");
        assertThat(bb.tags(WS, repo).list().blockFirst(WAIT).target().hash()).isEqualTo(head);
        assertThat(bb.branches(WS, repo).get("feature/x").block(WAIT).target().hash()).isEqualTo(head);
        assertThat(bb.tags(WS, repo).get("v1.0").block(WAIT).target().hash()).isEqualTo(head);
        assertThat(bb.commits(WS, repo).get(head).block(WAIT).hash()).isEqualTo(head);

        // cursor paging: 45 seeded + the initial commit, 20 per page
        List<Commit> commits = bb.commits(WS, repo).pagelen(20).list().collectList().block(WAIT);
        assertThat(commits).hasSize(46).extracting(Commit::hash).doesNotHaveDuplicates().first().isEqualTo(head);
        assertThat(bb.commits(WS, repo).revision("feature/x").pagelen(100).list().count().block(WAIT)).isEqualTo(46);

        int open = emulator.seedPullRequest(WS, repo, PullRequestSeed.open("Open one", "feature/a", "bob"));
        int merged = emulator.seedPullRequest(WS, repo, PullRequestSeed.open("Merged one", "feature/b", "bob").withState("MERGED"));
        assertThat(bb.pullRequests(WS, repo).list().map(PullRequest::id).collectList().block(WAIT)).containsExactly(open);
        assertThat(bb.pullRequests(WS, repo).states(PullRequestState.OPEN, PullRequestState.MERGED).list()
                .map(PullRequest::id).collectList().block(WAIT)).containsExactly(open, merged);
        assertThat(emulator.receivedQueries("/2.0/repositories/" + WS + "/" + repo + "/pullrequests"))
                .last().satisfies(q -> assertThat(q.params().get("state")).containsExactly("OPEN", "MERGED"));
        PullRequest created = bb.pullRequests(WS, repo).create(NewPullRequest.builder("New", "feature/x")
                .destinationBranch("main").description("adds x").build()).block(WAIT);
        assertThat(created.state()).isEqualTo("OPEN");
        assertThat(created.source().branch().name()).isEqualTo("feature/x");
        assertThat(bb.pullRequests(WS, repo).get(created.id()).block(WAIT).title()).isEqualTo("New");
        assertThatThrownBy(() -> bb.pullRequests(WS, repo).approve(created.id()).block(WAIT))
                .isInstanceOf(HttpBadRequestException.class).hasMessageContaining("approve your own pull request");
        Participant approval = bb.pullRequests(WS, repo).approve(open).block(WAIT);
        assertThat(approval.approved()).isTrue();
        assertThat(approval.user().uuid()).isEqualTo(alice.uuid());

        Pipeline pipeline = bb.pipelines(WS, repo).run(PipelineTarget.branch("main")).block(WAIT);
        assertThat(bb.pipelines(WS, repo).list().map(Pipeline::uuid).collectList().block(WAIT)).contains(pipeline.uuid());
        assertThat(bb.pipelines(WS, repo).get(pipeline.uuid()).block(WAIT).resultName()).isEqualTo("SUCCESSFUL");
        assertThat(bb.pipelines(WS, repo).steps(pipeline.uuid()).list().collectList().block(WAIT))
                .isNotEmpty().allSatisfy(step -> assertThat(step.state().name()).isEqualTo("COMPLETED"));
    }

    @Test
    void authenticatesWithAccessTokensAndRefusesBadCredentialsTyped() {
        String repo = repo("tokens");
        emulator.seedIssues(WS, repo, 3, i -> IssueSeed.varied(i, List.of()));
        String accessToken = emulator.createAccessToken("bob", WS);
        try (BitbucketClient bearer = BitbucketClient.builder().baseUrl(emulator.baseUrl()).auth(Auth.bearer(accessToken)).build();
             BitbucketClient wrong = BitbucketClient.builder().baseUrl(emulator.baseUrl())
                     .auth(Auth.basic("alice@example.com", () -> "not-the-token")).retry(RetrySettings.none()).build();
             BitbucketClient appPassword = BitbucketClient.builder().baseUrl(emulator.baseUrl())
                     .auth(Auth.basic("alice", () -> "app-password")).retry(RetrySettings.none()).build()) {
            assertThat(bearer.currentUser().block(WAIT).nickname()).isEqualTo("bob");
            assertThat(bearer.issues(WS, repo).list().count().block(WAIT)).isEqualTo(3);
            assertThatThrownBy(() -> wrong.currentUser().block(WAIT)).isInstanceOf(HttpUnauthorizedException.class)
                    .hasMessageNotContaining("not-the-token");
            assertThatThrownBy(() -> appPassword.currentUser().block(WAIT)).isInstanceOf(HttpUnauthorizedException.class)
                    .hasMessageContaining("pp password");
        }
    }

    @Test
    void pagesThroughAThousandIssuesInOrderWithoutDuplicates() {
        String repo = repo("thousand");
        emulator.seedIssues(WS, repo, 1_000, i -> IssueSeed.varied(i, List.of("alice", "bob")));
        emulator.resetRequestCounts();
        List<Issue> issues = bb.issues(WS, repo).pagelen(100).list().collectList().block(WAIT);
        assertThat(issues).hasSize(1_000);
        assertThat(issues).extracting(Issue::id).containsExactlyElementsOf(IntStream.rangeClosed(1, 1_000).boxed().toList());
        assertThat(issues.get(0).title()).isEqualTo("Issue 1: bug in component-0");
        assertThat(emulator.requestCount("GET", issuesPath(repo) + "/?")).isEqualTo(10);
        assertThat(emulator.receivedQueries(issuesPath(repo))).allSatisfy(q -> {
            assertThat(q.first("pagelen")).isEqualTo("100");
            assertThat(q.sort()).isEqualTo("id");
        });
        // demand-driven: taking 150 fetches two pages only
        emulator.resetRequestCounts();
        assertThat(bb.issues(WS, repo).pagelen(100).list().take(150).count().block(WAIT)).isEqualTo(150);
        assertThat(emulator.requestCount("GET", issuesPath(repo) + "/?")).isEqualTo(2);
        // one page ahead
        assertThat(bb.issues(WS, repo).pagelen(100).prefetchOnePage().list().count().block(WAIT)).isEqualTo(1_000);
    }

    @Test
    void toleratesSizeLargerThanValuesAndAnEmptyLastPageWithNext() {
        String repo = repo("quirky");
        emulator.seedIssues(WS, repo, 1_000, i -> IssueSeed.varied(i, List.of("alice")));
        emulator.pagingQuirks(issuesPath(repo) + "/?", PagingQuirk.SIZE_LARGER_THAN_VALUES, PagingQuirk.EMPTY_LAST_PAGE_WITH_NEXT);
        List<Page<Issue>> pages = bb.issues(WS, repo).pagelen(100).pages().collectList().block(WAIT);
        assertThat(pages.get(0).size()).isGreaterThan(1_000);
        assertThat(pages).hasSize(11);
        assertThat(pages.get(10).values()).isEmpty();
        List<Integer> ids = bb.issues(WS, repo).pagelen(100).list().map(Issue::id).collectList().block(WAIT);
        assertThat(ids).containsExactlyElementsOf(IntStream.rangeClosed(1, 1_000).boxed().toList());
    }

    @Test
    void sortsByIdByDefaultSoThatUnsortedDriftNeitherDuplicatesNorLosesIssues() {
        String repo = repo("drifting");
        emulator.seedIssues(WS, repo, 1_000, i -> IssueSeed.varied(i, List.of("alice")));
        List<Integer> all = IntStream.rangeClosed(1, 1_000).boxed().toList();

        emulator.pagingQuirks(issuesPath(repo) + "/?", PagingQuirk.UNSORTED_DUPLICATES);
        assertThat(bb.issues(WS, repo).pagelen(100).list().map(Issue::id).collectList().block(WAIT)).containsExactlyElementsOf(all);
        // unsorted: the service repeats an issue at each page boundary; the walk drops the repeats
        List<Page<Issue>> pages = bb.issues(WS, repo).pagelen(100).unsorted().pages().collectList().block(WAIT);
        int sent = pages.stream().mapToInt(p -> p.values().size()).sum();
        assertThat(sent).isGreaterThan(1_000);
        List<Integer> deduplicated = bb.issues(WS, repo).pagelen(100).unsorted().list().map(Issue::id).collectList().block(WAIT);
        assertThat(deduplicated).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(all);

        // gaps cannot be repaired by a client; the default sort avoids them
        emulator.pagingQuirks(issuesPath(repo) + "/?", PagingQuirk.UNSORTED_GAPS);
        assertThat(bb.issues(WS, repo).pagelen(100).list().count().block(WAIT)).isEqualTo(1_000);
        assertThat(bb.issues(WS, repo).pagelen(100).unsorted().list().count().block(WAIT)).isLessThan(1_000);
        emulator.pagingQuirks(issuesPath(repo) + "/?");
    }

    @Test
    void pushesBbqlFiltersDownAndReturnsExactlyTheServersRows() {
        String repo = repo("filtered");
        List<IssueSeed> seeds = IntStream.range(0, 400).mapToObj(i -> IssueSeed.varied(i, List.of("alice", "bob"))).toList();
        emulator.seedIssues(WS, repo, seeds.size(), seeds::get);
        emulator.clearReceivedQueries();
        Instant after = IssueSeed.VARIED_EPOCH.plus(Duration.ofHours(2));
        Bbql filter = Bbql.field("state").in("open", "new")
                .and(Bbql.field("priority").eq("critical").or(Bbql.field("kind").eq("task")))
                .and(Bbql.field("created_on").gt(after));
        List<Issue> issues = bb.issues(WS, repo).filter(filter).sortDescending("created_on").pagelen(25).list()
                .collectList().block(WAIT);

        List<Integer> expected = IntStream.range(0, seeds.size())
                .filter(i -> Set.of("open", "new").contains(seeds.get(i).state()))
                .filter(i -> seeds.get(i).priority().equals("critical") || seeds.get(i).kind().equals("task"))
                .filter(i -> seeds.get(i).createdOn().isAfter(after))
                .mapToObj(i -> i + 1).sorted((a, b) -> b - a).toList();
        assertThat(expected).isNotEmpty().hasSizeLessThan(seeds.size() / 4);
        assertThat(issues).extracting(Issue::id).containsExactlyElementsOf(expected);
        List<ReceivedQuery> received = emulator.receivedQueries(issuesPath(repo));
        assertThat(received).hasSize((expected.size() + 24) / 25).allSatisfy(q -> {
            assertThat(q.q()).isEqualTo("state IN (\"open\", \"new\") AND (priority = \"critical\" OR kind = \"task\")"
                    + " AND created_on > 2025-01-01T02:00:00Z");
            assertThat(q.sort()).isEqualTo("-created_on");
        });

        // raw q with escaping, a date, and a filter that matches nothing
        emulator.seedIssue(WS, repo, IssueSeed.of("say \"hi\" to C:\\temp"));
        assertThat(bb.issues(WS, repo).filter(Bbql.field("title").contains("\"hi\" to C:\\te")).list()
                .map(Issue::title).collectList().block(WAIT)).containsExactly("say \"hi\" to C:\\temp");
        assertThat(bb.issues(WS, repo).q("updated_on > " + LocalDate.of(2030, 1, 1) + " AND votes >= 0").list()
                .count().block(WAIT)).isZero();
    }

    @Test
    void sendsPartialResponseFieldsEncodedAndKeepsPaging() {
        String repo = repo("partial");
        emulator.seedIssues(WS, repo, 120, i -> IssueSeed.varied(i, List.of("alice")));
        emulator.clearReceivedQueries();
        List<Issue> slim = bb.issues(WS, repo).fields("values.id", "values.title").pagelen(50).list().collectList().block(WAIT);
        assertThat(slim).hasSize(120).allSatisfy(issue -> {
            assertThat(issue.id()).isNotNull();
            assertThat(issue.title()).isNotNull();
            assertThat(issue.state()).isNull();
            assertThat(issue.reporter()).isNull();
        });
        assertThat(emulator.receivedQueries(issuesPath(repo))).hasSize(3).first()
                .satisfies(q -> assertThat(q.fields()).isEqualTo("values.id,values.title,next"));
        emulator.clearReceivedQueries();
        List<Issue> plus = bb.issues(WS, repo).fields("-values.links", "+values.repository.owner").list().collectList().block(WAIT);
        assertThat(plus).hasSize(120);
        // decoded by the server as '+': the client sent %2B, not a raw '+' (which reads as a space)
        assertThat(emulator.receivedQueries(issuesPath(repo))).first()
                .satisfies(q -> assertThat(q.fields()).isEqualTo("-values.links,+values.repository.owner"));
    }

    @Test
    void createsReadsUpdatesAndDeletesIssues() {
        String repo = repo("crud");
        Issue created = bb.issues(WS, repo).create(NewIssue.builder("Crash on start").content("Steps: run it")
                .kind("bug").priority("critical").assignee(alice.accountId()).build()).block(WAIT);
        assertThat(created.id()).isEqualTo(1);
        assertThat(created.title()).isEqualTo("Crash on start");
        assertThat(created.contentRaw()).isEqualTo("Steps: run it");
        assertThat(created.priority()).isEqualTo("critical");
        assertThat(created.assignee().accountId()).isEqualTo(alice.accountId());
        assertThat(created.reporter().uuid()).isEqualTo(alice.uuid());

        Issue read = bb.issues(WS, repo).get(created.id()).block(WAIT);
        assertThat(read).isEqualTo(created);

        Issue updated = bb.issues(WS, repo).update(created.id(),
                IssueUpdate.builder().state("resolved").clearAssignee().title("Crash on start (fixed)").build()).block(WAIT);
        assertThat(updated.state()).isEqualTo("resolved");
        assertThat(updated.assignee()).isNull();
        assertThat(updated.title()).isEqualTo("Crash on start (fixed)");
        assertThat(updated.kind()).isEqualTo("bug");

        IssueComment comment = bb.issues(WS, repo).comments(created.id()).create("Fixed in main").block(WAIT);
        assertThat(comment.content().raw()).isEqualTo("Fixed in main");
        assertThat(bb.issues(WS, repo).comments(created.id()).list().map(c -> c.content().raw()).collectList().block(WAIT))
                .containsExactly("Fixed in main");

        bb.issues(WS, repo).delete(created.id()).block(WAIT);
        assertThat(emulator.issueCount(WS, repo)).isZero();
        assertThatThrownBy(() -> bb.issues(WS, repo).get(created.id()).block(WAIT))
                .isInstanceOf(HttpNotFoundException.class);
    }

    @Test
    void survivesPlainTextRateLimitStormsOnReadsAndWrites() {
        String repo = repo("storm");
        emulator.seedIssues(WS, repo, 300, i -> IssueSeed.varied(i, List.of("alice")));
        emulator.resetRequestCounts();
        // 5 429s in a row on the first page, 2 on a later one
        emulator.enqueueFaults("GET", issuesPath(repo) + "/?", 5, BitbucketFault.rateLimited());
        assertThat(bb.issues(WS, repo).pagelen(100).list().count().block(WAIT)).isEqualTo(300);
        assertThat(emulator.requestCount("GET", issuesPath(repo) + "/?")).isEqualTo(3 + 5);
        assertThat(emulator.pendingFaults()).isZero();

        // a create answered 429 three times is sent again and created once
        emulator.resetRequestCounts();
        emulator.enqueueFaults("POST", issuesPath(repo) + "/?", 3, BitbucketFault.rateLimited());
        Issue created = bb.issues(WS, repo).create(NewIssue.builder("after the storm").build()).block(WAIT);
        assertThat(created.id()).isEqualTo(301);
        assertThat(emulator.requestCount("POST", issuesPath(repo) + "/?")).isEqualTo(4);
        assertThat(emulator.issueCount(WS, repo)).isEqualTo(301);

        // a 503 on a create may come after the issue was made: it is not retried
        emulator.resetRequestCounts();
        emulator.enqueueFaults("POST", issuesPath(repo) + "/?", 1, BitbucketFault.serverError(503));
        assertThatThrownBy(() -> bb.issues(WS, repo).create(NewIssue.builder("not doubled").build()).block(WAIT))
                .isInstanceOf(HttpTransientException.class)
                .satisfies(e -> assertThat(((HttpTransientException) e).getStatus()).isEqualTo(503));
        assertThat(emulator.requestCount("POST", issuesPath(repo) + "/?")).isEqualTo(1);
        assertThat(emulator.issueCount(WS, repo)).isEqualTo(301);

        // the 429's plain-text body is the error's message when the budget runs out
        emulator.enqueueFaults("GET", issuesPath(repo) + "/1", 8, BitbucketFault.rateLimited());
        assertThatThrownBy(() -> bb.issues(WS, repo).get(1).block(WAIT))
                .isInstanceOf(HttpTransientException.class)
                .hasMessageContaining("Rate limit for this resource has been exceeded");
    }

    @Test
    void ridesOutARollingWindowRateLimitWithBackoff() {
        String repo = repo("limited");
        emulator.seedIssues(WS, repo, 1_000, i -> IssueSeed.varied(i, List.of("alice")));
        String token = emulator.createApiToken("alice@example.com");
        try (BitbucketClient patient = BitbucketClient.builder()
                .baseUrl(emulator.baseUrl())
                .auth(Auth.basic("alice@example.com", () -> token))
                .retry(RetrySettings.builder().maxAttempts(8).backoff(Duration.ofMillis(20), Duration.ofMillis(200)).jitter(0.5).build())
                .build()) {
            emulator.resetRequestCounts();
            emulator.rateLimit(4, Duration.ofMillis(300));
            List<Integer> ids = patient.issues(WS, repo).pagelen(100).list().map(Issue::id).collectList().block(WAIT);
            assertThat(ids).containsExactlyElementsOf(IntStream.rangeClosed(1, 1_000).boxed().toList());
            long requests = emulator.requestCount("GET", issuesPath(repo) + "/?");
            assertThat(requests - 10).as("429s answered and ridden out").isPositive();
            System.out.printf("rate limit 4 per 300 ms: 1,000 issues in 10 pages took %d requests (%d answered 429)%n",
                    requests, requests - 10);
        } finally {
            emulator.clearRateLimit();
        }
    }

    @Test
    void followsAPipelineToSuccessfulThroughItsStates() {
        String repo = repo("ci-green");
        List<Pipeline> progress = bb.pipelines(WS, repo).runWithProgress(PipelineTarget.branch("main")).collectList().block(WAIT);
        List<String> states = progress.stream().map(Pipeline::stateName).distinct().toList();
        assertThat(states).containsExactly("PENDING", "IN_PROGRESS", "COMPLETED");
        Pipeline last = progress.get(progress.size() - 1);
        assertThat(last.resultName()).isEqualTo("SUCCESSFUL");
        assertThat(last.buildNumber()).isEqualTo(progress.get(0).buildNumber());
        assertThat(last.completedOn()).isNotNull();
    }

    @Test
    void aFailedPipelineEndsInJobFailedExceptionNamingItsBuildNumberAndResult() {
        String repo = repo("ci-red");
        emulator.pipelineResult(WS, repo, "main", PipelineResult.FAILED);
        Pipeline started = bb.pipelines(WS, repo).trigger(PipelineTarget.branch("main")).block(WAIT);
        assertThat(started.stateName()).isEqualTo("PENDING");
        assertThatThrownBy(() -> bb.pipelines(WS, repo).job(started.uuid()).completion().block(WAIT))
                .isInstanceOf(JobFailedException.class)
                .hasMessageContaining("pipeline job #" + started.buildNumber() + " " + started.uuid())
                .hasMessageContaining("FAILED")
                .satisfies(e -> assertThat(((JobFailedException) e).getState()).isEqualTo("FAILED"));
        List<Pipeline> seen = bb.pipelines(WS, repo).job(started.uuid()).progress()
                .onErrorResume(JobFailedException.class, e -> Flux.empty()).collectList().block(WAIT);
        assertThat(seen).last().satisfies(p -> assertThat(p.resultName()).isEqualTo("FAILED"));
    }

    @Test
    void mergesAsynchronouslyPollingTheTaskStatusToCompletion() {
        String repo = repo("merging");
        int id = emulator.seedPullRequest(WS, repo, PullRequestSeed.open("Ready", "feature/ready", "bob"));
        emulator.resetRequestCounts();
        PullRequest merged = bb.pullRequests(WS, repo).merge(id, PullRequestMerge.builder()
                .mergeStrategy("squash").message("Ready (#" + id + ")").build()).block(WAIT);
        assertThat(merged.id()).isEqualTo(id);
        assertThat(merged.state()).isEqualTo("MERGED");
        String prPath = "/2.0/repositories/" + WS + "/" + repo + "/pullrequests/" + id;
        assertThat(emulator.requestCount("POST", prPath + "/merge")).isEqualTo(1);
        assertThat(emulator.requestCount("GET", prPath + "/merge/task-status/.*")).isEqualTo(3);
        assertThat(bb.pullRequests(WS, repo).states(PullRequestState.MERGED).list().map(PullRequest::id)
                .collectList().block(WAIT)).containsExactly(id);
    }

    @Test
    void groupsIssuesByStateOnTheServerFilterNotOnTheClient() {
        String repo = repo("states");
        emulator.seedIssues(WS, repo, 90, i -> IssueSeed.varied(i, List.of()));
        Map<String, Long> byState = bb.issues(WS, repo).list().collect(Collectors.groupingBy(Issue::state, Collectors.counting()))
                .block(WAIT);
        for (Map.Entry<String, Long> state : byState.entrySet()) {
            emulator.clearReceivedQueries();
            long served = bb.issues(WS, repo).filter(Bbql.field("state").eq(state.getKey())).list().count().block(WAIT);
            assertThat(served).as(state.getKey()).isEqualTo(state.getValue());
            assertThat(emulator.receivedQueries(issuesPath(repo))).extracting(ReceivedQuery::q)
                    .containsOnly("state = \"" + state.getKey() + "\"");
        }
        assertThat(byState.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(90);
    }
}
