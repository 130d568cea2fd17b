package dev.tributary.emulator.bitbucket;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The emulator's documents have every field of the real responses in the fixtures (values may
 * differ), so a client written against the fixtures reads the emulator's answers.
 */
class BitbucketShapesIT {

    private static final SettableClock CLOCK = SettableClock.at(Instant.parse("2026-05-04T10:00:00Z"));
    private static BitbucketEmulator bb;
    private static BitbucketHttp alice;
    private static String repo;

    @BeforeAll
    static void start() {
        bb = BitbucketEmulator.builder().clock(CLOCK).pipelineTiming(Duration.ofSeconds(1), Duration.ofSeconds(1)).build().start();
        bb.seedUser("alice", "Alice Liddell", "alice@example.com");
        bb.seedUser("bob", "Bob Builder", "bob@example.com");
        alice = BitbucketHttp.basic("alice@example.com", bb.createApiToken("alice@example.com"));
        bb.seedWorkspace("acme", "Acme Inc.", "alice", "bob");
        bb.seedProject("acme", "PROJ", "Project");
        bb.seedRepository("acme", "app", "PROJ");
        bb.seedIssue("acme", "app", IssueSeed.of("First").withReporter("alice"));
        bb.seedPullRequest("acme", "app", PullRequestSeed.open("PR", "feature/a", "bob").withReviewers("alice"));
        repo = bb.baseUrl() + "/repositories/acme/app";
    }

    @AfterAll
    static void stop() {
        bb.close();
    }

    private static JsonNode fixture(String name) throws IOException {
        try (InputStream in = BitbucketShapesIT.class.getResourceAsStream("/bitbucket-fixtures/" + name)) {
            assertThat(in).as(name).isNotNull();
            return BitbucketHttp.JSON.readTree(in);
        }
    }

    /** @return the dotted paths of the fixture's fields that the actual document lacks (objects recursed, lists by their first element) */
    private static List<String> missing(JsonNode fixture, JsonNode actual) {
        List<String> out = new ArrayList<>();
        missing(fixture, actual, "", out);
        return out;
    }

    private static void missing(JsonNode fixture, JsonNode actual, String path, List<String> out) {
        if (fixture.isObject() && actual.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = fixture.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (!actual.has(e.getKey())) {
                    out.add(p);
                } else {
                    missing(e.getValue(), actual.get(e.getKey()), p, out);
                }
            }
        } else if (fixture.isArray() && actual.isArray() && !fixture.isEmpty() && !actual.isEmpty()) {
            missing(fixture.get(0), actual.get(0), path + "[]", out);
        }
    }

    @Test
    void repositoryHasTheRecordedFields() throws IOException {
        // the recording predates workspaces owning repositories: its owner has a deprecated "username"
        assertThat(missing(fixture("2.0-repositories-amuniz-test-repos.json"), alice.get(repo).json())).containsExactlyInAnyOrder("owner.username");
    }

    @Test
    void pullRequestHasTheRecordedFields() throws IOException {
        assertThat(missing(fixture("2.0-repositories-amuniz-test-repos-pullrequests-1.json"), alice.get(repo + "/pullrequests/1").json()))
                .containsExactly("author.username");
    }

    @Test
    void issueHasTheFieldsOfTheCreateResponse() throws IOException {
        assertThat(missing(fixture("issue_create_response.json"), alice.get(repo + "/issues/1").json())).isEmpty();
    }

    @Test
    void branchesHaveTheRecordedFields() throws IOException {
        JsonNode recorded = fixture("2.0-repositories-amuniz-test-repos-refs-branches_pagelen_100.json");
        JsonNode ours = alice.get(repo + "/refs/branches").json();
        assertThat(missing(recorded, ours)).isEmpty();
    }

    @Test
    void membersHaveTheRecordedFields() throws IOException {
        JsonNode recorded = fixture("workspace_users.json").get(0);
        assertThat(missing(recorded, alice.get(bb.baseUrl() + "/workspaces/acme/members").json().get("values").get(0))).isEmpty();
    }

    @Test
    void pipelinesAndStepsHaveTheRecordedFields() throws IOException {
        JsonNode created = alice.post(repo + "/pipelines/", "{\"target\":{\"ref_type\":\"branch\",\"type\":\"pipeline_ref_target\",\"ref_name\":\"main\"}}")
                .json();
        CLOCK.advance(Duration.ofSeconds(1));
        JsonNode running = alice.get(created.at("/links/self/href").asText()).json();
        // the recorded one is paused in a stage; ours runs
        assertThat(missing(fixture("pipelines.json").get(0), running)).isEmpty();
        CLOCK.advance(Duration.ofSeconds(5));
        JsonNode steps = alice.get(created.at("/links/steps/href").asText()).json();
        JsonNode step = fixture("pipelineSteps.json").get(0);
        assertThat(missing(step, steps.get("values").get(0))).isEmpty();
        assertThat(steps.at("/values/0/state/result/type").asText()).isEqualTo(step.at("/state/result/type").asText());
    }
}
