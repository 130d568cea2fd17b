package dev.tributary.emulator.bitbucket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The emulator's state: accounts, workspaces, projects, repositories and what they hold, and the
 * JSON documents the API answers with. Issue, comment and pull request documents are built when
 * they change and then never mutated (an update replaces them), so a list can hand out a snapshot.
 * Thread-safe: every method holds the store's lock briefly and never blocks otherwise.
 */
final class Store {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);
    private static final Pattern NICKNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");
    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,61}");
    private static final Pattern PROJECT_KEY = Pattern.compile("[A-Z][A-Z0-9_]{0,127}");

    static final class User {
        final BitbucketUser account;
        final Instant createdOn;

        User(BitbucketUser account, Instant createdOn) {
            this.account = account;
            this.createdOn = createdOn;
        }
    }

    static final class Workspace {
        final String slug;
        final String name;
        final String uuid;
        final Instant createdOn;
        final List<User> members = new ArrayList<>();
        final Map<String, Project> projects = new LinkedHashMap<>();
        final Map<String, Repo> repos = new LinkedHashMap<>();

        Workspace(String slug, String name, String uuid, Instant createdOn) {
            this.slug = slug;
            this.name = name;
            this.uuid = uuid;
            this.createdOn = createdOn;
        }
    }

    static final class Project {
        final String key;
        final String name;
        final String uuid;
        final Instant createdOn;

        Project(String key, String name, String uuid, Instant createdOn) {
            this.key = key;
            this.name = name;
            this.uuid = uuid;
            this.createdOn = createdOn;
        }
    }

    record Commit(String hash, String parent, String message, Instant date, User author) {
    }

    static final class Pipeline {
        final String uuid;
        final int buildNumber;
        final String refName;
        final String refType;
        final String commit;
        final User creator;
        final Instant createdOn;
        PipelineResult frozen;

        Pipeline(String uuid, int buildNumber, String refName, String refType, String commit, User creator, Instant createdOn) {
            this.uuid = uuid;
            this.buildNumber = buildNumber;
            this.refName = refName;
            this.refType = refType;
            this.commit = commit;
            this.creator = creator;
            this.createdOn = createdOn;
        }
    }

    static final class MergeTask {
        final String id;
        final int pullRequest;
        final User user;
        final String message;
        int pendingPolls;
        boolean done;

        MergeTask(String id, int pullRequest, User user, String message, int pendingPolls) {
            this.id = id;
            this.pullRequest = pullRequest;
            this.user = user;
            this.message = message;
            this.pendingPolls = pendingPolls;
        }
    }

    static final class Repo {
        final Workspace workspace;
        final String slug;
        final String uuid;
        final Project project;
        final Instant createdOn;
        Instant updatedOn;
        boolean hasIssues = true;
        String mainBranch = "main";
        final TreeMap<Integer, ObjectNode> issues = new TreeMap<>();
        int lastIssueId;
        final Map<Integer, List<ObjectNode>> issueComments = new HashMap<>();
        final TreeMap<Integer, ObjectNode> pullRequests = new TreeMap<>();
        int lastPullRequestId;
        final Map<String, Commit> commits = new HashMap<>();
        final List<Commit> commitOrder = new ArrayList<>();
        final Map<String, String> branches = new LinkedHashMap<>();
        final Map<String, String> tags = new LinkedHashMap<>();
        final Map<String, Instant> tagDates = new HashMap<>();
        final List<Pipeline> pipelines = new ArrayList<>();
        final Map<String, PipelineResult> outcomes = new HashMap<>();
        final Map<String, MergeTask> mergeTasks = new HashMap<>();

        Repo(Workspace workspace, String slug, String uuid, Project project, Instant createdOn) {
            this.workspace = workspace;
            this.slug = slug;
            this.uuid = uuid;
            this.project = project;
            this.createdOn = createdOn;
            this.updatedOn = createdOn;
        }

        String fullName() {
            return this.workspace.slug + "/" + this.slug;
        }
    }

    private final Clock clock;
    private final Supplier<String> origin;
    private final Duration pipelinePending;
    private final Duration pipelineRunning;
    private final PipelineResult defaultResult;
    private final int mergeTaskPendingPolls;
    private final Map<String, User> usersByNickname = new LinkedHashMap<>();
    private final Map<String, User> usersByEmail = new HashMap<>();
    private final Map<String, User> usersByUuid = new HashMap<>();
    private final Map<String, User> usersByAccountId = new HashMap<>();
    private final Map<String, Workspace> workspaces = new LinkedHashMap<>();
    private long uuidCounter;
    private int lastCommentId;

    Store(Clock clock, Supplier<String> origin, Duration pipelinePending, Duration pipelineRunning, PipelineResult defaultResult,
          int mergeTaskPendingPolls) {
        this.clock = clock;
        this.origin = origin;
        this.pipelinePending = pipelinePending;
        this.pipelineRunning = pipelineRunning;
        this.defaultResult = defaultResult;
        this.mergeTaskPendingPolls = mergeTaskPendingPolls;
    }

    // ------------------------------------------------------------------ helpers

    /** @return a UUID that is deterministic per emulator (a counter), in braces */
    private String newUuid() {
        long n = ++this.uuidCounter;
        return "{" + new UUID(0x6262_0000_0000_4000L | (n >>> 48), 0x8000_0000_0000_0000L | (n & 0x0000_FFFF_FFFF_FFFFL)) + "}";
    }

    static String timestamp(Instant t) {
        return TIMESTAMP.format(t);
    }

    Instant now() {
        return this.clock.instant();
    }

    private String api() {
        return this.origin.get() + BitbucketEmulator.API_PATH;
    }

    private String site() {
        return this.origin.get();
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static ObjectNode href(ObjectNode links, String name, String url) {
        links.putObject(name).put("href", url);
        return links;
    }

    private static ObjectNode rendered(String raw) {
        ObjectNode r = JSON.objectNode();
        r.put("type", "rendered");
        r.put("raw", raw);
        r.put("markup", "markdown");
        r.put("html", raw.isEmpty() ? "" : "<p>" + raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</p>");
        return r;
    }

    // ------------------------------------------------------------------ users

    synchronized BitbucketUser seedUser(String nickname, String displayName, String email) {
        if (nickname == null || !NICKNAME.matcher(nickname).matches()) {
            throw new IllegalArgumentException("Invalid nickname '" + nickname + "': letters, digits, '_', '.' and '-'");
        }
        if (email == null || !email.contains("@")) {
            throw new IllegalArgumentException("Invalid e-mail address '" + email + "'");
        }
        if (this.usersByNickname.containsKey(nickname) || this.usersByEmail.containsKey(email.toLowerCase())) {
            throw new IllegalArgumentException("A user '" + nickname + "' or with e-mail '" + email + "' exists already");
        }
        String uuid = newUuid();
        BitbucketUser account = new BitbucketUser(uuid, "557058:" + uuid.substring(1, uuid.length() - 1), nickname,
                java.util.Objects.requireNonNull(displayName, "displayName"), email);
        User user = new User(account, now());
        this.usersByNickname.put(nickname, user);
        this.usersByEmail.put(email.toLowerCase(), user);
        this.usersByUuid.put(uuid, user);
        this.usersByAccountId.put(account.accountId(), user);
        return account;
    }

    synchronized User userByNickname(String nickname) {
        User u = this.usersByNickname.get(nickname);
        if (u == null) {
            throw new IllegalArgumentException("There is no user '" + nickname + "'");
        }
        return u;
    }

    synchronized User userByEmail(String email) {
        return this.usersByEmail.get(email.toLowerCase());
    }

    /** @return the user a {@code {"uuid"}}, {@code {"account_id"}} or {@code {"nickname"}} object names, or {@code null} */
    private User userReference(JsonNode ref) {
        if (ref == null || ref.isNull()) {
            return null;
        }
        if (ref.hasNonNull("account_id")) {
            return this.usersByAccountId.get(ref.get("account_id").asText());
        }
        if (ref.hasNonNull("uuid")) {
            return this.usersByUuid.get(ref.get("uuid").asText());
        }
        if (ref.hasNonNull("nickname")) {
            return this.usersByNickname.get(ref.get("nickname").asText());
        }
        return null;
    }

    ObjectNode userCondensed(User u) {
        ObjectNode n = JSON.objectNode();
        ObjectNode links = n.putObject("links");
        href(links, "self", api() + "/users/" + encode(u.account.uuid()));
        href(links, "avatar", site() + "/account/" + encode(u.account.uuid()) + "/avatar/");
        href(links, "html", site() + "/" + encode(u.account.uuid()) + "/");
        n.put("type", "user");
        n.put("uuid", u.account.uuid());
        n.put("account_id", u.account.accountId());
        n.put("nickname", u.account.nickname());
        n.put("display_name", u.account.displayName());
        return n;
    }

    ObjectNode userFull(User u) {
        ObjectNode n = userCondensed(u);
        n.put("account_status", "active");
        n.put("created_on", timestamp(u.createdOn));
        n.put("is_staff", false);
        n.putNull("location");
        n.putNull("has_2fa_enabled");
        return n;
    }

    // ------------------------------------------------------------------ workspaces and projects

    synchronized void seedWorkspace(String slug, String name, List<String> members) {
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw new IllegalArgumentException("Invalid workspace slug '" + slug + "': lower-case letters, digits, '_', '.' and '-'");
        }
        if (this.workspaces.containsKey(slug)) {
            throw new IllegalArgumentException("The workspace '" + slug + "' exists already");
        }
        Workspace w = new Workspace(slug, java.util.Objects.requireNonNull(name, "name"), newUuid(), now());
        for (String m : members) {
            w.members.add(userByNickname(m));
        }
        this.workspaces.put(slug, w);
    }

    synchronized void seedProject(String workspace, String key, String name) {
        Workspace w = seededWorkspace(workspace);
        if (key == null || !PROJECT_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("Invalid project key '" + key + "': upper-case letters, digits and '_'");
        }
        if (w.projects.containsKey(key)) {
            throw new IllegalArgumentException("The project '" + key + "' exists already in " + workspace);
        }
        w.projects.put(key, new Project(key, java.util.Objects.requireNonNull(name, "name"), newUuid(), now()));
    }

    private Workspace seededWorkspace(String slug) {
        Workspace w = this.workspaces.get(slug);
        if (w == null) {
            throw new IllegalArgumentException("There is no workspace '" + slug + "'");
        }
        return w;
    }

    private Repo seededRepo(String workspace, String slug) {
        Repo r = seededWorkspace(workspace).repos.get(slug);
        if (r == null) {
            throw new IllegalArgumentException("There is no repository '" + workspace + "/" + slug + "'");
        }
        return r;
    }

    synchronized Workspace workspace(String slug) {
        Workspace w = this.workspaces.get(slug);
        if (w == null) {
            throw ApiException.notFound("No workspace with identifier '" + slug + "'.");
        }
        return w;
    }

    synchronized List<Workspace> workspacesOf(User user) {
        List<Workspace> out = new ArrayList<>();
        for (Workspace w : this.workspaces.values()) {
            if (w.members.contains(user)) {
                out.add(w);
            }
        }
        return out;
    }

    ObjectNode workspaceBase(Workspace w, String type) {
        ObjectNode n = JSON.objectNode();
        ObjectNode links = n.putObject("links");
        href(links, "avatar", site() + "/workspaces/" + w.slug + "/avatar/");
        href(links, "html", site() + "/" + w.slug + "/");
        href(links, "self", api() + "/workspaces/" + w.slug);
        n.put("type", type);
        n.put("uuid", w.uuid);
        if (type.equals("workspace")) {
            n.put("name", w.name);
        }
        n.put("slug", w.slug);
        return n;
    }

    ObjectNode workspaceFull(Workspace w) {
        ObjectNode n = workspaceBase(w, "workspace");
        ObjectNode links = (ObjectNode) n.get("links");
        href(links, "members", api() + "/workspaces/" + w.slug + "/members");
        href(links, "owners", api() + "/workspaces/" + w.slug + "/members?q=" + encode("permission=\"owner\""));
        href(links, "projects", api() + "/workspaces/" + w.slug + "/projects");
        href(links, "repositories", api() + "/repositories/" + w.slug);
        href(links, "snippets", api() + "/snippets/" + w.slug);
        n.put("is_private", true);
        n.put("created_on", timestamp(w.createdOn));
        return n;
    }

    synchronized List<ObjectNode> workspaceAccess(User user) {
        List<ObjectNode> out = new ArrayList<>();
        for (Workspace w : workspacesOf(user)) {
            ObjectNode n = JSON.objectNode();
            n.put("type", "workspace_access");
            n.put("administrator", w.members.indexOf(user) == 0);
            n.set("workspace", workspaceBase(w, "workspace_base"));
            ObjectNode links = n.putObject("links");
            href(links, "self", api() + "/user/workspaces/" + w.slug + "/permission");
            out.add(n);
        }
        return out;
    }

    synchronized List<ObjectNode> members(Workspace w) {
        List<ObjectNode> out = new ArrayList<>();
        for (User u : w.members) {
            ObjectNode n = JSON.objectNode();
            n.put("type", "workspace_membership");
            n.put("permission", w.members.indexOf(u) == 0 ? "owner" : "member");
            n.set("user", userCondensed(u));
            n.set("workspace", workspaceBase(w, "workspace"));
            ObjectNode links = n.putObject("links");
            href(links, "self", api() + "/workspaces/" + w.slug + "/members/" + encode(u.account.uuid()));
            out.add(n);
        }
        return out;
    }

    synchronized Project project(Workspace w, String key) {
        Project p = w.projects.get(key);
        if (p == null) {
            throw ApiException.notFound("Project not found: " + key);
        }
        return p;
    }

    synchronized List<ObjectNode> projects(Workspace w) {
        List<ObjectNode> out = new ArrayList<>();
        for (Project p : w.projects.values()) {
            out.add(projectDoc(w, p));
        }
        return out;
    }

    ObjectNode projectCondensed(Workspace w, Project p) {
        ObjectNode n = JSON.objectNode();
        n.put("type", "project");
        n.put("key", p.key);
        n.put("uuid", p.uuid);
        n.put("name", p.name);
        ObjectNode links = n.putObject("links");
        href(links, "self", api() + "/workspaces/" + w.slug + "/projects/" + p.key);
        href(links, "html", site() + "/" + w.slug + "/workspace/projects/" + p.key);
        href(links, "avatar", site() + "/account/user/" + w.slug + "/projects/" + p.key + "/avatar/32");
        return n;
    }

    ObjectNode projectDoc(Workspace w, Project p) {
        ObjectNode n = projectCondensed(w, p);
        href((ObjectNode) n.get("links"), "repositories", api() + "/repositories/" + w.slug + "?q=" + encode("project.key=\"" + p.key + "\""));
        n.put("description", "");
        n.put("is_private", true);
        n.put("has_publicly_visible_repos", false);
        n.put("created_on", timestamp(p.createdOn));
        n.put("updated_on", timestamp(p.createdOn));
        n.set("owner", workspaceBase(w, "team"));
        n.set("workspace", workspaceBase(w, "workspace"));
        return n;
    }

    // ------------------------------------------------------------------ repositories

    synchronized void seedRepository(String workspace, String slug, String projectKey) {
        Workspace w = seededWorkspace(workspace);
        Project p = w.projects.get(projectKey);
        if (p == null) {
            throw new IllegalArgumentException("There is no project '" + projectKey + "' in " + workspace);
        }
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw new IllegalArgumentException("Invalid repository slug '" + slug + "'");
        }
        if (w.repos.containsKey(slug)) {
            throw new IllegalArgumentException("The repository '" + workspace + "/" + slug + "' exists already");
        }
        Repo r = new Repo(w, slug, newUuid(), p, now());
        w.repos.put(slug, r);
        User author = w.members.isEmpty() ? null : w.members.get(0);
        Commit initial = new Commit(hash(r.fullName(), "initial"), null, "Initial commit", now(), author);
        addCommit(r, initial);
        r.branches.put(r.mainBranch, initial.hash());
    }

    private static void addCommit(Repo r, Commit c) {
        r.commits.put(c.hash(), c);
        r.commitOrder.add(c);
    }

    private static String hash(String... parts) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            for (String p : parts) {
                sha1.update(p.getBytes(StandardCharsets.UTF_8));
                sha1.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha1.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is always available", e);
        }
    }

    synchronized void issueTracker(String workspace, String repo, boolean enabled) {
        seededRepo(workspace, repo).hasIssues = enabled;
    }

    synchronized Repo repo(String workspace, String slug) {
        Workspace w = workspace(workspace);
        Repo r = w.repos.get(slug);
        if (r == null) {
            throw ApiException.notFound("Repository " + workspace + "/" + slug + " not found");
        }
        return r;
    }

    synchronized List<ObjectNode> repositories(Workspace w) {
        List<ObjectNode> out = new ArrayList<>();
        for (Repo r : w.repos.values()) {
            out.add(repositoryDoc(r));
        }
        return out;
    }

    ObjectNode repositoryCondensed(Repo r) {
        ObjectNode n = JSON.objectNode();
        n.put("type", "repository");
        n.put("full_name", r.fullName());
        ObjectNode links = n.putObject("links");
        href(links, "self", api() + "/repositories/" + r.fullName());
        href(links, "html", site() + "/" + r.fullName());
        href(links, "avatar", site() + "/ravatar/" + encode(r.uuid));
        n.put("name", r.slug);
        n.put("uuid", r.uuid);
        return n;
    }

    synchronized ObjectNode repositoryDoc(Repo r) {
        String base = api() + "/repositories/" + r.fullName();
        ObjectNode n = JSON.objectNode();
        n.put("type", "repository");
        n.put("full_name", r.fullName());
        ObjectNode links = n.putObject("links");
        href(links, "self", base);
        href(links, "html", site() + "/" + r.fullName());
        href(links, "avatar", site() + "/ravatar/" + encode(r.uuid));
        href(links, "pullrequests", base + "/pullrequests");
        href(links, "commits", base + "/commits");
        href(links, "forks", base + "/forks");
        href(links, "watchers", base + "/watchers");
        href(links, "branches", base + "/refs/branches");
        href(links, "tags", base + "/refs/tags");
        href(links, "downloads", base + "/downloads");
        href(links, "source", base + "/src");
        href(links, "issues", base + "/issues");
        href(links, "hooks", base + "/hooks");
        ArrayNode clone = links.putArray("clone");
        clone.addObject().put("name", "https").put("href", site() + "/" + r.fullName() + ".git");
        clone.addObject().put("name", "ssh").put("href", "git@127.0.0.1:" + r.fullName() + ".git");
        n.put("name", r.slug);
        n.put("slug", r.slug);
        n.put("description", "");
        n.put("scm", "git");
        n.putNull("website");
        n.set("owner", r.workspace.members.isEmpty() ? JSON.nullNode() : userCondensed(r.workspace.members.get(0)));
        n.set("workspace", workspaceBase(r.workspace, "workspace"));
        n.put("is_private", true);
        n.set("project", projectCondensed(r.workspace, r.project));
        n.put("fork_policy", "no_public_forks");
        n.put("created_on", timestamp(r.createdOn));
        n.put("updated_on", timestamp(r.updatedOn));
        n.put("size", 1024 * r.commitOrder.size());
        n.put("language", "java");
        n.put("uuid", r.uuid);
        ObjectNode main = n.putObject("mainbranch");
        main.put("name", r.mainBranch);
        main.put("type", "branch");
        ObjectNode override = n.putObject("override_settings");
        override.put("default_merge_strategy", false);
        override.put("branching_model", false);
        n.putNull("parent");
        n.putNull("enforced_signed_commits");
        n.put("has_issues", r.hasIssues);
        n.put("has_wiki", false);
        return n;
    }

    // ------------------------------------------------------------------ issues

    private static void requireIssueTracker(Repo r) {
        if (!r.hasIssues) {
            throw ApiException.notFound("Repository has no issue tracker.");
        }
    }

    synchronized int seedIssues(String workspace, String repo, int count, IntFunction<IssueSeed> issue) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, was " + count);
        }
        Repo r = seededRepo(workspace, repo);
        for (int i = 0; i < count; i++) {
            IssueSeed s = issue.apply(i);
            Instant created = s.createdOn() != null ? s.createdOn() : now();
            Instant updated = s.updatedOn() != null ? s.updatedOn() : created;
            int id = ++r.lastIssueId;
            r.issues.put(id, issueDoc(r, id, s.title(), s.content() == null ? "" : s.content(), s.state(), s.kind(), s.priority(),
                    s.reporter() == null ? null : userByNickname(s.reporter()), s.assignee() == null ? null : userByNickname(s.assignee()),
                    s.component(), s.milestone(), s.version(), s.votes(), created, updated, null));
        }
        return r.lastIssueId;
    }

    synchronized int issueCount(String workspace, String repo) {
        return seededRepo(workspace, repo).issues.size();
    }

    private ObjectNode issueDoc(Repo r, int id, String title, String content, String state, String kind, String priority, User reporter,
                                User assignee, String component, String milestone, String version, int votes, Instant created,
                                Instant updated, Instant edited) {
        String self = api() + "/repositories/" + r.fullName() + "/issues/" + id;
        ObjectNode n = JSON.objectNode();
        n.put("type", "issue");
        n.put("id", id);
        n.set("repository", repositoryCondensed(r));
        ObjectNode links = n.putObject("links");
        href(links, "self", self);
        href(links, "html", site() + "/" + r.fullName() + "/issues/" + id);
        href(links, "comments", self + "/comments");
        href(links, "attachments", self + "/attachments");
        href(links, "watch", self + "/watch");
        href(links, "vote", self + "/vote");
        n.put("title", title);
        n.set("reporter", reporter == null ? JSON.nullNode() : userCondensed(reporter));
        n.set("assignee", assignee == null ? JSON.nullNode() : userCondensed(assignee));
        n.put("created_on", timestamp(created));
        n.put("updated_on", timestamp(updated));
        n.put("edited_on", edited == null ? null : timestamp(edited));
        n.put("state", state);
        n.put("kind", kind);
        n.put("priority", priority);
        n.set("milestone", named(milestone, "milestone"));
        n.set("component", named(component, "component"));
        n.set("version", named(version, "version"));
        n.put("votes", votes);
        n.put("watches", 1);
        n.set("content", rendered(content));
        return n;
    }

    private static JsonNode named(String name, String type) {
        if (name == null) {
            return JSON.nullNode();
        }
        ObjectNode n = JSON.objectNode();
        n.put("type", type);
        n.put("name", name);
        return n;
    }

    synchronized List<ObjectNode> issues(Repo r) {
        requireIssueTracker(r);
        return new ArrayList<>(r.issues.values());
    }

    synchronized ObjectNode issue(Repo r, int id) {
        requireIssueTracker(r);
        ObjectNode n = r.issues.get(id);
        if (n == null) {
            throw ApiException.notFound("Issue #" + id + " not found in " + r.fullName());
        }
        return n;
    }

    synchronized ObjectNode createIssue(Repo r, User caller, JsonNode body) {
        requireIssueTracker(r);
        JsonNode title = body.get("title");
        if (title == null || !title.isTextual() || title.asText().isBlank()) {
            throw ApiException.badField("title", "This field is required.");
        }
        String state = choice(body, "state", IssueSeed.STATES, "new");
        String kind = choice(body, "kind", IssueSeed.KINDS, "bug");
        String priority = choice(body, "priority", IssueSeed.PRIORITIES, "major");
        User assignee = assignee(body);
        Instant now = now();
        int id = ++r.lastIssueId;
        ObjectNode doc = issueDoc(r, id, title.asText(), text(body.path("content").path("raw"), ""), state, kind, priority, caller, assignee,
                name(body, "component"), name(body, "milestone"), name(body, "version"), 0, now, now, null);
        r.issues.put(id, doc);
        return doc;
    }

    synchronized ObjectNode updateIssue(Repo r, int id, JsonNode body) {
        ObjectNode old = issue(r, id);
        ObjectNode doc = old.deepCopy();
        if (body.has("title")) {
            JsonNode title = body.get("title");
            if (!title.isTextual() || title.asText().isBlank()) {
                throw ApiException.badField("title", "This field may not be blank.");
            }
            doc.put("title", title.asText());
        }
        if (body.has("state")) {
            doc.put("state", choice(body, "state", IssueSeed.STATES, null));
        }
        if (body.has("kind")) {
            doc.put("kind", choice(body, "kind", IssueSeed.KINDS, null));
        }
        if (body.has("priority")) {
            doc.put("priority", choice(body, "priority", IssueSeed.PRIORITIES, null));
        }
        if (body.has("assignee")) {
            User a = assignee(body);
            doc.set("assignee", a == null ? JSON.nullNode() : userCondensed(a));
        }
        for (String field : List.of("component", "milestone", "version")) {
            if (body.has(field)) {
                doc.set(field, named(name(body, field), field));
            }
        }
        Instant now = now();
        if (body.has("content")) {
            doc.set("content", rendered(text(body.path("content").path("raw"), "")));
            doc.put("edited_on", timestamp(now));
        }
        doc.put("updated_on", timestamp(now));
        r.issues.put(id, doc);
        return doc;
    }

    synchronized void deleteIssue(Repo r, int id) {
        issue(r, id);
        r.issues.remove(id);
        r.issueComments.remove(id);
    }

    private static String choice(JsonNode body, String field, List<String> allowed, String dflt) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (dflt == null) {
                throw ApiException.badField(field, "This field may not be null.");
            }
            return dflt;
        }
        if (!v.isTextual() || !allowed.contains(v.asText())) {
            throw ApiException.badField(field, "\"" + v.asText() + "\" is not a valid choice; one of " + allowed);
        }
        return v.asText();
    }

    private User assignee(JsonNode body) {
        JsonNode ref = body.get("assignee");
        if (ref == null || ref.isNull()) {
            return null;
        }
        User u = userReference(ref);
        if (u == null) {
            throw ApiException.badField("assignee", "No such user: " + ref);
        }
        return u;
    }

    private static String name(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        String name = v.isTextual() ? v.asText() : v.path("name").asText(null);
        if (name == null || name.isBlank()) {
            throw ApiException.badField(field, "expected {\"name\": \"...\"}");
        }
        return name;
    }

    private static String text(JsonNode v, String dflt) {
        return v == null || v.isNull() || v.isMissingNode() ? dflt : v.asText();
    }

    synchronized List<ObjectNode> comments(Repo r, int issueId) {
        issue(r, issueId);
        return new ArrayList<>(r.issueComments.getOrDefault(issueId, List.of()));
    }

    synchronized ObjectNode addComment(Repo r, int issueId, User caller, JsonNode body) {
        ObjectNode issue = issue(r, issueId);
        JsonNode raw = body.path("content").path("raw");
        if (!raw.isTextual() || raw.asText().isBlank()) {
            throw ApiException.badField("content.raw", "This field is required.");
        }
        int id = ++this.lastCommentId;
        Instant now = now();
        String self = api() + "/repositories/" + r.fullName() + "/issues/" + issueId + "/comments/" + id;
        ObjectNode n = JSON.objectNode();
        n.put("type", "issue_comment");
        n.put("id", id);
        n.put("created_on", timestamp(now));
        n.putNull("updated_on");
        n.set("content", rendered(raw.asText()));
        n.set("user", userCondensed(caller));
        ObjectNode ref = n.putObject("issue");
        ref.put("type", "issue");
        ref.put("id", issueId);
        ref.put("title", issue.get("title").asText());
        ref.set("repository", repositoryCondensed(r));
        ref.set("links", issue.get("links").deepCopy());
        ObjectNode links = n.putObject("links");
        href(links, "self", self);
        href(links, "html", site() + "/" + r.fullName() + "/issues/" + issueId + "#comment-" + id);
        r.issueComments.computeIfAbsent(issueId, k -> new ArrayList<>()).add(n);
        return n;
    }

    // ------------------------------------------------------------------ commits, branches, tags

    synchronized String seedCommits(String workspace, String repo, String branch, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        Repo r = seededRepo(workspace, repo);
        String head = r.branches.computeIfAbsent(branch, b -> r.branches.get(r.mainBranch));
        User author = r.workspace.members.isEmpty() ? null : r.workspace.members.get(0);
        Instant now = now();
        for (int i = 0; i < count; i++) {
            Commit c = new Commit(hash(r.fullName(), branch, head, Integer.toString(r.commitOrder.size())), head,
                    "Commit " + (r.commitOrder.size() + 1) + " on " + branch, now.minus(Duration.ofMinutes(count - 1 - i)), author);
            addCommit(r, c);
            head = c.hash();
        }
        r.branches.put(branch, head);
        r.updatedOn = now;
        return head;
    }

    synchronized void seedRef(String workspace, String repo, String name, boolean tag) {
        Repo r = seededRepo(workspace, repo);
        Map<String, String> refs = tag ? r.tags : r.branches;
        if (name == null || name.isBlank() || refs.containsKey(name)) {
            throw new IllegalArgumentException("Invalid or existing " + (tag ? "tag" : "branch") + " '" + name + "' in " + r.fullName());
        }
        refs.put(name, r.branches.get(r.mainBranch));
        if (tag) {
            r.tagDates.put(name, now());
        }
    }

    /** @return the commit a branch, tag or (prefix of a) hash names */
    synchronized Commit revision(Repo r, String revision) {
        String hash = r.branches.containsKey(revision) ? r.branches.get(revision) : r.tags.get(revision);
        if (hash == null && revision.matches("[0-9a-f]{7,40}")) {
            for (Commit c : r.commitOrder) {
                if (c.hash().startsWith(revision)) {
                    hash = c.hash();
                    break;
                }
            }
        }
        if (hash == null) {
            throw ApiException.notFound("Commit not found: " + revision);
        }
        return r.commits.get(hash);
    }

    /** @return the commits from a revision back through its parents, newest first; every commit, newest first, without one */
    synchronized List<ObjectNode> commits(Repo r, String revision) {
        List<ObjectNode> out = new ArrayList<>();
        if (revision == null) {
            for (int i = r.commitOrder.size() - 1; i >= 0; i--) {
                out.add(commitDoc(r, r.commitOrder.get(i)));
            }
            return out;
        }
        for (Commit c = revision(r, revision); c != null; c = c.parent() == null ? null : r.commits.get(c.parent())) {
            out.add(commitDoc(r, c));
        }
        return out;
    }

    ObjectNode commitDoc(Repo r, Commit c) {
        String base = api() + "/repositories/" + r.fullName();
        ObjectNode n = JSON.objectNode();
        n.put("type", "commit");
        n.put("hash", c.hash());
        n.put("date", c.date().atOffset(ZoneOffset.UTC).withNano(0).toString().replace("Z", "+00:00"));
        ObjectNode author = n.putObject("author");
        author.put("type", "author");
        if (c.author() != null) {
            author.put("raw", c.author().account.displayName() + " <" + c.author().account.email() + ">");
            author.set("user", userCondensed(c.author()));
        } else {
            author.put("raw", "Emulator <emulator@127.0.0.1>");
        }
        n.put("message", c.message());
        n.set("summary", rendered(c.message()));
        ArrayNode parents = n.putArray("parents");
        if (c.parent() != null) {
            ObjectNode p = parents.addObject();
            p.put("hash", c.parent());
            p.put("type", "commit");
            ObjectNode pl = p.putObject("links");
            href(pl, "self", base + "/commit/" + c.parent());
            href(pl, "html", site() + "/" + r.fullName() + "/commits/" + c.parent());
        }
        n.set("repository", repositoryCondensed(r));
        ObjectNode links = n.putObject("links");
        href(links, "self", base + "/commit/" + c.hash());
        href(links, "html", site() + "/" + r.fullName() + "/commits/" + c.hash());
        href(links, "diff", base + "/diff/" + c.hash());
        href(links, "patch", base + "/patch/" + c.hash());
        href(links, "approve", base + "/commit/" + c.hash() + "/approve");
        href(links, "comments", base + "/commit/" + c.hash() + "/comments");
        href(links, "statuses", base + "/commit/" + c.hash() + "/statuses");
        return n;
    }

    /** @return one branch or tag; 404 when there is none of that name */
    synchronized ObjectNode ref(Repo r, String name, boolean tag) {
        for (ObjectNode n : refs(r, tag)) {
            if (n.get("name").asText().equals(name)) {
                return n;
            }
        }
        throw ApiException.notFound((tag ? "Tag " : "Branch ") + name + " not found in " + r.fullName());
    }

    /** @return the commit a hash (or a prefix of at least 7, or a ref name) names; 404 otherwise */
    synchronized ObjectNode commit(Repo r, String revision) {
        return commitDoc(r, revision(r, revision));
    }

    synchronized List<ObjectNode> refs(Repo r, boolean tags) {
        List<ObjectNode> out = new ArrayList<>();
        String base = api() + "/repositories/" + r.fullName();
        for (Map.Entry<String, String> e : (tags ? r.tags : r.branches).entrySet()) {
            ObjectNode n = JSON.objectNode();
            n.put("name", e.getKey());
            n.put("type", tags ? "tag" : "branch");
            n.set("target", commitDoc(r, r.commits.get(e.getValue())));
            ObjectNode links = n.putObject("links");
            String kind = tags ? "tags" : "branches";
            href(links, "self", base + "/refs/" + kind + "/" + encode(e.getKey()));
            href(links, "commits", base + "/commits/" + encode(e.getKey()));
            href(links, "html", site() + "/" + r.fullName() + "/" + (tags ? "commits/tag/" : "branch/") + encode(e.getKey()));
            if (tags) {
                n.put("message", "Tag " + e.getKey());
                n.put("date", timestamp(r.tagDates.getOrDefault(e.getKey(), r.createdOn)));
                n.putNull("tagger");
            } else {
                n.put("default_merge_strategy", "merge_commit");
                n.putArray("merge_strategies").add("merge_commit").add("squash").add("fast_forward");
            }
            out.add(n);
        }
        return out;
    }

    // ------------------------------------------------------------------ pull requests

    synchronized int seedPullRequest(String workspace, String repo, PullRequestSeed s) {
        Repo r = seededRepo(workspace, repo);
        User author = userByNickname(s.author());
        List<User> reviewers = new ArrayList<>();
        for (String nick : s.reviewers()) {
            reviewers.add(userByNickname(nick));
        }
        r.branches.computeIfAbsent(s.sourceBranch(), b -> r.branches.get(r.mainBranch));
        String destination = s.destinationBranch() == null ? r.mainBranch : s.destinationBranch();
        r.branches.computeIfAbsent(destination, b -> r.branches.get(r.mainBranch));
        Instant created = s.createdOn() != null ? s.createdOn() : now();
        Instant updated = s.updatedOn() != null ? s.updatedOn() : created;
        int id = ++r.lastPullRequestId;
        ObjectNode doc = pullRequestDoc(r, id, s.title(), s.description() == null ? "" : s.description(), s.sourceBranch(), destination,
                author, reviewers, created, updated, true);
        doc.put("state", s.state());
        r.pullRequests.put(id, doc);
        return id;
    }

    private ObjectNode pullRequestDoc(Repo r, int id, String title, String description, String source, String destination, User author,
                                      List<User> reviewers, Instant created, Instant updated, boolean closeSource) {
        String self = api() + "/repositories/" + r.fullName() + "/pullrequests/" + id;
        ObjectNode n = JSON.objectNode();
        n.put("type", "pullrequest");
        n.put("id", id);
        n.put("title", title);
        n.put("description", description);
        n.set("summary", rendered(description));
        n.put("state", "OPEN");
        n.set("author", userCondensed(author));
        n.set("source", endpoint(r, source));
        n.set("destination", endpoint(r, destination));
        n.putNull("merge_commit");
        n.put("comment_count", 0);
        n.put("task_count", 0);
        n.put("close_source_branch", closeSource);
        n.putNull("closed_by");
        n.put("reason", "");
        n.put("created_on", timestamp(created));
        n.put("updated_on", timestamp(updated));
        ArrayNode rs = n.putArray("reviewers");
        ArrayNode ps = n.putArray("participants");
        for (User u : reviewers) {
            rs.add(userCondensed(u));
            ps.add(participant(u, "REVIEWER", false, null));
        }
        ObjectNode links = n.putObject("links");
        href(links, "self", self);
        href(links, "html", site() + "/" + r.fullName() + "/pull-requests/" + id);
        href(links, "commits", self + "/commits");
        href(links, "approve", self + "/approve");
        href(links, "diff", self + "/diff");
        href(links, "diffstat", self + "/diffstat");
        href(links, "comments", self + "/comments");
        href(links, "activity", self + "/activity");
        href(links, "merge", self + "/merge");
        href(links, "decline", self + "/decline");
        href(links, "statuses", self + "/statuses");
        return n;
    }

    private ObjectNode endpoint(Repo r, String branch) {
        ObjectNode e = JSON.objectNode();
        e.putObject("branch").put("name", branch);
        ObjectNode commit = e.putObject("commit");
        String hash = r.branches.get(branch);
        commit.put("hash", hash.substring(0, 12));
        commit.put("type", "commit");
        ObjectNode links = commit.putObject("links");
        href(links, "self", api() + "/repositories/" + r.fullName() + "/commit/" + hash.substring(0, 12));
        href(links, "html", site() + "/" + r.fullName() + "/commits/" + hash.substring(0, 12));
        e.set("repository", repositoryCondensed(r));
        return e;
    }

    private ObjectNode participant(User u, String role, boolean approved, Instant on) {
        ObjectNode p = JSON.objectNode();
        p.put("type", "participant");
        p.set("user", userCondensed(u));
        p.put("role", role);
        p.put("approved", approved);
        p.put("state", approved ? "approved" : null);
        p.put("participated_on", on == null ? null : timestamp(on));
        return p;
    }

    synchronized List<ObjectNode> pullRequests(Repo r, Set<String> states) {
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode pr : r.pullRequests.values()) {
            if (states.contains(pr.get("state").asText())) {
                out.add(pr);
            }
        }
        return out;
    }

    synchronized ObjectNode pullRequest(Repo r, int id) {
        ObjectNode n = r.pullRequests.get(id);
        if (n == null) {
            throw ApiException.notFound("Pull request " + id + " not found in " + r.fullName());
        }
        return n;
    }

    synchronized ObjectNode createPullRequest(Repo r, User caller, JsonNode body) {
        JsonNode title = body.get("title");
        if (title == null || !title.isTextual() || title.asText().isBlank()) {
            throw ApiException.badField("title", "This field is required.");
        }
        String source = body.path("source").path("branch").path("name").asText("");
        if (source.isEmpty()) {
            throw ApiException.badField("source", "This field is required.");
        }
        if (!r.branches.containsKey(source)) {
            throw ApiException.badField("source", "Branch not found: " + source);
        }
        String destination = body.path("destination").path("branch").path("name").asText(r.mainBranch);
        if (!r.branches.containsKey(destination)) {
            throw ApiException.badField("destination", "Branch not found: " + destination);
        }
        if (source.equals(destination)) {
            throw ApiException.badField("source", "The source and destination branches are the same.");
        }
        List<User> reviewers = new ArrayList<>();
        for (JsonNode ref : body.path("reviewers")) {
            User u = userReference(ref);
            if (u == null) {
                throw ApiException.badField("reviewers", "No such user: " + ref);
            }
            if (u == caller) {
                throw ApiException.badField("reviewers", caller.account.displayName() + " is the author and cannot be included as a reviewer.");
            }
            reviewers.add(u);
        }
        Instant now = now();
        int id = ++r.lastPullRequestId;
        ObjectNode doc = pullRequestDoc(r, id, title.asText(), body.path("description").asText(""), source, destination, caller, reviewers,
                now, now, body.path("close_source_branch").asBoolean(false));
        r.pullRequests.put(id, doc);
        return doc;
    }

    synchronized ObjectNode approve(Repo r, int id, User caller, boolean approved) {
        ObjectNode pr = pullRequest(r, id);
        if (!pr.get("state").asText().equals("OPEN")) {
            throw ApiException.badRequest("You can't " + (approved ? "approve" : "unapprove") + " a pull request that is "
                    + pr.get("state").asText().toLowerCase() + ".");
        }
        if (approved && pr.path("author").path("uuid").asText().equals(caller.account.uuid())) {
            throw ApiException.badRequest("You can't approve your own pull request.");
        }
        ObjectNode doc = pr.deepCopy();
        ArrayNode ps = (ArrayNode) doc.get("participants");
        ObjectNode mine = null;
        for (JsonNode p : ps) {
            if (p.path("user").path("uuid").asText().equals(caller.account.uuid())) {
                mine = (ObjectNode) p;
            }
        }
        Instant now = now();
        if (mine == null) {
            mine = participant(caller, "PARTICIPANT", approved, now);
            ps.add(mine);
        } else {
            mine.put("approved", approved);
            mine.put("state", approved ? "approved" : null);
            mine.put("participated_on", timestamp(now));
        }
        doc.put("updated_on", timestamp(now));
        r.pullRequests.put(id, doc);
        return mine.deepCopy();
    }

    /**
     * @throws ApiException 404 for no such pull request, 400 when it is not open, 409 when a merge
     *                      task of it is still running
     */
    private void checkMergeable(Repo r, int id) {
        ObjectNode pr = pullRequest(r, id);
        if (!pr.get("state").asText().equals("OPEN")) {
            throw ApiException.badRequest("You can't merge a pull request that is " + pr.get("state").asText().toLowerCase() + ".");
        }
        for (MergeTask t : r.mergeTasks.values()) {
            if (t.pullRequest == id && !t.done) {
                throw ApiException.conflict("A merge of pull request #" + id + " is in progress already.");
            }
        }
    }

    synchronized ObjectNode merge(Repo r, int id, User caller, String message) {
        checkMergeable(r, id);
        return doMerge(r, id, caller, message);
    }

    private ObjectNode doMerge(Repo r, int id, User caller, String message) {
        ObjectNode pr = r.pullRequests.get(id);
        String source = pr.path("source").path("branch").path("name").asText();
        String destination = pr.path("destination").path("branch").path("name").asText();
        String parent = r.branches.get(destination);
        String text = message != null && !message.isBlank() ? message : "Merged in " + source + " (pull request #" + id + ")";
        Commit c = new Commit(hash(r.fullName(), "merge", Integer.toString(id), parent), parent, text, now(), caller);
        addCommit(r, c);
        r.branches.put(destination, c.hash());
        ObjectNode doc = pr.deepCopy();
        doc.put("state", "MERGED");
        ObjectNode mc = doc.putObject("merge_commit");
        mc.put("hash", c.hash().substring(0, 12));
        mc.put("type", "commit");
        doc.set("closed_by", userCondensed(caller));
        doc.put("updated_on", timestamp(now()));
        r.pullRequests.put(id, doc);
        if (pr.path("close_source_branch").asBoolean(false) && !source.equals(r.mainBranch)) {
            r.branches.remove(source);
        }
        r.updatedOn = now();
        return doc;
    }

    synchronized MergeTask startMerge(Repo r, int id, User caller, String message) {
        checkMergeable(r, id);
        MergeTask task = new MergeTask(newUuid().replaceAll("[{}]", ""), id, caller, message, this.mergeTaskPendingPolls);
        r.mergeTasks.put(task.id, task);
        return task;
    }

    /** @return the task's status document; the merge happens on the poll after its pending polls */
    synchronized ObjectNode pollMerge(Repo r, int id, String taskId) {
        MergeTask task = r.mergeTasks.get(taskId);
        if (task == null || task.pullRequest != id) {
            throw ApiException.notFound("Merge task " + taskId + " not found for pull request #" + id);
        }
        ObjectNode n = JSON.objectNode();
        if (!task.done && task.pendingPolls > 0) {
            task.pendingPolls--;
            n.put("task_status", "PENDING");
        } else {
            if (!task.done) {
                task.done = true;
                doMerge(r, id, task.user, task.message);
            }
            n.put("task_status", "SUCCESS");
            n.set("merge_result", r.pullRequests.get(id));
        }
        href(n.putObject("links"), "self", mergeTaskUrl(r, id, taskId));
        return n;
    }

    String mergeTaskUrl(Repo r, int id, String taskId) {
        return api() + "/repositories/" + r.fullName() + "/pullrequests/" + id + "/merge/task-status/" + taskId;
    }

    // ------------------------------------------------------------------ pipelines

    synchronized void pipelineResult(String workspace, String repo, String refName, PipelineResult result) {
        seededRepo(workspace, repo).outcomes.put(refName, result);
    }

    synchronized ObjectNode triggerPipeline(Repo r, User caller, JsonNode body) {
        JsonNode target = body.get("target");
        if (target == null || !target.isObject()) {
            throw ApiException.badField("target", "This field is required.");
        }
        String type = target.path("type").asText("");
        if (!type.equals("pipeline_ref_target")) {
            throw ApiException.badField("target.type", "expected pipeline_ref_target, was '" + type + "'");
        }
        String refType = target.path("ref_type").asText("branch");
        String refName = target.path("ref_name").asText("");
        Map<String, String> refs = refType.equals("tag") ? r.tags : refType.equals("branch") ? r.branches : null;
        if (refs == null) {
            throw ApiException.badField("target.ref_type", "expected branch or tag, was '" + refType + "'");
        }
        if (!refs.containsKey(refName)) {
            throw ApiException.badField("target.ref_name", "The " + refType + " '" + refName + "' does not exist in " + r.fullName());
        }
        String commit = target.path("commit").path("hash").asText(refs.get(refName));
        Pipeline p = new Pipeline(newUuid(), r.pipelines.size() + 1, refName, refType, commit, caller, now());
        r.pipelines.add(p);
        return pipelineDoc(r, p);
    }

    synchronized List<ObjectNode> pipelines(Repo r) {
        List<ObjectNode> out = new ArrayList<>();
        for (Pipeline p : r.pipelines) {
            out.add(pipelineDoc(r, p));
        }
        return out;
    }

    synchronized Pipeline pipeline(Repo r, String uuid) {
        String bare = uuid.replaceAll("[{}]", "");
        for (Pipeline p : r.pipelines) {
            if (p.uuid.equals("{" + bare + "}")) {
                return p;
            }
        }
        throw ApiException.notFound("Pipeline " + uuid + " not found in " + r.fullName());
    }

    private enum Phase { PENDING, IN_PROGRESS, COMPLETED }

    private Phase phase(Pipeline p, Instant now) {
        Instant started = p.createdOn.plus(this.pipelinePending);
        if (now.isBefore(started)) {
            return Phase.PENDING;
        }
        return now.isBefore(started.plus(this.pipelineRunning)) ? Phase.IN_PROGRESS : Phase.COMPLETED;
    }

    private PipelineResult result(Repo r, Pipeline p) {
        if (p.frozen == null) {
            p.frozen = r.outcomes.getOrDefault(p.refName, this.defaultResult);
        }
        return p.frozen;
    }

    synchronized ObjectNode pipelineDoc(Repo r, Pipeline p) {
        Instant now = now();
        Phase phase = phase(p, now);
        String self = api() + "/repositories/" + r.fullName() + "/pipelines/" + encode(p.uuid);
        ObjectNode n = JSON.objectNode();
        n.put("type", "pipeline");
        n.put("uuid", p.uuid);
        n.put("build_number", p.buildNumber);
        n.put("run_number", 1);
        n.put("created_on", timestamp(p.createdOn));
        n.set("creator", userCondensed(p.creator));
        n.set("repository", repositoryCondensed(r));
        ObjectNode target = n.putObject("target");
        target.put("type", "pipeline_ref_target");
        target.put("ref_type", p.refType);
        target.put("ref_name", p.refName);
        ObjectNode selector = target.putObject("selector");
        selector.put("type", p.refType.equals("tag") ? "tags" : "branches");
        selector.put("pattern", p.refName);
        ObjectNode commit = target.putObject("commit");
        commit.put("type", "commit");
        commit.put("hash", p.commit);
        href(commit.putObject("links"), "html", site() + "/" + r.fullName() + "/commits/" + p.commit);
        ObjectNode trigger = n.putObject("trigger");
        trigger.put("name", "MANUAL");
        trigger.put("type", "pipeline_trigger_manual");
        ObjectNode state = n.putObject("state");
        long elapsed = Math.max(0, Duration.between(p.createdOn.plus(this.pipelinePending), now).getSeconds());
        switch (phase) {
            case PENDING -> {
                state.put("name", "PENDING");
                state.put("type", "pipeline_state_pending");
                n.put("build_seconds_used", 0);
                n.put("duration_in_seconds", 0);
            }
            case IN_PROGRESS -> {
                state.put("name", "IN_PROGRESS");
                state.put("type", "pipeline_state_in_progress");
                ObjectNode stage = state.putObject("stage");
                stage.put("name", "RUNNING");
                stage.put("type", "pipeline_state_in_progress_running");
                n.put("build_seconds_used", elapsed);
                n.put("duration_in_seconds", elapsed);
            }
            default -> {
                PipelineResult result = result(r, p);
                state.put("name", "COMPLETED");
                state.put("type", "pipeline_state_completed");
                ObjectNode res = state.putObject("result");
                res.put("name", result.name());
                res.put("type", "pipeline_state_completed_" + result.name().toLowerCase());
                long seconds = this.pipelineRunning.getSeconds();
                n.put("build_seconds_used", seconds);
                n.put("duration_in_seconds", seconds);
                n.put("completed_on", timestamp(p.createdOn.plus(this.pipelinePending).plus(this.pipelineRunning)));
            }
        }
        n.put("first_successful", false);
        n.put("expired", false);
        n.put("has_variables", false);
        ObjectNode links = n.putObject("links");
        href(links, "self", self);
        href(links, "steps", self + "/steps/");
        return n;
    }

    synchronized List<ObjectNode> steps(Repo r, Pipeline p) {
        Instant now = now();
        Phase phase = phase(p, now);
        ObjectNode n = JSON.objectNode();
        String uuid = "{" + UUID.nameUUIDFromBytes((p.uuid + "/step").getBytes(StandardCharsets.UTF_8)) + "}";
        n.put("type", "pipeline_step");
        n.put("uuid", uuid);
        n.put("name", "Build and Test");
        n.put("run_number", 1);
        n.put("max_time", 120);
        ObjectNode pipeline = n.putObject("pipeline");
        pipeline.put("type", "pipeline");
        pipeline.put("uuid", p.uuid);
        n.putObject("image").put("name", "atlassian/default-image:4");
        ArrayNode script = n.putArray("script_commands");
        script.addObject().put("commandType", "user").put("command", "./mvnw -B verify").put("name", "./mvnw -B verify");
        String clone = "git clone --branch=\"" + p.refName + "\" --depth 50 " + site() + "/" + r.fullName() + ".git $BUILD_DIR";
        n.putArray("setup_commands").addObject().put("commandType", "user").put("command", clone).put("name", clone);
        n.putArray("teardown_commands").addObject().put("commandType", "system").put("action", "PROCESS_TEST_REPORTS")
                .put("command", "echo \"Processing test reports\"").put("name", "Process Test Reports");
        n.putObject("trigger").put("type", "pipeline_step_trigger_automatic");
        ObjectNode state = n.putObject("state");
        Instant started = p.createdOn.plus(this.pipelinePending);
        switch (phase) {
            case PENDING -> {
                state.put("name", "PENDING");
                state.put("type", "pipeline_step_state_pending");
            }
            case IN_PROGRESS -> {
                state.put("name", "IN_PROGRESS");
                state.put("type", "pipeline_step_state_in_progress");
                n.put("started_on", timestamp(started));
            }
            default -> {
                PipelineResult result = result(r, p);
                state.put("name", "COMPLETED");
                state.put("type", "pipeline_step_state_completed");
                ObjectNode res = state.putObject("result");
                res.put("name", result.name());
                res.put("type", "pipeline_step_state_completed_" + result.name().toLowerCase());
                n.put("started_on", timestamp(started));
                n.put("completed_on", timestamp(started.plus(this.pipelineRunning)));
                n.put("duration_in_seconds", this.pipelineRunning.getSeconds());
                n.put("build_seconds_used", this.pipelineRunning.getSeconds());
            }
        }
        return List.of(n);
    }
}
