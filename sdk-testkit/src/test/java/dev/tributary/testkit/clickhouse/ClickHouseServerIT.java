package dev.tributary.testkit.clickhouse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class ClickHouseServerIT {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseServerIT.class);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static ClickHouseServer server;

    @BeforeAll
    static void startServer() {
        long t0 = System.nanoTime();
        // this class's HttpClient keeps connections alive; a short keep-alive keeps close() fast
        server = ClickHouseServer.builder().keepAliveTimeout(Duration.ofSeconds(1)).start();
        LOG.info("ClickHouse {} started in {} ms: {}", server.version(), (System.nanoTime() - t0) / 1_000_000, server);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static HttpResponse<String> post(URI url, String sql, String basicAuth) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8));
        if (basicAuth != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basicAuth.getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void answersPingOnLoopbackAndReportsItsVersion() throws Exception {
        HttpResponse<String> ping = HTTP.send(HttpRequest.newBuilder(server.httpUrl().resolve("/ping")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ping.statusCode()).isEqualTo(200);
        assertThat(ping.body()).isEqualTo("Ok.\n");
        assertThat(server.host()).isEqualTo("127.0.0.1");
        assertThat(server.httpUrl()).hasToString("http://127.0.0.1:" + server.httpPort() + "/");

        HttpResponse<String> version = post(server.httpUrl(), "SELECT version() FORMAT TabSeparatedWithNamesAndTypes", null);
        assertThat(version.statusCode()).isEqualTo(200);
        String[] lines = version.body().split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).isEqualTo("version()");
        assertThat(lines[1]).isEqualTo("String");
        assertThat(lines[2]).matches("\\d+\\.\\d+(\\.\\d+)*").isEqualTo(server.version());
        // <timezone>UTC</timezone> in our config; 18.16 reports the zone by its tz database link target
        assertThat(server.query("SELECT timezone()").strip()).isIn("UTC", "Etc/UTC");
    }

    @Test
    void roundTripsRowsThroughAMemoryTable() throws Exception {
        URI url = server.httpUrl();
        assertThat(post(url, "CREATE TABLE roundtrip (id UInt32, name String, score Float64) ENGINE = Memory", null).statusCode())
                .isEqualTo(200);
        HttpResponse<String> insert = post(url,
                "INSERT INTO roundtrip FORMAT TabSeparated\n1\tAda\t0.5\n2\tO\\'Brien\\ttab\t-2.25\n3\tZürich\t1e3\n", null);
        assertThat(insert.statusCode()).as(insert.body()).isEqualTo(200);

        HttpResponse<String> select = post(url,
                "SELECT id, name, score, length(name) AS len FROM roundtrip ORDER BY id FORMAT TabSeparatedWithNamesAndTypes", null);
        assertThat(select.statusCode()).as(select.body()).isEqualTo(200);
        assertThat(select.body()).isEqualTo("""
                id\tname\tscore\tlen
                UInt32\tString\tFloat64\tUInt64
                1\tAda\t0.5\t3
                2\tO\\'Brien\\ttab\t-2.25\t11
                3\tZürich\t1000\t7
                """);
        assertThat(server.query("SELECT sum(id), count() FROM roundtrip")).isEqualTo("6\t3\n");
        server.query("DROP TABLE roundtrip");
    }

    @Test
    void runsASecondServerAtOnceAndCloseStopsItsProcessAndDeletesItsDirectory() throws Exception {
        long t0 = System.nanoTime();
        ClickHouseServer second = ClickHouseServer.builder().user("alice", "s3cr&t<x>")
                .keepAliveTimeout(Duration.ofSeconds(1)).stopGrace(Duration.ofSeconds(5)).start();
        long started = System.nanoTime();
        long pid = second.pid();
        Path dir = second.directory();
        try {
            assertThat(second.httpPort()).isNotIn(server.httpPort(), server.nativePort());
            assertThat(second.nativePort()).isNotIn(server.httpPort(), server.nativePort(), second.httpPort());
            assertThat(pid).isNotEqualTo(server.pid());
            assertThat(ProcessHandle.of(pid)).isPresent();
            assertThat(ProcessHandle.of(pid).flatMap(p -> p.info().command()).orElseThrow()).contains("clickhouse");
            assertThat(Files.isDirectory(dir.resolve("data"))).isTrue();

            second.query("CREATE TABLE only_here (x UInt8) ENGINE = Memory");
            assertThat(second.query("EXISTS TABLE only_here")).isEqualTo("1\n");
            assertThat(server.query("EXISTS TABLE only_here")).isEqualTo("0\n");

            HttpResponse<String> alice = post(second.httpUrl(),
                    "SELECT user FROM system.processes WHERE query LIKE 'SELECT user%'", "alice:s3cr&t<x>"); // no currentUser() in 18.16
            assertThat(alice.statusCode()).as(alice.body()).isEqualTo(200);
            assertThat(alice.body()).isEqualTo("alice\n");
            HttpResponse<String> wrong = post(second.httpUrl(), "SELECT 1", "alice:wrong");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).startsWith("Code: 193, ").contains("Wrong password for user alice");
        } finally {
            second.close();
        }
        long stopped = System.nanoTime();
        LOG.info("second ClickHouse: start {} ms, close {} ms", (started - t0) / 1_000_000, (stopped - started) / 1_000_000);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(second.isRunning()).isFalse();
        assertThat(dir).doesNotExist();
        assertThat(Duration.ofNanos(stopped - started)).isLessThan(Duration.ofSeconds(5)); // TERM sufficed, no KILL
        assertThat(server.version()).isNotEmpty();
    }

    @Test
    void requireFindsTheInstalledBinary() {
        Path binary = ClickHouseServer.require();
        assertThat(ClickHouseServer.availability()).contains(binary);
        assertThat(Files.isExecutable(binary)).isTrue();
    }
}
