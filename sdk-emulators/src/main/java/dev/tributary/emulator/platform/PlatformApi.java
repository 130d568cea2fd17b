package dev.tributary.emulator.platform;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.emulator.platform.Accounts.Account;
import dev.tributary.emulator.platform.Databases.PlatformDatabase;
import dev.tributary.emulator.platform.Jobs.Job;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The HTTP side of the emulator: every request is counted, may be answered by an enqueued
 * {@link Fault}, is authenticated (except downloads), and is routed to its endpoint. Paths match
 * with or without a trailing slash. Errors become the API's error bodies; an unexpected one is a
 * 500 in the Django shape, logged with its error id.
 */
final class PlatformApi {

    private static final Logger LOG = LoggerFactory.getLogger(PlatformApi.class);

    static final String BASE_PATH = "/v2beta";

    private final Accounts accounts;
    private final Databases databases;
    private final Jobs jobs;
    private final QueryEndpoint queries;
    private final Imports imports;
    private final Exports exports;
    private final RequestCounts counts;
    private final FaultSchedule faults;
    private final Ids ids;
    private final Clock clock;
    private final Supplier<String> origin;

    PlatformApi(Accounts accounts, Databases databases, Jobs jobs, QueryEndpoint queries, Imports imports, Exports exports,
                RequestCounts counts, FaultSchedule faults, Ids ids, Clock clock, Supplier<String> origin) {
        this.accounts = accounts;
        this.databases = databases;
        this.jobs = jobs;
        this.queries = queries;
        this.imports = imports;
        this.exports = exports;
        this.counts = counts;
        this.faults = faults;
        this.ids = ids;
        this.clock = clock;
        this.origin = origin;
    }

    Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String method = request.method().name();
        String path = uri.rawPath();
        this.counts.record(method, path);
        Fault fault = this.faults.take(method, path);
        if (fault != null) {
            return fault.respond(response);
        }
        return Mono.defer(() -> route(request, response, uri))
                .onErrorResume(e -> answerError(response, e));
    }

    private Mono<Void> answerError(HttpServerResponse response, Throwable error) {
        if (response.hasSentHeaders()) {
            // a streamed answer broke after it started: end the connection, so the client sees a broken body
            LOG.debug("An answer failed after its headers were sent; closing the connection: {}", error.toString());
            response.withConnection(Connection::dispose);
            return Mono.empty();
        }
        String errorId = this.ids.uuid().toString();
        if (error instanceof ApiError api) {
            return JsonBodies.send(response, api.status(), api.body(errorId));
        }
        LOG.warn("Request failed unexpectedly (error id {})", errorId, error);
        ObjectNode body = JsonBodies.object();
        body.put("status_code", 500);
        body.put("error_id", errorId);
        body.put("message", "Internal server error (error id " + errorId + ")");
        body.putObject("error").put("type", "InternalServerError");
        return JsonBodies.send(response, 500, body);
    }

    private Mono<Void> route(HttpServerRequest request, HttpServerResponse response, QueryStringDecoder uri) {
        String path = uri.rawPath();
        HttpMethod method = request.method();
        if (path.startsWith(Exports.DOWNLOAD_PATH)) {
            List<String> s = segments(path.substring(Exports.DOWNLOAD_PATH.length()));
            if (s.size() == 2 && (method.equals(HttpMethod.GET))) {
                return this.exports.download(s.get(0), s.get(1), response);
            }
            return notFound(response);
        }
        if (!(path.equals(BASE_PATH) || path.startsWith(BASE_PATH + "/"))) {
            return notFound(response);
        }
        List<String> s = segments(path.substring(BASE_PATH.length()));
        if (s.isEmpty()) {
            return notFound(response);
        }
        switch (s.get(0)) {
            case "db":
                if (s.size() == 1) {
                    return dispatch(method, response,
                            HttpMethod.GET, () -> listDatabases(caller(request), response),
                            HttpMethod.POST, () -> JsonBodies.read(request).flatMap(body -> createDatabase(caller(request), body, response)));
                }
                if (s.size() == 3) {
                    return dispatch(method, response,
                            HttpMethod.GET, () -> getDatabase(caller(request), s.get(1), s.get(2), response),
                            HttpMethod.PATCH, () -> {
                                Account caller = caller(request);
                                return JsonBodies.read(request).flatMap(body -> updateDatabase(caller, s.get(1), s.get(2), body, response));
                            },
                            HttpMethod.DELETE, () -> deleteDatabase(caller(request), s.get(1), s.get(2), response));
                }
                if (s.size() == 4 && s.get(3).equals("import")) {
                    return dispatch(method, response, HttpMethod.POST, () -> {
                        Account caller = caller(request);
                        PlatformDatabase db = visible(caller, s.get(1), s.get(2));
                        return this.imports.create(request, response, caller, db, Databases.role(caller, db));
                    });
                }
                if (s.size() == 4 && s.get(3).equals("export")) {
                    return dispatch(method, response, HttpMethod.POST, () -> {
                        Account caller = caller(request);
                        PlatformDatabase db = visible(caller, s.get(1), s.get(2));
                        return JsonBodies.read(request).flatMap(body -> this.exports.create(body, response, caller, db));
                    });
                }
                return notFound(response);
            case "import":
            case "export":
                if (s.size() == 2) {
                    Jobs.Kind kind = s.get(0).equals("import") ? Jobs.Kind.IMPORT : Jobs.Kind.EXPORT;
                    return dispatch(method, response, HttpMethod.GET, () -> getJob(caller(request), kind, s.get(1), response));
                }
                return notFound(response);
            case "query":
                if (s.size() == 1) {
                    return dispatch(method, response, HttpMethod.POST, () -> {
                        Account caller = caller(request);
                        boolean objects = "objects".equals(first(uri, "data_format"));
                        return JsonBodies.read(request).flatMap(body -> this.queries.query(caller, body, objects, response));
                    });
                }
                return notFound(response);
            case "service-account":
                if (s.size() == 1) {
                    return dispatch(method, response, HttpMethod.GET, () -> listServiceAccounts(caller(request), response));
                }
                if (s.size() == 2) {
                    return dispatch(method, response, HttpMethod.GET, () -> getServiceAccount(caller(request), s.get(1), response));
                }
                if (s.size() == 3 && s.get(2).equals("api-key")) {
                    return dispatch(method, response,
                            HttpMethod.POST, () -> newKey(serviceAccount(caller(request), s.get(1)), response),
                            HttpMethod.DELETE, () -> revokeAll(serviceAccount(caller(request), s.get(1)), response));
                }
                return notFound(response);
            case "api-key":
                if (s.size() == 1) {
                    return dispatch(method, response,
                            HttpMethod.POST, () -> newKey(caller(request), response),
                            HttpMethod.DELETE, () -> revokeKeys(caller(request), first(uri, "api_key"), response));
                }
                return notFound(response);
            default:
                return notFound(response);
        }
    }

    @FunctionalInterface
    private interface Endpoint {
        Mono<Void> answer();
    }

    private static Mono<Void> dispatch(HttpMethod method, HttpServerResponse response, HttpMethod m1, Endpoint e1) {
        return method.equals(m1) ? e1.answer() : methodNotAllowed(response);
    }

    private static Mono<Void> dispatch(HttpMethod method, HttpServerResponse response, HttpMethod m1, Endpoint e1, HttpMethod m2, Endpoint e2) {
        return method.equals(m2) ? e2.answer() : dispatch(method, response, m1, e1);
    }

    private static Mono<Void> dispatch(HttpMethod method, HttpServerResponse response, HttpMethod m1, Endpoint e1, HttpMethod m2, Endpoint e2,
                                       HttpMethod m3, Endpoint e3) {
        return method.equals(m3) ? e3.answer() : dispatch(method, response, m1, e1, m2, e2);
    }

    private static Mono<Void> methodNotAllowed(HttpServerResponse response) {
        return JsonBodies.send(response, 405, JsonBodies.object().put("detail", "Method Not Allowed"));
    }

    private static Mono<Void> notFound(HttpServerResponse response) {
        return JsonBodies.send(response, 404, JsonBodies.object().put("detail", "Not Found"));
    }

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                out.add(URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String first(QueryStringDecoder uri, String parameter) {
        List<String> values = uri.parameters().get(parameter);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private Account caller(HttpServerRequest request) {
        return this.accounts.authenticate(request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION));
    }

    /** @return the database the caller may see; 404 otherwise */
    private PlatformDatabase visible(Account caller, String username, String dbName) {
        String full = username + "/" + dbName;
        PlatformDatabase db = this.databases.byFullName(full);
        if (db == null || Databases.role(caller, db) == null) {
            throw ApiError.notFound("Database " + full + " was not found");
        }
        return db;
    }

    // ---- databases

    private Mono<Void> listDatabases(Account caller, HttpServerResponse response) {
        return Flux.fromIterable(this.databases.listedFor(caller))
                .concatMap(db -> databaseJson(db, Databases.role(caller, db)))
                .collectList()
                .flatMap(list -> {
                    ObjectNode body = JsonBodies.object();
                    ArrayNode array = body.putArray("databases");
                    list.forEach(array::add);
                    return JsonBodies.send(response, 200, body);
                });
    }

    private Mono<Void> createDatabase(Account caller, ObjectNode body, HttpServerResponse response) {
        String name = JsonBodies.requiredString(body, "name");
        Boolean isPrivate = JsonBodies.optionalBoolean(body, "is_private");
        Long limit = JsonBodies.optionalLong(body, "storage_limit_bytes");
        if (caller.isServiceAccount()) {
            throw ApiError.forbidden("Service accounts cannot create databases");
        }
        long storageLimit = storageLimit(limit);
        return this.databases.create(caller, name, isPrivate == null || isPrivate, storageLimit)
                .flatMap(db -> databaseJson(db, DatabaseRole.OWNER))
                .flatMap(json -> JsonBodies.send(response, 201, json));
    }

    private static long storageLimit(Long requested) {
        if (requested == null) {
            return Databases.STORAGE_LIMIT_BYTES;
        }
        if (requested <= 0) {
            throw ApiError.badRequest("ValidationError", "storage_limit_bytes must be positive, was " + requested);
        }
        // the plan's maximum is enforced whatever is asked
        return Math.min(requested, Databases.STORAGE_LIMIT_BYTES);
    }

    private Mono<Void> getDatabase(Account caller, String username, String dbName, HttpServerResponse response) {
        PlatformDatabase db = visible(caller, username, dbName);
        return databaseJson(db, Databases.role(caller, db)).flatMap(json -> JsonBodies.send(response, 200, json));
    }

    private Mono<Void> updateDatabase(Account caller, String username, String dbName, ObjectNode body, HttpServerResponse response) {
        PlatformDatabase db = visible(caller, username, dbName);
        DatabaseRole role = Databases.role(caller, db);
        String name = JsonBodies.optionalString(body, "name");
        Boolean isPrivate = JsonBodies.optionalBoolean(body, "is_private");
        Long limit = JsonBodies.optionalLong(body, "storage_limit_bytes");
        if (!role.canAdminister()) {
            throw ApiError.forbidden("A " + role + " of " + db.fullName() + " may not change it; its owner and admins may");
        }
        if (name != null) {
            Databases.requireName(name, "name");
        }
        Long storageLimit = limit == null ? null : storageLimit(limit);
        Mono<PlatformDatabase> renamed = name != null ? this.databases.rename(db, name) : Mono.just(db);
        return renamed.map(d -> {
            if (isPrivate != null) {
                d.isPrivate = isPrivate;
            }
            if (storageLimit != null) {
                d.storageLimitBytes = storageLimit;
            }
            return d;
        }).flatMap(d -> databaseJson(d, role)).flatMap(json -> JsonBodies.send(response, 200, json));
    }

    private Mono<Void> deleteDatabase(Account caller, String username, String dbName, HttpServerResponse response) {
        PlatformDatabase db = visible(caller, username, dbName);
        DatabaseRole role = Databases.role(caller, db);
        if (role != DatabaseRole.OWNER) {
            throw ApiError.forbidden("Only the owner of " + db.fullName() + " may delete it");
        }
        return databaseJson(db, role)
                .flatMap(json -> this.databases.delete(db)
                        .then(Mono.fromRunnable(() -> this.accounts.forgetDatabase(db.id)))
                        .then(JsonBodies.send(response, 200, json)));
    }

    private Mono<ObjectNode> databaseJson(PlatformDatabase db, DatabaseRole role) {
        return this.databases.sizeOf(db).map(size -> {
            ObjectNode o = JsonBodies.object();
            o.put("id", db.id.toString());
            o.put("name", db.fullName());
            o.put("date_created", JsonBodies.dateTime(db.created));
            o.put("is_private", db.isPrivate);
            o.put("role", role.name());
            o.put("storage_limit_bytes", db.storageLimitBytes);
            o.put("storage_usage_bytes", size);
            YearMonth now = YearMonth.now(this.clock);
            o.set("usage_current", usage(db, now));
            o.set("usage_previous", usage(db, now.minusMonths(1)));
            return o;
        });
    }

    private static ObjectNode usage(PlatformDatabase db, YearMonth month) {
        ObjectNode u = JsonBodies.object();
        u.put("rows_queried", db.rowsQueried(month));
        LocalDate start = month.atDay(1);
        u.put("period_start", start.toString());
        u.put("period_end", month.atEndOfMonth().toString());
        return u;
    }

    // ---- jobs

    private Mono<Void> getJob(Account caller, Jobs.Kind kind, String id, HttpServerResponse response) {
        Job job = null;
        try {
            job = this.jobs.byId(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            // not a UUID: no such job
        }
        if (job == null || job.kind != kind || !job.visibleTo(caller)) {
            throw ApiError.notFound((kind == Jobs.Kind.IMPORT ? "Import" : "Export") + " job " + id + " was not found");
        }
        return JsonBodies.send(response, 200, Jobs.json(job, this.origin.get()));
    }

    // ---- service accounts and keys

    private Mono<Void> listServiceAccounts(Account caller, HttpServerResponse response) {
        requireUser(caller);
        ObjectNode body = JsonBodies.object();
        ArrayNode list = body.putArray("service_accounts");
        for (Account sa : this.accounts.serviceAccountsOf(caller)) {
            list.add(serviceAccountJson(sa));
        }
        return JsonBodies.send(response, 200, body);
    }

    private Mono<Void> getServiceAccount(Account caller, String id, HttpServerResponse response) {
        return JsonBodies.send(response, 200, serviceAccountJson(serviceAccount(caller, id)));
    }

    private Account serviceAccount(Account caller, String id) {
        requireUser(caller);
        Account sa = null;
        try {
            sa = this.accounts.byId(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            // not a UUID: no such account
        }
        if (sa == null || sa.owner != caller) {
            throw ApiError.notFound("Service account " + id + " was not found");
        }
        return sa;
    }

    private static void requireUser(Account caller) {
        if (caller.isServiceAccount()) {
            throw ApiError.forbidden("Service accounts cannot manage service accounts; use a user's API key");
        }
    }

    private ObjectNode serviceAccountJson(Account sa) {
        ObjectNode o = JsonBodies.object();
        o.put("id", sa.id.toString());
        o.put("name", sa.username);
        o.put("date_created", JsonBodies.dateTime(sa.created));
        o.put("role", sa.role.name());
        ArrayNode dbs = o.putArray("databases");
        for (UUID id : sa.databases) {
            PlatformDatabase db = this.databases.byId(id);
            if (db != null) {
                dbs.addObject().put("id", db.id.toString()).put("name", db.fullName());
            }
        }
        o.put("token_count", this.accounts.tokenCount(sa));
        o.put("active_token_count", this.accounts.activeTokenCount(sa));
        return o;
    }

    private Mono<Void> newKey(Account account, HttpServerResponse response) {
        String key = this.accounts.newKey(account);
        return JsonBodies.send(response, 200, JsonBodies.object().put("api_key", key).put("username", account.username));
    }

    private Mono<Void> revokeAll(Account account, HttpServerResponse response) {
        int n = this.accounts.revokeAll(account);
        return JsonBodies.send(response, 200, JsonBodies.object().put("revoked", n));
    }

    private Mono<Void> revokeKeys(Account caller, String key, HttpServerResponse response) {
        if (key == null) {
            return revokeAll(caller, response);
        }
        if (!this.accounts.revoke(caller, key)) {
            throw ApiError.notFound("No API key of yours matches api_key");
        }
        return JsonBodies.send(response, 200, JsonBodies.object().put("revoked", 1));
    }
}
