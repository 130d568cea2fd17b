package dev.tributary.emulator.bitbucket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.emulator.bitbucket.Credentials.OAuthError;
import dev.tributary.emulator.bitbucket.Credentials.Principal;
import dev.tributary.emulator.bitbucket.Store.Repo;
import dev.tributary.emulator.bitbucket.Store.Workspace;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The HTTP side: every request is recorded and counted, may be answered by an enqueued fault or
 * the rate limit, is authenticated (except the OAuth endpoints) and routed. Paths match with or
 * without a trailing slash. Lists go through one pager that applies {@code q}, {@code sort},
 * paging, quirks and {@code fields}.
 */
final class BitbucketApi {

    private static final Logger LOG = LoggerFactory.getLogger(BitbucketApi.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Set<String> SINGLE_VALUED = Set.of("page", "pagelen", "q", "sort", "fields");
    private static final int MAX_BODY = 1 << 20;

    /** How a collection pages. */
    record Paging(int defaultPagelen, int maxPagelen, boolean cursor, List<String> hidden) {
        static final Paging LIST = new Paging(10, 100, false, List.of());
        static final Paging PULL_REQUESTS = new Paging(10, 50, false, List.of("values.reviewers", "values.participants"));
        static final Paging COMMITS = new Paging(30, 100, true, List.of());
    }

    /** One request: its method, raw path, decoded parameters and caller. */
    record Call(HttpServerRequest request, HttpServerResponse response, String path, Map<String, List<String>> params, Principal caller) {
        String param(String name) {
            List<String> v = this.params.get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    private final Store store;
    private final Credentials credentials;
    private final TestControls controls;
    private final Supplier<String> origin;
    private final ListingCache listings = new ListingCache();

    BitbucketApi(Store store, Credentials credentials, TestControls controls, Supplier<String> origin) {
        this.store = store;
        this.credentials = credentials;
        this.controls = controls;
        this.origin = origin;
    }

    Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String method = request.method().name();
        String path = uri.rawPath();
        Map<String, List<String>> params = uri.parameters();
        this.controls.record(method, path, params);
        BitbucketFault fault = this.controls.takeFault(method, path);
        if (fault != null) {
            return fault.respond(response);
        }
        return Mono.defer(() -> route(request, response, path, params))
                .onErrorResume(e -> answerError(response, e));
    }

    private Mono<Void> answerError(HttpServerResponse response, Throwable error) {
        if (response.hasSentHeaders()) {
            return Mono.empty();
        }
        if (error instanceof OAuthError oauth) {
            return sendJson(response, oauth.status, oauth.body());
        }
        if (error instanceof BbqlException bbql) {
            error = ApiException.badRequest(bbql.getMessage());
        }
        String id = Long.toHexString(ThreadLocalRandom.current().nextLong()); // not a UUID: SecureRandom may read /dev/urandom on the event loop
        if (error instanceof ApiException api) {
            if (api.status() == 401) {
                response.header(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"Bitbucket.org HTTP\"");
            }
            return sendJson(response, api.status(), api.body(id));
        }
        LOG.warn("Request failed unexpectedly (error id {})", id, error);
        return sendJson(response, 500, new ApiException(500, "Something went wrong (error id " + id + ")", null, null).body(id));
    }

    static Mono<Void> sendJson(HttpServerResponse response, int status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            return Mono.error(e);
        }
        return response.status(HttpResponseStatus.valueOf(status))
                .header(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
                .sendByteArray(Mono.just(bytes))
                .then();
    }

    private static Mono<String> body(HttpServerRequest request) {
        return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                .doOnNext(s -> {
                    if (s.length() > MAX_BODY) {
                        throw new ApiException(413, "Request body too large", null, null);
                    }
                });
    }

    private static Mono<JsonNode> jsonBody(HttpServerRequest request) {
        return body(request).map(s -> {
            if (s.isBlank()) {
                return JSON.objectNode();
            }
            try {
                JsonNode n = MAPPER.readTree(s);
                if (!n.isObject()) {
                    throw ApiException.badRequest("The request body must be a JSON object");
                }
                return n;
            } catch (JsonProcessingException e) {
                throw ApiException.badRequest("Malformed JSON in the request body: " + e.getOriginalMessage());
            }
        });
    }

    // ------------------------------------------------------------------ routing

    private Mono<Void> route(HttpServerRequest request, HttpServerResponse response, String path, Map<String, List<String>> params) {
        HttpMethod method = request.method();
        if (path.equals(Credentials.TOKEN_PATH) || path.equals(Credentials.TOKEN_PATH + "/")) {
            if (!method.equals(HttpMethod.POST)) {
                return methodNotAllowed(method);
            }
            String authorization = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
            return body(request).flatMap(form -> {
                ObjectNode token = this.credentials.token(authorization, new QueryStringDecoder("?" + form).parameters());
                return sendJson(response, 200, token);
            });
        }
        if (path.equals(Credentials.AUTHORIZE_PATH) || path.equals(Credentials.AUTHORIZE_PATH + "/")) {
            String location = this.credentials.authorize(params);
            return response.status(302).header(HttpHeaderNames.LOCATION, location).send();
        }
        if (!(path.equals(BitbucketEmulator.API_PATH) || path.startsWith(BitbucketEmulator.API_PATH + "/"))) {
            throw ApiException.notFound("Resource not found: " + path);
        }
        if (!this.controls.admit()) {
            return BitbucketFault.rateLimited().respond(response);
        }
        Principal caller = this.credentials.authenticate(request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION));
        Call call = new Call(request, response, path, params, caller);
        List<String> s = segments(path.substring(BitbucketEmulator.API_PATH.length()));
        if (s.isEmpty()) {
            throw ApiException.notFound("Resource not found: " + path);
        }
        switch (s.get(0)) {
            case "user":
                if (s.size() == 1) {
                    requireGet(method);
                    return object(call, 200, this.store.userFull(caller.user()));
                }
                if (s.size() == 2 && s.get(1).equals("workspaces")) {
                    requireGet(method);
                    List<ObjectNode> access = this.store.workspaceAccess(caller.user());
                    String admin = call.param("administrator");
                    if (admin != null) {
                        boolean want = Boolean.parseBoolean(admin);
                        access.removeIf(a -> a.get("administrator").asBoolean() != want);
                    }
                    return page(call, access, Paging.LIST);
                }
                break;
            case "workspaces":
                return workspaces(call, method, s);
            case "repositories":
                return repositories(call, method, s);
            default:
                break;
        }
        throw ApiException.notFound("Resource not found: " + path);
    }

    private Mono<Void> workspaces(Call call, HttpMethod method, List<String> s) {
        requireGet(method);
        if (s.size() == 1) {
            List<ObjectNode> out = new ArrayList<>();
            for (Workspace w : this.store.workspacesOf(call.caller().user())) {
                out.add(this.store.workspaceFull(w));
            }
            return page(call, out, Paging.LIST);
        }
        Workspace w = workspace(call, s.get(1));
        if (s.size() == 2) {
            return object(call, 200, this.store.workspaceFull(w));
        }
        if (s.size() == 3 && s.get(2).equals("members")) {
            return page(call, this.store.members(w), Paging.LIST);
        }
        if (s.get(2).equals("projects")) {
            if (s.size() == 3) {
                return page(call, this.store.projects(w), Paging.LIST);
            }
            if (s.size() == 4) {
                return object(call, 200, this.store.projectDoc(w, this.store.project(w, s.get(3))));
            }
        }
        throw ApiException.notFound("Resource not found: " + call.path());
    }

    private Workspace workspace(Call call, String slug) {
        Workspace w = this.store.workspace(slug);
        String scope = call.caller().workspace();
        if (scope != null && !scope.equals(slug)) {
            throw ApiException.forbidden("Your credentials lack one or more required privilege scopes: this access token is for the workspace '"
                    + scope + "'.");
        }
        return w;
    }

    private Mono<Void> repositories(Call call, HttpMethod method, List<String> s) {
        if (s.size() < 2) {
            throw ApiException.notFound("Resource not found: " + call.path());
        }
        Workspace w = workspace(call, s.get(1));
        if (s.size() == 2) {
            requireGet(method);
            return page(call, this.store.repositories(w), Paging.LIST);
        }
        Repo r = this.store.repo(s.get(1), s.get(2));
        if (s.size() == 3) {
            requireGet(method);
            return object(call, 200, this.store.repositoryDoc(r));
        }
        List<String> rest = s.subList(3, s.size());
        switch (rest.get(0)) {
            case "issues":
                return issues(call, method, r, rest);
            case "pullrequests":
                return pullRequests(call, method, r, rest);
            case "commits":
                requireGet(method);
                // a revision may be a branch name with slashes, encoded or not
                return page(call, this.store.commits(r, rest.size() == 1 ? null : String.join("/", rest.subList(1, rest.size()))), Paging.COMMITS);
            case "commit":
                requireGet(method);
                if (rest.size() == 2) {
                    return object(call, 200, this.store.commit(r, rest.get(1)));
                }
                break;
            case "refs":
                requireGet(method);
                if (rest.size() == 2 && (rest.get(1).equals("branches") || rest.get(1).equals("tags"))) {
                    return page(call, this.store.refs(r, rest.get(1).equals("tags")), Paging.LIST);
                }
                if (rest.size() > 2 && (rest.get(1).equals("branches") || rest.get(1).equals("tags"))) {
                    // a ref name may have slashes, encoded or not
                    return object(call, 200, this.store.ref(r, String.join("/", rest.subList(2, rest.size())), rest.get(1).equals("tags")));
                }
                if (rest.size() == 1) {
                    List<ObjectNode> all = this.store.refs(r, false);
                    all.addAll(this.store.refs(r, true));
                    return page(call, all, Paging.LIST);
                }
                break;
            case "pipelines":
                return pipelines(call, method, r, rest);
            default:
                break;
        }
        throw ApiException.notFound("Resource not found: " + call.path());
    }

    private Mono<Void> issues(Call call, HttpMethod method, Repo r, List<String> rest) {
        if (rest.size() == 1) {
            if (method.equals(HttpMethod.POST)) {
                return jsonBody(call.request()).flatMap(body -> {
                    ObjectNode issue = this.store.createIssue(r, call.caller().user(), body);
                    call.response().header(HttpHeaderNames.LOCATION, issue.path("links").path("self").path("href").asText());
                    return object(call, 201, issue);
                });
            }
            requireGet(method);
            return page(call, this.store.issues(r), Paging.LIST);
        }
        int id = number(rest.get(1), "Issue");
        if (rest.size() == 2) {
            if (method.equals(HttpMethod.GET)) {
                return object(call, 200, this.store.issue(r, id));
            }
            if (method.equals(HttpMethod.PUT)) {
                return jsonBody(call.request()).flatMap(body -> object(call, 200, this.store.updateIssue(r, id, body)));
            }
            if (method.equals(HttpMethod.DELETE)) {
                this.store.deleteIssue(r, id);
                return call.response().status(204).send();
            }
            return methodNotAllowed(method);
        }
        if (rest.size() == 3 && rest.get(2).equals("comments")) {
            if (method.equals(HttpMethod.POST)) {
                return jsonBody(call.request()).flatMap(body -> {
                    ObjectNode comment = this.store.addComment(r, id, call.caller().user(), body);
                    call.response().header(HttpHeaderNames.LOCATION, comment.path("links").path("self").path("href").asText());
                    return object(call, 201, comment);
                });
            }
            requireGet(method);
            return page(call, this.store.comments(r, id), Paging.LIST);
        }
        throw ApiException.notFound("Resource not found: " + call.path());
    }

    private Mono<Void> pullRequests(Call call, HttpMethod method, Repo r, List<String> rest) {
        if (rest.size() == 1) {
            if (method.equals(HttpMethod.POST)) {
                return jsonBody(call.request()).flatMap(body -> {
                    ObjectNode pr = this.store.createPullRequest(r, call.caller().user(), body);
                    call.response().header(HttpHeaderNames.LOCATION, pr.path("links").path("self").path("href").asText());
                    return object(call, 201, pr);
                });
            }
            requireGet(method);
            Set<String> states = new LinkedHashSet<>();
            for (String state : call.params().getOrDefault("state", List.of("OPEN"))) {
                String upper = state.toUpperCase(java.util.Locale.ROOT);
                if (!PullRequestSeed.STATES.contains(upper)) {
                    throw ApiException.badRequest("Invalid state '" + state + "': one of " + PullRequestSeed.STATES);
                }
                states.add(upper);
            }
            return page(call, this.store.pullRequests(r, states), Paging.PULL_REQUESTS);
        }
        int id = number(rest.get(1), "Pull request");
        if (rest.size() == 2) {
            requireGet(method);
            return object(call, 200, this.store.pullRequest(r, id));
        }
        switch (rest.get(2)) {
            case "approve":
                if (rest.size() == 3 && method.equals(HttpMethod.POST)) {
                    return object(call, 200, this.store.approve(r, id, call.caller().user(), true));
                }
                if (rest.size() == 3 && method.equals(HttpMethod.DELETE)) {
                    this.store.approve(r, id, call.caller().user(), false);
                    return call.response().status(204).send();
                }
                break;
            case "merge":
                if (rest.size() == 3 && method.equals(HttpMethod.POST)) {
                    boolean async = "true".equalsIgnoreCase(call.param("async"));
                    return jsonBody(call.request()).flatMap(body -> {
                        String message = body.path("message").isTextual() ? body.get("message").asText() : null;
                        String strategy = body.path("merge_strategy").asText("merge_commit");
                        if (!List.of("merge_commit", "squash", "fast_forward").contains(strategy)) {
                            throw ApiException.badField("merge_strategy", "\"" + strategy + "\" is not a valid choice.");
                        }
                        if (async) {
                            Store.MergeTask task = this.store.startMerge(r, id, call.caller().user(), message);
                            return call.response().status(202)
                                    .header(HttpHeaderNames.LOCATION, this.store.mergeTaskUrl(r, id, task.id))
                                    .send();
                        }
                        return object(call, 200, this.store.merge(r, id, call.caller().user(), message));
                    });
                }
                if (rest.size() == 5 && rest.get(3).equals("task-status")) {
                    requireGet(method);
                    return object(call, 200, this.store.pollMerge(r, id, rest.get(4)));
                }
                break;
            default:
                break;
        }
        throw ApiException.notFound("Resource not found: " + call.path());
    }

    private Mono<Void> pipelines(Call call, HttpMethod method, Repo r, List<String> rest) {
        if (rest.size() == 1) {
            if (method.equals(HttpMethod.POST)) {
                return jsonBody(call.request()).flatMap(body -> {
                    ObjectNode p = this.store.triggerPipeline(r, call.caller().user(), body);
                    call.response().header(HttpHeaderNames.LOCATION, p.path("links").path("self").path("href").asText());
                    return object(call, 201, p);
                });
            }
            requireGet(method);
            return page(call, this.store.pipelines(r), Paging.LIST);
        }
        requireGet(method);
        Store.Pipeline p = this.store.pipeline(r, rest.get(1));
        if (rest.size() == 2) {
            return object(call, 200, this.store.pipelineDoc(r, p));
        }
        if (rest.size() == 3 && rest.get(2).equals("steps")) {
            return page(call, this.store.steps(r, p), Paging.LIST);
        }
        throw ApiException.notFound("Resource not found: " + call.path());
    }

    // ------------------------------------------------------------------ helpers

    private static void requireGet(HttpMethod method) {
        if (!method.equals(HttpMethod.GET)) {
            throw new ApiException(405, "Method " + method.name() + " not allowed here", null, null);
        }
    }

    private static Mono<Void> methodNotAllowed(HttpMethod method) {
        throw new ApiException(405, "Method " + method.name() + " not allowed here", null, null);
    }

    private static int number(String segment, String what) {
        try {
            return Integer.parseInt(segment);
        } catch (NumberFormatException e) {
            throw ApiException.notFound(what + " '" + segment + "' not found");
        }
    }

    /** @return the decoded, non-empty path segments */
    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(QueryStringDecoder.decodeComponent(s));
            }
        }
        return out;
    }

    private Mono<Void> object(Call call, int status, ObjectNode body) {
        checkDuplicates(call);
        return sendJson(call.response(), status, JsonPaths.select(body, call.param("fields"), List.of()));
    }

    private static void checkDuplicates(Call call) {
        for (String name : SINGLE_VALUED) {
            List<String> v = call.params().get(name);
            if (v != null && v.size() > 1) {
                throw ApiException.badRequest("Duplicate query parameter '" + name + "': it may be given once");
            }
        }
    }

    /**
     * Answers one page of a collection: filters with {@code q}, sorts with {@code sort}, cuts the
     * page (or cursor page), applies the collection's quirks and then {@code fields}.
     */
    private Mono<Void> page(Call call, List<ObjectNode> all, Paging paging) {
        checkDuplicates(call);
        Set<String> fieldNames = null;
        if (!all.isEmpty()) {
            fieldNames = new LinkedHashSet<>();
            all.get(0).fieldNames().forEachRemaining(fieldNames::add);
        }
        String q = call.param("q");
        String sort = call.param("sort");
        Set<String> names = fieldNames;
        List<ObjectNode> items = q == null && sort == null ? all
                : this.listings.listing(call.path() + "\u0000" + q + "\u0000" + sort, all, () -> filterAndSort(all, q, sort, names));
        int pagelen = paging.defaultPagelen();
        String pagelenParam = call.param("pagelen");
        if (pagelenParam != null) {
            try {
                pagelen = Integer.parseInt(pagelenParam.trim());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Invalid pagelen '" + pagelenParam + "': a whole number is required");
            }
            if (pagelen < 1) {
                throw ApiException.badRequest("Invalid pagelen " + pagelen + ": it must be at least 1");
            }
            pagelen = Math.min(pagelen, paging.maxPagelen());
        }
        int page = 1;
        String pageParam = call.param("page");
        if (pageParam != null) {
            page = paging.cursor() ? cursor(pageParam) : pageNumber(pageParam);
        }
        Set<PagingQuirk> quirks = this.controls.quirks(call.path());
        long start = (long) (page - 1) * pagelen;
        if (sort == null && page > 1) {
            if (quirks.contains(PagingQuirk.UNSORTED_DUPLICATES)) {
                start -= page - 1;
            } else if (quirks.contains(PagingQuirk.UNSORTED_GAPS)) {
                start += page - 1;
            }
        }
        int size = items.size();
        int from = (int) Math.min(Math.max(start, 0), size);
        int to = (int) Math.min((long) from + pagelen, size);
        List<ObjectNode> values = items.subList(from, to);
        boolean more = to < size;
        if (!more && !values.isEmpty() && quirks.contains(PagingQuirk.EMPTY_LAST_PAGE_WITH_NEXT)) {
            more = true;
        }
        ObjectNode envelope = JSON.objectNode();
        if (paging.cursor()) {
            envelope.put("pagelen", pagelen);
        } else {
            envelope.put("size", quirks.contains(PagingQuirk.SIZE_LARGER_THAN_VALUES) ? size + pagelen : size);
            envelope.put("page", page);
            envelope.put("pagelen", pagelen);
        }
        if (more) {
            envelope.put("next", link(call, paging.cursor() ? encodeCursor(page + 1) : Integer.toString(page + 1)));
        }
        if (!paging.cursor() && page > 1) {
            envelope.put("previous", link(call, Integer.toString(page - 1)));
        }
        ArrayNode array = envelope.putArray("values");
        values.forEach(array::add);
        return sendJson(call.response(), 200, JsonPaths.select(envelope, call.param("fields"), paging.hidden()));
    }

    private static List<ObjectNode> filterAndSort(List<ObjectNode> all, String q, String sort, Set<String> fieldNames) {
        List<ObjectNode> items = all;
        if (q != null) {
            Bbql.Node filter = Bbql.parse(q, fieldNames);
            items = new ArrayList<>();
            for (ObjectNode n : all) {
                if (filter.matches(n)) {
                    items.add(n);
                }
            }
        }
        if (sort != null) {
            items = JsonPaths.sorted(items, sort.trim(), fieldNames);
        }
        return items;
    }

    private static int pageNumber(String value) {
        try {
            int page = Integer.parseInt(value.trim());
            if (page >= 1) {
                return page;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw ApiException.badRequest("Invalid page '" + value + "': a page number from 1 is required");
    }

    /** Commit pages are iterator-based: the {@code page} of their {@code next} is an opaque token. */
    private static String encodeCursor(int page) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("cursor:" + page).getBytes(StandardCharsets.UTF_8));
    }

    private static int cursor(String token) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token.trim()), StandardCharsets.UTF_8);
            if (decoded.startsWith("cursor:")) {
                int page = Integer.parseInt(decoded.substring(7));
                if (page >= 1) {
                    return page;
                }
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw ApiException.badRequest("Invalid page token '" + token + "': follow the next link as given");
    }

    /** @return this request's absolute URL with {@code page} replaced (or added at the end) */
    private String link(Call call, String page) {
        StringBuilder sb = new StringBuilder(this.origin.get()).append(call.path());
        char sep = '?';
        boolean replaced = false;
        for (Map.Entry<String, List<String>> e : call.params().entrySet()) {
            List<String> values = e.getKey().equals("page") ? List.of(page) : e.getValue();
            replaced |= e.getKey().equals("page");
            for (String v : values) {
                sb.append(sep).append(Store.encode(e.getKey())).append('=').append(Store.encode(v));
                sep = '&';
            }
        }
        if (!replaced) {
            sb.append(sep).append("page=").append(Store.encode(page));
        }
        return sb.toString();
    }
}
