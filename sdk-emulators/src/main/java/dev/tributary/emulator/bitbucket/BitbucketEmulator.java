package dev.tributary.emulator.bitbucket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * A stateful emulator of the Bitbucket Cloud REST API 2.0 and its OAuth 2 endpoints, for tests:
 * a reactor-netty server on {@code 127.0.0.1} that answers like {@code api.bitbucket.org/2.0} and
 * {@code bitbucket.org/site/oauth2} (both on one port), shaped after Atlassian's published OpenAPI
 * document and real recorded responses.
 *
 * <pre>{@code
 * try (BitbucketEmulator bb = BitbucketEmulator.builder().build().start()) {
 *     BitbucketUser alice = bb.seedUser("alice", "Alice Liddell", "alice@example.com");
 *     String token = bb.createApiToken("alice@example.com");            // Basic alice@example.com:<token>
 *     bb.seedWorkspace("acme", "Acme", "alice");
 *     bb.seedProject("acme", "PROJ", "Project");
 *     bb.seedRepository("acme", "app", "PROJ");                          // issue tracker on, branch main
 *     bb.seedIssues("acme", "app", 1_000, i -> IssueSeed.varied(i, List.of("alice")));
 *     // point the client at bb.baseUrl() ("http://127.0.0.1:<port>/2.0"), then:
 *     assertThat(bb.receivedQueries("/2.0/repositories/acme/app/issues")).extracting(ReceivedQuery::q)
 *             .containsOnly("state = \"open\"");
 * }
 * }</pre>
 *
 * <h2>What it emulates</h2>
 * <ul>
 *   <li><b>Resources</b> (under {@code /2.0}): {@code /user}, {@code /user/workspaces}
 *       ({@code workspace_access}), {@code /workspaces}, {@code /workspaces/{ws}},
 *       {@code /workspaces/{ws}/members} ({@code workspace_membership}),
 *       {@code /workspaces/{ws}/projects[/{key}]}, {@code /repositories/{ws}[/{repo}]}, issues
 *       (list, get, create 201 with {@code Location}, update, delete 204; comments list and create;
 *       404 when the repository's issue tracker is off), pull requests (list only OPEN unless
 *       {@code state} is given, possibly repeated; get; create; approve; merge, synchronous or with
 *       {@code async=true} answering 202 and a {@code Location} of a task status polled until
 *       {@code {"task_status": "SUCCESS", "merge_result": {...}}}), commits (cursor paging: only
 *       {@code values}, {@code pagelen}, {@code next}; default pagelen 30), one commit
 *       ({@code /commit/{hash}}), branches and tags (listed or by name), and
 *       pipelines (list, get, steps, trigger 201 PENDING; the state moves PENDING → IN_PROGRESS →
 *       COMPLETED on the emulator clock, see {@link Builder#pipelineTiming}); pipeline UUIDs are
 *       accepted with or without braces.</li>
 *   <li><b>Paging</b>: {@code {size, page, pagelen, next, previous, values}}, {@code pagelen} default
 *       10 (commits 30), capped at 100 (pull requests 50), {@code pagelen < 1} or a bad or
 *       duplicated {@code page} is 400; {@code next} and {@code previous} are absolute URLs that keep
 *       every other parameter of the request.</li>
 *   <li><b>Filtering</b>: {@code q} in BBQL, parsed (operators {@code = != ~ !~ > >= < <= IN NOT IN},
 *       {@code AND}/{@code OR} in any case, parentheses, quoted strings with backslash escapes,
 *       {@code null}, booleans, numbers, unquoted ISO-8601 dates and datetimes, dotted paths; a
 *       path through a list matches when any element matches); an invalid query or an unknown field
 *       is 400 naming the position. {@code sort=[-]path}. {@code fields} partial responses
 *       ({@code -x}, {@code +x}, {@code x}, {@code *}, applied to the whole body: like the real API,
 *       {@code fields=values.id} drops {@code next}, so ask for {@code next,values.id}).</li>
 *   <li><b>Authentication</b>: API tokens as Basic {@code email:token}; access tokens as Bearer;
 *       OAuth 2 ({@link #tokenUrl()}, {@link #authorizeUrl()}): client credentials (no refresh token),
 *       authorization code (auto-approved, single-use codes) and refresh token (rotated on every use;
 *       a used one is {@code invalid_grant}); access tokens expire after {@link Builder#accessTokenLifetime}.
 *       Basic with a user name that is not an e-mail address (an app password) is 401 saying app
 *       passwords are no longer supported. No or bad credentials are 401.</li>
 *   <li><b>Errors</b>: {@code {"type": "error", "error": {"message", "detail"?, "fields"?}}}; the
 *       token endpoint answers RFC 6749 section 5.2 {@code {"error", "error_description"}}.</li>
 *   <li><b>Test controls</b>: injected faults ({@link #enqueueFaults}: 429 as plain text without
 *       {@code Retry-After}, 5xx, dropped connections), a rolling-window rate limit
 *       ({@link #rateLimit}), paging quirks per collection ({@link #pagingQuirks}), request counters
 *       ({@link #requestCount}), the recorded {@code q}/{@code sort}/{@code fields} of every
 *       request ({@link #receivedQueries}), token grants per grant type ({@link #tokenGrants}).</li>
 * </ul>
 *
 * <h2>What it deliberately does not</h2>
 * Git hosting, diffs and source, webhooks, permissions beyond "authenticated and, for a workspace
 * access token, in its workspace", scopes (granted as asked), merge conflicts, pipeline logs,
 * persistence (everything lives in memory), TLS.
 *
 * <p>{@link #start()} and {@link #close()} block: call them from a test or main thread. Seeding
 * requires a started emulator (the seeded objects' links carry its address). Every other method is
 * thread-safe and does not block.
 */
public final class BitbucketEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BitbucketEmulator.class);

    /** The API's base path. */
    static final String API_PATH = "/2.0";

    private final Builder settings;
    private final TestControls controls;
    private final Store store;
    private final Credentials credentials;
    private volatile DisposableServer server;
    private volatile boolean closed;

    private BitbucketEmulator(Builder settings) {
        this.settings = settings;
        this.controls = new TestControls(settings.clock);
        this.store = new Store(settings.clock, this::origin, settings.pipelinePending, settings.pipelineRunning,
                settings.defaultPipelineResult, settings.mergeTaskPendingPolls);
        this.credentials = new Credentials(settings.clock, this.store, settings.accessTokenLifetime, settings.authorizationCodeLifetime);
    }

    /**
     * @return a builder: port 0, the system clock, access tokens for 7200 s, authorization codes
     *         for 60 s, pipelines PENDING 1 s then IN_PROGRESS 5 s then SUCCESSFUL, async merges
     *         PENDING for 1 poll
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the HTTP server. Blocking.
     *
     * @return this emulator, running
     * @throws IllegalStateException if it was started or closed before, or cannot bind
     */
    public synchronized BitbucketEmulator start() {
        if (this.server != null || this.closed) {
            throw new IllegalStateException("The Bitbucket emulator was " + (this.closed ? "closed" : "started") + " already");
        }
        BitbucketApi api = new BitbucketApi(this.store, this.credentials, this.controls, this::origin);
        try {
            this.server = HttpServer.create()
                    .host("127.0.0.1")
                    .port(this.settings.port)
                    .handle(api::handle)
                    .bindNow(Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            throw new IllegalStateException("Could not start the Bitbucket emulator: " + e.getMessage(), e);
        }
        LOG.info("Bitbucket emulator listening at {}", baseUrl());
        return this;
    }

    String origin() {
        DisposableServer s = this.server;
        if (s == null || this.closed) {
            throw new IllegalStateException("The Bitbucket emulator is not running");
        }
        return "http://127.0.0.1:" + s.port();
    }

    /**
     * @return {@code http://127.0.0.1:<port>/2.0} (no trailing slash), the emulator's
     *         {@code https://api.bitbucket.org/2.0}
     * @throws IllegalStateException if the emulator is not running
     */
    public String baseUrl() {
        return origin() + API_PATH;
    }

    /**
     * @return {@code http://127.0.0.1:<port>/site/oauth2/access_token}, the emulator's
     *         {@code https://bitbucket.org/site/oauth2/access_token}
     * @throws IllegalStateException if the emulator is not running
     */
    public String tokenUrl() {
        return origin() + Credentials.TOKEN_PATH;
    }

    /**
     * @return {@code http://127.0.0.1:<port>/site/oauth2/authorize}, the emulator's
     *         {@code https://bitbucket.org/site/oauth2/authorize}
     * @throws IllegalStateException if the emulator is not running
     */
    public String authorizeUrl() {
        return origin() + Credentials.AUTHORIZE_PATH;
    }

    /**
     * @return the HTTP port
     * @throws IllegalStateException if the emulator is not running
     */
    public int port() {
        DisposableServer s = this.server;
        if (s == null || this.closed) {
            throw new IllegalStateException("The Bitbucket emulator is not running");
        }
        return s.port();
    }

    // ---------------------------------------------------------------- seeding: accounts and credentials

    /**
     * Creates an account.
     *
     * @param nickname    unique nickname (letters, digits, {@code -_.})
     * @param displayName display name; not {@code null}
     * @param email       unique e-mail address (contains {@code @}), the user name of API-token auth
     * @return the account with its generated {@code uuid} and {@code account_id}
     * @throws IllegalArgumentException if the nickname or e-mail is invalid or taken
     * @throws IllegalStateException    if the emulator is not running
     */
    public BitbucketUser seedUser(String nickname, String displayName, String email) {
        return running().seedUser(nickname, displayName, email);
    }

    /**
     * Creates an API token for an account (Basic {@code email:token}).
     *
     * @param email the account's e-mail address
     * @return the token ({@code ATATT3x...}); a secret
     * @throws IllegalArgumentException if there is no such account
     */
    public String createApiToken(String email) {
        running();
        return this.credentials.createApiToken(email);
    }

    /**
     * Creates an access token (Bearer) acting as an account, like a repository, project or
     * workspace access token (whose bot user is the account here).
     *
     * @param nickname  the account it acts as
     * @param workspace the only workspace it may reach (other workspaces' resources are 403), or
     *                  {@code null} for any
     * @return the token ({@code ATCTT3x...}); a secret; it does not expire
     * @throws IllegalArgumentException if there is no such account or workspace
     */
    public String createAccessToken(String nickname, String workspace) {
        running();
        return this.credentials.createAccessToken(nickname, workspace);
    }

    /**
     * Registers an OAuth 2 consumer (client). Its tokens act as {@code actingUser}: for client
     * credentials the consumer's owner, for the authorization code the user who approves.
     *
     * @param key         the consumer key (client id)
     * @param secret      the consumer secret (client secret); a secret
     * @param callbackUrl where {@link #authorizeUrl()} redirects with the code (a {@code redirect_uri}
     *                    of the request must start with it); not {@code null}
     * @param actingUser  the nickname of the account the tokens act as
     * @throws IllegalArgumentException if the key is taken or the account unknown
     */
    public void seedOAuthConsumer(String key, String secret, String callbackUrl, String actingUser) {
        running();
        this.credentials.seedConsumer(key, secret, callbackUrl, actingUser);
    }

    /**
     * @param grantType {@code client_credentials}, {@code refresh_token} or {@code authorization_code}
     * @return how many tokens the token endpoint granted with it (failed requests not counted)
     */
    public long tokenGrants(String grantType) {
        return this.credentials.grants(grantType);
    }

    // ---------------------------------------------------------------- seeding: workspaces and repositories

    /**
     * Creates a workspace.
     *
     * @param slug    the URL slug (lower-case letters, digits, {@code -_.})
     * @param name    the display name
     * @param members nicknames of its members (the first is its owner)
     * @throws IllegalArgumentException if the slug is invalid or taken, or a member unknown
     */
    public void seedWorkspace(String slug, String name, String... members) {
        running().seedWorkspace(slug, name, List.of(members));
    }

    /**
     * @param workspace the workspace slug
     * @param key       the project key (upper-case letters, digits, {@code _})
     * @param name      the project name
     * @throws IllegalArgumentException if the workspace is unknown or the key invalid or taken
     */
    public void seedProject(String workspace, String key, String name) {
        running().seedProject(workspace, key, name);
    }

    /**
     * Creates a private Git repository with the issue tracker on, a {@code main} branch and one
     * initial commit on it.
     *
     * @param workspace  the workspace slug
     * @param slug       the repository slug
     * @param projectKey the project it belongs to
     * @throws IllegalArgumentException if the workspace or project is unknown or the slug taken
     */
    public void seedRepository(String workspace, String slug, String projectKey) {
        running().seedRepository(workspace, slug, projectKey);
    }

    /**
     * @param workspace the workspace slug
     * @param repo      the repository slug
     * @param enabled   whether the repository has an issue tracker ({@code has_issues}); issue
     *                  endpoints of a repository without one answer 404
     * @throws IllegalArgumentException if there is no such repository
     */
    public void issueTracker(String workspace, String repo, boolean enabled) {
        running().issueTracker(workspace, repo, enabled);
    }

    /**
     * @param workspace the workspace slug
     * @param repo      the repository slug
     * @param issue     the issue
     * @return its id (ids count from 1 per repository)
     * @throws IllegalArgumentException if there is no such repository or user
     */
    public int seedIssue(String workspace, String repo, IssueSeed issue) {
        return running().seedIssues(workspace, repo, 1, i -> issue);
    }

    /**
     * Seeds many issues at once (10,000 take about a second).
     *
     * @param workspace the workspace slug
     * @param repo      the repository slug
     * @param count     how many, not negative
     * @param issue     the {@code i}-th issue (0-based), for example {@code i -> IssueSeed.varied(i, List.of("alice", "bob"))}
     * @return the id of the last one (the first is {@code last - count + 1})
     * @throws IllegalArgumentException if there is no such repository or user
     */
    public int seedIssues(String workspace, String repo, int count, IntFunction<IssueSeed> issue) {
        return running().seedIssues(workspace, repo, count, Objects.requireNonNull(issue, "issue"));
    }

    /**
     * @param workspace the workspace slug
     * @param repo      the repository slug
     * @return how many issues the repository has now
     */
    public int issueCount(String workspace, String repo) {
        return running().issueCount(workspace, repo);
    }

    /**
     * @param workspace   the workspace slug
     * @param repo        the repository slug
     * @param pullRequest the pull request (missing branches are created at the head)
     * @return its id
     * @throws IllegalArgumentException if there is no such repository or user
     */
    public int seedPullRequest(String workspace, String repo, PullRequestSeed pullRequest) {
        return running().seedPullRequest(workspace, repo, Objects.requireNonNull(pullRequest, "pullRequest"));
    }

    /**
     * Appends commits to a branch (created at the head of the main branch if missing), one minute
     * apart on the clock, authored by the workspace's owner, with deterministic hashes.
     *
     * @param workspace the workspace slug
     * @param repo      the repository slug
     * @param branch    the branch
     * @param count     how many, at least 1
     * @return the hash of the new head
     * @throws IllegalArgumentException if there is no such repository
     */
    public String seedCommits(String workspace, String repo, String branch, int count) {
        return running().seedCommits(workspace, repo, branch, count);
    }

    /**
     * @param workspace the workspace slug
     * @param repo      the repository slug
     * @param branch    a new branch name, at the head of the main branch
     * @throws IllegalArgumentException if there is no such repository or the branch exists
     */
    public void seedBranch(String workspace, String repo, String branch) {
        running().seedRef(workspace, repo, branch, false);
    }

    /**
     * @param workspace the workspace slug
     * @param repo      the repository slug
     * @param tag       a new tag name, at the head of the main branch
     * @throws IllegalArgumentException if there is no such repository or the tag exists
     */
    public void seedTag(String workspace, String repo, String tag) {
        running().seedRef(workspace, repo, tag, true);
    }

    /**
     * Chooses how pipelines on a ref end (the default is {@link Builder#defaultPipelineResult}).
     * Pipelines already running on it change too.
     *
     * @param workspace the workspace slug
     * @param repo      the repository slug
     * @param refName   the branch or tag name
     * @param result    the outcome
     * @throws IllegalArgumentException if there is no such repository
     */
    public void pipelineResult(String workspace, String repo, String refName, PipelineResult result) {
        running().pipelineResult(workspace, repo, refName, Objects.requireNonNull(result, "result"));
    }

    // ---------------------------------------------------------------- test controls

    /**
     * Makes the next {@code times} requests whose method and raw path match answer with a fault,
     * before authentication. Entries are used in the order they were enqueued.
     *
     * @param method    the HTTP method (case-insensitive), or {@code null} for any
     * @param pathRegex a regular expression the whole raw path (without query) must match, e.g.
     *                  {@code /2.0/repositories/acme/app/issues/?}
     * @param times     at least 1
     * @param fault     the answer
     * @throws IllegalArgumentException if {@code times} is below 1 or the pattern invalid
     */
    public void enqueueFaults(String method, String pathRegex, int times, BitbucketFault fault) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, was " + times);
        }
        this.controls.enqueueFault(method, Pattern.compile(Objects.requireNonNull(pathRegex, "pathRegex")), Objects.requireNonNull(fault, "fault"), times);
    }

    /** @return how many enqueued faults still wait for requests */
    public int pendingFaults() {
        return this.controls.pendingFaults();
    }

    /** Drops every enqueued fault. */
    public void clearFaults() {
        this.controls.clearFaults();
    }

    /**
     * Limits the API (not the token endpoint) to {@code requests} per rolling {@code window} on the
     * emulator clock, as Bitbucket's 1,000 per hour: beyond it, requests get
     * {@link BitbucketFault#rateLimited()} until old requests leave the window. Rejected requests
     * do not count.
     *
     * @param requests at least 1
     * @param window   positive
     * @throws IllegalArgumentException for a non-positive value
     */
    public void rateLimit(int requests, Duration window) {
        if (requests < 1 || window == null || window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("rate limit must be positive, was " + requests + " per " + window);
        }
        this.controls.rateLimit(requests, window);
    }

    /** Removes the rate limit. */
    public void clearRateLimit() {
        this.controls.clearRateLimit();
    }

    /**
     * Switches paging quirks on for the collections whose raw path matches (replacing earlier
     * quirks of the same pattern; no quirks switches them off).
     *
     * @param pathRegex a regular expression the collection's whole raw path must match, e.g.
     *                  {@code /2.0/repositories/acme/app/issues/?}
     * @param quirks    the quirks
     */
    public void pagingQuirks(String pathRegex, PagingQuirk... quirks) {
        this.controls.pagingQuirks(Pattern.compile(Objects.requireNonNull(pathRegex, "pathRegex")), List.of(quirks));
    }

    /**
     * @param method    the HTTP method (case-insensitive), or {@code null} for any
     * @param pathRegex a regular expression the whole raw path must match
     * @return how many such requests arrived (faulted and rate-limited ones included) since the
     *         start or {@link #resetRequestCounts()}
     */
    public long requestCount(String method, String pathRegex) {
        return this.controls.requestCount(method, Pattern.compile(Objects.requireNonNull(pathRegex, "pathRegex")));
    }

    /** Sets every request counter back to zero. */
    public void resetRequestCounts() {
        this.controls.resetRequestCounts();
    }

    /**
     * @return every request received, in arrival order (faulted ones included; the last 100,000
     *         only); an unmodifiable copy
     */
    public List<ReceivedQuery> receivedQueries() {
        return this.controls.receivedQueries(null);
    }

    /**
     * @param pathRegex a regular expression the whole raw path must match; a path with or without a
     *                  trailing slash matches itself ({@code /2.0/repositories/acme/app/issues})
     * @return the requests to matching paths, in arrival order; an unmodifiable copy
     */
    public List<ReceivedQuery> receivedQueries(String pathRegex) {
        return this.controls.receivedQueries(Pattern.compile(Objects.requireNonNull(pathRegex, "pathRegex") + "/?"));
    }

    /** Forgets the recorded requests. */
    public void clearReceivedQueries() {
        this.controls.clearReceivedQueries();
    }

    private Store running() {
        origin();
        return this.store;
    }

    /** Stops the HTTP server. Blocking; idempotent. */
    @Override
    public synchronized void close() {
        if (this.closed) {
            return;
        }
        this.closed = true;
        DisposableServer s = this.server;
        if (s != null) {
            s.disposeNow(Duration.ofSeconds(10));
        }
    }

    @Override
    public String toString() {
        DisposableServer s = this.server;
        return "BitbucketEmulator{" + (this.closed ? "closed" : s == null ? "not started" : "http://127.0.0.1:" + s.port() + API_PATH) + '}';
    }

    /** Builds a {@link BitbucketEmulator}. Not thread-safe. */
    public static final class Builder {

        private int port;
        private Clock clock = Clock.systemUTC();
        private Duration accessTokenLifetime = Duration.ofSeconds(7200);
        private Duration authorizationCodeLifetime = Duration.ofSeconds(60);
        private Duration pipelinePending = Duration.ofSeconds(1);
        private Duration pipelineRunning = Duration.ofSeconds(5);
        private PipelineResult defaultPipelineResult = PipelineResult.SUCCESSFUL;
        private int mergeTaskPendingPolls = 1;

        private Builder() {
        }

        /**
         * @param port the port on 127.0.0.1, or 0 (default) for a free one
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * @param clock the clock of timestamps, token expiry, the rate-limit window and pipeline
         *              progress (default the system clock); a {@link SettableClock} makes them
         *              testable without sleeping. Pipeline states are computed from it at each read
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param lifetime how long OAuth access tokens live ({@code expires_in}; default 7200 s); positive
         * @return this builder
         */
        public Builder accessTokenLifetime(Duration lifetime) {
            this.accessTokenLifetime = positive(lifetime, "accessTokenLifetime");
            return this;
        }

        /**
         * @param lifetime how long an authorization code may be exchanged (default 60 s); positive
         * @return this builder
         */
        public Builder authorizationCodeLifetime(Duration lifetime) {
            this.authorizationCodeLifetime = positive(lifetime, "authorizationCodeLifetime");
            return this;
        }

        /**
         * @param pending how long a triggered pipeline stays PENDING (default 1 s); not negative
         * @param running how long it then stays IN_PROGRESS before COMPLETED (default 5 s); not negative
         * @return this builder
         */
        public Builder pipelineTiming(Duration pending, Duration running) {
            if (pending == null || pending.isNegative() || running == null || running.isNegative()) {
                throw new IllegalArgumentException("pipeline timings must not be null or negative, were " + pending + " and " + running);
            }
            this.pipelinePending = pending;
            this.pipelineRunning = running;
            return this;
        }

        /**
         * @param result how pipelines end unless {@link BitbucketEmulator#pipelineResult} says
         *               otherwise for their ref (default {@link PipelineResult#SUCCESSFUL})
         * @return this builder
         */
        public Builder defaultPipelineResult(PipelineResult result) {
            this.defaultPipelineResult = Objects.requireNonNull(result, "result");
            return this;
        }

        /**
         * @param polls how many polls of an asynchronous merge's task status answer PENDING before
         *              SUCCESS (default 1); not negative
         * @return this builder
         */
        public Builder mergeTaskPendingPolls(int polls) {
            if (polls < 0) {
                throw new IllegalArgumentException("polls must not be negative, was " + polls);
            }
            this.mergeTaskPendingPolls = polls;
            return this;
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return d;
        }

        /** @return the emulator, not started */
        public BitbucketEmulator build() {
            return new BitbucketEmulator(this);
        }
    }
}
