package dev.tributary.http.bitbucket;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.http.ServiceError;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Decodes the real (and realistic) response fixtures into the models; encodes the request bodies. */
class BitbucketModelTest {

    private final ObjectMapper mapper = BitbucketClient.defaultObjectMapper();

    private <T> T read(String file, TypeReference<T> type) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("fixtures/" + file)) {
            assertThat(in).as(file).isNotNull();
            return this.mapper.readValue(in, type);
        }
    }

    @Test
    void decodesTheIssueListEnvelopeAndIssues() throws IOException {
        Page<Issue> page = read("issues_list.json", new TypeReference<>() { });
        assertThat(page.pagelen()).isEqualTo(20);
        assertThat(page.page()).isEqualTo(1);
        assertThat(page.size()).isEqualTo(2);
        assertThat(page.next()).isNull();
        assertThat(page.values()).hasSize(2);
        Issue first = page.values().get(0);
        assertThat(first.id()).isEqualTo(1);
        assertThat(first.title()).isEqualTo("First issue");
        assertThat(first.state()).isEqualTo("new");
        assertThat(first.kind()).isEqualTo("proposal");
        assertThat(first.priority()).isEqualTo("major");
        assertThat(first.contentRaw()).isEqualTo("Text of issue");
        assertThat(first.reporter().accountId()).isEqualTo("ReporterAccountId");
        assertThat(first.assignee().displayName()).isEqualTo("AssigneeDisplayName");
        assertThat(first.createdOn()).isEqualTo(OffsetDateTime.of(2020, 11, 3, 20, 40, 24, 247_794_000, ZoneOffset.UTC));
        assertThat(first.votes()).isZero();
        assertThat(first.watches()).isEqualTo(1);
        assertThat(first.milestone()).isNull();
        assertThat(first.component()).isNull();
        assertThat(first.repository().fullName()).isEqualTo("TestWorkspace1/testrepository1");
    }

    @Test
    void decodesACreatedIssue() throws IOException {
        Issue issue = read("issue_create_response.json", new TypeReference<>() { });
        assertThat(issue.id()).isEqualTo(3);
        assertThat(issue.kind()).isEqualTo("bug");
        assertThat(issue.priority()).isEqualTo("trivial");
        assertThat(issue.contentRaw()).isEqualTo("Description");
        assertThat(issue.assignee()).isNull();
        assertThat(issue.editedOn()).isNull();
    }

    @Test
    void decodesARepositoryRecordedFromBitbucket() throws IOException {
        Repository repo = read("2.0-repositories-amuniz-test-repos.json", new TypeReference<>() { });
        assertThat(repo.fullName()).isEqualTo("amuniz/test-repos");
        assertThat(repo.slug()).isEqualTo("test-repos");
        assertThat(repo.uuid()).isEqualTo("{3deb8c29-778a-450c-8f69-3e50a18079df}");
        assertThat(repo.isPrivate()).isFalse();
        assertThat(repo.scm()).isEqualTo("git");
        assertThat(repo.size()).isEqualTo(84351L);
        assertThat(repo.mainbranch().name()).isEqualTo("master");
        assertThat(repo.project().key()).isEqualTo("PUB");
        assertThat(repo.workspace().slug()).isEqualTo("amunuz");
        assertThat(repo.owner().displayName()).isEqualTo("Nikolas Falco");
        assertThat(repo.hasIssues()).isFalse();
        assertThat(repo.forkPolicy()).isEqualTo("allow_forks");
        Page<Repository> list = read("repositories_TestWorkspace1.json", new TypeReference<>() { });
        assertThat(list.values()).isNotEmpty().allSatisfy(r -> assertThat(r.fullName()).startsWith("TestWorkspace1/"));
    }

    @Test
    void decodesPullRequestsRecordedFromBitbucket() throws IOException {
        PullRequest pr = read("2.0-repositories-amuniz-test-repos-pullrequests-1.json", new TypeReference<>() { });
        assertThat(pr.id()).isEqualTo(1);
        assertThat(pr.title()).isEqualTo("Release/release 1");
        assertThat(pr.state()).isEqualTo("OPEN");
        assertThat(pr.source().branch().name()).isEqualTo("release/release-1");
        assertThat(pr.source().commit().hash()).isEqualTo("bf0e8b7962c0");
        assertThat(pr.destination().branch().name()).isEqualTo("master");
        assertThat(pr.author().nickname()).isEqualTo("amuniz");
        assertThat(pr.closeSourceBranch()).isTrue();
        assertThat(pr.mergeCommit()).isNull();
        Page<PullRequest> page = read("2.0-repositories-amuniz-test-repos-pullrequests_pagelen_50.json", new TypeReference<>() { });
        assertThat(page.size()).isEqualTo(5);
        assertThat(page.values()).hasSize(5).extracting(PullRequest::id).doesNotHaveDuplicates();
    }

    @Test
    void decodesBranchesAndTheCursorPagedCommitEnvelope() throws IOException {
        Page<Branch> branches = read("2.0-repositories-amuniz-test-repos-refs-branches_pagelen_100.json", new TypeReference<>() { });
        assertThat(branches.pagelen()).isEqualTo(100);
        assertThat(branches.values()).hasSize(4);
        Branch first = branches.values().get(0);
        assertThat(first.name()).isEqualTo("feature/BB-1");
        assertThat(first.target().hash()).isEqualTo("fb522a6f08c7c7df337312e4e65ec1b57710672e");
        assertThat(first.target().author().raw()).isEqualTo("Antonio Muniz <amuniz@example.com>");
        assertThat(first.mergeStrategies()).containsExactly("merge_commit", "squash", "fast_forward");

        Page<Commit> commits = read("2.0-repositories-amuniz-test-repos-commits_include_feature_2Fdiffstat_exclude_174561d.json",
                new TypeReference<>() { });
        assertThat(commits.pagelen()).isEqualTo(30);
        assertThat(commits.size()).isNull();
        assertThat(commits.page()).isNull();
        assertThat(commits.next()).isNull();
        assertThat(commits.values()).hasSize(2);
        Commit commit = commits.values().get(0);
        assertThat(commit.hash()).isEqualTo("251fce291f086cdde68ae2a896148abb5b58033e");
        assertThat(commit.parents()).extracting(CommitRef::hash).containsExactly("2674e72983786424571e0c8fc5ac8eca17e0583f");
        assertThat(commit.author().user().displayName()).isEqualTo("Nikolas Falco");
        assertThat(commit.date()).isEqualTo(OffsetDateTime.of(2025, 4, 26, 9, 50, 59, 0, ZoneOffset.UTC));
    }

    @Test
    void decodesPipelinesInEveryStateAndTheirSteps() throws IOException {
        List<Pipeline> pipelines = read("pipelines.json", new TypeReference<>() { });
        Pipeline running = pipelines.get(0);
        assertThat(running.uuid()).isEqualTo("{27e63c0b-2997-43e1-ba1e-7c43a3b0d9ef}");
        assertThat(running.buildNumber()).isEqualTo(2L);
        assertThat(running.stateName()).isEqualTo("IN_PROGRESS");
        assertThat(running.state().stage().name()).isEqualTo("PAUSED");
        assertThat(running.state().isCompleted()).isFalse();
        assertThat(running.resultName()).isNull();
        assertThat(running.target().refName()).isEqualTo("master");
        assertThat(running.target().commit().hash()).isEqualTo("7dfd0e39462a812a2540acce9e3dea92e898fc9a");
        assertThat(running.durationInSeconds()).isEqualTo(12L);
        assertThat(pipelines).hasSize(2).extracting(Pipeline::buildNumber).containsExactly(2L, 1L);

        Pipeline triggered = read("pipeline_trigger_response.json", new TypeReference<>() { });
        assertThat(triggered.uuid()).isEqualTo("{PipelineUuid}");
        assertThat(triggered.resultName()).isEqualTo("STOPPED");
        assertThat(PipelineJob.failureOf(triggered)).hasMessageContaining("pipeline job #" + triggered.buildNumber())
                .hasMessageContaining("STOPPED");

        Page<Pipeline> page = read("pipelines_list_sort-created_on_page1.json", new TypeReference<>() { });
        assertThat(page.values()).hasSize(1);

        List<PipelineStep> steps = read("pipelineSteps.json", new TypeReference<>() { });
        assertThat(steps).isNotEmpty();
        PipelineStep step = steps.get(0);
        assertThat(step.name()).isEqualTo("Build and Test");
        assertThat(step.state().resultName()).isEqualTo("SUCCESSFUL");
        assertThat(step.durationInSeconds()).isEqualTo(7L);
    }

    @Test
    void decodesWorkspacesAndMembers() throws IOException {
        Page<Workspace> page = read("workspaces_page1.json", new TypeReference<>() { });
        assertThat(page.next()).isNotBlank();
        assertThat(page.values()).isNotEmpty().allSatisfy(w -> assertThat(w.slug()).isNotBlank());
        List<WorkspaceMembership> members = read("workspace_users.json", new TypeReference<>() { });
        assertThat(members.get(0).user().displayName()).isEqualTo("John Doe");
        assertThat(members.get(0).user().accountId()).isEqualTo("712020:b4f37d53-22ad-4770-ae6a-a7022897f87e");
        assertThat(members.get(0).workspace().slug()).isEqualTo("test");
    }

    @Test
    void encodesRequestBodiesAsDocumented() throws IOException {
        NewIssue issue = NewIssue.builder("Title").kind("bug").priority("minor").content("Description")
                .assignee("557058:abc").milestone("m1").component("UI").version("1.0").build();
        assertThat(this.mapper.readTree(this.mapper.writeValueAsBytes(issue))).isEqualTo(this.mapper.readTree("""
                {"title": "Title", "kind": "bug", "priority": "minor", "content": {"raw": "Description"},
                 "assignee": {"account_id": "557058:abc"}, "milestone": {"name": "m1"},
                 "component": {"name": "UI"}, "version": {"name": "1.0"}}"""));
        IssueUpdate update = IssueUpdate.builder().state("resolved").clearAssignee().title("T2").build();
        JsonNode updateJson = this.mapper.readTree(this.mapper.writeValueAsBytes(update));
        assertThat(updateJson).isEqualTo(this.mapper.readTree("{\"state\": \"resolved\", \"assignee\": null, \"title\": \"T2\"}"));
        NewPullRequest pr = NewPullRequest.builder("Add x", "feature/x").destinationBranch("main")
                .closeSourceBranch(true).reviewer("{u1}").build();
        assertThat(this.mapper.readTree(this.mapper.writeValueAsBytes(pr))).isEqualTo(this.mapper.readTree("""
                {"title": "Add x", "source": {"branch": {"name": "feature/x"}}, "destination": {"branch": {"name": "main"}},
                 "close_source_branch": true, "reviewers": [{"uuid": "{u1}"}]}"""));
        assertThat(this.mapper.readTree(this.mapper.writeValueAsBytes(PipelineTarget.branch("master"))))
                .isEqualTo(this.mapper.readTree("""
                        {"target": {"ref_type": "branch", "type": "pipeline_ref_target", "ref_name": "master"}}"""));
        assertThat(this.mapper.readTree(this.mapper.writeValueAsBytes(
                PullRequestMerge.builder().mergeStrategy("squash").closeSourceBranch(false).build())))
                .isEqualTo(this.mapper.readTree("""
                        {"type": "pullrequest_merge_parameters", "merge_strategy": "squash", "close_source_branch": false}"""));
    }

    @Test
    void readsBitbucketErrorBodies() throws IOException {
        ServiceError error = BitbucketClient.errorParser().parse(400, this.mapper.readTree("""
                {"type": "error", "error": {"message": "Bad request", "detail": "title is required",
                 "fields": {"title": ["required"], "kind": ["invalid choice"]}, "id": "abc123", "data": {"key": "issue.invalid"}}}"""));
        assertThat(error.message()).isEqualTo("Bad request: title is required (title: required; kind: invalid choice)");
        assertThat(error.id()).isEqualTo("abc123");
        assertThat(error.type()).isEqualTo("issue.invalid");
        assertThat(error.details().get("fields").get("title").get(0).asText()).isEqualTo("required");
        ServiceError plain = BitbucketClient.errorParser().parse(404, this.mapper.readTree("""
                {"type": "error", "error": {"message": "Repository not found"}}"""));
        assertThat(plain.message()).isEqualTo("Repository not found");
        assertThat(plain.id()).isNull();
        assertThat(BitbucketClient.errorParser().parse(400, this.mapper.readTree(
                "{\"error\": \"invalid_grant\", \"error_description\": \"x\"}"))).isNull();
    }

    @Test
    void keepsNextWhenSelectingFieldsOfValues() {
        assertThat(PagedResource.fieldsWithNext(List.of("values.id", "values.title"))).containsExactly("values.id", "values.title", "next");
        assertThat(PagedResource.fieldsWithNext(List.of("values.id", "next"))).containsExactly("values.id", "next");
        assertThat(PagedResource.fieldsWithNext(List.of("-links", "+values.reviewers"))).containsExactly("-links", "+values.reviewers");
        assertThat(Map.of()).isEmpty();
    }
}
