package dev.tributary.testkit.clickhouse;

import dev.tributary.testkit.local.LocalResources;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real ClickHouse server (Debian's {@code clickhouse-server} package, 18.16 and later) for tests:
 * started on 127.0.0.1 with free ports, its configuration, data, logs and temporary files in a
 * fresh temporary directory, and stopped by its own process id. Nothing of
 * {@code /etc/clickhouse-server} is used: the server gets a minimal {@code config.xml} and
 * {@code users.xml} of ours. Blocking: call it from a test or main thread, never from an event loop.
 *
 * <pre>{@code
 * try (ClickHouseServer ch = ClickHouseServer.builder().start()) {
 *     URI http = ch.httpUrl();   // http://127.0.0.1:<port>/ : the ClickHouse HTTP interface
 *     ...
 * }
 * }</pre>
 *
 * <p>The server listens on 127.0.0.1 only: the HTTP interface on {@link #httpPort()} and the native
 * TCP protocol on {@link #nativePort()} (both free ports chosen at start, so several servers run at
 * once); no interserver port. The user {@code default} has no password and may connect from
 * loopback; {@link Builder#user(String, String)} adds users with a password. The server's time zone
 * is UTC ({@code timezone()} answers {@code Etc/UTC} on 18.16). When the JVM runs as root the server runs as the {@code clickhouse} user (the package
 * creates it) through {@code runuser -u clickhouse --}, and the temporary directory is handed to
 * that user.
 *
 * <p>When the binary is missing, {@link #require()} and {@link Builder#start()} throw an
 * {@link IllegalStateException} that says how to install it: tests fail, they never skip.
 *
 * @see <a href="https://clickhouse.com/docs/en/interfaces/http">ClickHouse HTTP interface</a>
 */
public final class ClickHouseServer implements AutoCloseable {

    /** How a Debian or Ubuntu machine gets the server. */
    public static final String INSTALL_COMMAND =
            "sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y clickhouse-server clickhouse-client";

    /** The user without a password that {@link ClickHouseServer} always configures. */
    public static final String DEFAULT_USER = "default";

    private static final String HOST = "127.0.0.1";
    private static final Path DEBIAN_BINARY = Path.of("/usr/sbin/clickhouse-server");
    private static final String SERVICE_USER = "clickhouse";
    private static final int LOG_TAIL_LINES = 40;

    private final Path directory;
    private final int httpPort;
    private final int nativePort;
    private final Duration stopGrace;
    private final Process launcher;
    private final ProcessHandle server;
    private final Thread shutdownHook;
    private boolean closed;

    private ClickHouseServer(Path directory, int httpPort, int nativePort, Duration stopGrace, Process launcher, ProcessHandle server, Thread shutdownHook) {
        this.directory = directory;
        this.httpPort = httpPort;
        this.nativePort = nativePort;
        this.stopGrace = stopGrace;
        this.launcher = launcher;
        this.server = server;
        this.shutdownHook = shutdownHook;
    }

    /**
     * @return a builder: free ports, a fresh temporary directory, a 30 s start timeout, a 10 s stop
     * grace period
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Looks for the server binary: {@code /usr/sbin/clickhouse-server}, then {@code clickhouse-server}
     * on the {@code PATH}, then the single {@code clickhouse} binary on the {@code PATH} (run as
     * {@code clickhouse server}).
     *
     * @return the binary found, or empty when ClickHouse is not installed
     */
    public static Optional<Path> availability() {
        if (Files.isExecutable(DEBIAN_BINARY)) {
            return Optional.of(DEBIAN_BINARY);
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String name : List.of("clickhouse-server", "clickhouse")) {
                for (String dir : path.split(File.pathSeparator)) {
                    if (dir.isEmpty()) {
                        continue;
                    }
                    Path candidate = Path.of(dir, name);
                    if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                        return Optional.of(candidate);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * @return the server binary ({@link #availability()})
     * @throws IllegalStateException when ClickHouse is not installed; the message says how to
     *                               install it
     */
    public static Path require() {
        return availability().orElseThrow(ClickHouseServer::notInstalled);
    }

    static IllegalStateException notInstalled() {
        return new IllegalStateException(
                "ClickHouse is not installed: no " + DEBIAN_BINARY + ", and neither clickhouse-server nor clickhouse"
                        + " on the PATH. The ClickHouse tests need a real server; on Debian or Ubuntu install it with: "
                        + INSTALL_COMMAND + " (.ci/run does this on CI).");
    }

    /**
     * @return the loopback address the server listens on ({@code 127.0.0.1})
     */
    public String host() {
        return HOST;
    }

    /**
     * @return the TCP port of the HTTP interface
     */
    public int httpPort() {
        return this.httpPort;
    }

    /**
     * @return the TCP port of the native protocol (for {@code clickhouse-client --port})
     */
    public int nativePort() {
        return this.nativePort;
    }

    /**
     * @return {@code http://127.0.0.1:<httpPort>/}, the HTTP interface's root (POST SQL there)
     */
    public URI httpUrl() {
        return URI.create("http://" + HOST + ":" + this.httpPort + "/");
    }

    /**
     * @return the process id of the server itself (not of {@code runuser})
     */
    public long pid() {
        return this.server.pid();
    }

    /**
     * @return the temporary directory holding the configuration, data and logs (deleted by
     * {@link #close()})
     */
    public Path directory() {
        return this.directory;
    }

    /**
     * @return whether the server process is alive
     */
    public boolean isRunning() {
        return this.server.isAlive();
    }

    /**
     * Asks the server for its version with {@code SELECT version()} over HTTP (blocking).
     *
     * @return the version, for example {@code 18.16.1}
     * @throws IllegalStateException when the server does not answer 200
     */
    public String version() {
        return query("SELECT version()").strip();
    }

    /**
     * Runs one statement as {@link #DEFAULT_USER} over the HTTP interface (POST, SQL in the body;
     * blocking) and returns the response body: administration for tests, not a driver.
     *
     * @param sql a statement; add a {@code FORMAT} clause to choose the output format
     * @return the body (UTF-8); empty for statements without a result
     * @throws IllegalStateException when the server answers anything but 200; the message carries
     *                               ClickHouse's {@code Code: NN} text
     */
    public String query(String sql) {
        Objects.requireNonNull(sql, "sql");
        AdminResponse response;
        try {
            response = exchange(httpUrl(), sql, Duration.ofSeconds(60));
        } catch (IOException e) {
            throw new UncheckedIOException("ClickHouse on " + httpUrl() + " did not answer", e);
        }
        if (response.status() != 200) {
            throw new IllegalStateException("ClickHouse answered HTTP " + response.status() + " to a query: "
                    + response.body().strip());
        }
        return response.body();
    }

    /**
     * Stops the server (SIGTERM, then SIGKILL after the grace period), waits for the process to end
     * and deletes the temporary directory. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (this.closed) {
            return;
        }
        this.closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
        } catch (IllegalStateException ignored) {
            // the JVM is shutting down: the hook runs or ran
        }
        stopProcesses(this.server, this.launcher, this.stopGrace);
        LocalResources.deleteTree(this.directory);
    }

    @Override
    public String toString() {
        return "ClickHouseServer{" + HOST + ", http=" + this.httpPort + ", native=" + this.nativePort + ", pid="
                + this.server.pid() + ", dir=" + this.directory + ", running=" + isRunning() + '}';
    }

    private static void stopProcesses(ProcessHandle server, Process launcher, Duration grace) {
        if (server.isAlive()) {
            server.destroy();
            try {
                server.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception notYet) {
                server.destroyForcibly();
                try {
                    server.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // SIGKILL was sent; nothing more to do
                }
            }
        }
        if (launcher.isAlive()) {
            // runuser ends when its child ends; make sure
            launcher.destroy();
            try {
                if (!launcher.waitFor(2, TimeUnit.SECONDS)) {
                    launcher.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private record AdminResponse(int status, String body) {
    }

    /**
     * One request of the test kit's own, with {@code Connection: close}: ClickHouse 18.16 waits on
     * SIGTERM for idle keep-alive connections, so the kit leaves none behind.
     *
     * @param sql the body to POST, or null for a GET
     */
    private static AdminResponse exchange(URI url, String sql, Duration timeout) throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
        try {
            c.setConnectTimeout((int) Math.min(timeout.toMillis(), 5_000));
            c.setReadTimeout((int) timeout.toMillis());
            c.setRequestProperty("Connection", "close");
            if (sql != null) {
                c.setRequestMethod("POST");
                c.setDoOutput(true);
                byte[] body = sql.getBytes(StandardCharsets.UTF_8);
                c.setFixedLengthStreamingMode(body.length);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (in != null) {
                in.close();
            }
            return new AdminResponse(status, text);
        } finally {
            c.disconnect();
        }
    }



    private static boolean runningAsRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /**
     * Builds and starts a {@link ClickHouseServer}. Not thread-safe.
     */
    public static final class Builder {

        private Path binary;
        private Duration startTimeout = Duration.ofSeconds(30);
        private Duration stopGrace = Duration.ofSeconds(10);
        private Duration keepAliveTimeout = Duration.ofSeconds(3);
        private final Map<String, String> users = new LinkedHashMap<>();
        private int httpPort;

        private Builder() {
        }

        /**
         * @param binary the {@code clickhouse-server} (or single {@code clickhouse}) binary; default
         *               {@link ClickHouseServer#availability()}
         * @return this builder
         */
        public Builder binary(Path binary) {
            this.binary = Objects.requireNonNull(binary, "binary");
            return this;
        }

        /**
         * @param timeout how long {@link #start()} waits for {@code GET /ping} to answer {@code Ok.};
         *                default 30 s
         * @return this builder
         */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = positive(timeout, "startTimeout");
            return this;
        }

        /**
         * @param grace how long {@link ClickHouseServer#close()} waits after SIGTERM before SIGKILL;
         *              default 10 s
         * @return this builder
         */
        public Builder stopGrace(Duration grace) {
            this.stopGrace = positive(grace, "stopGrace");
            return this;
        }

        /**
         * The server's {@code keep_alive_timeout}: how long it keeps an idle HTTP keep-alive
         * connection open. On SIGTERM ClickHouse 18.16 waits for idle keep-alive connections of its
         * clients to time out, so {@link ClickHouseServer#close()} takes up to this long while a
         * client still holds one (the server's own requests send {@code Connection: close}).
         *
         * @param timeout whole seconds, at least 1; default 3 s (ClickHouse's default)
         * @return this builder
         */
        public Builder keepAliveTimeout(Duration timeout) {
            positive(timeout, "keepAliveTimeout");
            if (timeout.toSeconds() < 1) {
                throw new IllegalArgumentException("keepAliveTimeout must be at least 1 s, was " + timeout);
            }
            this.keepAliveTimeout = timeout;
            return this;
        }

        /**
         * The HTTP port to listen on instead of a free one: a test that restarts the server (stops
         * it, then starts a new one) gives the new one the old one's {@link ClickHouseServer#httpPort()},
         * so that clients find it where they left it. The port must be free when {@link #start()} runs.
         *
         * @param port 1 to 65535; default: a free port chosen at start
         * @return this builder
         */
        public Builder httpPort(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("httpPort must be 1 to 65535, was " + port);
            }
            this.httpPort = port;
            return this;
        }

        /**
         * Adds a user with a plain-text password, allowed from loopback, with the default profile.
         *
         * @param name     a user name (letters, digits, {@code _}, {@code -}, {@code .})
         * @param password its password (never logged)
         * @return this builder
         */
        public Builder user(String name, String password) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(password, "password");
            if (!name.matches("[A-Za-z0-9_.-]+") || DEFAULT_USER.equals(name)) {
                throw new IllegalArgumentException("user name must match [A-Za-z0-9_.-]+ and not be '"
                        + DEFAULT_USER + "', was '" + name + "'");
            }
            this.users.put(name, password);
            return this;
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }

        /**
         * Writes the configuration into a fresh temporary directory, starts the server and waits
         * until {@code GET /ping} answers {@code Ok.}.
         *
         * @return the running server
         * @throws IllegalStateException when ClickHouse is not installed (the message says how to
         *                               install it), when the JVM runs as root and there is no
         *                               {@code clickhouse} user, or when the server does not answer
         *                               in time or exits (the message carries its log's tail)
         */
        public ClickHouseServer start() {
            Path bin = this.binary != null ? this.binary : require();
            Path dir = null;
            try {
                dir = Files.createTempDirectory("tributary-clickhouse-");
                int httpPort = this.httpPort != 0 ? this.httpPort : LocalResources.freeLoopbackPort();
                int nativePort = LocalResources.freeLoopbackPort();
                while (nativePort == httpPort) {
                    nativePort = LocalResources.freeLoopbackPort();
                }
                for (String sub : List.of("data", "tmp", "log", "user_files", "format_schemas")) {
                    Files.createDirectories(dir.resolve(sub));
                }
                Files.writeString(dir.resolve("config.xml"), configXml(dir, httpPort, nativePort, this.keepAliveTimeout.toSeconds()), StandardCharsets.UTF_8);
                Files.writeString(dir.resolve("users.xml"), usersXml(), StandardCharsets.UTF_8);
                boolean root = runningAsRoot();
                if (root) {
                    chownRecursively(dir);
                }
                List<String> command = new ArrayList<>();
                if (root) {
                    command.addAll(List.of("runuser", "-u", SERVICE_USER, "--"));
                }
                command.add(bin.toString());
                if (bin.getFileName().toString().equals("clickhouse")) {
                    command.add("server");
                }
                command.add("--config-file=" + dir.resolve("config.xml"));
                Path stdout = dir.resolve("stdout.log");
                Process launcher = new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(stdout.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
                ProcessHandle server;
                try {
                    waitForPing(httpPort, launcher, dir);
                    server = root ? serverChild(launcher, dir) : launcher.toHandle();
                } catch (RuntimeException e) {
                    stopProcesses(launcher.descendants().findFirst().orElse(launcher.toHandle()), launcher, Duration.ofSeconds(2));
                    throw e;
                }
                Duration grace = this.stopGrace;
                Thread hook = new Thread(() -> stopProcesses(server, launcher, grace), "clickhouse-server-stop-" + server.pid());
                Runtime.getRuntime().addShutdownHook(hook);
                return new ClickHouseServer(dir, httpPort, nativePort, grace, launcher, server, hook);
            } catch (IOException e) {
                if (dir != null) {
                    LocalResources.deleteTree(dir);
                }
                throw new UncheckedIOException("Could not start ClickHouse (" + bin + ")", e);
            } catch (RuntimeException e) {
                if (dir != null) {
                    LocalResources.deleteTree(dir);
                }
                throw e;
            }
        }

        private void waitForPing(int httpPort, Process launcher, Path dir) {
            URI ping = URI.create("http://" + HOST + ":" + httpPort + "/ping");
            long deadline = System.nanoTime() + this.startTimeout.toNanos();
            while (true) {
                try {
                    AdminResponse r = exchange(ping, null, Duration.ofSeconds(2));
                    if (r.status() == 200 && r.body().strip().equals("Ok.")) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (!launcher.isAlive()) {
                    throw new IllegalStateException("ClickHouse exited with status " + launcher.exitValue()
                            + " before answering " + ping + ". Its output and log:\n" + logTail(dir));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("ClickHouse did not answer " + ping + " with 'Ok.' within "
                            + this.startTimeout + ". Its output and log:\n" + logTail(dir));
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for ClickHouse to start", e);
                }
            }
        }

        private static ProcessHandle serverChild(Process launcher, Path dir) {
            return launcher.toHandle().children().findFirst().orElseThrow(() -> new IllegalStateException(
                    "ClickHouse answers /ping but runuser (pid " + launcher.pid() + ") has no child process. Log:\n"
                            + logTail(dir)));
        }

        private static String logTail(Path dir) {
            StringBuilder out = new StringBuilder();
            for (String name : List.of("stdout.log", "log/error.log", "log/server.log")) {
                Path file = dir.resolve(name);
                if (!Files.exists(file)) {
                    continue;
                }
                try {
                    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                    out.append("--- ").append(name).append(" (last ").append(Math.min(LOG_TAIL_LINES, lines.size()))
                            .append(" lines)\n");
                    lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())
                            .forEach(l -> out.append(l).append('\n'));
                } catch (IOException | UncheckedIOException e) {
                    out.append("--- ").append(name).append(": unreadable (").append(e.getMessage()).append(")\n");
                }
            }
            return out.length() == 0 ? "(no output)" : out.toString();
        }

        private static void chownRecursively(Path dir) throws IOException {
            UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
            UserPrincipal user;
            GroupPrincipal group;
            try {
                user = lookup.lookupPrincipalByName(SERVICE_USER);
                group = lookup.lookupPrincipalByGroupName(SERVICE_USER);
            } catch (UserPrincipalNotFoundException e) {
                throw new IllegalStateException("The JVM runs as root, so ClickHouse is to run as the '"
                        + SERVICE_USER + "' user, but there is no such user. Debian's clickhouse-server package creates it: " + INSTALL_COMMAND, e);
            }
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) paths::iterator) {
                    PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                    view.setOwner(user);
                    view.setGroup(group);
                }
            }
        }

        private static String configXml(Path dir, int httpPort, int nativePort, long keepAliveSeconds) {
            String d = xml(dir.toString());
            return """
                    <?xml version="1.0"?>
                    <!-- Written by Tributary's ClickHouseServer (sdk-testkit): a throw-away test server. -->
                    <yandex>
                        <logger>
                            <level>information</level>
                            <log>%1$s/log/server.log</log>
                            <errorlog>%1$s/log/error.log</errorlog>
                            <size>10M</size>
                            <count>1</count>
                        </logger>
                        <listen_host>127.0.0.1</listen_host>
                        <http_port>%2$d</http_port>
                        <tcp_port>%3$d</tcp_port>
                        <max_connections>256</max_connections>
                        <keep_alive_timeout>%4$d</keep_alive_timeout>
                        <max_concurrent_queries>64</max_concurrent_queries>
                        <uncompressed_cache_size>268435456</uncompressed_cache_size>
                        <mark_cache_size>268435456</mark_cache_size>
                        <path>%1$s/data/</path>
                        <tmp_path>%1$s/tmp/</tmp_path>
                        <user_files_path>%1$s/user_files/</user_files_path>
                        <format_schema_path>%1$s/format_schemas/</format_schema_path>
                        <users_config>%1$s/users.xml</users_config>
                        <default_profile>default</default_profile>
                        <default_database>default</default_database>
                        <timezone>UTC</timezone>
                        <mlock_executable>false</mlock_executable>
                    </yandex>
                    """.formatted(d, httpPort, nativePort, keepAliveSeconds);
        }

        private String usersXml() {
            StringBuilder extra = new StringBuilder();
            this.users.forEach((name, password) -> extra.append("""
                            <%1$s>
                                <password>%2$s</password>
                                <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
                                <profile>default</profile>
                                <quota>default</quota>
                            </%1$s>
                    """.formatted(name, xml(password))));
            return """
                    <?xml version="1.0"?>
                    <!-- Written by Tributary's ClickHouseServer (sdk-testkit). -->
                    <yandex>
                        <profiles>
                            <default>
                                <max_memory_usage>2000000000</max_memory_usage>
                            </default>
                            <readonly>
                                <readonly>1</readonly>
                            </readonly>
                        </profiles>
                        <users>
                            <default>
                                <password></password>
                                <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
                                <profile>default</profile>
                                <quota>default</quota>
                            </default>
                    %s    </users>
                        <quotas>
                            <default>
                                <interval>
                                    <duration>3600</duration>
                                    <queries>0</queries>
                                    <errors>0</errors>
                                    <result_rows>0</result_rows>
                                    <read_rows>0</read_rows>
                                    <execution_time>0</execution_time>
                                </interval>
                            </default>
                        </quotas>
                    </yandex>
                    """.formatted(extra);
        }
    }
}
