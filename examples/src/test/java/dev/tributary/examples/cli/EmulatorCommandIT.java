package dev.tributary.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code tributary emulator} in process, on a thread of its own with a pipe as its stdin: it
 * prints a base URL and an API key that the other commands use, and stops (database and HTTP
 * server) when its stdin closes.
 */
class EmulatorCommandIT {

    private static final Pattern BASE_URL = Pattern.compile("(?m)^  export TRIBUTARY_BASE_URL=(http://127\\.0\\.0\\.1:\\d+/v2beta)$");
    private static final Pattern API_KEY = Pattern.compile("(?m)^  export TRIBUTARY_API_KEY=(v2_\\w+)$");
    private static final Pattern DATABASE_ENDPOINT = Pattern.compile("(?m)^  PostgreSQL endpoint  127\\.0\\.0\\.1:(\\d+) ");

    @Test
    void printsAUrlAndKeyThatTheCommandsUseAndStopsWhenStdinCloses() throws Exception {
        PipedOutputStream typing = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(typing);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "tributary-emulator-command"));
        try {
            Future<Integer> exitCode = thread.submit(() -> TributaryCommand.commandLine(Map.of(), stdin, out, err, false)
                    .execute("emulator", "--user", "carol"));

            String printed = awaitOutput(out, exitCode);
            Matcher baseUrl = BASE_URL.matcher(printed);
            Matcher apiKey = API_KEY.matcher(printed);
            assertThat(baseUrl.find()).as(printed).isTrue();
            assertThat(apiKey.find()).as(printed).isTrue();
            assertThat(printed).contains("for local use only", "  user      carol", "  API key   " + apiKey.group(1));
            Map<String, String> env = Map.of(PlatformOptions.BASE_URL_VARIABLE, baseUrl.group(1),
                    "TRIBUTARY_API_KEY", apiKey.group(1));

            CommandRun empty = CommandRun.of(env, "db", "list");
            assertThat(empty.exitCode()).as(empty::toString).isZero();
            assertThat(new ObjectMapper().readTree(empty.out())).isEmpty();
            assertThat(CommandRun.of(env, "db", "create", "carol/notes").exitCode()).isZero();
            JsonNode listed = new ObjectMapper().readTree(CommandRun.of(env, "db", "list").out());
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).get("name").asText()).isEqualTo("carol/notes");
            CommandRun typed = CommandRun.of(Map.of(), "db", "list", "--base-url", baseUrl.group(1), "-k", apiKey.group(1));
            assertThat(typed.exitCode()).as(typed::toString).isZero();

            // the PostgreSQL endpoint it printed takes the key as the password
            assertThat(CommandRun.of(env, "query", "-d", "carol/notes", "CREATE TABLE note (id int, body text)").exitCode()).isZero();
            assertThat(CommandRun.of(env, "query", "-d", "carol/notes", "INSERT INTO note VALUES (1, 'ok')").exitCode()).isZero();
            Matcher endpoint = DATABASE_ENDPOINT.matcher(printed);
            assertThat(endpoint.find()).as(printed).isTrue();
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + endpoint.group(1) + "/"
                    + URLEncoder.encode("carol/notes", StandardCharsets.UTF_8) + "?sslmode=disable", "carol", apiKey.group(1));
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT body FROM note WHERE id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }

            typing.write("a line the emulator ignores\n".getBytes(StandardCharsets.UTF_8));
            typing.flush();
            assertThat(exitCode.isDone()).isFalse();
            typing.close(); // end of input: the emulator stops
            assertThat(exitCode.get(60, TimeUnit.SECONDS)).as("%s", err).isZero();
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("tributary emulator: stopped; its databases are deleted");
            int port = URI.create(baseUrl.group(1)).getPort();
            assertThatThrownBy(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                }
            }).isInstanceOf(ConnectException.class);
        } finally {
            typing.close();
            thread.shutdownNow();
            assertThat(thread.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aPortOutOfRangeIsAUsageError() {
        CommandRun run = CommandRun.of(Map.of(), "emulator", "--port", "70000");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("--port must be 0..65535, was 70000");
    }

    /** Waits until the emulator printed its key (starting an embedded PostgreSQL takes seconds). */
    private static String awaitOutput(ByteArrayOutputStream out, Future<Integer> exitCode) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            String printed = out.toString(StandardCharsets.UTF_8);
            if (printed.contains("Stop it with")) {
                return printed;
            }
            if (exitCode.isDone()) {
                throw new IllegalStateException("The emulator command ended with " + exitCode.get() + ": " + printed);
            }
            Thread.sleep(50);
        }
        throw new IOException("The emulator printed no key within 120 s: " + out.toString(StandardCharsets.UTF_8));
    }
}
