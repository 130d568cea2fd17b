package dev.tributary.http.bitbucket;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.tributary.http.HttpConnectionException;
import dev.tributary.http.HttpException;
import dev.tributary.http.HttpResponseDecodingException;
import dev.tributary.http.HttpResult;
import dev.tributary.http.HttpServiceClient;
import dev.tributary.http.RequestSpec;
import dev.tributary.http.RetrySettings;
import dev.tributary.http.ServiceErrorParser;
import dev.tributary.http.auth.Auth;
import dev.tributary.http.polling.JobPoller;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslContext;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.util.retry.Retry;

import java.security.KeyStore;
import java.time.Duration;
import java.util.Objects;

/**
 * The reactive client of the Bitbucket Cloud REST API 2.0: typed resources over one
 * {@link HttpServiceClient} (its connection pool, authentication, retries and typed errors).
 *
 * <pre>{@code
 * try (BitbucketClient bb = BitbucketClient.builder()
 *         .auth(Auth.basic("me@example.com", () -> System.getenv("BITBUCKET_API_TOKEN")))
 *         .build()) {
 *     Flux<Issue> open = bb.issues("ws", "repo")
 *             .filter(Bbql.field("state").eq("open").and(Bbql.field("updated_on").gt(LocalDate.of(2026, 1, 1))))
 *             .sortDescending("updated_on")
 *             .list();
 *     Mono<Issue> created = bb.issues("ws", "repo").create(NewIssue.builder("Crash on start").kind("bug").build());
 *     Mono<Pipeline> build = bb.pipelines("ws", "repo").run(PipelineTarget.branch("main"));
 * }
 * }</pre>
 *
 * <table>
 *   <caption>Resources</caption>
 *   <tr><th>method</th><th>endpoints</th></tr>
 *   <tr><td>{@link #currentUser()}</td><td>{@code GET /user}</td></tr>
 *   <tr><td>{@link #workspaces()}</td><td>{@code /user/workspaces}, {@code /workspaces/{workspace}}</td></tr>
 *   <tr><td>{@link #members(String)}</td><td>{@code /workspaces/{workspace}/members}</td></tr>
 *   <tr><td>{@link #projects(String)}</td><td>{@code /workspaces/{workspace}/projects[/{key}]}</td></tr>
 *   <tr><td>{@link #repositories(String)}</td><td>{@code /repositories/{workspace}[/{repo_slug}]}</td></tr>
 *   <tr><td>{@link #issues(String, String)}</td><td>{@code .../issues[/{id}[/comments]]}: list, get, create, update, delete, comments</td></tr>
 *   <tr><td>{@link #pullRequests(String, String)}</td><td>{@code .../pullrequests[/{id}[/approve|/merge]]}</td></tr>
 *   <tr><td>{@link #commits(String, String)}</td><td>{@code .../commits}, {@code .../commit/{hash}} (cursor paging)</td></tr>
 *   <tr><td>{@link #branches(String, String)}, {@link #tags(String, String)}</td><td>{@code .../refs/branches}, {@code .../refs/tags}</td></tr>
 *   <tr><td>{@link #pipelines(String, String)}</td><td>{@code .../pipelines[/{uuid}[/steps]]}, trigger, run as a job</td></tr>
 * </table>
 *
 * <h2>Rate limits and retries</h2>
 * Bitbucket allows about 1,000 requests per rolling hour and answers {@code 429} with a plain-text
 * body and no {@code Retry-After}: the client backs off exponentially with jitter (Reactor
 * {@code Retry} through {@link RetrySettings}; the default budget, 8 attempts from 1 s to 60 s, rides
 * out a storm of several 429s). Reads and idempotent writes (PUT, DELETE) are retried on every
 * transient failure (429, 502, 503, 504, connection failures, timeouts); POSTs (create an issue, a
 * comment, a pull request, trigger a pipeline, approve, merge) are retried on 429 only, which Bitbucket
 * sends before processing a request, so that a retry never creates anything twice.
 *
 * <h2>Errors</h2>
 * Failures are the core's typed {@link HttpException}s with Bitbucket's error body read into their
 * {@link dev.tributary.http.ServiceError}: message {@code error.message} and {@code error.detail},
 * field errors, id {@code error.id}.
 *
 * <p>Thread-safe; {@link #close()} releases the connection pool.
 */
public final class BitbucketClient implements AutoCloseable {

    /** The default base URL: Bitbucket Cloud's REST API 2.0. */
    public static final String DEFAULT_BASE_URL = "https://api.bitbucket.org/2.0";

    /** The default page length (the API's maximum for most endpoints). */
    public static final int DEFAULT_PAGELEN = 100;

    private static final RetrySettings DEFAULT_RETRY = RetrySettings.builder()
            .maxAttempts(8)
            .backoff(Duration.ofSeconds(1), Duration.ofSeconds(60))
            .jitter(0.5)
            .build();

    private final HttpServiceClient http;
    private final int pagelen;
    private final boolean prefetchOnePage;
    private final RetrySettings retry;
    private final Duration pollFirst;
    private final Duration pollMax;
    private final Duration pollDeadline;
    private final Scheduler scheduler;

    private BitbucketClient(Builder b, HttpServiceClient http) {
        this.http = http;
        this.pagelen = b.pagelen;
        this.prefetchOnePage = b.prefetchOnePage;
        this.retry = b.retry;
        this.pollFirst = b.pollFirst;
        this.pollMax = b.pollMax;
        this.pollDeadline = b.pollDeadline;
        this.scheduler = b.scheduler;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return the parser of Bitbucket's error body ({@code {"type": "error", "error": {...}}}), for
     * other clients of Bitbucket endpoints
     */
    public static ServiceErrorParser errorParser() {
        return BitbucketErrorParser.INSTANCE;
    }

    /** @return the caller's account ({@code GET /user}); onError {@link dev.tributary.http.HttpUnauthorizedException} without valid credentials */
    public Mono<Account> currentUser() {
        return read(this.http.get("/user"), Account.class);
    }

    /** @return the workspaces the caller can reach, and workspaces by slug */
    public Workspaces workspaces() {
        return new Workspaces(this, PagedResource.ListOptions.NONE);
    }

    /**
     * @param workspace the workspace slug (or UUID in braces)
     * @return the workspace's members
     */
    public Members members(String workspace) {
        return new Members(this, PagedResource.ListOptions.NONE, workspace);
    }

    /**
     * @param workspace the workspace slug
     * @return the workspace's projects
     */
    public Projects projects(String workspace) {
        return new Projects(this, PagedResource.ListOptions.NONE, workspace);
    }

    /**
     * @param workspace the workspace slug
     * @return the workspace's repositories
     */
    public Repositories repositories(String workspace) {
        return new Repositories(this, PagedResource.ListOptions.NONE, workspace);
    }

    /**
     * @param workspace the workspace slug
     * @param repo      the repository slug
     * @return the repository's issue tracker
     */
    public Issues issues(String workspace, String repo) {
        return new Issues(this, PagedResource.ListOptions.NONE, workspace, repo);
    }

    /**
     * @param workspace the workspace slug
     * @param repo      the repository slug
     * @return the repository's pull requests
     */
    public PullRequests pullRequests(String workspace, String repo) {
        return new PullRequests(this, PagedResource.ListOptions.NONE, workspace, repo);
    }

    /**
     * @param workspace the workspace slug
     * @param repo      the repository slug
     * @return the repository's commits
     */
    public Commits commits(String workspace, String repo) {
        return new Commits(this, PagedResource.ListOptions.NONE, workspace, repo, null);
    }

    /**
     * @param workspace the workspace slug
     * @param repo      the repository slug
     * @return the repository's branches
     */
    public Branches branches(String workspace, String repo) {
        return new Branches(this, PagedResource.ListOptions.NONE, workspace, repo);
    }

    /**
     * @param workspace the workspace slug
     * @param repo      the repository slug
     * @return the repository's tags
     */
    public Tags tags(String workspace, String repo) {
        return new Tags(this, PagedResource.ListOptions.NONE, workspace, repo);
    }

    /**
     * @param workspace the workspace slug
     * @param repo      the repository slug
     * @return the repository's pipelines
     */
    public Pipelines pipelines(String workspace, String repo) {
        return new Pipelines(this, PagedResource.ListOptions.NONE, workspace, repo);
    }

    /**
     * @return the HTTP client underneath, for endpoints this client does not wrap (same base URL,
     * authentication, retries and error parsing)
     */
    public HttpServiceClient http() {
        return this.http;
    }

    /** @return the mapper of request and response bodies */
    public ObjectMapper objectMapper() {
        return this.http.objectMapper();
    }

    /** Releases the connection pool (unless the {@code HttpClient} was injected). Idempotent; does not block. */
    @Override
    public void close() {
        this.http.close();
    }

    /** @return completes when the connection pool is released */
    public Mono<Void> closeLater() {
        return this.http.closeLater();
    }

    /** @return the base URL and the authentication (never a secret) */
    @Override
    public String toString() {
        return "BitbucketClient{" + this.http + '}';
    }

    // --- package-private machinery

    int defaultPagelen() {
        return this.pagelen;
    }

    boolean prefetchOnePageByDefault() {
        return this.prefetchOnePage;
    }

    <S> JobPoller.Builder<S> polling(JobPoller.Builder<S> poller) {
        return poller.backoff(this.pollFirst, this.pollMax).deadline(this.pollDeadline).scheduler(this.scheduler);
    }

    /** A read: the core retries it on every transient failure. */
    <T> Mono<T> read(RequestSpec spec, Class<T> type) {
        return spec.retrieve(type);
    }

    /**
     * A write. Idempotent methods keep the core's retries; others (POST) are sent once by the core and
     * repeated here on 429 only (Bitbucket rejects the request before processing it) or when the
     * request never reached the server, with the client's backoff and jitter.
     */
    <T> Mono<T> write(RequestSpec spec, Class<T> type) {
        if (isIdempotent(spec.getMethod())) {
            return type == Void.class ? spec.execute().then(Mono.empty()) : spec.retrieve(type);
        }
        RequestSpec once = spec.retry(RetrySettings.none());
        Mono<T> call = type == Void.class ? once.execute().then(Mono.empty()) : once.retrieve(type);
        return call.retryWhen(retryNotProcessed());
    }

    /** POST merge?async=true, then the task-status poll when the answer is a 202. */
    Mono<PullRequest> mergeAndWait(RequestSpec request, int id, Mono<PullRequest> merged) {
        return request.retry(RetrySettings.none()).retrieveResult(PullRequest.class)
                .retryWhen(retryNotProcessed())
                .flatMap(result -> {
                    if (result.status() != 202) {
                        return Mono.justOrEmpty(result.body())
                                .switchIfEmpty(Mono.error(() -> new IllegalStateException("merge of pull request " + id
                                        + " answered " + result.status() + " without a pull request")));
                    }
                    String location = result.header("Location");
                    if (location == null || location.isBlank()) {
                        return Mono.error(new IllegalStateException("merge of pull request " + id
                                + " answered 202 without a Location to poll"));
                    }
                    RequestSpec status = this.http.get("").url(location);
                    return polling(JobPoller.<MergeTaskStatus>builder("merge", "pull request " + id,
                                    () -> status.retrieve(MergeTaskStatus.class)))
                            .terminalWhen(s -> "SUCCESS".equals(s.taskStatus()))
                            .stateOf(MergeTaskStatus::taskStatus)
                            .build()
                            .awaitCompletion()
                            .flatMap(done -> done.mergeResult() != null ? Mono.just(done.mergeResult())
                                    : merged);
                });
    }

    private Retry retryNotProcessed() {
        return Retry.backoff(this.retry.getMaxAttempts() - 1L, this.retry.getFirstBackoff())
                .maxBackoff(this.retry.getMaxBackoff())
                .jitter(this.retry.getJitter())
                .filter(BitbucketClient::notProcessed)
                .scheduler(this.scheduler)
                .onRetryExhaustedThrow((spec, signal) -> signal.failure());
    }

    /** @return whether the request certainly was not processed: a 429, or a connect that never sent it */
    static boolean notProcessed(Throwable failure) {
        if (failure instanceof HttpConnectionException connection) {
            return !connection.isRequestSent();
        }
        return failure instanceof HttpException http && http.getStatus() == 429;
    }

    private static boolean isIdempotent(HttpMethod method) {
        return method.equals(HttpMethod.GET) || method.equals(HttpMethod.PUT) || method.equals(HttpMethod.DELETE)
                || method.equals(HttpMethod.HEAD) || method.equals(HttpMethod.OPTIONS);
    }

    static String requireName(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    static ObjectMapper defaultObjectMapper() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
    }

    /**
     * Builds a {@link BitbucketClient}; not thread-safe. Setters check their own argument;
     * {@link #build()} checks the combination.
     *
     * <table>
     *   <caption>Defaults</caption>
     *   <tr><th>setting</th><th>default</th></tr>
     *   <tr><td>baseUrl</td><td>{@value BitbucketClient#DEFAULT_BASE_URL}</td></tr>
     *   <tr><td>auth</td><td>{@link Auth#none()} (public repositories only)</td></tr>
     *   <tr><td>pagelen</td><td>100 (lowered to each endpoint's maximum: pull requests 50)</td></tr>
     *   <tr><td>prefetchOnePage</td><td>off</td></tr>
     *   <tr><td>retry</td><td>8 attempts, backoff 1 s doubling to 60 s, jitter 0.5</td></tr>
     *   <tr><td>polling (pipelines, merges)</td><td>first 1 s, doubling to 15 s, deadline 2 h</td></tr>
     *   <tr><td>timeouts, TLS, pool</td><td>those of {@link HttpServiceClient.Builder}</td></tr>
     *   <tr><td>objectMapper</td><td>a {@code JsonMapper} with {@code java.time} support, unknown properties ignored</td></tr>
     *   <tr><td>scheduler</td><td>{@code Schedulers.parallel()} (retry delays, polling, timeouts)</td></tr>
     * </table>
     */
    public static final class Builder {

        private String baseUrl = DEFAULT_BASE_URL;
        private Auth auth = Auth.none();
        private int pagelen = DEFAULT_PAGELEN;
        private boolean prefetchOnePage;
        private RetrySettings retry = DEFAULT_RETRY;
        private Duration pollFirst = Duration.ofSeconds(1);
        private Duration pollMax = Duration.ofSeconds(15);
        private Duration pollDeadline = Duration.ofHours(2);
        private Duration connectTimeout;
        private Duration responseTimeout;
        private ObjectMapper objectMapper;
        private SslContext sslContext;
        private KeyStore trustStore;
        private HttpClient httpClient;
        private boolean allowPlainHttp;
        private String userAgent = "tributary-bitbucket";
        private Scheduler scheduler = Schedulers.parallel();

        private Builder() {
        }

        /**
         * @param baseUrl the API's base URL (default {@value BitbucketClient#DEFAULT_BASE_URL}); {@code https},
         *                or {@code http} to a loopback address (an emulator)
         * @return this builder
         */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return this;
        }

        /**
         * @param auth how requests authenticate: {@code Auth.basic(email, apiToken)} for API tokens,
         *             {@code Auth.bearer(...)} for access tokens, or the OAuth 2 presets of
         *             {@code BitbucketAuth}
         * @return this builder
         */
        public Builder auth(Auth auth) {
            this.auth = Objects.requireNonNull(auth, "auth");
            return this;
        }

        /**
         * @param pagelen the page length of lists without their own (default 100); lowered to each
         *                endpoint's maximum
         * @return this builder
         * @throws IllegalArgumentException when not in [1, 100]
         */
        public Builder pagelen(int pagelen) {
            if (pagelen < 1 || pagelen > 100) {
                throw new IllegalArgumentException("pagelen must be in [1, 100], was " + pagelen);
            }
            this.pagelen = pagelen;
            return this;
        }

        /**
         * @param prefetch whether lists fetch one page ahead by default (default {@code false})
         * @return this builder
         */
        public Builder prefetchOnePage(boolean prefetch) {
            this.prefetchOnePage = prefetch;
            return this;
        }

        /**
         * @param retry the retry budget and backoff (see the class comment for which requests are retried)
         * @return this builder
         */
        public Builder retry(RetrySettings retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /**
         * @param first    the delay after the first status of a polled job (pipeline, merge); positive
         * @param max      the longest delay; the delay doubles up to it
         * @param deadline how long a job is polled before {@link dev.tributary.http.polling.JobTimeoutException}
         * @return this builder
         */
        public Builder polling(Duration first, Duration max, Duration deadline) {
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(max, "max");
            Objects.requireNonNull(deadline, "deadline");
            if (first.isNegative() || first.isZero() || max.compareTo(first) < 0 || deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("polling needs 0 < first <= max and a positive deadline, was "
                        + first + ", " + max + ", " + deadline);
            }
            this.pollFirst = first;
            this.pollMax = max;
            this.pollDeadline = deadline;
            return this;
        }

        /**
         * @param timeout how long a TCP connect may take; positive
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param timeout how long an attempt may wait for the response headers; positive
         * @return this builder
         */
        public Builder responseTimeout(Duration timeout) {
            this.responseTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param objectMapper the mapper for bodies; {@code java.time} support is registered on a copy.
         *                     The models carry their own naming ({@code snake_case}) and ignore unknown properties
         * @return this builder
         */
        public Builder objectMapper(ObjectMapper objectMapper) {
            this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
            return this;
        }

        /**
         * @param sslContext a client TLS context instead of the JDK defaults
         * @return this builder
         */
        public Builder sslContext(SslContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /**
         * @param trustStore certificates to trust instead of the JDK's
         * @return this builder
         */
        public Builder trustStore(KeyStore trustStore) {
            this.trustStore = Objects.requireNonNull(trustStore, "trustStore");
            return this;
        }

        /**
         * @param httpClient a reactor-netty client used as configured (its pool and TLS are the caller's)
         * @return this builder
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /**
         * @param allow whether plain {@code http://} to a host that is not loopback is accepted (default {@code false})
         * @return this builder
         */
        public Builder allowPlainHttp(boolean allow) {
            this.allowPlainHttp = allow;
            return this;
        }

        /**
         * @param userAgent the {@code User-Agent} header (default {@code tributary-bitbucket})
         * @return this builder
         */
        public Builder userAgent(String userAgent) {
            this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
            return this;
        }

        /**
         * @param scheduler the timer of retry delays, polling and timeouts (virtual time in tests)
         * @return this builder
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * @return the client
         * @throws IllegalArgumentException when the base URL is invalid, or the HTTP settings conflict
         * (an injected {@code HttpClient} with TLS or timeout settings)
         */
        public BitbucketClient build() {
            ObjectMapper mapper = this.objectMapper == null ? defaultObjectMapper()
                    : this.objectMapper.copy().registerModule(new JavaTimeModule());
            HttpServiceClient.Builder http = HttpServiceClient.builder()
                    .baseUrl(this.baseUrl)
                    .auth(this.auth)
                    .objectMapper(mapper)
                    .errorParser(BitbucketErrorParser.INSTANCE)
                    .retry(this.retry)
                    .allowPlainHttp(this.allowPlainHttp)
                    .userAgent(this.userAgent)
                    .name("tributary-bitbucket")
                    .scheduler(this.scheduler);
            if (this.connectTimeout != null) {
                http.connectTimeout(this.connectTimeout);
            }
            if (this.responseTimeout != null) {
                http.responseTimeout(this.responseTimeout);
            }
            if (this.sslContext != null) {
                http.sslContext(this.sslContext);
            }
            if (this.trustStore != null) {
                http.trustStore(this.trustStore);
            }
            if (this.httpClient != null) {
                http.httpClient(this.httpClient);
            }
            return new BitbucketClient(this, http.build());
        }
    }
}
