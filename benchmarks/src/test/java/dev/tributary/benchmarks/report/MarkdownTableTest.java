package dev.tributary.benchmarks.report;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class MarkdownTableTest {

    @Test
    void rendersHeaderAlignmentAndRowsWithNumericColumnsRightAligned() {
        String table = new MarkdownTable("contender", "#queries/s", "#vs r2dbc-pool")
                .row("Tributary", MarkdownTable.figure(12345.6), MarkdownTable.ratio(12345.6, 10000))
                .row("a|b", 7, null)
                .render();

        assertThat(table).isEqualTo("""
                | contender | queries/s | vs r2dbc-pool |
                |---|---:|---:|
                | Tributary | 12,346 | 1.23x |
                | a\\|b | 7 |  |
                """);
    }

    @Test
    void refusesARowWithTheWrongNumberOfCells() {
        assertThatIllegalArgumentException().isThrownBy(() -> new MarkdownTable("a", "b").row("only one"))
                .withMessageContaining("2 columns").withMessageContaining("got 1");
    }

    @Test
    void formatsFiguresWithThreeSignificantDigitsBelowAHundred() {
        assertThat(MarkdownTable.figure(1_234_567.4)).isEqualTo("1,234,567");
        assertThat(MarkdownTable.figure(100)).isEqualTo("100");
        assertThat(MarkdownTable.figure(42.14)).isEqualTo("42.1");
        assertThat(MarkdownTable.figure(3.14159)).isEqualTo("3.14");
        assertThat(MarkdownTable.figure(0.04449)).isEqualTo("0.044");
        assertThat(MarkdownTable.figure(Double.NaN)).isEqualTo("n/a");
    }

    @Test
    void givesNoRatioWithoutABaseline() {
        assertThat(MarkdownTable.ratio(5, 10)).isEqualTo("0.50x");
        assertThat(MarkdownTable.ratio(5, 0)).isEqualTo("n/a");
        assertThat(MarkdownTable.ratio(5, Double.NaN)).isEqualTo("n/a");
        assertThat(MarkdownTable.ratio(Double.NaN, 3)).isEqualTo("n/a");
    }

    @Test
    void notesTheNoiseAsMinMedianMaxOfTheRounds() {
        assertThat(MarkdownTable.noise(Rounds.of(950, 1000, 1200))).isEqualTo("950 / 1,000 / 1,200 (3)");
    }

    @Test
    void reportPrintsEachBlockAndKeepsTheWholeReportInItsFile() throws Exception {
        Path file = Files.createTempDirectory("report-test").resolve("results/latest.md");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Report report = new Report(new PrintStream(printed, true, StandardCharsets.UTF_8), file);

        report.add("# Title");
        report.add("| a |\n|---|\n| 1 |\n");

        String expected = "# Title\n\n| a |\n|---|\n| 1 |\n\n";
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(Files.readString(file)).isEqualTo(expected);
        assertThat(report.text()).isEqualTo(expected);
    }
}
