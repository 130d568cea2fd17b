package dev.tributary.examples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the command line does before it touches a database: help, version, usage errors. */
class TributaryCommandTest {

    private static final Map<String, String> NO_URL = Map.of();

    @Test
    void printsHelpNamingTheCommandsAndTheUrlVariable() {
        CommandRun run = CommandRun.of(NO_URL, "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: tributary", "demo", "query", "load", "export", "TRIBUTARY_URL",
                "db", "import", "emulator", "TRIBUTARY_API_KEY", "TRIBUTARY_BASE_URL", "2   usage error");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void demoHelpSaysTheTablesAreDroppedAndReloaded() {
        CommandRun run = CommandRun.of(NO_URL, "demo", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().replaceAll("\\s+", " "))
                .contains("airports, countries, regions, world_countries and bitbucket_issues are DROPPED and reloaded at each run");
    }

    @Test
    void queryAndExportHelpSayTheyUseTheDemoDataWithoutAUrl() {
        assertThat(CommandRun.of(NO_URL, "query", "--help").out().replaceAll("\\s+", " "))
                .contains("Without TRIBUTARY_URL, runs on a one-off embedded PostgreSQL loaded with the demo data sets");
        assertThat(CommandRun.of(NO_URL, "export", "--help").out().replaceAll("\\s+", " "))
                .contains("Without TRIBUTARY_URL, exports from a one-off embedded PostgreSQL loaded with the demo data sets");
    }

    @Test
    void printsTheVersionOfTheBuild() {
        CommandRun run = CommandRun.of(NO_URL, "--version");
        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines().get(0)).matches("tributary \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(run.outLines().get(1)).startsWith("Java " + System.getProperty("java.version"));
    }

    @Test
    void exitsWithTwoWithoutACommand() {
        CommandRun run = CommandRun.of(NO_URL);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("Missing command: demo, query, load, export, db, import, emulator or bitbucket");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void exitsWithTwoForAnUnknownOutputFormat() {
        CommandRun run = CommandRun.of(NO_URL, "query", "--output", "xml", "SELECT 1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Invalid value for option '--output'", "'xml'");
    }

    @Test
    void exitsWithTwoForAnUnknownCommand() {
        CommandRun run = CommandRun.of(NO_URL, "upsert", "x.csv");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Unmatched argument", "'upsert'");
    }

    @Test
    void exitsWithTwoWhenExportIsGivenBothATableAndAQuery() {
        CommandRun run = CommandRun.of(NO_URL, "export", "--table", "airports", "--query", "SELECT 1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("mutually exclusive");
    }

    @Test
    void exitsWithTwoWhenExportIsGivenNeitherTableNorQuery() {
        CommandRun run = CommandRun.of(NO_URL, "export", "--format", "ndjson");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required argument", "--table", "--query");
    }

    @Test
    void exitsWithTwoWhenLoadHasNoTable() {
        CommandRun run = CommandRun.of(NO_URL, "load", "airports.csv");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required option: '--table=TABLE'");
    }

    @Test
    void exitsWithTwoWhenTheFileFormatCannotBeToldFromItsName(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("airports.txt"), "a,b\n1,2\n");
        CommandRun run = CommandRun.of(NO_URL, "load", file.toString(), "--table", "t");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Cannot tell the format of", "airports.txt", "--format");
    }

    @Test
    void exitsWithTwoForMaxRowsBelowOne() {
        CommandRun run = CommandRun.of(NO_URL, "query", "--max-rows", "0", "SELECT 1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--max-rows must be at least 1, was 0");
    }

    @Test
    void exitsWithOneAndOneLineWhenTheFileToLoadIsMissing(@TempDir Path dir) {
        CommandRun run = CommandRun.of(NO_URL, "load", dir.resolve("missing.csv").toString(), "--table", "t");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("tributary load: Cannot read the file " + dir.resolve("missing.csv")
                + System.lineSeparator());
    }

    @Test
    void exitsWithOneWithoutShowingThePasswordWhenTheDatabaseIsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        CommandRun run = CommandRun.of(Map.of("TRIBUTARY_URL", "r2dbc:postgresql://bob:Sekr1t%2Fpw@127.0.0.1:" + closedPort + "/app"),
                "query", "SELECT 1");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("tributary query: ").contains(String.valueOf(closedPort))
                .doesNotContain("Sekr1t").doesNotContain("bob:");
        assertThat(run.err().strip()).doesNotContain("\n");
    }

    @Test
    void exitsWithOneWithoutShowingTheUrlForAUrlThatIsNotR2dbc() {
        CommandRun run = CommandRun.of(Map.of("TRIBUTARY_URL", "postgres://bob:hunter2@db.example.com/app"),
                "query", "SELECT 1");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("tributary query: ").doesNotContain("hunter2").doesNotContain("bob:");
        assertThat(run.err().strip()).doesNotContain("\n");
    }

    @Test
    void platformHelpNamesTheApiKeyOptionsWithoutAValue() {
        CommandRun run = CommandRun.of(Map.of("TRIBUTARY_API_KEY", "v2_abcdefghijklmnopqrstuvwxyz0123"), "db", "list", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("-k, --api-key[=KEY]", "--base-url=URL", "TRIBUTARY_API_KEY")
                .doesNotContain("v2_abcdefghijklmnopqrstuvwxyz0123");
        assertThat(CommandRun.of(NO_URL, "import", "--help").out().replaceAll("\\s+", " "))
                .contains("exits with 1 and the service's error id, type and details");
        assertThat(CommandRun.of(NO_URL, "query", "--help").out().replaceAll("\\s+", " "))
                .contains("With -d <user>/<db>, runs on that platform database through its HTTP API");
    }

    @Test
    void exitsWithTwoWhenImportHasNoDatabaseOrTable() {
        CommandRun run = CommandRun.of(NO_URL, "import", "x.csv", "--table", "t");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required option: '--database=USER/DB'");
        CommandRun noTable = CommandRun.of(NO_URL, "import", "x.csv", "-d", "alice/demo");
        assertThat(noTable.exitCode()).isEqualTo(2);
        assertThat(noTable.err()).contains("Missing required option: '--table=TABLE'");
    }

    @Test
    void exitsWithTwoWithoutADbCommand() {
        CommandRun run = CommandRun.of(NO_URL, "db");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("Missing command: list, create, get, update or delete");
    }

    @Test
    void exitsWithTwoForAnInvalidHeaderModeNamingTheValues() {
        CommandRun run = CommandRun.of(NO_URL, "import", "x.csv", "-d", "alice/demo", "-t", "t", "--header", "maybe");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Invalid value for option '--header'", "AUTO", "FIRST_ROW", "NO_HEADER");
    }

    @Test
    void anApiKeyGivenToAnOptionThatTakesNoneIsNotEchoedInTheUsageError() {
        String key = "v2_Q8mXw2ZrT5nB7yK1pL4sD9fG3hJ6";
        CommandRun run = CommandRun.of(NO_URL, "demo", "--api-key=" + key);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown option: '--api-key=REDACTED'").doesNotContain(key);
    }
}
