package dev.tributary.emulator.platform;

import dev.tributary.Tributary;
import dev.tributary.emulator.platform.Accounts.Account;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import io.r2dbc.spi.R2dbcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * The platform's databases, each a real PostgreSQL database named {@code <owner>/<name>} with two
 * login roles of its own: an owner role (owns the database and what is created in it; the API's
 * queries, imports and exports run as this role) and a read-only role (member of
 * {@code pg_read_all_data}, {@code default_transaction_read_only=on}, the only other role allowed to
 * connect). Each database has a small pool of its own, closed when the database is renamed (and
 * reopened), deleted, or the emulator closes. Administrative SQL runs as the superuser on the
 * {@code postgres} database. Thread-safe; nothing blocks.
 */
final class Databases {

    private static final Logger LOG = LoggerFactory.getLogger(Databases.class);

    /** A database's name without the owner: 1 to 23 characters, letters, digits, {@code _ - .} and inner spaces. */
    static final Pattern NAME = Pattern.compile("[\\w][\\w .-]{0,22}");

    /** The free plan's storage limit, the default and the maximum (bytes). */
    static final long STORAGE_LIMIT_BYTES = 3L * 1024 * 1024 * 1024;

    private static final Option<Object> SESSION_OPTIONS = Option.valueOf("options");
    private static final Option<String> APPLICATION_NAME = Option.valueOf("applicationName");

    /** One database of the platform. */
    static final class PlatformDatabase {

        final UUID id;
        final Account owner;
        final Instant created;
        final String ownerRole;
        final String ownerPassword;
        final String readerRole;
        final String readerPassword;
        volatile String name;
        volatile boolean isPrivate;
        volatile long storageLimitBytes;
        volatile SqlClient client;
        final Map<YearMonth, LongAdder> rowsQueried = new ConcurrentHashMap<>();
        final AtomicBoolean changing = new AtomicBoolean();

        PlatformDatabase(UUID id, Account owner, Instant created, String name, boolean isPrivate, long storageLimitBytes,
                         String ownerPassword, String readerPassword) {
            this.id = id;
            this.owner = owner;
            this.created = created;
            this.name = name;
            this.isPrivate = isPrivate;
            this.storageLimitBytes = storageLimitBytes;
            String stem = "platform_" + id.toString().replace("-", "").substring(0, 16);
            this.ownerRole = stem + "_owner";
            this.readerRole = stem + "_reader";
            this.ownerPassword = ownerPassword;
            this.readerPassword = readerPassword;
        }

        String fullName() {
            return this.owner.username + "/" + this.name;
        }

        long rowsQueried(YearMonth month) {
            LongAdder n = this.rowsQueried.get(month);
            return n == null ? 0 : n.sum();
        }

        @Override
        public String toString() {
            return "PlatformDatabase{" + fullName() + '}';
        }
    }

    private final SqlClient admin;
    private final String host;
    private final int port;
    private final Ids ids;
    private final Clock clock;
    private final PoolSettings pool;
    private final Map<String, PlatformDatabase> byFullName = new ConcurrentHashMap<>();
    private final Map<UUID, PlatformDatabase> byId = new ConcurrentHashMap<>();
    private final Set<String> reserved = new HashSet<>();

    Databases(SqlClient admin, String host, int port, Ids ids, Clock clock, PoolSettings pool) {
        this.admin = admin;
        this.host = host;
        this.port = port;
        this.ids = ids;
        this.clock = clock;
        this.pool = pool;
    }

    /** @throws ApiError 400 for a name the platform does not accept */
    static void requireName(String name, String field) {
        if (name == null || !NAME.matcher(name).matches() || name.endsWith(" ")) {
            throw ApiError.badRequest("InvalidDatabaseName", "Invalid " + field + " " + (name == null ? "null" : "'" + name + "'")
                    + ": 1 to 23 characters, letters, digits, '_', '-', '.' and inner spaces, starting with a letter, digit or '_'");
        }
    }

    /**
     * Creates the database and its roles.
     *
     * @return the database; signals {@link ApiError} 409 when the owner has one of that name
     */
    Mono<PlatformDatabase> create(Account owner, String name, boolean isPrivate, long storageLimitBytes) {
        return Mono.defer(() -> {
            requireName(name, "name");
            PlatformDatabase db = new PlatformDatabase(this.ids.uuid(), owner, this.clock.instant(), name, isPrivate, storageLimitBytes,
                    this.ids.password(), this.ids.password());
            String full = db.fullName();
            reserve(full);
            String database = quote(full);
            AtomicBoolean databaseCreated = new AtomicBoolean();
            Mono<Void> sql = run("CREATE ROLE " + quote(db.ownerRole) + " LOGIN PASSWORD '" + db.ownerPassword + "'",
                    "CREATE ROLE " + quote(db.readerRole) + " LOGIN PASSWORD '" + db.readerPassword + "' IN ROLE pg_read_all_data",
                    "ALTER ROLE " + quote(db.readerRole) + " SET default_transaction_read_only = on",
                    "CREATE DATABASE " + database + " OWNER " + quote(db.ownerRole))
                    .then(Mono.fromRunnable(() -> databaseCreated.set(true)))
                    .then(run("REVOKE CONNECT, TEMPORARY ON DATABASE " + database + " FROM PUBLIC",
                            "GRANT CONNECT ON DATABASE " + database + " TO " + quote(db.readerRole)));
            return sql.then(clientFor(db, full))
                    .doOnNext(client -> {
                        db.client = client;
                        publish(db);
                    })
                    .thenReturn(db)
                    // a database of that name that is not ours (42P04) is left alone
                    .onErrorResume(e -> dropQuietly(db, databaseCreated.get() ? full : null)
                            .then(Mono.error(e instanceof R2dbcException r && "42P04".equals(r.getSqlState())
                                    ? ApiError.conflict("A database named " + full + " exists already") : e)))
                    .doFinally(s -> release(full));
        });
    }

    /**
     * Renames the database ({@code ALTER DATABASE ... RENAME TO}, after closing its pool and ending
     * the other sessions on it). The old name is free at once.
     *
     * @return the database; signals {@link ApiError} 409 when the name is taken or the database is busy
     */
    Mono<PlatformDatabase> rename(PlatformDatabase db, String newName) {
        return Mono.defer(() -> {
            requireName(newName, "name");
            if (newName.equals(db.name)) {
                return Mono.just(db);
            }
            String oldFull = db.fullName();
            String newFull = db.owner.username + "/" + newName;
            reserve(newFull);
            if (!db.changing.compareAndSet(false, true)) {
                release(newFull);
                return Mono.error(ApiError.conflict("Database " + oldFull + " is being changed; try again"));
            }
            SqlClient old = db.client;
            Mono<Void> renameSql = terminateSessions(oldFull)
                    .then(run("ALTER DATABASE " + quote(oldFull) + " RENAME TO " + quote(newFull)))
                    // a session that connected between the two statements: end it and try again
                    .retryWhen(Retry.backoff(5, Duration.ofMillis(50)).filter(e -> e instanceof R2dbcException r && "55006".equals(r.getSqlState())));
            return old.close()
                    .then(renameSql)
                    .then(clientFor(db, newFull))
                    .doOnNext(client -> {
                        synchronized (this.reserved) {
                            this.byFullName.remove(oldFull);
                            db.name = newName;
                            this.byFullName.put(newFull, db);
                        }
                        db.client = client;
                    })
                    .onErrorResume(e -> clientFor(db, oldFull).doOnNext(client -> db.client = client).then(Mono.error(e)))
                    .thenReturn(db)
                    .doFinally(s -> {
                        release(newFull);
                        db.changing.set(false);
                    });
        });
    }

    /**
     * Deletes the database ({@code DROP DATABASE ... WITH (FORCE)}, ending its sessions) and its roles.
     * It disappears from lookups at once.
     */
    Mono<Void> delete(PlatformDatabase db) {
        return Mono.defer(() -> {
            if (!db.changing.compareAndSet(false, true)) {
                return Mono.error(ApiError.conflict("Database " + db.fullName() + " is being changed; try again"));
            }
            String full = db.fullName();
            synchronized (this.reserved) {
                this.byFullName.remove(full, db);
                this.byId.remove(db.id, db);
            }
            return db.client.close()
                    .then(run("DROP DATABASE " + quote(full) + " WITH (FORCE)",
                            "DROP ROLE " + quote(db.ownerRole), "DROP ROLE " + quote(db.readerRole)));
        });
    }

    /** @return the database of that full name ({@code owner/name}), or {@code null} */
    PlatformDatabase byFullName(String fullName) {
        return fullName == null ? null : this.byFullName.get(fullName);
    }

    /** @return the database, or {@code null} */
    PlatformDatabase byId(UUID id) {
        return this.byId.get(id);
    }

    /**
     * @return the account's role on the database: {@link DatabaseRole#OWNER} for its owner, a
     *         service account's role on its owner's databases it lists, {@link DatabaseRole#READER}
     *         on any public database; {@code null} for none
     */
    static DatabaseRole role(Account account, PlatformDatabase db) {
        if (db.owner == account) {
            return DatabaseRole.OWNER;
        }
        if (account.isServiceAccount() && account.owner == db.owner && account.databases.contains(db.id)) {
            return account.role;
        }
        return db.isPrivate ? null : DatabaseRole.READER;
    }

    /** @return the databases the account owns or is a member of (through a service account), oldest first */
    List<PlatformDatabase> listedFor(Account account) {
        List<PlatformDatabase> out = new ArrayList<>();
        for (PlatformDatabase db : this.byId.values()) {
            if (db.owner == account || account.isServiceAccount() && account.owner == db.owner && account.databases.contains(db.id)) {
                out.add(db);
            }
        }
        out.sort(Comparator.comparing((PlatformDatabase d) -> d.created).thenComparing(PlatformDatabase::fullName));
        return out;
    }

    /** @return the database's size on disk ({@code pg_database_size}), or 0 while it is being changed */
    Mono<Long> sizeOf(PlatformDatabase db) {
        return this.admin.sql("SELECT pg_database_size(datname) FROM pg_catalog.pg_database WHERE datname = $1")
                .bind(0, db.fullName())
                .map(row -> row.get(0, Long.class))
                .one()
                .defaultIfEmpty(0L)
                .onErrorReturn(0L);
    }

    void countRows(PlatformDatabase db, long rows) {
        db.rowsQueried.computeIfAbsent(YearMonth.now(this.clock), m -> new LongAdder()).add(rows);
    }

    /** @return completes when every database's pool is closed */
    Mono<Void> closeAll() {
        return Flux.fromIterable(new ArrayList<>(this.byId.values()))
                .flatMap(db -> db.client.close().onErrorResume(e -> Mono.empty()))
                .then();
    }

    private void reserve(String fullName) {
        synchronized (this.reserved) {
            if (this.byFullName.containsKey(fullName) || !this.reserved.add(fullName)) {
                throw ApiError.conflict("A database named " + fullName + " exists already");
            }
        }
    }

    private void release(String fullName) {
        synchronized (this.reserved) {
            this.reserved.remove(fullName);
        }
    }

    private void publish(PlatformDatabase db) {
        synchronized (this.reserved) {
            this.byFullName.put(db.fullName(), db);
            this.byId.put(db.id, db);
        }
    }

    /** Undoes a failed creation: the roles, and the database when {@code full} is not {@code null}. */
    private Mono<Void> dropQuietly(PlatformDatabase db, String full) {
        SqlClient client = db.client;
        Mono<Void> close = client != null ? client.close().onErrorResume(e -> Mono.empty()) : Mono.empty();
        List<String> cleanup = new ArrayList<>();
        if (full != null) {
            cleanup.add("DROP DATABASE IF EXISTS " + quote(full) + " WITH (FORCE)");
        }
        cleanup.add("DROP ROLE IF EXISTS " + quote(db.ownerRole));
        cleanup.add("DROP ROLE IF EXISTS " + quote(db.readerRole));
        return close.then(Flux.fromIterable(cleanup)
                .concatMap(sql -> this.admin.sql(sql).rowsUpdated()
                        .onErrorResume(e -> {
                            LOG.warn("Could not clean up after a failed database creation: {}", e.toString());
                            return Mono.empty();
                        }))
                .then());
    }

    private Mono<Void> terminateSessions(String fullName) {
        return this.admin.sql("SELECT count(pg_terminate_backend(pid)) FROM pg_catalog.pg_stat_activity WHERE datname = $1 "
                        + "AND pid <> pg_backend_pid()")
                .bind(0, fullName)
                .map(row -> row.get(0, Long.class))
                .one()
                .then();
    }

    private Mono<Void> run(String... statements) {
        return Flux.fromArray(statements).concatMap(sql -> this.admin.sql(sql).rowsUpdated()).then();
    }

    /**
     * A pool on the database as its owner role. Built on a bounded-elastic thread: building finds
     * the SQL client and R2DBC driver providers with {@link java.util.ServiceLoader}, which reads
     * jar files.
     */
    private Mono<SqlClient> clientFor(PlatformDatabase db, String fullName) {
        return Mono.fromCallable(() -> newClient(db, fullName)).subscribeOn(Schedulers.boundedElastic());
    }

    private SqlClient newClient(PlatformDatabase db, String fullName) {
        return Tributary.sql(ConnectionFactoryOptions.builder()
                        .option(ConnectionFactoryOptions.DRIVER, "postgresql")
                        .option(ConnectionFactoryOptions.HOST, this.host)
                        .option(ConnectionFactoryOptions.PORT, this.port)
                        .option(ConnectionFactoryOptions.USER, db.ownerRole)
                        .option(ConnectionFactoryOptions.PASSWORD, db.ownerPassword)
                        .option(ConnectionFactoryOptions.DATABASE, fullName)
                        .option(SESSION_OPTIONS, Map.of("TimeZone", "UTC"))
                        .option(APPLICATION_NAME, "tributary-platform-emulator")
                        .build())
                .pool(this.pool)
                .build();
    }

    /** @return a PostgreSQL quoted identifier */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
