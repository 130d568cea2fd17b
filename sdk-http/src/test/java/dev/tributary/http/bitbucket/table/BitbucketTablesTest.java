package dev.tributary.http.bitbucket.table;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.tributary.http.bitbucket.Branch;
import dev.tributary.http.bitbucket.Commit;
import dev.tributary.http.bitbucket.Issue;
import dev.tributary.http.bitbucket.Page;
import dev.tributary.http.bitbucket.Pipeline;
import dev.tributary.http.bitbucket.PullRequest;
import dev.tributary.http.bitbucket.Repository;
import dev.tributary.http.bitbucket.WorkspaceMembership;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The table view read from the real response fixtures of bb-client (see their SOURCES.md). */
class BitbucketTablesTest {

    private static final Set<Class<?>> TYPES = Set.of(Integer.class, Long.class, String.class, Boolean.class, OffsetDateTime.class);

    private final ObjectMapper mapper = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE).build();

    private <T> T read(String file, TypeReference<T> type) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/dev/tributary/http/bitbucket/fixtures/" + file)) {
            assertThat(in).as(file).isNotNull();
            return this.mapper.readValue(in, type);
        }
    }

    @Test
    void issueRowsHaveTheDocumentedColumnsAndValues() throws IOException {
        Table<Issue> issues = BitbucketTables.issues();
        assertThat(issues.name()).isEqualTo("issues");
        assertThat(issues.key()).isEqualTo("id");
        assertThat(issues.columnNames()).containsExactly("id", "title", "state", "kind", "priority", "reporter", "assignee",
                "component", "milestone", "version", "votes", "watches", "created_on", "updated_on", "edited_on", "content");
        assertThat(issues.column("votes").type()).isEqualTo(Integer.class);
        assertThat(issues.column("created_on").type()).isEqualTo(OffsetDateTime.class);

        Page<Issue> page = read("issues_list.json", new TypeReference<>() { });
        Map<String, Object> row = issues.row(page.values().get(0));
        assertThat(row).containsEntry("id", 1).containsEntry("title", "First issue").containsEntry("state", "new")
                .containsEntry("kind", "proposal").containsEntry("priority", "major")
                .containsEntry("assignee", "AssigneeDisplayName").containsEntry("votes", 0).containsEntry("watches", 1)
                .containsEntry("component", null).containsEntry("content", "Text of issue")
                .containsEntry("created_on", OffsetDateTime.of(2020, 11, 3, 20, 40, 24, 247_794_000, ZoneOffset.UTC));
        assertThat(issues.values(page.values().get(0))).hasSize(16).first().isEqualTo(1);
    }

    @Test
    void everyTableHasSnakeCaseColumnsOfTheDocumentedTypes() {
        List<Table<?>> tables = List.of(BitbucketTables.issues(), BitbucketTables.workspaces(), BitbucketTables.members(),
                BitbucketTables.projects(), BitbucketTables.repositories(), BitbucketTables.pullRequests(),
                BitbucketTables.commits(), BitbucketTables.pipelines(), BitbucketTables.branches(), BitbucketTables.tags());
        assertThat(tables).extracting(Table::name).containsExactly("issues", "workspaces", "members", "projects", "repositories",
                "pull_requests", "commits", "pipelines", "branches", "tags");
        for (Table<?> table : tables) {
            assertThat(table.columns()).allSatisfy(column -> {
                assertThat(column.name()).matches("[a-z][a-z0-9_]*");
                assertThat(TYPES).contains(column.type());
            });
            assertThat(table.columnNames()).contains(table.key()).doesNotHaveDuplicates();
        }
    }

    @Test
    void repositoryPullRequestCommitBranchPipelineAndMemberRowsFlattenNestedObjects() throws IOException {
        Map<String, Object> repo = BitbucketTables.repositories().row(read("2.0-repositories-amuniz-test-repos.json",
                new TypeReference<Repository>() { }));
        assertThat(repo).containsEntry("full_name", "amuniz/test-repos").containsEntry("project", "PUB")
                .containsEntry("main_branch", "master").containsEntry("size", 84351L).containsEntry("is_private", false)
                .containsEntry("has_issues", false);

        PullRequest pr = read("2.0-repositories-amuniz-test-repos-pullrequests-1.json", new TypeReference<>() { });
        assertThat(BitbucketTables.pullRequests().row(pr)).containsEntry("id", 1).containsEntry("state", "OPEN")
                .containsEntry("source_branch", "release/release-1").containsEntry("destination_branch", "master")
                .containsEntry("source_commit", "bf0e8b7962c0").containsEntry("merge_commit", null)
                .containsEntry("close_source_branch", true);

        Page<Commit> commits = read("2.0-repositories-amuniz-test-repos-commits_include_feature_2Fdiffstat_exclude_174561d.json",
                new TypeReference<>() { });
        Map<String, Object> commit = BitbucketTables.commits().row(commits.values().get(0));
        assertThat(commit).containsEntry("hash", "251fce291f086cdde68ae2a896148abb5b58033e")
                .containsEntry("date", OffsetDateTime.of(2025, 4, 26, 9, 50, 59, 0, ZoneOffset.UTC));
        assertThat((String) commit.get("summary")).doesNotContain("\n");

        Page<Branch> branches = read("2.0-repositories-amuniz-test-repos-refs-branches_pagelen_100.json", new TypeReference<>() { });
        assertThat(BitbucketTables.branches().row(branches.values().get(0))).containsEntry("name", "feature/BB-1")
                .containsEntry("commit", "fb522a6f08c7c7df337312e4e65ec1b57710672e")
                .containsEntry("author", "Antonio Muniz <amuniz@example.com>");

        List<Pipeline> pipelines = read("pipelines.json", new TypeReference<>() { });
        Pipeline running = pipelines.stream().filter(p -> "IN_PROGRESS".equals(p.stateName())).findFirst().orElseThrow();
        assertThat(BitbucketTables.pipelines().row(running)).containsEntry("uuid", "{27e63c0b-2997-43e1-ba1e-7c43a3b0d9ef}")
                .containsEntry("build_number", 2L).containsEntry("state", "IN_PROGRESS").containsEntry("ref_name", "master")
                .containsEntry("commit", "7dfd0e39462a812a2540acce9e3dea92e898fc9a").containsEntry("duration_in_seconds", 12L);

        List<WorkspaceMembership> members = read("workspace_users.json", new TypeReference<>() { });
        assertThat(BitbucketTables.members().row(members.get(0))).containsEntry("display_name", "John Doe")
                .containsEntry("account_id", "712020:b4f37d53-22ad-4770-ae6a-a7022897f87e").containsEntry("workspace", "test");
    }

    @Test
    void selectKeepsTheNamedColumnsInOrderAndNamesAnUnknownOne() throws IOException {
        Table<Issue> selected = BitbucketTables.issues().select(List.of("title", "id"));
        assertThat(selected.columnNames()).containsExactly("title", "id");
        assertThat(selected.key()).isEqualTo("id");
        Issue issue = read("issue_create_response.json", new TypeReference<>() { });
        assertThat(selected.row(issue)).containsExactly(Map.entry("title", issue.title()), Map.entry("id", 3));
        assertThatThrownBy(() -> BitbucketTables.issues().select(List.of("id", "colour")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no column 'colour' in issues").hasMessageContaining("created_on");
        assertThatThrownBy(() -> BitbucketTables.issues().select(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aColumnRefusesANameThatIsNotSnakeCase() {
        assertThatThrownBy(() -> new Column<Issue>("createdOn", String.class, Issue::title))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("createdOn");
    }
}
