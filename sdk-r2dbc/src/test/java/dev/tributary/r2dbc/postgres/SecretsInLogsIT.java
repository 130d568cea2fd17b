package dev.tributary.r2dbc.postgres;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import dev.tributary.testkit.postgres.ServerTls;
import io.r2dbc.spi.ConnectionFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Passwords and API keys never reach logs, {@code toString()} or exception messages. The search
 * runs over everything {@link SecretsInLogsScenario} captured and printed in a JVM of its own,
 * with r2dbc-postgresql at DEBUG and reactor-netty at TRACE from the start. The one level that does
 * show secrets, TRACE on r2dbc-postgresql's client logger (a wire dump), is pinned down by its own
 * test so that the package documentation stays true.
 */
class SecretsInLogsIT {

    static final String CLEARTEXT_PASSWORD = "S3cret-Cleartext-pw";
    static final String MD5_PASSWORD = "S3cret-Md5-pw";
    static final String ALICE_KEY = "v2_S3cretAliceApiKey";
    static final String WRONG = "S3cret-Wrong-guess";
    private static final List<String> SECRETS = List.of(CLEARTEXT_PASSWORD, MD5_PASSWORD, ALICE_KEY, WRONG);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static ServerTls tls;
    private static EmbeddedPostgresServer pg;

    @BeforeAll
    static void startServer() {
        tls = ServerTls.selfSigned("localhost");
        pg = EmbeddedPostgresServer.builder()
                .tls(tls)
                .hba("host all app 127.0.0.1/32 password")
                .hba("host all md5_app 127.0.0.1/32 md5")
                .hba("host all alice 127.0.0.1/32 scram-sha-256")
                .start();
        pg.execute("CREATE ROLE app LOGIN PASSWORD '" + CLEARTEXT_PASSWORD + "'",
                "SET password_encryption = 'md5'",
                "CREATE ROLE md5_app LOGIN PASSWORD '" + MD5_PASSWORD + "'",
                "SET password_encryption = 'scram-sha-256'",
                "CREATE ROLE alice LOGIN PASSWORD '" + ALICE_KEY + "'",
                "CREATE DATABASE \"alice/demo\" OWNER alice");
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
        tls.close();
    }

    @Test
    void noSecretReachesLogsToStringOrErrorsAtDebug() throws Exception {
        String output = runScenarioInItsOwnJvm();

        assertThat(output).contains("---END---").contains("CONNECTED=12").contains("DENIED=12");
        assertThat(output).as("the protocol, TLS and transport were logged at DEBUG/TRACE")
                .contains("io.r2dbc.postgresql.client.ReactorNettyClient@DEBUG")
                .contains("io.netty.handler.ssl.SslHandler@DEBUG")
                .contains("reactor.netty.resources.NewConnectionProvider@DEBUG");
        assertThat(output).as("the authentication exchanges were logged")
                .contains("Request:  PasswordMessage{password='...'}")
                .contains("SASLInitialResponse{")
                .contains("password authentication failed for user \"app\"")
                .contains("password authentication failed for user \"md5_app\"")
                .contains("password authentication failed for user \"alice\"")
                .contains("r2dbc-postgresql does not support Kerberos/GSSAPI authentication");
        for (String secret : SECRETS) {
            assertThat(output).as("logged events, toString() and errors").doesNotContain(secret);
        }
    }

    private static String runScenarioInItsOwnJvm() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dio.netty.leakDetection.level=paranoid", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"),
                SecretsInLogsScenario.class.getName(), Integer.toString(pg.port())));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (InputStream in = process.getInputStream()) {
            in.transferTo(output);
        }
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the scenario JVM finished").isTrue();
        String text = output.toString(StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(text).isZero();
        return text;
    }

    @Test
    void traceOnTheDriversClientLoggerDumpsThePasswordBytesEvenUnderTls() {
        // r2dbc-postgresql 1.1.1 checks TRACE on io.r2dbc.postgresql.client.ReactorNettyClient for each
        // connection and then adds a Netty LoggingHandler that hex-dumps the protocol inside TLS
        List<ILoggingEvent> events;
        try (LogCapture capture = LogCapture.start(Map.of("io.r2dbc.postgresql.client.ReactorNettyClient", Level.TRACE))) {
            SessionFacts session = SessionFacts.of(ConnectionFactories.get("r2dbc:alloydb://app:" + CLEARTEXT_PASSWORD
                    + "@127.0.0.1:" + pg.port() + "/postgres?sslmode=require")).block(TIMEOUT);
            assertThat(session).isNotNull();
            assertThat(session.ssl()).isTrue();
            events = capture.events();
        }

        assertThat(events).anyMatch(event -> indexOf(dumpedBytes(event.getFormattedMessage()),
                CLEARTEXT_PASSWORD.getBytes(StandardCharsets.UTF_8)) >= 0);
    }

    private static final Pattern DUMP_ROW = Pattern.compile("^\\|[0-9a-f]{8}\\|((?: [0-9a-f]{2}| {3}){16}) \\|", Pattern.MULTILINE);

    /** The bytes of a Netty hex dump ({@code |00000000| 70 00 ... |p...|} rows). */
    private static byte[] dumpedBytes(String message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Matcher row = DUMP_ROW.matcher(message);
        while (row.find()) {
            for (String hex : row.group(1).trim().split("\\s+")) {
                if (!hex.isEmpty()) {
                    bytes.write(Integer.parseInt(hex, 16));
                }
            }
        }
        return bytes.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
