package dev.tributary.http.bitbucket.table;

import dev.tributary.http.bitbucket.Account;
import dev.tributary.http.bitbucket.Branch;
import dev.tributary.http.bitbucket.BranchRef;
import dev.tributary.http.bitbucket.Commit;
import dev.tributary.http.bitbucket.CommitAuthor;
import dev.tributary.http.bitbucket.CommitRef;
import dev.tributary.http.bitbucket.Issue;
import dev.tributary.http.bitbucket.Named;
import dev.tributary.http.bitbucket.Pipeline;
import dev.tributary.http.bitbucket.PipelineRefTarget;
import dev.tributary.http.bitbucket.Project;
import dev.tributary.http.bitbucket.PullRequest;
import dev.tributary.http.bitbucket.PullRequestEndpoint;
import dev.tributary.http.bitbucket.Repository;
import dev.tributary.http.bitbucket.Tag;
import dev.tributary.http.bitbucket.Workspace;
import dev.tributary.http.bitbucket.WorkspaceAccess;
import dev.tributary.http.bitbucket.WorkspaceMembership;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The table view of every Bitbucket resource: stable snake_case column names with fixed Java
 * types ({@link Integer}, {@link Long}, {@link String}, {@link Boolean}, {@link OffsetDateTime}),
 * read from the decoded models. A nested object is flattened to the field people filter and group
 * by: an account to its {@code display_name}, a branch to its name, a commit to its hash. A value
 * the item lacks (a partial response, an unassigned issue) is {@code null}.
 *
 * <table>
 *   <caption>Tables and their columns</caption>
 *   <tr><th>table (key)</th><th>columns</th></tr>
 *   <tr><td>{@link #issues()} ({@code id})</td><td>id Integer, title, state, kind, priority, reporter,
 *       assignee, component, milestone, version String, votes, watches Integer, created_on, updated_on,
 *       edited_on OffsetDateTime, content String (raw markdown)</td></tr>
 *   <tr><td>{@link #workspaces()} ({@code slug})</td><td>slug, name, uuid String, is_private, administrator
 *       Boolean, created_on OffsetDateTime</td></tr>
 *   <tr><td>{@link #members()} ({@code account_id})</td><td>account_id, display_name, nickname, uuid,
 *       workspace String</td></tr>
 *   <tr><td>{@link #projects()} ({@code key})</td><td>key, name, uuid String, is_private Boolean,
 *       description String, created_on, updated_on OffsetDateTime</td></tr>
 *   <tr><td>{@link #repositories()} ({@code full_name})</td><td>slug, full_name, name, uuid, project,
 *       main_branch, scm, language String, is_private, has_issues Boolean, size Long, fork_policy,
 *       description String, created_on, updated_on OffsetDateTime</td></tr>
 *   <tr><td>{@link #pullRequests()} ({@code id})</td><td>id Integer, title, state, author, source_branch,
 *       destination_branch, source_commit, merge_commit String, comment_count, task_count Integer,
 *       close_source_branch Boolean, created_on, updated_on OffsetDateTime</td></tr>
 *   <tr><td>{@link #commits()} ({@code hash})</td><td>hash String, date OffsetDateTime, author (the raw
 *       {@code Name <email>}), summary (the message's first line) String, parents Integer (how many)</td></tr>
 *   <tr><td>{@link #pipelines()} ({@code uuid})</td><td>uuid String, build_number Long, state, result,
 *       ref_type, ref_name, commit, creator String, created_on, completed_on OffsetDateTime,
 *       duration_in_seconds, build_seconds_used Long</td></tr>
 *   <tr><td>{@link #branches()} ({@code name})</td><td>name, commit String, date OffsetDateTime, author,
 *       default_merge_strategy String</td></tr>
 *   <tr><td>{@link #tags()} ({@code name})</td><td>name, commit String, date OffsetDateTime, tagger,
 *       message String</td></tr>
 * </table>
 * Source of the fields: Bitbucket Cloud REST API 2.0 (https://developer.atlassian.com/cloud/bitbucket/rest/).
 */
public final class BitbucketTables {

    private static final Table<Issue> ISSUES = new Columns<Issue>()
            .add("id", Integer.class, Issue::id)
            .add("title", String.class, Issue::title)
            .add("state", String.class, Issue::state)
            .add("kind", String.class, Issue::kind)
            .add("priority", String.class, Issue::priority)
            .add("reporter", String.class, i -> displayName(i.reporter()))
            .add("assignee", String.class, i -> displayName(i.assignee()))
            .add("component", String.class, i -> name(i.component()))
            .add("milestone", String.class, i -> name(i.milestone()))
            .add("version", String.class, i -> name(i.version()))
            .add("votes", Integer.class, Issue::votes)
            .add("watches", Integer.class, Issue::watches)
            .add("created_on", OffsetDateTime.class, Issue::createdOn)
            .add("updated_on", OffsetDateTime.class, Issue::updatedOn)
            .add("edited_on", OffsetDateTime.class, Issue::editedOn)
            .add("content", String.class, Issue::contentRaw)
            .table("issues", "id");

    private static final Table<WorkspaceAccess> WORKSPACES = new Columns<WorkspaceAccess>()
            .add("slug", String.class, a -> workspace(a, Workspace::slug))
            .add("name", String.class, a -> workspace(a, Workspace::name))
            .add("uuid", String.class, a -> workspace(a, Workspace::uuid))
            .add("is_private", Boolean.class, a -> workspace(a, Workspace::isPrivate))
            .add("administrator", Boolean.class, WorkspaceAccess::administrator)
            .add("created_on", OffsetDateTime.class, a -> workspace(a, Workspace::createdOn))
            .table("workspaces", "slug");

    private static final Table<WorkspaceMembership> MEMBERS = new Columns<WorkspaceMembership>()
            .add("account_id", String.class, m -> m.user() == null ? null : m.user().accountId())
            .add("display_name", String.class, m -> displayName(m.user()))
            .add("nickname", String.class, m -> m.user() == null ? null : m.user().nickname())
            .add("uuid", String.class, m -> m.user() == null ? null : m.user().uuid())
            .add("workspace", String.class, m -> m.workspace() == null ? null : m.workspace().slug())
            .table("members", "account_id");

    private static final Table<Project> PROJECTS = new Columns<Project>()
            .add("key", String.class, Project::key)
            .add("name", String.class, Project::name)
            .add("uuid", String.class, Project::uuid)
            .add("is_private", Boolean.class, Project::isPrivate)
            .add("description", String.class, Project::description)
            .add("created_on", OffsetDateTime.class, Project::createdOn)
            .add("updated_on", OffsetDateTime.class, Project::updatedOn)
            .table("projects", "key");

    private static final Table<Repository> REPOSITORIES = new Columns<Repository>()
            .add("slug", String.class, Repository::slug)
            .add("full_name", String.class, Repository::fullName)
            .add("name", String.class, Repository::name)
            .add("uuid", String.class, Repository::uuid)
            .add("project", String.class, r -> r.project() == null ? null : r.project().key())
            .add("main_branch", String.class, r -> branchName(r.mainbranch()))
            .add("scm", String.class, Repository::scm)
            .add("language", String.class, Repository::language)
            .add("is_private", Boolean.class, Repository::isPrivate)
            .add("has_issues", Boolean.class, Repository::hasIssues)
            .add("size", Long.class, Repository::size)
            .add("fork_policy", String.class, Repository::forkPolicy)
            .add("description", String.class, Repository::description)
            .add("created_on", OffsetDateTime.class, Repository::createdOn)
            .add("updated_on", OffsetDateTime.class, Repository::updatedOn)
            .table("repositories", "full_name");

    private static final Table<PullRequest> PULL_REQUESTS = new Columns<PullRequest>()
            .add("id", Integer.class, PullRequest::id)
            .add("title", String.class, PullRequest::title)
            .add("state", String.class, PullRequest::state)
            .add("author", String.class, p -> displayName(p.author()))
            .add("source_branch", String.class, p -> endpointBranch(p.source()))
            .add("destination_branch", String.class, p -> endpointBranch(p.destination()))
            .add("source_commit", String.class, p -> p.source() == null ? null : hash(p.source().commit()))
            .add("merge_commit", String.class, p -> hash(p.mergeCommit()))
            .add("comment_count", Integer.class, PullRequest::commentCount)
            .add("task_count", Integer.class, PullRequest::taskCount)
            .add("close_source_branch", Boolean.class, PullRequest::closeSourceBranch)
            .add("created_on", OffsetDateTime.class, PullRequest::createdOn)
            .add("updated_on", OffsetDateTime.class, PullRequest::updatedOn)
            .table("pull_requests", "id");

    private static final Table<Commit> COMMITS = new Columns<Commit>()
            .add("hash", String.class, Commit::hash)
            .add("date", OffsetDateTime.class, Commit::date)
            .add("author", String.class, c -> authorRaw(c.author()))
            .add("summary", String.class, c -> firstLine(c.message()))
            .add("parents", Integer.class, c -> c.parents() == null ? null : c.parents().size())
            .table("commits", "hash");

    private static final Table<Pipeline> PIPELINES = new Columns<Pipeline>()
            .add("uuid", String.class, Pipeline::uuid)
            .add("build_number", Long.class, Pipeline::buildNumber)
            .add("state", String.class, Pipeline::stateName)
            .add("result", String.class, Pipeline::resultName)
            .add("ref_type", String.class, p -> target(p, PipelineRefTarget::refType))
            .add("ref_name", String.class, p -> target(p, PipelineRefTarget::refName))
            .add("commit", String.class, p -> target(p, t -> hash(t.commit())))
            .add("creator", String.class, p -> displayName(p.creator()))
            .add("created_on", OffsetDateTime.class, Pipeline::createdOn)
            .add("completed_on", OffsetDateTime.class, Pipeline::completedOn)
            .add("duration_in_seconds", Long.class, Pipeline::durationInSeconds)
            .add("build_seconds_used", Long.class, Pipeline::buildSecondsUsed)
            .table("pipelines", "uuid");

    private static final Table<Branch> BRANCHES = new Columns<Branch>()
            .add("name", String.class, Branch::name)
            .add("commit", String.class, b -> b.target() == null ? null : b.target().hash())
            .add("date", OffsetDateTime.class, b -> b.target() == null ? null : b.target().date())
            .add("author", String.class, b -> b.target() == null ? null : authorRaw(b.target().author()))
            .add("default_merge_strategy", String.class, Branch::defaultMergeStrategy)
            .table("branches", "name");

    private static final Table<Tag> TAGS = new Columns<Tag>()
            .add("name", String.class, Tag::name)
            .add("commit", String.class, t -> t.target() == null ? null : t.target().hash())
            .add("date", OffsetDateTime.class, Tag::date)
            .add("tagger", String.class, t -> authorRaw(t.tagger()))
            .add("message", String.class, Tag::message)
            .table("tags", "name");

    private BitbucketTables() {
    }

    /** @return the issues of a repository, keyed by {@code id} */
    public static Table<Issue> issues() {
        return ISSUES;
    }

    /** @return the workspaces the caller may access ({@code GET /user/workspaces}), keyed by {@code slug} */
    public static Table<WorkspaceAccess> workspaces() {
        return WORKSPACES;
    }

    /** @return the members of a workspace, keyed by {@code account_id} */
    public static Table<WorkspaceMembership> members() {
        return MEMBERS;
    }

    /** @return the projects of a workspace, keyed by {@code key} */
    public static Table<Project> projects() {
        return PROJECTS;
    }

    /** @return the repositories of a workspace, keyed by {@code full_name} */
    public static Table<Repository> repositories() {
        return REPOSITORIES;
    }

    /** @return the pull requests of a repository, keyed by {@code id} */
    public static Table<PullRequest> pullRequests() {
        return PULL_REQUESTS;
    }

    /** @return the commits of a repository, keyed by {@code hash} */
    public static Table<Commit> commits() {
        return COMMITS;
    }

    /** @return the pipelines of a repository, keyed by {@code uuid} */
    public static Table<Pipeline> pipelines() {
        return PIPELINES;
    }

    /** @return the branches of a repository, keyed by {@code name} */
    public static Table<Branch> branches() {
        return BRANCHES;
    }

    /** @return the tags of a repository, keyed by {@code name} */
    public static Table<Tag> tags() {
        return TAGS;
    }

    private static String displayName(Account account) {
        return account == null ? null : account.displayName();
    }

    private static String name(Named named) {
        return named == null ? null : named.name();
    }

    private static String branchName(BranchRef branch) {
        return branch == null ? null : branch.name();
    }

    private static String hash(CommitRef commit) {
        return commit == null ? null : commit.hash();
    }

    private static String endpointBranch(PullRequestEndpoint endpoint) {
        return endpoint == null ? null : branchName(endpoint.branch());
    }

    private static String authorRaw(CommitAuthor author) {
        if (author == null) {
            return null;
        }
        return author.raw() != null ? author.raw() : displayName(author.user());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return null;
        }
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).strip();
    }

    private static <R> R workspace(WorkspaceAccess access, Function<Workspace, R> field) {
        return access.workspace() == null ? null : field.apply(access.workspace());
    }

    private static <R> R target(Pipeline pipeline, Function<PipelineRefTarget, R> field) {
        return pipeline.target() == null ? null : field.apply(pipeline.target());
    }

    /** Collects the columns of a table in order. */
    private static final class Columns<T> {

        private final List<Column<T>> columns = new ArrayList<>();

        Columns<T> add(String name, Class<?> type, Function<? super T, ?> extractor) {
            this.columns.add(new Column<>(name, type, extractor));
            return this;
        }

        Table<T> table(String name, String key) {
            return new Table<>(name, key, this.columns);
        }
    }
}
