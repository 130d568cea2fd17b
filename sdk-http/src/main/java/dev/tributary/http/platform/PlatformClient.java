package dev.tributary.http.platform;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.tributary.Tributary;
import dev.tributary.http.HttpServiceClient;
import dev.tributary.http.RetrySettings;
import dev.tributary.http.ServiceErrorParser;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.sql.SqlClientBuilder;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The reactive client of the bit.io v2beta platform API (the contract: the project's
 * {@code shared/fixtures/bitio/API.md} and the OpenAPI document beside it): databases, SQL over
 * HTTP, import and export jobs polled to completion, service accounts and API keys, and a pooled
 * R2DBC {@link SqlClient} to each database's PostgreSQL endpoint. Every operation returns a cold
 * {@code Mono}/{@code Flux}: nothing is sent until it is subscribed to, and cancelling stops it.
 * <p>
 * Thread-safe; build one per API key and share it. It owns one HTTP connection pool and the
 * {@link SqlClient}s that {@link #sql(String)} created; {@link #close()} releases them all.
 *
 * <pre>{@code
 * try (PlatformClient platform = PlatformClient.builder()
 *         .apiKeyFromEnvironment()                 // TRIBUTARY_API_KEY, read on every request
 *         .build()) {
 *     Database demo = platform.databases().create("demo").block();          // alice/demo
 *
 *     ImportJob loaded = platform.imports()
 *             .create(demo.name(), CreateImport.file(Path.of("cities.csv"), "cities"))
 *             .flatMap(job -> platform.imports().awaitCompletion(job))       // FAILED: JobFailedException
 *             .block();
 *
 *     Flux<Map<String, Object>> big = platform
 *             .query(demo.name(), "SELECT name, population FROM cities WHERE population > 5000000")
 *             .safeToRepeat()                                               // a read: retried on 503
 *             .objects();                                                   // streamed, backpressured
 *
 *     SqlClient sql = platform.sql(demo.name());     // R2DBC, scale-to-zero pool, owned by platform
 *     Mono<Long> count = sql.sql("SELECT count(*) FROM cities").map(row -> row.get(0, Long.class)).one();
 * }
 * }</pre>
 *
 * <table>
 *   <caption>Builder defaults</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>baseUrl</td><td>{@value #DEFAULT_BASE_URL}</td></tr>
 *   <tr><td>API key</td><td>required: {@link Builder#apiKey(String)}, {@link Builder#apiKey(Supplier)} or
 *       {@link Builder#apiKeyFromEnvironment()} ({@value #API_KEY_VARIABLE})</td></tr>
 *   <tr><td>retry</td><td>{@link RetrySettings#defaults()}: 4 attempts; 429/503 honour {@code Retry-After};
 *       {@code POST}s only when safe to repeat</td></tr>
 *   <tr><td>polling</td><td>{@link PollSettings#defaults()}: 250 ms doubling to 5 s, deadline 10 min</td></tr>
 *   <tr><td>connectTimeout / responseTimeout</td><td>10 s / 30 s (until the response headers)</td></tr>
 *   <tr><td>objectMapper</td><td>a {@code JsonMapper} with {@code java.time} support that ignores unknown properties</td></tr>
 *   <tr><td>scheduler</td><td>{@code Schedulers.parallel()} (retry delays, timeouts, polling)</td></tr>
 *   <tr><td>database endpoint</td><td>{@code db.bit.io:5432}, {@code sslmode=require}</td></tr>
 *   <tr><td>sqlPool</td><td>{@link PoolSettings#serverless()}</td></tr>
 * </table>
 */
public final class PlatformClient implements AutoCloseable {

    /** The platform API's base URL. */
    public static final String DEFAULT_BASE_URL = "https://api.bit.io/v2beta";

    /** The environment variable {@link Builder#apiKeyFromEnvironment()} reads. */
    public static final String API_KEY_VARIABLE = "TRIBUTARY_API_KEY";

    private final HttpServiceClient http;
    private final ApiKeySource apiKey;
    private final DatabaseEndpoint endpoint;
    private final PoolSettings sqlPool;
    private final UnaryOperator<SqlClientBuilder> sqlCustomizer;
    private final Databases databases;
    private final Imports imports;
    private final Exports exports;
    private final ServiceAccounts serviceAccounts;
    private final ApiKeys apiKeys;
    private final Map<String, SqlClient> sqlClients = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private PlatformClient(Builder b, HttpServiceClient http) {
        this.http = http;
        this.apiKey = b.apiKey;
        this.endpoint = new DatabaseEndpoint(b.databaseHost, b.databasePort, b.sslMode, b.sslRootCert);
        this.sqlPool = b.sqlPool;
        this.sqlCustomizer = b.sqlCustomizer;
        this.databases = new Databases(http);
        this.imports = new Imports(http, b.polling, b.scheduler);
        this.exports = new Exports(http, b.polling, b.scheduler);
        this.serviceAccounts = new ServiceAccounts(http);
        this.apiKeys = new ApiKeys(http);
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the databases ({@code /db/}) */
    public Databases databases() {
        return this.databases;
    }

    /**
     * One SQL statement run through the HTTP query endpoint ({@code POST /query}); see
     * {@link QuerySpec} for the ways to read its rows (arrays, objects, typed, with the columns).
     * Nothing is sent until a result is subscribed to.
     *
     * @param database the full name of the database, {@code <username>/<db_name>}
     * @param sql      one SQL statement (the service runs one statement per request, in its own
     *                 transaction); not blank
     * @return the statement, not yet sent
     * @throws IllegalArgumentException if the database name is not {@code <username>/<db_name>} or the SQL is blank
     */
    public QuerySpec query(String database, String sql) {
        DatabaseName name = DatabaseName.parse(database);
        Objects.requireNonNull(sql, "sql");
        if (sql.isBlank()) {
            throw new IllegalArgumentException("the SQL statement must not be blank");
        }
        return new QuerySpec(this.http, name.toString(), sql, false, null);
    }

    /** @return the import jobs ({@code /db/{username}/{db_name}/import/}, {@code /import/{id}}) */
    public Imports imports() {
        return this.imports;
    }

    /** @return the export jobs ({@code /db/{username}/{db_name}/export/}, {@code /export/{id}}) and their downloads */
    public Exports exports() {
        return this.exports;
    }

    /** @return the caller's service accounts ({@code /service-account/}) */
    public ServiceAccounts serviceAccounts() {
        return this.serviceAccounts;
    }

    /** @return the caller's API keys ({@code /api-key/}) */
    public ApiKeys apiKeys() {
        return this.apiKeys;
    }

    /**
     * A pooled R2DBC client to a database's PostgreSQL endpoint (the builder's
     * {@linkplain Builder#databaseEndpoint(String, int) host and port}, {@code sslmode} as
     * configured), through the {@code bitio} driver of sdk-r2dbc: the API key is the password
     * (asked on every connect, so a rotated key or environment variable is picked up), the
     * database's full name is the database, and the pool is the scale-to-zero one
     * ({@link PoolSettings#serverless()} unless {@link Builder#sqlPool(PoolSettings)}): it holds no
     * idle connection that would keep the database awake, and reconnects when it wakes up.
     * <p>
     * Ownership: one client per database name, created on the first call and returned by the later
     * ones; this {@code PlatformClient} owns it and closes it in {@link #close()}. Do not close it
     * yourself. Creating it opens no connection.
     *
     * @param database the full name, {@code <username>/<db_name>}
     * @return the database's client (the same instance for the same name)
     * @throws IllegalArgumentException if the name is not {@code <username>/<db_name>}
     * @throws IllegalStateException    if this client is closed, or no R2DBC backend for driver
     *                                  {@code bitio} is on the class path (sdk-r2dbc)
     */
    public SqlClient sql(String database) {
        DatabaseName name = DatabaseName.parse(database);
        checkOpen();
        SqlClient client = this.sqlClients.computeIfAbsent(name.toString(), key -> this.sqlCustomizer
                .apply(Tributary.sql(this.endpoint.options(name, this.apiKey)).pool(this.sqlPool))
                .build());
        if (this.closed) {
            // close() ran while this client was being created: do not leak it
            this.sqlClients.remove(name.toString(), client);
            client.close().subscribe();
            checkOpen();
        }
        return client;
    }

    /** @return the base URL requests are sent to */
    public URI getBaseUrl() {
        return this.http.getBaseUrl();
    }

    /**
     * Closes the {@link SqlClient}s {@link #sql(String)} created and releases the HTTP connection
     * pool (unless the {@code HttpClient} was injected). Idempotent; does not block: use
     * {@link #closeLater()} to wait.
     */
    @Override
    public void close() {
        closeLater().subscribe(null, error -> { });
    }

    /**
     * Closes this client like {@link #close()}.
     *
     * @return completes when every pool is closed (errors of the SQL pools' closes are signalled
     * after all were attempted)
     */
    public Mono<Void> closeLater() {
        return Mono.defer(() -> {
            this.closed = true;
            List<Mono<Void>> closes = new ArrayList<>();
            for (String name : List.copyOf(this.sqlClients.keySet())) {
                SqlClient client = this.sqlClients.remove(name);
                if (client != null) {
                    closes.add(client.close());
                }
            }
            closes.add(this.http.closeLater());
            return Mono.whenDelayError(closes);
        });
    }

    /** @return the base URL and where the API key comes from (never the key) */
    @Override
    public String toString() {
        return "PlatformClient{" + this.http.getBaseUrl() + ", " + this.apiKey + ", database endpoint " + this.endpoint + '}';
    }

    private void checkOpen() {
        if (this.closed) {
            throw new IllegalStateException("this PlatformClient is closed");
        }
    }

    static ObjectMapper defaultObjectMapper() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
    }

    /**
     * Builds a {@link PlatformClient}; not thread-safe. Setters check their own argument;
     * {@link #build()} checks the combination. An API key source is required.
     */
    public static final class Builder {

        private String baseUrl = DEFAULT_BASE_URL;
        private ApiKeySource apiKey;
        private HttpClient httpClient;
        private ObjectMapper objectMapper;
        private Scheduler scheduler = Schedulers.parallel();
        private RetrySettings retry = RetrySettings.defaults();
        private PollSettings polling = PollSettings.defaults();
        private Duration connectTimeout;
        private Duration responseTimeout;
        private boolean allowPlainHttp;
        private String databaseHost = DatabaseEndpoint.DEFAULT_HOST;
        private int databasePort = DatabaseEndpoint.DEFAULT_PORT;
        private String sslMode = DatabaseEndpoint.DEFAULT_SSL_MODE;
        private Path sslRootCert;
        private PoolSettings sqlPool = PoolSettings.serverless();
        private UnaryOperator<SqlClientBuilder> sqlCustomizer = UnaryOperator.identity();

        private Builder() {
        }

        /**
         * @param baseUrl the API's base URL (default {@value #DEFAULT_BASE_URL}); {@code https}, or
         *                {@code http} to a loopback address (an emulator), or anywhere with
         *                {@link #allowPlainHttp(boolean)}
         * @return this builder
         */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return this;
        }

        /**
         * @param apiKey the API key ({@code v2_...}): sent as {@code Authorization: Bearer} to the base
         *               URL's origin only, and as the PostgreSQL password by {@link #sql(String)}
         * @return this builder
         * @throws IllegalArgumentException if the key is null or blank (the message never shows it)
         */
        public Builder apiKey(String apiKey) {
            this.apiKey = ApiKeySource.fixed(apiKey);
            return this;
        }

        /**
         * @param apiKey asked for the key on every request and every PostgreSQL connect (rotation);
         *               must not block; a {@code null} or blank key fails that request with
         *               {@link dev.tributary.http.auth.CredentialsUnavailableException}
         * @return this builder
         */
        public Builder apiKey(Supplier<String> apiKey) {
            this.apiKey = ApiKeySource.supplier(apiKey);
            return this;
        }

        /**
         * Reads the key from the environment variable {@value #API_KEY_VARIABLE} on every request and
         * every PostgreSQL connect. When it is unset or blank, requests fail with
         * {@link dev.tributary.http.auth.CredentialsUnavailableException} naming the variable.
         *
         * @return this builder
         */
        public Builder apiKeyFromEnvironment() {
            return apiKeyFromEnvironment(API_KEY_VARIABLE);
        }

        /**
         * Reads the key from an environment variable on every request and every PostgreSQL connect.
         * When it is unset or blank, requests fail with
         * {@link dev.tributary.http.auth.CredentialsUnavailableException} naming the variable.
         *
         * @param variable the variable's name
         * @return this builder
         */
        public Builder apiKeyFromEnvironment(String variable) {
            return apiKeyFromEnvironment(variable, System::getenv);
        }

        Builder apiKeyFromEnvironment(String variable, Function<String, String> environment) {
            this.apiKey = ApiKeySource.environment(variable, environment);
            return this;
        }

        /**
         * @param httpClient a reactor-netty client used as it is configured (its connection pool,
         *                   timeouts and TLS are the caller's; {@link PlatformClient#close()} leaves
         *                   them alone); cannot be combined with {@link #connectTimeout(Duration)}
         * @return this builder
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /**
         * @param objectMapper the Jackson mapper for bodies; a copy of it is used, with
         *                     {@code java.time} support ({@code JavaTimeModule}) registered. The
         *                     platform's models carry their snake_case names themselves
         * @return this builder
         */
        public Builder objectMapper(ObjectMapper objectMapper) {
            this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
            return this;
        }

        /**
         * @param scheduler the scheduler of retry delays, timeouts and polling intervals (default
         *                  {@code Schedulers.parallel()}; a {@code VirtualTimeScheduler} in tests)
         * @return this builder
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * @param retry when requests are tried again (default {@link RetrySettings#defaults()})
         * @return this builder
         */
        public Builder retry(RetrySettings retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /**
         * @param polling how jobs are polled by {@code progress(job)} and {@code awaitCompletion(job)}
         *                (default {@link PollSettings#defaults()})
         * @return this builder
         */
        public Builder polling(PollSettings polling) {
            this.polling = Objects.requireNonNull(polling, "polling");
            return this;
        }

        /**
         * @param connectTimeout how long a TCP connect to the API may take (default 10 s); positive
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * @param responseTimeout how long to wait for a response's headers once a request is sent
         *                        (default 30 s; a query's rows may take longer to stream); positive
         * @return this builder
         */
        public Builder responseTimeout(Duration responseTimeout) {
            this.responseTimeout = Objects.requireNonNull(responseTimeout, "responseTimeout");
            return this;
        }

        /**
         * @param allow whether a plain {@code http://} base URL to a host that is not loopback is
         *              accepted (default {@code false}: the API key would travel in clear)
         * @return this builder
         */
        public Builder allowPlainHttp(boolean allow) {
            this.allowPlainHttp = allow;
            return this;
        }

        /**
         * @param host the PostgreSQL endpoint's host (default {@code db.bit.io})
         * @param port its port, 1..65535 (default 5432)
         * @return this builder
         * @throws IllegalArgumentException if the host is blank or the port out of range
         */
        public Builder databaseEndpoint(String host, int port) {
            this.databaseHost = DatabaseEndpoint.checkHost(host);
            this.databasePort = DatabaseEndpoint.checkPort(port);
            return this;
        }

        /**
         * @param sslMode libpq's TLS mode for the PostgreSQL endpoint: {@code disable}, {@code allow},
         *                {@code prefer}, {@code require} (default), {@code verify-ca},
         *                {@code verify-full}
         * @return this builder
         * @throws IllegalArgumentException for any other value
         */
        public Builder sslMode(String sslMode) {
            this.sslMode = DatabaseEndpoint.checkSslMode(sslMode);
            return this;
        }

        /**
         * @param rootCertificate a PEM file of the certificate authorities that {@code verify-ca} and
         *                        {@code verify-full} trust for the PostgreSQL endpoint (default: the
         *                        JDK's trust store); it must exist when a connection is made
         * @return this builder
         */
        public Builder sslRootCert(Path rootCertificate) {
            this.sslRootCert = Objects.requireNonNull(rootCertificate, "rootCertificate");
            return this;
        }

        /**
         * @param pool the pool of each {@link #sql(String)} client (default {@link PoolSettings#serverless()})
         * @return this builder
         */
        public Builder sqlPool(PoolSettings pool) {
            this.sqlPool = Objects.requireNonNull(pool, "pool");
            return this;
        }

        /**
         * @param customizer applied to each {@link #sql(String)} client's builder after the pool is set
         *                   (fetch size, response timeout, a listener); must return a builder
         * @return this builder
         */
        public Builder sqlClient(UnaryOperator<SqlClientBuilder> customizer) {
            this.sqlCustomizer = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /**
         * @return the client (nothing is connected yet)
         * @throws IllegalStateException    when no API key source was given, or {@code httpClient} is
         *                                  combined with {@code connectTimeout}
         * @throws IllegalArgumentException when the base URL is not a valid http(s) URL, or plain http
         *                                  to a host that is not loopback without {@code allowPlainHttp(true)}
         */
        public PlatformClient build() {
            if (this.apiKey == null) {
                throw new IllegalStateException("an API key is required: apiKey(...), or apiKeyFromEnvironment() to read "
                        + API_KEY_VARIABLE);
            }
            if (this.httpClient != null && this.connectTimeout != null) {
                throw new IllegalStateException("httpClient conflicts with connectTimeout: configure the connect timeout"
                        + " on the HttpClient");
            }
            ObjectMapper mapper = this.objectMapper == null ? defaultObjectMapper()
                    : this.objectMapper.copy().registerModule(new JavaTimeModule());
            HttpServiceClient.Builder http = HttpServiceClient.builder()
                    .baseUrl(this.baseUrl)
                    .auth(this.apiKey.auth())
                    .objectMapper(mapper)
                    .errorParser(ServiceErrorParser.bitio())
                    .retry(this.retry)
                    .scheduler(this.scheduler)
                    .allowPlainHttp(this.allowPlainHttp)
                    .userAgent("tributary-platform")
                    .name("tributary-platform");
            if (this.httpClient != null) {
                http.httpClient(this.httpClient);
            }
            if (this.connectTimeout != null) {
                http.connectTimeout(this.connectTimeout);
            }
            if (this.responseTimeout != null) {
                http.responseTimeout(this.responseTimeout);
            }
            return new PlatformClient(this, http.build());
        }
    }
}
