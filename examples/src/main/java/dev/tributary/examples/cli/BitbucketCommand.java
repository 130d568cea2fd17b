package dev.tributary.examples.cli;

import dev.tributary.examples.bitbucket.IssueSync;
import dev.tributary.examples.output.OutputFormat;
import dev.tributary.examples.output.RowWriter;
import dev.tributary.http.bitbucket.BitbucketClient;
import dev.tributary.http.bitbucket.Issue;
import dev.tributary.http.bitbucket.IssueUpdate;
import dev.tributary.http.bitbucket.NewIssue;
import dev.tributary.http.bitbucket.PagedResource;
import dev.tributary.http.bitbucket.PullRequestState;
import dev.tributary.http.bitbucket.table.BitbucketTables;
import dev.tributary.http.bitbucket.table.Table;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code tributary bitbucket ...}: Bitbucket Cloud's workspaces, repositories, issues, pull
 * requests, pipelines, commits and branches as tables ({@link BitbucketTables}), CSV or JSON;
 * issues created, changed and deleted; issues synced into PostgreSQL ({@link IssueSync}); and a
 * local emulator. Credentials come from the environment only ({@link BitbucketOptions}).
 */
@Command(name = "bitbucket",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        header = "Bitbucket Cloud as a source: lists, issues, a sync into PostgreSQL, an emulator.",
        description = {"Lists Bitbucket Cloud resources as a table, CSV or JSON (columns: the table view of each "
                + "resource), creates and changes issues, and syncs a repository's issues into PostgreSQL.",
                "",
                "  export " + BitbucketOptions.EMAIL_VARIABLE + "=you@example.com " + BitbucketOptions.API_TOKEN_VARIABLE
                        + "=<an API token>",
                "  tributary bitbucket issues -w acme -r app --where 'state = \"open\"' --sort -updated_on",
                "  tributary bitbucket sync-issues -w acme -r app --into issues"},
        subcommands = {BitbucketCommand.Workspaces.class, BitbucketCommand.Repos.class, BitbucketCommand.Issues.class,
                BitbucketCommand.PullRequests.class, BitbucketCommand.Pipelines.class, BitbucketCommand.Commits.class,
                BitbucketCommand.Branches.class, BitbucketCommand.SyncIssues.class, BitbucketLoginCommand.class,
                BitbucketEmulatorCommand.class,
                CommandLine.HelpCommand.class},
        footerHeading = "%nEnvironment (credentials are read from here only, and never printed):%n",
        footer = {"  " + BitbucketOptions.ACCESS_TOKEN_VARIABLE + "  an access token (Bearer), or",
                "  " + BitbucketOptions.EMAIL_VARIABLE + " and " + BitbucketOptions.API_TOKEN_VARIABLE
                        + "  an Atlassian API token (Basic), or",
                "  " + BitbucketOptions.CLIENT_ID_VARIABLE + " and " + BitbucketOptions.CLIENT_SECRET_VARIABLE
                        + "  an OAuth consumer (client credentials;",
                "    token endpoint " + BitbucketOptions.TOKEN_URL_VARIABLE + ", default Bitbucket's; after",
                "    login, the tokens in " + BitbucketOptions.TOKEN_FILE_VARIABLE + " or the config directory)",
                "  " + BitbucketOptions.BASE_URL_VARIABLE + "  the API's base URL (or --base-url)",
                "  " + TargetDatabase.URL_VARIABLE + "  the database of sync-issues"})
final class BitbucketCommand implements Callable<Integer> {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final int PREFETCH = 100;

    @ParentCommand
    TributaryCommand tributary;

    @Spec
    private CommandSpec spec;

    /** Without a subcommand: a usage error. */
    @Override
    public Integer call() {
        throw new ParameterException(this.spec.commandLine(),
                "Missing command: workspaces, repos, issues, prs, pipelines, commits, branches, sync-issues, login or emulator");
    }

    @Override
    public String toString() {
        return "BitbucketCommand{}";
    }

    /** The listing options: {@code --where}, {@code --sort}, {@code --fields}, {@code --limit}, {@code --columns}, {@code -o}. */
    static final class ListingOptions {

        @Option(names = "--where", paramLabel = "BBQL",
                description = "A filter in BBQL, sent as Bitbucket's q parameter, e.g. 'state = \"open\" AND priority = \"major\"'.")
        String where;

        @Option(names = "--sort", paramLabel = "FIELD",
                description = "Sort on the server by one field; -FIELD sorts descending (e.g. -updated_on).")
        String sort;

        @Option(names = "--fields", paramLabel = "EXPR", split = ",",
                description = "A partial response, as Bitbucket's fields parameter (e.g. values.id,values.title, or "
                        + "-values.links); what is left out is an empty cell.")
        List<String> fields;

        @Option(names = "--columns", paramLabel = "NAME", split = ",",
                description = "The columns to print, in order (default: all of the resource's table view).")
        List<String> columns;

        @Option(names = "--limit", paramLabel = "N", description = "Stop after N rows (fewer pages are fetched).")
        Integer limit;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
                description = "table, csv or json (default: ${DEFAULT-VALUE}).")
        OutputFormat output;
    }

    /** A listing command: a client, the options applied to a resource, the rows written. */
    abstract static class Listing<T> implements Callable<Integer> {

        @ParentCommand
        BitbucketCommand bitbucket;

        @Spec
        CommandSpec spec;

        @Mixin
        BitbucketOptions connection;

        @Mixin
        ListingOptions listing;

        @Override
        public final Integer call() throws IOException {
            checkOptions();
            Table<T> table = table();
            if (this.listing.columns != null) {
                try {
                    table = table.select(this.listing.columns);
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(this.spec.commandLine(), "--columns: " + e.getMessage());
                }
            }
            if (this.listing.limit != null && this.listing.limit < 1) {
                throw new ParameterException(this.spec.commandLine(), "--limit must be at least 1, was " + this.listing.limit);
            }
            BitbucketClient client = this.connection.connect(this.bitbucket.tributary.environment(),
                    this.bitbucket.tributary.redaction());
            try {
                Flux<T> items = items(client);
                if (this.listing.limit != null) {
                    items = items.take(this.listing.limit);
                }
                writeRows(items, table, this.listing.output, this.spec.commandLine().getOut());
            } finally {
                client.closeLater().block(CLOSE_TIMEOUT);
            }
            return 0;
        }

        /** @throws ParameterException for a missing or bad option */
        void checkOptions() {
        }

        abstract Table<T> table();

        abstract Flux<T> items(BitbucketClient client);

        /** Applies {@code --where}, {@code --sort}, {@code --fields} and {@code --limit} (as the page length). */
        final <R extends PagedResource<T, R>> Flux<T> list(R resource) {
            try {
                if (this.listing.where != null) {
                    resource = resource.q(this.listing.where);
                }
                if (this.listing.sort != null) {
                    resource = resource.sort(this.listing.sort);
                }
                if (this.listing.fields != null) {
                    resource = resource.fields(this.listing.fields.toArray(new String[0]));
                }
                if (this.listing.limit != null) {
                    resource = resource.pagelen(Math.min(this.listing.limit, BitbucketClient.DEFAULT_PAGELEN));
                }
            } catch (IllegalArgumentException e) {
                throw new ParameterException(this.spec.commandLine(), e.getMessage());
            }
            return resource.prefetchOnePage().list();
        }
    }

    /** What the repository-level listings share: {@code -w} and {@code -r}. */
    abstract static class RepositoryListing<T> extends Listing<T> {

        // not picocli-required: "issues create" would then need them before "create" too
        @Option(names = {"-w", "--workspace"}, paramLabel = "WORKSPACE", description = "The workspace slug (required).")
        String workspace;

        @Option(names = {"-r", "--repo"}, paramLabel = "REPO", description = "The repository slug (required).")
        String repo;

        @Override
        void checkOptions() {
            if (this.workspace == null || this.repo == null) {
                throw new ParameterException(this.spec.commandLine(), "Missing required options: --workspace/-w and --repo/-r");
            }
        }
    }

    @Command(name = "workspaces", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Lists the workspaces the credentials may access.",
            description = "Lists the workspaces the credentials may access (GET /user/workspaces). Columns: slug, name, "
                    + "uuid, is_private, administrator, created_on.")
    static final class Workspaces extends Listing<dev.tributary.http.bitbucket.WorkspaceAccess> {

        @Override
        Table<dev.tributary.http.bitbucket.WorkspaceAccess> table() {
            return BitbucketTables.workspaces();
        }

        @Override
        Flux<dev.tributary.http.bitbucket.WorkspaceAccess> items(BitbucketClient client) {
            return list(client.workspaces());
        }
    }

    @Command(name = "repos", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Lists a workspace's repositories.",
            description = "Lists a workspace's repositories. Columns: slug, full_name, name, uuid, project, main_branch, "
                    + "scm, language, is_private, has_issues, size, fork_policy, description, created_on, updated_on.")
    static final class Repos extends Listing<dev.tributary.http.bitbucket.Repository> {

        @Option(names = {"-w", "--workspace"}, required = true, paramLabel = "WORKSPACE", description = "The workspace slug.")
        String workspace;

        @Override
        Table<dev.tributary.http.bitbucket.Repository> table() {
            return BitbucketTables.repositories();
        }

        @Override
        Flux<dev.tributary.http.bitbucket.Repository> items(BitbucketClient client) {
            return list(client.repositories(this.workspace));
        }
    }

    @Command(name = "issues", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Lists a repository's issues; creates, changes and deletes issues.",
            description = "Lists a repository's issues (sorted by id unless --sort). Columns: id, title, state, kind, "
                    + "priority, reporter, assignee, component, milestone, version, votes, watches, created_on, "
                    + "updated_on, edited_on, content.",
            subcommands = {IssueCreate.class, IssueUpdateCommand.class, IssueDelete.class})
    static final class Issues extends RepositoryListing<Issue> {

        @Override
        Table<Issue> table() {
            return BitbucketTables.issues();
        }

        @Override
        Flux<Issue> items(BitbucketClient client) {
            return list(client.issues(this.workspace, this.repo));
        }
    }

    @Command(name = "prs", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Lists a repository's pull requests.",
            description = "Lists a repository's pull requests, open ones unless --state. Columns: id, title, state, author, "
                    + "source_branch, destination_branch, source_commit, merge_commit, comment_count, task_count, "
                    + "close_source_branch, created_on, updated_on.")
    static final class PullRequests extends RepositoryListing<dev.tributary.http.bitbucket.PullRequest> {

        @Option(names = "--state", paramLabel = "STATE", split = ",",
                description = "OPEN, MERGED, DECLINED, SUPERSEDED (several: comma-separated; default: OPEN).")
        List<PullRequestState> states;

        @Override
        Table<dev.tributary.http.bitbucket.PullRequest> table() {
            return BitbucketTables.pullRequests();
        }

        @Override
        Flux<dev.tributary.http.bitbucket.PullRequest> items(BitbucketClient client) {
            dev.tributary.http.bitbucket.PullRequests prs = client.pullRequests(this.workspace, this.repo);
            if (this.states != null) {
                prs = prs.states(this.states.toArray(new PullRequestState[0]));
            }
            return list(prs);
        }
    }

    @Command(name = "pipelines", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Lists a repository's pipelines.",
            description = "Lists a repository's pipelines. Columns: uuid, build_number, state, result, ref_type, ref_name, "
                    + "commit, creator, created_on, completed_on, duration_in_seconds, build_seconds_used.")
    static final class Pipelines extends RepositoryListing<dev.tributary.http.bitbucket.Pipeline> {

        @Override
        Table<dev.tributary.http.bitbucket.Pipeline> table() {
            return BitbucketTables.pipelines();
        }

        @Override
        Flux<dev.tributary.http.bitbucket.Pipeline> items(BitbucketClient client) {
            return list(client.pipelines(this.workspace, this.repo));
        }
    }

    @Command(name = "commits", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Lists a repository's commits, newest first.",
            description = "Lists a repository's commits, newest first (of --revision, default: all branches). Columns: "
                    + "hash, date, author, summary, parents.")
    static final class Commits extends RepositoryListing<dev.tributary.http.bitbucket.Commit> {

        @Option(names = "--revision", paramLabel = "REV", description = "A branch, tag or commit hash to list from.")
        String revision;

        @Override
        Table<dev.tributary.http.bitbucket.Commit> table() {
            return BitbucketTables.commits();
        }

        @Override
        Flux<dev.tributary.http.bitbucket.Commit> items(BitbucketClient client) {
            dev.tributary.http.bitbucket.Commits commits = client.commits(this.workspace, this.repo);
            return list(this.revision == null ? commits : commits.revision(this.revision));
        }
    }

    @Command(name = "branches", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Lists a repository's branches.",
            description = "Lists a repository's branches. Columns: name, commit, date, author, default_merge_strategy.")
    static final class Branches extends RepositoryListing<dev.tributary.http.bitbucket.Branch> {

        @Override
        Table<dev.tributary.http.bitbucket.Branch> table() {
            return BitbucketTables.branches();
        }

        @Override
        Flux<dev.tributary.http.bitbucket.Branch> items(BitbucketClient client) {
            return list(client.branches(this.workspace, this.repo));
        }
    }

    /** What {@code issues create|update|delete} share: the repository, a client, the output. */
    abstract static class IssueChange implements Callable<Integer> {

        @ParentCommand
        Issues issues;

        @Spec
        CommandSpec spec;

        @Mixin
        BitbucketOptions connection;

        @Option(names = {"-w", "--workspace"}, required = true, paramLabel = "WORKSPACE", description = "The workspace slug.")
        String workspace;

        @Option(names = {"-r", "--repo"}, required = true, paramLabel = "REPO", description = "The repository slug.")
        String repo;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
                description = "table, csv or json (default: ${DEFAULT-VALUE}).")
        OutputFormat output;

        @Override
        public final Integer call() throws IOException {
            TributaryCommand tributary = this.issues.bitbucket.tributary;
            BitbucketClient client = this.connection.connect(tributary.environment(), tributary.redaction());
            try {
                run(client.issues(this.workspace, this.repo), this.spec.commandLine().getOut());
            } finally {
                client.closeLater().block(CLOSE_TIMEOUT);
            }
            return 0;
        }

        abstract void run(dev.tributary.http.bitbucket.Issues issues, PrintWriter out) throws IOException;

        final void print(Issue issue, PrintWriter out) throws IOException {
            writeRows(Flux.just(issue), BitbucketTables.issues(), this.output, out);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Creates an issue and prints it.",
            description = "Creates an issue in a repository's issue tracker and prints it as created.")
    static final class IssueCreate extends IssueChange {

        @Option(names = "--title", required = true, paramLabel = "TITLE", description = "The title.")
        String title;

        @Option(names = "--kind", paramLabel = "KIND", description = "bug, enhancement, proposal or task (default: bug).")
        String kind;

        @Option(names = "--priority", paramLabel = "PRIORITY",
                description = "trivial, minor, major, critical or blocker (default: major).")
        String priority;

        @Option(names = "--content", paramLabel = "MARKDOWN", description = "The description, in Markdown.")
        String content;

        @Override
        void run(dev.tributary.http.bitbucket.Issues issues, PrintWriter out) throws IOException {
            NewIssue.Builder issue;
            try {
                issue = NewIssue.builder(this.title);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(this.spec.commandLine(), "--title: " + e.getMessage());
            }
            if (this.kind != null) {
                issue.kind(this.kind);
            }
            if (this.priority != null) {
                issue.priority(this.priority);
            }
            if (this.content != null) {
                issue.content(this.content);
            }
            print(issues.create(issue.build()).block(), out);
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Changes an issue and prints it.",
            description = "Changes the fields given of an issue and prints it as changed.")
    static final class IssueUpdateCommand extends IssueChange {

        @Parameters(index = "0", paramLabel = "ID", description = "The issue's id.")
        int id;

        @Option(names = "--title", paramLabel = "TITLE", description = "A new title.")
        String title;

        @Option(names = "--state", paramLabel = "STATE",
                description = "new, open, resolved, on hold, invalid, duplicate, wontfix or closed.")
        String state;

        @Option(names = "--kind", paramLabel = "KIND", description = "bug, enhancement, proposal or task.")
        String kind;

        @Option(names = "--priority", paramLabel = "PRIORITY", description = "trivial, minor, major, critical or blocker.")
        String priority;

        @Option(names = "--content", paramLabel = "MARKDOWN", description = "A new description, in Markdown.")
        String content;

        @Override
        void run(dev.tributary.http.bitbucket.Issues issues, PrintWriter out) throws IOException {
            IssueUpdate.Builder update = IssueUpdate.builder();
            try {
                if (this.title != null) {
                    update.title(this.title);
                }
                if (this.state != null) {
                    update.state(this.state);
                }
                if (this.kind != null) {
                    update.kind(this.kind);
                }
                if (this.priority != null) {
                    update.priority(this.priority);
                }
                if (this.content != null) {
                    update.content(this.content);
                }
                print(issues.update(this.id, update.build()).block(), out);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new ParameterException(this.spec.commandLine(),
                        "Nothing to update, or a bad value: " + e.getMessage() + " (give --title, --state, --kind, --priority or --content)");
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Deletes an issue.",
            description = "Deletes an issue and its comments.")
    static final class IssueDelete extends IssueChange {

        @Parameters(index = "0", paramLabel = "ID", description = "The issue's id.")
        int id;

        @Override
        void run(dev.tributary.http.bitbucket.Issues issues, PrintWriter out) {
            issues.delete(this.id).block();
            out.printf(Locale.ROOT, "Deleted issue %d of %s/%s%n", this.id, this.workspace, this.repo);
            out.flush();
        }
    }

    @Command(name = "sync-issues", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Streams a repository's issues into a PostgreSQL table (upsert by id).",
            description = {"Streams a repository's issues into a PostgreSQL table, upserting by id: the table (columns of "
                    + "the issues' table view) is created if absent; batches are written in a transaction each, and pages "
                    + "are fetched only as fast as rows are written. Run it again to bring the table up to date.",
                    "",
                    "The database is " + TargetDatabase.URL_VARIABLE + "; without it, an embedded PostgreSQL started for the "
                            + "run (and deleted afterwards: for trying it out)."})
    static final class SyncIssues implements Callable<Integer> {

        @ParentCommand
        BitbucketCommand bitbucket;

        @Spec
        CommandSpec spec;

        @Mixin
        BitbucketOptions connection;

        @Option(names = {"-w", "--workspace"}, required = true, paramLabel = "WORKSPACE", description = "The workspace slug.")
        String workspace;

        @Option(names = {"-r", "--repo"}, required = true, paramLabel = "REPO", description = "The repository slug.")
        String repo;

        @Option(names = "--into", required = true, paramLabel = "TABLE", description = "The table: name or schema.name.")
        String into;

        @Option(names = "--where", paramLabel = "BBQL", description = "Sync only the issues this BBQL filter selects.")
        String where;

        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "" + IssueSync.DEFAULT_BATCH_SIZE,
                description = "Issues per batch and transaction (default: ${DEFAULT-VALUE}).")
        int batchSize;

        @Option(names = "--concurrency", paramLabel = "N", defaultValue = "" + IssueSync.DEFAULT_CONCURRENCY,
                description = "Batches written at once (default: ${DEFAULT-VALUE}).")
        int concurrency;

        @Override
        public Integer call() {
            TributaryCommand tributary = this.bitbucket.tributary;
            IssueSync sync;
            dev.tributary.http.bitbucket.Issues issues;
            BitbucketClient client = this.connection.connect(tributary.environment(), tributary.redaction());
            try (TargetDatabase db = TargetDatabase.open(tributary.environment())) {
                try {
                    sync = new IssueSync(db.client(), this.into).batchSize(this.batchSize).concurrency(this.concurrency);
                    issues = client.issues(this.workspace, this.repo);
                    if (this.where != null) {
                        issues = issues.q(this.where);
                    }
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(this.spec.commandLine(), e.getMessage());
                }
                PrintWriter err = this.spec.commandLine().getErr();
                if (db.isEmbedded()) {
                    err.println("tributary: no " + TargetDatabase.URL_VARIABLE + " set: syncing into " + db.description()
                            + ", deleted when the command ends");
                    err.flush();
                }
                IssueSync.Result result = sync.sync(issues.prefetchOnePage().list()).block();
                PrintWriter out = this.spec.commandLine().getOut();
                out.printf(Locale.ROOT, "Synced %,d issues of %s/%s into %s (%s) in %,d ms: %,.0f rows/s, %,d batches%n",
                        result.rows(), this.workspace, this.repo, this.into, db.description(), result.elapsed().toMillis(),
                        result.rowsPerSecond(), result.batches());
                out.flush();
            } finally {
                client.closeLater().block(CLOSE_TIMEOUT);
            }
            return 0;
        }
    }

    /**
     * Writes the items as rows on this (main) thread, {@value #PREFETCH} at a time: backpressure
     * all the way to the pages. The output is finished only after the last row.
     */
    static <T> void writeRows(Flux<T> items, Table<T> table, OutputFormat format, PrintWriter out) throws IOException {
        RowWriter writer = RowWriter.create(format, out);
        try (Stream<Map<String, Object>> stream = items.map(table::row).toStream(PREFETCH)) {
            Iterator<Map<String, Object>> it = stream.iterator();
            while (it.hasNext()) {
                writer.write(it.next());
            }
        }
        writer.close();
    }
}
