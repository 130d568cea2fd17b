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
    void describesClickHouseAndByteHouseUrlsInEachOfTheirForms() {
        assertThat(TargetDatabase.describe("r2dbc:clickhouse://default:pw@127.0.0.1:8123/default?max_execution_time=30"))
                .isEqualTo("r2dbc:clickhouse://127.0.0.1:8123/default");
        assertThat(TargetDatabase.describe("r2dbc:bytehouse:///?region=AP-SOUTHEAST-1&user=bytehouse&password=k3y-s3cret"))
                .isEqualTo("r2dbc:bytehouse://?region=AP-SOUTHEAST-1");
        assertThat(TargetDatabase.describe("r2dbc:bytehouse://gw.example.com:8123/sales?account=AC1&user=alice&password=pw"))
                .isEqualTo("r2dbc:bytehouse://gw.example.com:8123/sales");
    }

    @Test
    void redactsByteHousePasswordsAndApiKeysGivenInTheQueryString() {
        String url = "r2dbc:bytehouse:///?region=AP-SOUTHEAST-1&user=bytehouse&password=k3y%2Fs3cret&vw=etl";
        SecretRedaction redaction = SecretRedaction.of(Map.of("TRIBUTARY_CLICKHOUSE_URL", url));
        assertThat(redaction.apply("failed on " + url)).isEqualTo("failed on <TRIBUTARY_CLICKHOUSE_URL>");
        assertThat(redaction.apply("key k3y/s3cret or k3y%2Fs3cret")).isEqualTo("key REDACTED or REDACTED");
        SecretRedaction apiKey = SecretRedaction.of(Map.of("TRIBUTARY_URL", "r2dbc:bytehouse://gw.example.com/?apiKey=AbC-123-key"));
        assertThat(apiKey.apply("refused AbC-123-key")).isEqualTo("refused REDACTED");
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
