package dev.tributary.examples.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TargetDatabaseTest {

    @Test
    void describesAUrlByDriverHostPortAndDatabaseOnly() {
        assertThat(TargetDatabase.describe("r2dbc:postgresql://alice:s3cr%40t@db.example.com:6543/flights?sslMode=require"))
                .isEqualTo("r2dbc:postgresql://db.example.com:6543/flights");
        assertThat(TargetDatabase.describe("r2dbc:pool:postgresql://db.example.com/app"))
                .isEqualTo("r2dbc:pool:postgresql://db.example.com/app");
        assertThat(TargetDatabase.describe("not a url at all")).isEqualTo("an R2DBC URL that cannot be parsed");
    }

    @Test
    void redactsTheUrlAndItsPasswordAsWrittenAndDecoded() {
        String url = "r2dbc:postgresql://alice:s3cr%40t@db.example.com:6543/flights";
        SecretRedaction redaction = SecretRedaction.of(Map.of("TRIBUTARY_URL", url));
        assertThat(redaction.apply("failed on " + url)).isEqualTo("failed on <TRIBUTARY_URL>");
        assertThat(redaction.apply("password s3cr@t and s3cr%40t")).isEqualTo("password REDACTED and REDACTED");
        assertThat(SecretRedaction.of(Map.of()).apply("nothing to hide")).isEqualTo("nothing to hide");
    }
}
