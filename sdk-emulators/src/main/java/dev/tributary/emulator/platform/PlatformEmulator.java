package dev.tributary.emulator.platform;

import dev.tributary.Tributary;
import dev.tributary.emulator.platform.Accounts.Account;
import dev.tributary.emulator.platform.Databases.PlatformDatabase;
import dev.tributary.emulator.pgwire.PostgresGateway;
import dev.tributary.emulator.pgwire.UpstreamLogin;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import dev.tributary.testkit.postgres.ServerTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An emulator of the bit.io v2beta platform API (databases, the HTTP query endpoint, import and
 * export jobs, service accounts and API keys) over a real PostgreSQL, for tests: a reactor-netty
 * server on {@code 127.0.0.1} whose databases are real PostgreSQL databases, whose imports really
 * load rows and whose exports write real files. The contract is the platform's OpenAPI document
 * (version 0.4.0) and its official SDKs' behaviour.
 *
 * <pre>{@code
 * try (PlatformEmulator platform = PlatformEmulator.builder().build().start()) {   // starts an embedded PostgreSQL too
 *     String key = platform.createUser("alice");                                  // "v2_..."
 *     platform.createDatabase("alice", "demo").block();                          // or POST /db/ {"name": "demo"}
 *     // point the client under test at platform.baseUrl() ("http://127.0.0.1:<port>/v2beta") with the key, then:
 *     platform.enqueueFaults("GET", "/v2beta/import/.*", 2, Fault.tooManyRequests(Duration.ofSeconds(1)));
 *     // ... run the client ...
 *     assertThat(platform.requestCount("GET", "/v2beta/import/.*")).isGreaterThan(2);   // it retried
 * }
 * }</pre>
 *
 * <h2>What it emulates</h2>
 * <ul>
 *   <li><b>Authentication</b>: {@code Authorization: Bearer <key>}; a missing, malformed, unknown or
 *       revoked key is 401 {@code {"detail", "uuid"}}.</li>
 *   <li><b>Databases</b> ({@code /db/}): a database {@code alice/demo} is the PostgreSQL database of
 *       that name, owned by a role of its own; create (201; 409 when it exists; 400 for a bad name;
 *       422 for a missing or mistyped field; 403 for a service account), get, list (the caller's own
 *       and its service account's), update ({@code name} renames the PostgreSQL database,
 *       {@code is_private}, {@code storage_limit_bytes} capped at the free plan's 3 GiB), delete
 *       (owner only; {@code DROP DATABASE ... WITH (FORCE)}). {@code storage_usage_bytes} is
 *       {@code pg_database_size}; {@code usage_current}/{@code usage_previous} count the rows the
 *       query endpoint returned in this and the previous calendar month of the clock.</li>
 *   <li><b>Query</b> ({@code POST /query[?data_format=objects]}): one statement (more is a 400; the
 *       trailing {@code ;} is dropped) in a transaction of its own, read-only for a {@code READER}.
 *       {@code metadata} maps each column to its PostgreSQL type name ({@code int4}, {@code text},
 *       {@code _int4}, {@code jsonb}); values are JSON numbers, booleans and strings, {@code json}
 *       embedded, arrays as arrays, dates and times ISO 8601 in UTC, {@code bytea} as {@code \x...}.
 *       The body is streamed as rows arrive, with backpressure from the client's socket to the
 *       database: a million rows do not make the emulator hold them. SQL errors before the first row
 *       are 400 {@code QueryError} with PostgreSQL's message and SQLSTATE; an error after rows were
 *       sent closes the connection mid-body. A statement without rows (DDL, {@code INSERT} without
 *       {@code RETURNING}) answers {@code "metadata": {}, "data": []}; a query with an empty result
 *       still names its columns (it is described by running it again, read-only, joined to one row
 *       of NULLs).</li>
 *   <li><b>Imports</b>: a multipart upload (spooled to disk beyond 16 KiB) or a {@code file_url}
 *       (fetched); a job RECEIVED, PROCESSING, then DONE, or FAILED with {@code error_type}
 *       ({@code LoadError}, {@code FileUrlError}, {@code DatabaseError},
 *       {@code UnsupportedFileFormat: <ext>}), {@code error_id} and {@code error_details} (the
 *       message, and the line, record and column of bad input). The format comes from the file
 *       name's extension, or its first bytes (the Python SDK names the upload after the table). CSV
 *       and JSON (array or NDJSON) are loaded by the SDK's bulk loader, which creates a missing table
 *       from the inferred column types and appends to an existing one; XLS/XLSX (Apache POI, XLSX
 *       read as a stream), SQLite (sqlite-jdbc; the first table by name) and Parquet (parquet-java)
 *       files are converted to CSV on the way to the same loader.</li>
 *   <li><b>Exports</b>: a query or a table, in a read-only transaction, written to a file: CSV and
 *       JSON by the SDK's exporter, {@code xls} as an XLSX workbook (Apache POI, streamed), {@code parquet}
 *       with parquet-java (Snappy). When the job is DONE, {@code download_url} is
 *       {@code http://127.0.0.1:<port>/downloads/<256-bit token>/<file_name>}, served without
 *       authentication (like a presigned URL) with {@code Content-Length} and
 *       {@code Content-Disposition}. {@code file_name} defaults to {@code <table>.<ext>} or
 *       {@code query_result.<ext>}. A format without a writer fails the job with
 *       {@code error_type} {@code UnsupportedExportFormat: <format>}.</li>
 *   <li><b>Service accounts and keys</b>: a user's service accounts (created with
 *       {@link #createServiceAccount}; only users may manage them, a service account's key gets
 *       403), their keys ({@code POST} and {@code DELETE /service-account/{id}/api-key/}), the
 *       caller's own keys ({@code POST /api-key/}, {@code DELETE /api-key/[?api_key=]}; deletions
 *       answer {@code {"revoked": n}}; a key that is not the caller's is 404).</li>
 *   <li><b>Roles</b>: see {@link DatabaseRole}. A database the caller may not see is 404; one it may
 *       see but not change is 403. Jobs are visible to their creator, its owner and the database's
 *       owner.</li>
 *   <li><b>Test controls</b>: request counters ({@link #requestCount}), injected faults
 *       ({@link #enqueueFaults}: 429 with {@code Retry-After} in seconds or as an HTTP date, 503, a
 *       non-JSON body, a dropped connection), job timing ({@link Builder#jobTiming}), and the
 *       database endpoint's session controls ({@code databaseEndpoint().closeAllSessions()}).</li>
 *   <li><b>The database endpoint</b> ({@link #databaseEndpoint()}): PostgreSQL's wire protocol
 *       where the API key is the password and {@code <username>/<db_name>} the database, as on
 *       {@code db.bit.io:5432}, so the SDK's {@code bitio} backend and
 *       {@code PlatformClient.sql("alice/demo")} run against the emulator end to end; TLS required
 *       when {@link Builder#databaseTls} is set.</li>
 * </ul>
 *
 * <h2>What it deliberately does not</h2>
 * <ul>
 *   <li>TLS on the HTTP API (loopback only), idle-session and cold-start behaviour of the
 *       database endpoint (tests drive them with {@code databaseEndpoint().closeAllSessions()} and
 *       the test kit's fault proxy), connection caps.</li>
 *   <li>Storage limits are reported, not enforced; usage is counted in memory; a renamed
 *       database's old name stops working at once (the platform kept it for 30 days).</li>
 *   <li>Collaborators other than service accounts, billing plans other than the free one,
 *       download links that expire (they live as long as the emulator), job retries
 *       ({@code retries} is always 0).</li>
 *   <li>Persistence: accounts, keys and jobs live in memory; the databases live in the PostgreSQL
 *       server (dropped with it when the emulator started it).</li>
 * </ul>
 * {@link #start()} and {@link #close()} block (they start and stop servers): call them from a
 * test or main thread, never from an event loop. Every other method is thread-safe and does not block.
 */
public final class PlatformEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PlatformEmulator.class);

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Builder settings;
    private final Ids ids = new Ids();
    private final Accounts accounts;
    private final RequestCounts counts = new RequestCounts();
    private final FaultSchedule faults = new FaultSchedule();

    private EmbeddedPostgresServer postgres;
    private boolean ownsPostgres;
    private SqlClient admin;
    private Databases databases;
    private Jobs jobs;
    private Path workDirectory;
    private DisposableServer server;
    private PostgresGateway databaseEndpoint;
    private volatile boolean closed;

    private PlatformEmulator(Builder settings) {
        this.settings = settings;
        this.accounts = new Accounts(this.ids, settings.clock::instant);
    }

    /**
     * @return a builder: port 0 (a free one), an embedded PostgreSQL started by {@link #start()},
     *         jobs RECEIVED for 100 ms and PROCESSING for at least 50 ms, the system clock
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the PostgreSQL server (unless one was given) and the HTTP server. Blocking.
     *
     * @return this emulator, running
     * @throws IllegalStateException if it was started or closed before, or the servers cannot start
     */
    public synchronized PlatformEmulator start() {
        if (this.server != null || this.closed) {
            throw new IllegalStateException("The platform emulator was " + (this.closed ? "closed" : "started") + " already");
        }
        try {
            this.workDirectory = Files.createTempDirectory("tributary-platform-");
            if (this.settings.postgres != null) {
                this.postgres = this.settings.postgres;
            } else {
                this.postgres = EmbeddedPostgresServer.builder().start();
                this.ownsPostgres = true;
            }
            this.admin = Tributary.sql(this.postgres.r2dbcUrl("postgres"))
                    .pool(PoolSettings.builder().maxSize(4).build())
                    .build();
            PostgresTypeNames typeNames = new PostgresTypeNames();
            typeNames.load(this.admin).block(START_TIMEOUT);
            this.databases = new Databases(this.admin, this.postgres.host(), this.postgres.port(), this.ids, this.settings.clock,
                    PoolSettings.builder().maxSize(4).maxIdleTime(Duration.ofMinutes(2)).build());
            this.jobs = new Jobs(this.ids, this.settings.clock, this.settings.timer, this.settings.received, this.settings.processingAtLeast);
            HttpClient fetcher = HttpClient.create(ConnectionProvider.newConnection())
                    .followRedirect(true)
                    .responseTimeout(Duration.ofMinutes(2));
            QueryEndpoint queries = new QueryEndpoint(this.databases, typeNames);
            Imports imports = new Imports(this.jobs, this.settings.formats, this.ids, this.workDirectory, fetcher, this::origin);
            Exports exports = new Exports(this.jobs, this.settings.formats, this.ids, this.workDirectory, typeNames, queries, this::origin);
            PlatformApi api = new PlatformApi(this.accounts, this.databases, this.jobs, queries, imports, exports, this.counts, this.faults,
                    this.ids, this.settings.clock, this::origin);
            this.server = HttpServer.create()
                    .host("127.0.0.1")
                    .port(this.settings.port)
                    .handle(api::handle)
                    .bindNow(Duration.ofSeconds(30));
            this.databaseEndpoint = startDatabaseEndpoint();
            LOG.info("Platform emulator listening at {} (database endpoint 127.0.0.1:{}) over PostgreSQL {}:{}", baseUrl(),
                    this.databaseEndpoint.port(), this.postgres.host(), this.postgres.port());
            return this;
        } catch (IOException e) {
            closeQuietly();
            throw new UncheckedIOException("Could not create the platform emulator's work directory", e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw new IllegalStateException("Could not start the platform emulator: " + e.getMessage(), e);
        }
    }

    private PostgresGateway startDatabaseEndpoint() throws IOException {
        PostgresGateway.Builder gateway = PostgresGateway.to(this.postgres.host(), this.postgres.port())
                .port(this.settings.databasePort)
                .authenticator((database, user, password) -> postgresLogin(database, password)
                        .map(login -> UpstreamLogin.of(login.database(), login.user(), login.password())));
        ServerTls tls = this.settings.databaseTls;
        if (tls != null) {
            Path certificates = Files.createDirectories(this.workDirectory.resolve("database-endpoint-tls"));
            tls.writeServerFiles(certificates);
            gateway.tls(certificates.resolve(ServerTls.SERVER_CERTIFICATE_FILE), certificates.resolve(ServerTls.SERVER_KEY_FILE))
                    .requireTls(true);
        }
        return gateway.start();
    }

    /**
     * The database endpoint: PostgreSQL's wire protocol on 127.0.0.1, where the API key is the
     * password, the user name is ignored and the database is {@code <username>/<db_name>}, as on
     * {@code db.bit.io:5432}. An OWNER, ADMIN or WRITER key logs in as the database's owner role,
     * a READER key as its read-only role; a wrong, revoked or foreign key gets SQLSTATE
     * {@code 28P01}. With {@link Builder#databaseTls(ServerTls)} the endpoint requires TLS
     * ({@code sslmode=require} as the service); without it, it speaks plaintext only.
     * The gateway's counters and {@link PostgresGateway#closeAllSessions()} (the platform closing
     * idle sessions, a database going to sleep) are for tests.
     *
     * @return the running endpoint; its {@code host()} and {@code port()} are what a
     *         {@code bitio} connection needs
     * @throws IllegalStateException if the emulator is not running
     */
    public PostgresGateway databaseEndpoint() {
        PostgresGateway endpoint = this.databaseEndpoint;
        if (endpoint == null || this.closed) {
            throw new IllegalStateException("The platform emulator is not running");
        }
        return endpoint;
    }

    private String origin() {
        return "http://127.0.0.1:" + port();
    }

    /**
     * @return the API's base URL, {@code http://127.0.0.1:<port>/v2beta} (no trailing slash)
     * @throws IllegalStateException if the emulator is not running
     */
    public String baseUrl() {
        return origin() + PlatformApi.BASE_PATH;
    }

    /**
     * @return the HTTP port
     * @throws IllegalStateException if the emulator is not running
     */
    public int port() {
        DisposableServer s = this.server;
        if (s == null) {
            throw new IllegalStateException("The platform emulator is not running");
        }
        return s.port();
    }

    /**
     * @return the PostgreSQL server the databases live in
     * @throws IllegalStateException if the emulator is not running
     */
    public EmbeddedPostgresServer postgres() {
        if (this.postgres == null) {
            throw new IllegalStateException("The platform emulator is not running");
        }
        return this.postgres;
    }

    /**
     * Creates a user with one API key.
     *
     * @param username a word character followed by up to 37 word characters or hyphens
     * @return the user's API key, {@code v2_} and 40 random letters and digits
     * @throws IllegalArgumentException if the name is invalid or taken
     */
    public String createUser(String username) {
        return this.accounts.newKey(this.accounts.createUser(username));
    }

    /**
     * Creates another active API key for a user or service account (as {@code POST /api-key/} does
     * for the caller).
     *
     * @param username the account's name
     * @return the new key
     * @throws IllegalArgumentException if there is no such account
     */
    public String createApiKey(String username) {
        return this.accounts.newKey(account(username));
    }

    /**
     * Creates a service account of a user, with access to some of the user's databases. It has no
     * key yet: create one with {@code POST /service-account/{id}/api-key/} or {@link #createApiKey}.
     *
     * @param owner     the owning user's name
     * @param name      the service account's name, also its user name (same rules as a user's)
     * @param role      its role on those databases: {@link DatabaseRole#ADMIN}, {@link DatabaseRole#WRITER}
     *                  or {@link DatabaseRole#READER}
     * @param databases full names ({@code alice/demo}) of the owner's databases it may use; more may
     *                  be created later, they are not added
     * @return the service account's id (a UUID)
     * @throws IllegalArgumentException if the owner is not a user, the name is invalid or taken, the
     *                                  role is {@code OWNER}, or a database is not the owner's
     */
    public String createServiceAccount(String owner, String name, DatabaseRole role, String... databases) {
        Account user = account(owner);
        Objects.requireNonNull(role, "role");
        Set<UUID> ids = new LinkedHashSet<>();
        for (String full : databases) {
            PlatformDatabase db = running().byFullName(full);
            if (db == null || db.owner != user) {
                throw new IllegalArgumentException("'" + full + "' is not a database of " + owner);
            }
            ids.add(db.id);
        }
        return this.accounts.createServiceAccount(user, name, role, ids).id.toString();
    }

    /**
     * Creates a database for a user, as {@code POST /db/} does (private, the default storage limit).
     *
     * @param owner the user's name
     * @param name  the database's name without the owner
     * @return the full name ({@code owner/name}); signals {@link IllegalArgumentException} for an
     *         unknown user or an invalid or taken name
     */
    public Mono<String> createDatabase(String owner, String name) {
        return Mono.defer(() -> running().create(account(owner), name, true, Databases.STORAGE_LIMIT_BYTES))
                .onErrorMap(ApiError.class, e -> new IllegalArgumentException(e.getMessage(), e))
                .map(PlatformDatabase::fullName);
    }

    /**
     * Which PostgreSQL login an API key gets on a database: what a PostgreSQL wire-protocol gateway
     * asks after a client authenticated with the key as its password. Never blocks.
     *
     * @param databaseName the database's full name as the client gave it ({@code alice/demo})
     * @param apiKey       the key (the client's password)
     * @return the login (role, password, database, server), or empty when the key is unknown or
     *         revoked, the database does not exist, or the key's account has no access to it
     */
    public Mono<PostgresLogin> postgresLogin(String databaseName, String apiKey) {
        return Mono.fromSupplier(() -> {
            Account account = this.accounts.activeAccount(apiKey);
            Databases dbs = this.databases;
            PlatformDatabase db = account == null || dbs == null ? null : dbs.byFullName(databaseName);
            DatabaseRole role = db == null ? null : Databases.role(account, db);
            if (role == null) {
                return null;
            }
            boolean write = role.canWrite();
            return new PostgresLogin(this.postgres.host(), this.postgres.port(), db.fullName(), write ? db.ownerRole : db.readerRole,
                    write ? db.ownerPassword : db.readerPassword, role);
        });
    }

    /**
     * Makes the next {@code times} requests whose method and path match answer with a fault
     * instead of reaching the API (and before authentication). Entries are used in the order they
     * were enqueued; a request takes from the first entry it matches.
     *
     * @param method    the HTTP method ({@code GET}, ...; case-insensitive), or {@code null} for any
     * @param pathRegex a {@link Pattern regular expression} the whole raw path (without the query
     *                  string) must match, for example {@code /v2beta/import/.*} or {@code /v2beta/query}
     * @param times     how many requests, at least 1
     * @param fault     the answer
     * @throws IllegalArgumentException if {@code times} is below 1 or the pattern is invalid
     */
    public void enqueueFaults(String method, String pathRegex, int times, Fault fault) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, was " + times);
        }
        this.faults.enqueue(method, Pattern.compile(Objects.requireNonNull(pathRegex, "pathRegex")), Objects.requireNonNull(fault, "fault"), times);
    }

    /** @return how many enqueued faults are still waiting for requests */
    public int pendingFaults() {
        return this.faults.pending();
    }

    /** Drops every enqueued fault. */
    public void clearFaults() {
        this.faults.clear();
    }

    /**
     * @param method    the HTTP method (case-insensitive), or {@code null} for any
     * @param pathRegex a regular expression the whole raw path (without the query string) must
     *                  match; a plain path matches itself ({@code /v2beta/query})
     * @return how many such requests arrived since the start or the last {@link #resetRequestCounts()},
     *         faulted ones included
     */
    public long requestCount(String method, String pathRegex) {
        return this.counts.count(method, Pattern.compile(Objects.requireNonNull(pathRegex, "pathRegex")));
    }

    /** Sets every request counter back to zero. */
    public void resetRequestCounts() {
        this.counts.reset();
    }

    private Account account(String username) {
        Account a = this.accounts.byName(username);
        if (a == null) {
            throw new IllegalArgumentException("There is no account named '" + username + "'");
        }
        return a;
    }

    private Databases running() {
        Databases d = this.databases;
        if (d == null || this.closed) {
            throw new IllegalStateException("The platform emulator is not running");
        }
        return d;
    }

    /**
     * Stops the HTTP server and the jobs, closes every database pool, stops the PostgreSQL server
     * when the emulator started it, and deletes the work directory (uploads, exported files).
     * Blocking; idempotent.
     */
    @Override
    public synchronized void close() {
        if (this.closed) {
            return;
        }
        this.closed = true;
        closeQuietly();
    }

    private void closeQuietly() {
        if (this.server != null) {
            this.server.disposeNow(Duration.ofSeconds(10));
        }
        if (this.databaseEndpoint != null) {
            this.databaseEndpoint.close();
        }
        if (this.jobs != null) {
            this.jobs.close();
        }
        Mono<Void> pools = Mono.when(this.databases != null ? this.databases.closeAll() : Mono.empty(),
                this.admin != null ? this.admin.close() : Mono.empty());
        try {
            pools.block(Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            LOG.warn("Closing the platform emulator's pools failed: {}", e.toString());
        }
        try {
            if (this.ownsPostgres && this.postgres != null) {
                this.postgres.close();
            }
        } finally {
            // the uploads and exported files go even when stopping the database failed
            WorkFiles.deleteNow(this.workDirectory);
        }
    }

    @Override
    public String toString() {
        DisposableServer s = this.server;
        return "PlatformEmulator{" + (s != null && !this.closed ? baseUrl() : this.closed ? "closed" : "not started") + '}';
    }

    /**
     * Builds a {@link PlatformEmulator}. Not thread-safe.
     */
    public static final class Builder {

        private EmbeddedPostgresServer postgres;
        private int port;
        private Duration received = Duration.ofMillis(100);
        private Duration processingAtLeast = Duration.ofMillis(50);
        private Clock clock = Clock.systemUTC();
        private Scheduler timer = Schedulers.parallel();
        private FileFormats formats = FileFormats.builtIn();
        private int databasePort;
        private ServerTls databaseTls;

        private Builder() {
        }

        /**
         * @param postgres a running PostgreSQL server to create the databases in (its superuser
         *                 {@code postgres} must be trusted on loopback, as the test kit's is); the
         *                 emulator does not stop it. Default: the emulator starts one and stops it
         *                 on {@link #close()}
         * @return this builder
         */
        public Builder postgres(EmbeddedPostgresServer postgres) {
            this.postgres = Objects.requireNonNull(postgres, "postgres");
            return this;
        }

        /**
         * @param port the HTTP port on 127.0.0.1, or 0 (default) for a free one
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
         * @param received          how long a job stays RECEIVED before it starts (default 100 ms); not negative
         * @param processingAtLeast the shortest time a job stays PROCESSING (default 50 ms), so that
         *                          pollers can see it; not negative
         * @return this builder
         */
        public Builder jobTiming(Duration received, Duration processingAtLeast) {
            if (received == null || received.isNegative() || processingAtLeast == null || processingAtLeast.isNegative()) {
                throw new IllegalArgumentException("job timings must not be null or negative, were " + received + " and " + processingAtLeast);
            }
            this.received = received;
            this.processingAtLeast = processingAtLeast;
            return this;
        }

        /**
         * @param clock the clock of {@code date_created}, {@code date_finished} and the usage periods
         *              (default the system clock, UTC)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param timer the scheduler of the jobs' waits (default {@link Schedulers#parallel()}); a
         *              virtual-time scheduler makes job timing deterministic
         * @return this builder
         */
        public Builder timer(Scheduler timer) {
            this.timer = Objects.requireNonNull(timer, "timer");
            return this;
        }

        /**
         * @param port the {@link PlatformEmulator#databaseEndpoint() database endpoint}'s port on
         *             127.0.0.1, or 0 (default) for a free one
         * @return this builder
         */
        public Builder databasePort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("databasePort must be 0..65535, was " + port);
            }
            this.databasePort = port;
            return this;
        }

        /**
         * @param tls the server certificate of the {@link PlatformEmulator#databaseEndpoint()
         *            database endpoint}, which then requires TLS as the service does; clients
         *            verify it with {@link ServerTls#rootCertificate()}. Default: no TLS (plaintext
         *            on loopback, {@code sslmode=disable})
         * @return this builder
         */
        public Builder databaseTls(ServerTls tls) {
            this.databaseTls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /** Replaces the file formats (converters and writers); for tests of this package. */
        Builder fileFormats(FileFormats formats) {
            this.formats = Objects.requireNonNull(formats, "formats");
            return this;
        }

        /**
         * @return the emulator, not started yet
         */
        public PlatformEmulator build() {
            return new PlatformEmulator(this);
        }
    }
}
