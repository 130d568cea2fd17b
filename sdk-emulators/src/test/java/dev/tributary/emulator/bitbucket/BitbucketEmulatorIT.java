package dev.tributary.emulator.bitbucket;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.emulator.bitbucket.BitbucketHttp.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class BitbucketEmulatorIT {

    private static final SettableClock CLOCK = SettableClock.at(Instant.parse("2026-05-04T10:00:00Z"));
    private static BitbucketEmulator bb;
    private static BitbucketHttp alice;
    private static BitbucketHttp bob;
    private static String api;

    @BeforeAll
    static void start() {
        bb = BitbucketEmulator.builder().clock(CLOCK).pipelineTiming(Duration.ofSeconds(10), Duration.ofSeconds(60)).build().start();
        api = bb.baseUrl();
        bb.seedUser("alice", "Alice Liddell", "alice@example.com");
        bb.seedUser("bob", "Bob Builder", "bob@example.com");
        bb.seedUser("carol", "Carol Danvers", "carol@example.com");
        alice = BitbucketHttp.basic("alice@example.com", bb.createApiToken("alice@example.com"));
        bob = BitbucketHttp.basic("bob@example.com", bb.createApiToken("bob@example.com"));
        bb.seedWorkspace("acme", "Acme Inc.", "alice", "bob");
        bb.seedWorkspace("other", "Other", "carol");
        bb.seedProject("acme", "PROJ", "Project");
        bb.seedProject("other", "OTH", "Other project");
        bb.seedRepository("acme", "app", "PROJ");
        bb.seedRepository("acme", "lib", "PROJ");
        bb.seedRepository("other", "thing", "OTH");
        bb.seedIssues("acme", "app", 1_000, i -> IssueSeed.varied(i, List.of("alice", "bob")));
    }

    @AfterAll
    static void stop() {
        bb.close();
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static List<JsonNode> all(BitbucketHttp http, String url) {
        List<JsonNode> out = new ArrayList<>();
        String next = url;
        int pages = 0;
        while (next != null) {
            Answer a = http.get(next);
            assertThat(a.status()).as(a.toString()).isEqualTo(200);
            a.json().get("values").forEach(out::add);
            next = a.json().hasNonNull("next") ? a.json().get("next").asText() : null;
            assertThat(++pages).isLessThan(10_000);
        }
        return out;
    }

    @Test
    void answersTheCurrentUserAndItsWorkspacesWithAbsoluteLinks() {
        JsonNode user = alice.get(api + "/user").json();
        assertThat(user.get("nickname").asText()).isEqualTo("alice");
        assertThat(user.get("display_name").asText()).isEqualTo("Alice Liddell");
        assertThat(user.get("account_id").asText()).startsWith("557058:");
        assertThat(user.at("/links/self/href").asText()).startsWith(api + "/users/%7B");

        JsonNode access = alice.get(api + "/user/workspaces").json();
        assertThat(access.get("size").asInt()).isEqualTo(1);
        assertThat(access.at("/values/0/type").asText()).isEqualTo("workspace_access");
        assertThat(access.at("/values/0/administrator").asBoolean()).isTrue();
        assertThat(access.at("/values/0/workspace/slug").asText()).isEqualTo("acme");
        assertThat(access.at("/values/0/workspace/links/self/href").asText()).isEqualTo(api + "/workspaces/acme");
        assertThat(bob.get(api + "/user/workspaces?administrator=true").json().get("values")).isEmpty();

        assertThat(alice.get(api + "/workspaces").json().at("/values/0/name").asText()).isEqualTo("Acme Inc.");
        JsonNode ws = alice.get(api + "/workspaces/acme").json();
        assertThat(ws.get("type").asText()).isEqualTo("workspace");
        assertThat(ws.at("/links/repositories/href").asText()).isEqualTo(api + "/repositories/acme");

        JsonNode members = alice.get(api + "/workspaces/acme/members").json();
        assertThat(members.get("values")).extracting(m -> m.at("/user/nickname").asText()).containsExactly("alice", "bob");
        assertThat(members.at("/values/0/type").asText()).isEqualTo("workspace_membership");

        assertThat(alice.get(api + "/workspaces/acme/projects").json().at("/values/0/key").asText()).isEqualTo("PROJ");
        assertThat(alice.get(api + "/workspaces/acme/projects/PROJ").json().get("name").asText()).isEqualTo("Project");
        assertThat(alice.get(api + "/workspaces/acme/projects/NOPE").status()).isEqualTo(404);
        assertThat(alice.get(api + "/workspaces/nope").json().at("/error/message").asText()).contains("nope");
    }

    @Test
    void listsAndGetsRepositoriesShapedLikeTheRealOnes() {
        JsonNode repos = alice.get(api + "/repositories/acme?sort=-slug&q=" + q("slug IN (\"app\", \"lib\")")).json();
        assertThat(repos.get("values")).extracting(r -> r.get("full_name").asText()).containsExactly("acme/lib", "acme/app");
        JsonNode app = alice.get(api + "/repositories/acme/app").json();
        assertThat(app.get("type").asText()).isEqualTo("repository");
        assertThat(app.get("has_issues").asBoolean()).isTrue();
        assertThat(app.at("/mainbranch/name").asText()).isEqualTo("main");
        assertThat(app.at("/project/key").asText()).isEqualTo("PROJ");
        assertThat(app.at("/workspace/slug").asText()).isEqualTo("acme");
        assertThat(app.at("/links/html/href").asText()).isEqualTo(bb.baseUrl().replace("/2.0", "") + "/acme/app");
        assertThat(alice.get(api + "/repositories/acme?q=" + q("project.key = \"PROJ\" AND slug ~ \"LI\"")).json().get("size").asInt()).isEqualTo(1);
    }

    @Test
    void pagesAThousandIssuesWithCappedPagelenAndNextLinksCarryingTheQuery() {
        JsonNode first = alice.get(api + "/repositories/acme/app/issues").json();
        assertThat(first.get("size").asInt()).isEqualTo(1000);
        assertThat(first.get("page").asInt()).isEqualTo(1);
        assertThat(first.get("pagelen").asInt()).isEqualTo(10);
        assertThat(first.get("values")).hasSize(10);
        assertThat(first.has("previous")).isFalse();
        assertThat(first.get("next").asText()).isEqualTo(api + "/repositories/acme/app/issues?page=2");

        JsonNode capped = alice.get(api + "/repositories/acme/app/issues?pagelen=500").json();
        assertThat(capped.get("pagelen").asInt()).isEqualTo(100);
        assertThat(capped.get("values")).hasSize(100);

        List<JsonNode> everything = all(alice, api + "/repositories/acme/app/issues?pagelen=100");
        assertThat(everything).hasSize(1000);
        assertThat(everything).extracting(n -> n.get("id").asInt()).doesNotHaveDuplicates().contains(1, 1000);

        String query = "(state = \"open\" OR state = \"new\") AND assignee.nickname = \"bob\"";
        String url = api + "/repositories/acme/app/issues?q=" + q(query) + "&sort=-updated_on&pagelen=20";
        JsonNode page1 = alice.get(url).json();
        assertThat(page1.get("next").asText()).contains("q=" + q(query)).contains("sort=-updated_on").contains("pagelen=20").endsWith("page=2");
        JsonNode page2 = alice.get(page1.get("next").asText()).json();
        assertThat(page2.get("previous").asText()).endsWith("page=1");
        List<JsonNode> filtered = all(alice, url);
        // expected from the seed's rule: states cycle every 9 (0 new, 1 open), assignees every 3 (1 -> bob)
        long expected = java.util.stream.IntStream.range(0, 1000).filter(i -> (i % 9 == 0 || i % 9 == 1) && i % 3 == 1).count();
        assertThat(filtered).hasSize((int) expected).allSatisfy(n -> {
            assertThat(n.get("state").asText()).isIn("open", "new");
            assertThat(n.at("/assignee/nickname").asText()).isEqualTo("bob");
        });
        List<String> updated = filtered.stream().map(n -> n.get("updated_on").asText()).toList();
        assertThat(updated).isSortedAccordingTo(java.util.Comparator.reverseOrder());

        assertThat(bb.receivedQueries("/2.0/repositories/acme/app/issues")).extracting(ReceivedQuery::q).contains(query);
        assertThat(bb.receivedQueries("/2.0/repositories/acme/app/issues")).filteredOn(r -> query.equals(r.q()))
                .allSatisfy(r -> assertThat(r.sort()).isEqualTo("-updated_on"));
    }

    @Test
    void rejectsDuplicatedPageInvalidPagelenAndBadQueriesWithTheErrorShape() {
        Answer dup = alice.get(api + "/repositories/acme/app/issues?page=2&page=3");
        assertThat(dup.status()).isEqualTo(400);
        assertThat(dup.json().get("type").asText()).isEqualTo("error");
        assertThat(dup.json().at("/error/message").asText()).contains("page");
        assertThat(alice.get(api + "/repositories/acme/app/issues?pagelen=0").status()).isEqualTo(400);
        assertThat(alice.get(api + "/repositories/acme/app/issues?page=zero").status()).isEqualTo(400);
        assertThat(alice.get(api + "/repositories/acme/app/issues?page=2&unknown=1").status()).as("unknown parameters are ignored").isEqualTo(200);
        Answer bad = alice.get(api + "/repositories/acme/app/issues?q=" + q("state = open"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().at("/error/message").asText()).contains("position 8");
        Answer unknown = alice.get(api + "/repositories/acme/app/issues?q=" + q("colour = \"red\""));
        assertThat(unknown.json().at("/error/message").asText()).contains("colour");
        assertThat(alice.get(api + "/repositories/acme/app/issues?sort=colour").status()).isEqualTo(400);
    }

    @Test
    void selectsFieldsOfAListKeepingNextOnlyWhenAskedFor() {
        JsonNode bare = alice.get(api + "/repositories/acme/app/issues?fields=values.id,values.title").json();
        assertThat(bare.has("next")).isFalse();
        assertThat(bare.get("values").get(0).size()).isEqualTo(2);
        JsonNode withNext = alice.get(api + "/repositories/acme/app/issues?fields=next,size,values.id").json();
        assertThat(withNext.get("size").asInt()).isEqualTo(1000);
        assertThat(withNext.get("next").asText()).contains("fields=next%2Csize%2Cvalues.id");
        JsonNode minus = alice.get(api + "/repositories/acme/app/issues/1?fields=-content,-links,-repository,%2Bvotes").json();
        assertThat(minus.has("content")).isFalse();
        assertThat(minus.has("links")).isFalse();
        assertThat(minus.get("votes").asInt()).isZero();
        assertThat(minus.get("title").asText()).startsWith("Issue 1:");
    }

    @Test
    void createsUpdatesCommentsAndDeletesIssuesStatefully() {
        String issues = api + "/repositories/acme/lib/issues";
        Answer created = alice.post(issues, "{\"title\":\"Title\",\"kind\":\"bug\",\"priority\":\"minor\",\"content\":{\"raw\":\"Description\"}}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode issue = created.json();
        int id = issue.get("id").asInt();
        assertThat(id).isEqualTo(1);
        assertThat(created.header("Location")).isEqualTo(issues + "/1");
        assertThat(issue.get("state").asText()).isEqualTo("new");
        assertThat(issue.at("/reporter/nickname").asText()).isEqualTo("alice");
        assertThat(issue.at("/content/raw").asText()).isEqualTo("Description");
        assertThat(issue.get("created_on").asText()).isEqualTo(Store.timestamp(CLOCK.instant()));
        assertThat(alice.post(issues, "{\"title\":\"Second\"}").json().get("id").asInt()).isEqualTo(2);

        CLOCK.advance(Duration.ofMinutes(5));
        String bobRef = alice.get(api + "/user").json().get("uuid").asText();
        Answer updated = alice.put(issues + "/1", "{\"state\":\"resolved\",\"assignee\":{\"uuid\":\"" + bobRef + "\"},\"milestone\":{\"name\":\"v2\"}}");
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("state").asText()).isEqualTo("resolved");
        assertThat(updated.json().at("/milestone/name").asText()).isEqualTo("v2");
        assertThat(updated.json().get("updated_on").asText()).isEqualTo(Store.timestamp(CLOCK.instant()));
        assertThat(updated.json().get("title").asText()).isEqualTo("Title");
        assertThat(alice.get(issues + "/1").json().get("state").asText()).isEqualTo("resolved");
        Answer invalid = alice.put(issues + "/1", "{\"state\":\"sleeping\"}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().at("/error/fields/state/0").asText()).contains("sleeping");
        assertThat(alice.post(issues, "{\"kind\":\"bug\"}").json().at("/error/fields/title/0").asText()).contains("required");

        Answer comment = bob.post(issues + "/1/comments", "{\"content\":{\"raw\":\"Looks fixed\"}}");
        assertThat(comment.status()).isEqualTo(201);
        assertThat(comment.json().at("/user/nickname").asText()).isEqualTo("bob");
        JsonNode comments = alice.get(issues + "/1/comments").json();
        assertThat(comments.get("size").asInt()).isEqualTo(1);
        assertThat(comments.at("/values/0/content/raw").asText()).isEqualTo("Looks fixed");

        assertThat(alice.delete(issues + "/2").status()).isEqualTo(204);
        assertThat(alice.get(issues + "/2").status()).isEqualTo(404);
        assertThat(alice.delete(issues + "/2").status()).isEqualTo(404);
        assertThat(bb.issueCount("acme", "lib")).isEqualTo(1);
        assertThat(alice.post(issues, "{\"title\":\"Third\"}").json().get("id").asInt()).as("ids are never reused").isEqualTo(3);
    }

    @Test
    void answersNotFoundForIssuesOfARepositoryWithoutIssueTracker() {
        bb.seedRepository("acme", "no-issues", "PROJ");
        bb.issueTracker("acme", "no-issues", false);
        Answer a = alice.get(api + "/repositories/acme/no-issues/issues");
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.json().at("/error/message").asText()).isEqualTo("Repository has no issue tracker.");
        assertThat(alice.get(api + "/repositories/acme/no-issues").json().get("has_issues").asBoolean()).isFalse();
    }

    @Test
    void listsOnlyOpenPullRequestsUnlessStatesAreGivenAndMergesAsynchronously() {
        bb.seedRepository("acme", "prs", "PROJ");
        for (int i = 0; i < 60; i++) {
            bb.seedPullRequest("acme", "prs", PullRequestSeed.open("PR " + i, "feature/" + i, "bob")
                    .withState(i % 3 == 0 ? "OPEN" : i % 3 == 1 ? "MERGED" : "DECLINED").withReviewers("alice"));
        }
        String prs = api + "/repositories/acme/prs/pullrequests";
        JsonNode open = alice.get(prs + "?pagelen=100").json();
        assertThat(open.get("pagelen").asInt()).isEqualTo(50);
        assertThat(open.get("size").asInt()).isEqualTo(20);
        assertThat(open.get("values")).allSatisfy(p -> assertThat(p.get("state").asText()).isEqualTo("OPEN"));
        assertThat(open.at("/values/0").has("reviewers")).as("the collection leaves reviewers out").isFalse();
        assertThat(alice.get(prs + "?state=MERGED&state=DECLINED").json().get("size").asInt()).isEqualTo(40);
        assertThat(alice.get(prs + "?state=OPEN&state=MERGED&state=DECLINED").json().get("size").asInt()).isEqualTo(60);
        assertThat(alice.get(prs + "?state=WHATEVER").status()).isEqualTo(400);
        assertThat(alice.get(prs + "?fields=%2Bvalues.reviewers").json().at("/values/0/reviewers/0/nickname").asText()).isEqualTo("alice");
        assertThat(alice.get(prs + "/1").json().at("/reviewers/0/nickname").asText()).isEqualTo("alice");

        Answer created = alice.post(prs, "{\"title\":\"New\",\"source\":{\"branch\":{\"name\":\"feature/0\"}},\"reviewers\":[{\"nickname\":\"bob\"}]}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        int id = created.json().get("id").asInt();
        assertThat(id).isEqualTo(61);
        assertThat(created.json().at("/destination/branch/name").asText()).isEqualTo("main");

        Answer approval = bob.post(prs + "/" + id + "/approve", null);
        assertThat(approval.json().get("approved").asBoolean()).isTrue();
        assertThat(approval.json().get("role").asText()).isEqualTo("REVIEWER");
        assertThat(alice.post(prs + "/" + id + "/approve", null).json().at("/error/message").asText()).contains("your own");

        Answer accepted = alice.post(prs + "/" + id + "/merge?async=true", "{\"merge_strategy\":\"squash\"}");
        assertThat(accepted.status()).isEqualTo(202);
        String location = accepted.header("Location");
        assertThat(location).startsWith(prs + "/" + id + "/merge/task-status/");
        assertThat(alice.get(location).json().get("task_status").asText()).isEqualTo("PENDING");
        assertThat(alice.post(prs + "/" + id + "/merge", null).status()).as("a merge is in flight").isEqualTo(409);
        JsonNode done = alice.get(location).json();
        assertThat(done.get("task_status").asText()).isEqualTo("SUCCESS");
        assertThat(done.at("/merge_result/state").asText()).isEqualTo("MERGED");
        assertThat(done.at("/merge_result/merge_commit/hash").asText()).hasSize(12);
        assertThat(alice.get(prs + "/" + id).json().get("state").asText()).isEqualTo("MERGED");

        Answer sync = alice.post(prs + "/4/merge", "{\"message\":\"Ship it\"}");
        assertThat(sync.status()).as(sync.toString()).isEqualTo(200);
        assertThat(sync.json().get("state").asText()).isEqualTo("MERGED");
        assertThat(alice.get(api + "/repositories/acme/prs/commits/main").json().at("/values/0/message").asText()).isEqualTo("Ship it");
        assertThat(sync.json().at("/closed_by/nickname").asText()).isEqualTo("alice");
        assertThat(alice.post(prs + "/2/merge", null).status()).as("a merged pull request").isEqualTo(400);
    }

    @Test
    void pagesCommitsByCursorAndListsBranchesAndTags() {
        bb.seedRepository("acme", "history", "PROJ");
        String head = bb.seedCommits("acme", "history", "main", 74);
        bb.seedCommits("acme", "history", "feature/x", 3);
        bb.seedTag("acme", "history", "v1.0");
        String commits = api + "/repositories/acme/history/commits";
        JsonNode first = alice.get(commits + "/main").json();
        assertThat(first.get("pagelen").asInt()).isEqualTo(30);
        assertThat(first.has("size")).isFalse();
        assertThat(first.has("page")).isFalse();
        assertThat(first.at("/values/0/hash").asText()).isEqualTo(head);
        List<JsonNode> main = all(alice, commits + "/main");
        assertThat(main).hasSize(75).extracting(c -> c.get("hash").asText()).doesNotHaveDuplicates();
        assertThat(main.get(74).get("parents")).isEmpty();
        assertThat(main.get(0).at("/parents/0/hash").asText()).isEqualTo(main.get(1).get("hash").asText());
        assertThat(all(alice, commits + "/feature/x")).hasSize(78);
        assertThat(all(alice, commits)).hasSize(78);
        assertThat(alice.get(commits + "?page=2").status()).as("a cursor is opaque").isEqualTo(400);
        assertThat(alice.get(commits + "/nope").status()).isEqualTo(404);
        JsonNode branches = alice.get(api + "/repositories/acme/history/refs/branches?q=" + q("name ~ \"feature\"")).json();
        assertThat(branches.get("values")).extracting(b -> b.get("name").asText()).containsExactly("feature/x");
        assertThat(alice.get(api + "/repositories/acme/history/refs/tags").json().at("/values/0/target/hash").asText()).isEqualTo(head);
        assertThat(alice.get(api + "/repositories/acme/history/refs/tags/v1.0").json().get("type").asText()).isEqualTo("tag");
        assertThat(alice.get(api + "/repositories/acme/history/refs/branches/feature%2Fx").json().get("name").asText()).isEqualTo("feature/x");
        assertThat(alice.get(api + "/repositories/acme/history/refs/branches/feature/x").json().at("/links/self/href").asText())
                .endsWith("/refs/branches/feature%2Fx");
        assertThat(alice.get(api + "/repositories/acme/history/refs/branches/nope").status()).isEqualTo(404);
        assertThat(alice.get(api + "/repositories/acme/history/commit/" + head.substring(0, 7)).json().get("hash").asText()).isEqualTo(head);
    }

    @Test
    void runsPipelinesOnTheEmulatorClockToSuccessAndFailure() {
        bb.seedRepository("acme", "ci", "PROJ");
        bb.seedBranch("acme", "ci", "broken");
        bb.pipelineResult("acme", "ci", "broken", PipelineResult.FAILED);
        String pipelines = api + "/repositories/acme/ci/pipelines/";
        Answer ok = alice.post(pipelines, "{\"target\":{\"ref_type\":\"branch\",\"type\":\"pipeline_ref_target\",\"ref_name\":\"main\"}}");
        assertThat(ok.status()).isEqualTo(201);
        assertThat(ok.json().at("/state/name").asText()).isEqualTo("PENDING");
        assertThat(ok.json().at("/state/type").asText()).isEqualTo("pipeline_state_pending");
        String uuid = ok.json().get("uuid").asText();
        Answer bad = alice.post(pipelines, "{\"target\":{\"ref_type\":\"branch\",\"type\":\"pipeline_ref_target\",\"ref_name\":\"broken\"}}");
        String badUuid = bad.json().get("uuid").asText();
        assertThat(alice.post(pipelines, "{\"target\":{\"ref_type\":\"branch\",\"type\":\"pipeline_ref_target\",\"ref_name\":\"nope\"}}").status())
                .isEqualTo(400);

        CLOCK.advance(Duration.ofSeconds(11));
        JsonNode running = alice.get(pipelines + q(uuid)).json();
        assertThat(running.at("/state/name").asText()).isEqualTo("IN_PROGRESS");
        assertThat(running.at("/state/type").asText()).isEqualTo("pipeline_state_in_progress");
        assertThat(alice.get(pipelines + uuid.substring(1, uuid.length() - 1) + "/steps/").json().at("/values/0/state/name").asText())
                .isEqualTo("IN_PROGRESS");

        CLOCK.advance(Duration.ofSeconds(60));
        JsonNode success = alice.get(pipelines + q(uuid)).json();
        assertThat(success.at("/state/name").asText()).isEqualTo("COMPLETED");
        assertThat(success.at("/state/result/name").asText()).isEqualTo("SUCCESSFUL");
        assertThat(success.at("/state/result/type").asText()).isEqualTo("pipeline_state_completed_successful");
        JsonNode failed = alice.get(pipelines + q(badUuid)).json();
        assertThat(failed.at("/state/result/type").asText()).isEqualTo("pipeline_state_completed_failed");
        assertThat(alice.get(pipelines + q(badUuid) + "/steps/").json().at("/values/0/state/result/name").asText()).isEqualTo("FAILED");
        JsonNode list = alice.get(pipelines + "?sort=-created_on").json();
        assertThat(list.get("size").asInt()).isEqualTo(2);
        assertThat(list.at("/values/0/build_number").asInt()).isEqualTo(1);
    }

    @Test
    void injectsPlainText429sAndServerErrorsAndCountsRequests() {
        String path = "/2.0/repositories/acme/app/issues/5";
        bb.resetRequestCounts();
        bb.enqueueFaults("GET", path, 2, BitbucketFault.rateLimited());
        bb.enqueueFaults("GET", path, 1, BitbucketFault.serverError(503));
        Answer throttled = alice.get(api + "/repositories/acme/app/issues/5");
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.header("Retry-After")).isNull();
        assertThat(throttled.header("Content-Type")).startsWith("text/plain");
        assertThat(throttled.body()).isEqualTo("Rate limit for this resource has been exceeded");
        assertThat(alice.get(api + "/repositories/acme/app/issues/5").status()).isEqualTo(429);
        assertThat(alice.get(api + "/repositories/acme/app/issues/5").status()).isEqualTo(503);
        assertThat(alice.get(api + "/repositories/acme/app/issues/5").status()).isEqualTo(200);
        assertThat(bb.pendingFaults()).isZero();
        assertThat(bb.requestCount("GET", path)).isEqualTo(4);
        assertThat(bb.requestCount(null, "/2.0/repositories/acme/app/issues/\\d+")).isGreaterThanOrEqualTo(4);
    }

    @Test
    void limitsRequestsPerRollingWindowOnTheClock() {
        bb.rateLimit(3, Duration.ofHours(1));
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(alice.get(api + "/user").status()).isEqualTo(200);
            }
            assertThat(alice.get(api + "/user").status()).isEqualTo(429);
            CLOCK.advance(Duration.ofMinutes(61));
            assertThat(alice.get(api + "/user").status()).isEqualTo(200);
        } finally {
            bb.clearRateLimit();
        }
    }

    @Test
    void reproducesPagingQuirksPerCollection() {
        bb.seedRepository("acme", "quirky", "PROJ");
        bb.seedIssues("acme", "quirky", 25, i -> IssueSeed.varied(i, List.of()));
        String issues = api + "/repositories/acme/quirky/issues";
        bb.pagingQuirks("/2.0/repositories/acme/quirky/issues/?", PagingQuirk.SIZE_LARGER_THAN_VALUES, PagingQuirk.EMPTY_LAST_PAGE_WITH_NEXT);
        JsonNode last = alice.get(issues + "?page=3").json();
        assertThat(last.get("size").asInt()).isEqualTo(35);
        assertThat(last.get("values")).hasSize(5);
        assertThat(last.get("next").asText()).endsWith("page=4");
        JsonNode empty = alice.get(last.get("next").asText()).json();
        assertThat(empty.get("values")).isEmpty();
        assertThat(empty.has("next")).isFalse();

        bb.pagingQuirks("/2.0/repositories/acme/quirky/issues/?", PagingQuirk.UNSORTED_DUPLICATES);
        List<JsonNode> dupes = all(alice, issues);
        Set<Integer> ids = new HashSet<>();
        dupes.forEach(n -> ids.add(n.get("id").asInt()));
        assertThat(dupes.size()).isGreaterThan(ids.size());
        assertThat(ids).hasSize(25);
        assertThat(all(alice, issues + "?sort=id")).as("sorting avoids it").hasSize(25);

        bb.pagingQuirks("/2.0/repositories/acme/quirky/issues/?", PagingQuirk.UNSORTED_GAPS);
        assertThat(all(alice, issues)).hasSizeLessThan(25);
        bb.pagingQuirks("/2.0/repositories/acme/quirky/issues/?");
        assertThat(all(alice, issues)).hasSize(25);
    }

    @Test
    void authenticatesApiTokensAndAccessTokensAndRejectsAppPasswords() {
        Answer none = BitbucketHttp.anonymous().get(api + "/user");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("type").asText()).isEqualTo("error");
        Answer appPassword = BitbucketHttp.basic("alice", "app-password").get(api + "/user");
        assertThat(appPassword.status()).isEqualTo(401);
        assertThat(appPassword.json().at("/error/message").asText()).contains("App passwords are no longer supported");
        assertThat(BitbucketHttp.basic("alice@example.com", "wrong").get(api + "/user").status()).isEqualTo(401);
        assertThat(BitbucketHttp.basic("bob@example.com", bb.createApiToken("alice@example.com")).get(api + "/user").status())
                .as("a token of another account").isEqualTo(401);

        BitbucketHttp token = BitbucketHttp.bearer(bb.createAccessToken("carol", "other"));
        assertThat(token.get(api + "/repositories/other/thing").status()).isEqualTo(200);
        Answer elsewhere = token.get(api + "/repositories/acme/app");
        assertThat(elsewhere.status()).isEqualTo(403);
        assertThat(elsewhere.json().at("/error/message").asText()).contains("privilege scopes");
        assertThat(BitbucketHttp.bearer("nope").get(api + "/user").status()).isEqualTo(401);
    }
}
