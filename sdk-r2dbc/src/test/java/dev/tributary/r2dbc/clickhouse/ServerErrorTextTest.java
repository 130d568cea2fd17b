package dev.tributary.r2dbc.clickhouse;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ServerErrorTextTest {

    @Test
    void parsesTheRealOldFormWithoutItsPrefixAndSuffix() {
        String text = new String(TabSeparatedReaderTest.resource("syntax-error.txt"), StandardCharsets.UTF_8);
        ServerErrorText error = ServerErrorText.parse(text).orElseThrow();
        assertThat(error.code()).isEqualTo(62);
        assertThat(error.message()).startsWith("Syntax error: failed at position 1: SELEC 1. Expected one of:")
                .endsWith("DESCRIBE, Query").doesNotContain("e.what()").doesNotContain("displayText");
    }

    @Test
    void parsesTheOldFormWithAVersionSuffix() {
        assertThat(ServerErrorText.parse("Code: 60, e.displayText() = DB::Exception: Table default.x doesn't exist."
                + " (version 20.8.3.18 (official build))\n"))
                .contains(new ServerErrorText(60, "Table default.x doesn't exist."));
        assertThat(ServerErrorText.parse("Code: 516, e.displayText() = DB::Exception: default: Authentication failed,"
                + " e.what() = DB::Exception (version 19.17.4.11 (official build))"))
                .contains(new ServerErrorText(516, "default: Authentication failed"));
    }

    @Test
    void parsesTheModernForm() {
        assertThat(ServerErrorText.parse("Code: 60. DB::Exception: Table default.x does not exist. (UNKNOWN_TABLE)"
                + " (version 23.8.2.7 (official build))\n"))
                .contains(new ServerErrorText(60, "Table default.x does not exist. (UNKNOWN_TABLE)"));
    }

    @Test
    void dropsAStackTrace() {
        assertThat(ServerErrorText.parse("Code: 241. DB::Exception: Memory limit exceeded\nStack trace:\n0. x\n1. y"))
                .contains(new ServerErrorText(241, "Memory limit exceeded"));
        assertThat(ServerErrorText.parse("Code: 1, e.displayText() = DB::Exception: boom, Stack trace:\n\n0. x"))
                .contains(new ServerErrorText(1, "boom"));
    }

    @Test
    void keepsAMessageThatIsNotADbException() {
        assertThat(ServerErrorText.parse("Code: 1000, e.displayText() = Poco::Exception. Code: 1000, e.code() = 13,"
                + " e.displayText() = Access to file denied, e.what() = Poco::Exception"))
                .contains(new ServerErrorText(1000, "Poco::Exception. Code: 1000, e.code() = 13,"
                        + " e.displayText() = Access to file denied"));
    }

    @Test
    void rejectsTextThatIsNoErrorText() {
        assertThat(ServerErrorText.parse("Ok.\n")).isEmpty();
        assertThat(ServerErrorText.parse("1\t2\n")).isEmpty();
        assertThat(ServerErrorText.parse("Code: x")).isEmpty();
        assertThat(ServerErrorText.parse(null)).isEmpty();
        assertThat(ServerErrorText.parse("")).isEmpty();
    }

    @Test
    void failureCarriesTheParsedError() {
        ServerErrorText.Failure failure = new ServerErrorText.Failure(new ServerErrorText(395, "boom"));
        assertThat(failure.error().code()).isEqualTo(395);
        assertThat(failure).hasMessage("ClickHouse error 395: boom");
    }
}
