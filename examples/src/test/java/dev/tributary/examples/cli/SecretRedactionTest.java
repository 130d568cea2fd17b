package dev.tributary.examples.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What is taken out of error messages and of picocli's trace: URLs, passwords, API keys. */
class SecretRedactionTest {

    @Test
    void takesOutTheKeyOfTheEnvironmentAndKeysAddedLater() {
        SecretRedaction redaction = SecretRedaction.of(Map.of("TRIBUTARY_API_KEY", "my-own-key-format"));
        redaction.addSecret("another key");
        redaction.addSecret(null);
        redaction.addSecret("  ");
        assertThat(redaction.apply("401 for my-own-key-format and another key")).isEqualTo("401 for REDACTED and REDACTED");
    }

    @Test
    void takesOutBothDatabaseUrlsAndTheirPasswords() {
        SecretRedaction redaction = SecretRedaction.of(Map.of(
                "TRIBUTARY_URL", "r2dbc:postgresql://app:pg%2Fsecret@db:5432/app",
                "TRIBUTARY_CLICKHOUSE_URL", "r2dbc:clickhouse://loader:ch-s3cret@127.0.0.1:8123/default"));
        assertThat(redaction.apply("cannot reach r2dbc:clickhouse://loader:ch-s3cret@127.0.0.1:8123/default"))
                .isEqualTo("cannot reach <TRIBUTARY_CLICKHOUSE_URL>");
        assertThat(redaction.apply("password ch-s3cret refused; pg/secret and pg%2Fsecret too"))
                .isEqualTo("password REDACTED refused; REDACTED and REDACTED too");
        assertThat(redaction.apply("at r2dbc:postgresql://app:pg%2Fsecret@db:5432/app")).isEqualTo("at <TRIBUTARY_URL>");
    }

    @Test
    void takesOutAnythingShapedLikeAPlatformKeyButNotShortNames() {
        SecretRedaction redaction = SecretRedaction.of(Map.of());
        assertThat(redaction.apply("Unknown option: '--api-key=v2_Q8mXw2ZrT5nB7yK1pL4sD9fG3hJ6'"))
                .isEqualTo("Unknown option: '--api-key=REDACTED'");
        assertThat(redaction.apply("relation \"v2_orders\" does not exist")).isEqualTo("relation \"v2_orders\" does not exist");
    }

    @Test
    void redactedStderrWritesEachLineWithoutTheArgumentsKeys() {
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        PrintStream err = RedactedStderr.over(new PrintStream(target, true, StandardCharsets.UTF_8),
                Map.of("TRIBUTARY_API_KEY", "env-key-1"),
                new String[] {"db", "list", "-k", "short-key", "--api-key=other-key", "-kglued-key"});
        err.print("[picocli INFO] Parsing 4 command line args [db, list, -k, short");
        err.print("-key] ");
        assertThat(target.size()).isZero(); // nothing before the end of the line: a key split in two is redacted whole
        err.println("env-key-1 other-key glued-key v2_Q8mXw2ZrT5nB7yK1pL4sD9fG3hJ6");
        err.print("no line break");
        err.flush();
        assertThat(target.toString(StandardCharsets.UTF_8)).doesNotContain("no line break");
        err.close();
        assertThat(target.toString(StandardCharsets.UTF_8)).isEqualTo("[picocli INFO] Parsing 4 command line args"
                + " [db, list, -k, REDACTED] REDACTED REDACTED REDACTED REDACTED" + System.lineSeparator() + "no line break");
    }
}
