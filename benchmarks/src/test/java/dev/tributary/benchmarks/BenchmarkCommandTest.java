package dev.tributary.benchmarks;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchmarkCommandTest {

    @Test
    void readsDurationsWithUnits() {
        BenchmarkCommand.DurationConverter converter = new BenchmarkCommand.DurationConverter();

        assertThat(converter.convert("300ms")).isEqualTo(Duration.ofMillis(300));
        assertThat(converter.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(converter.convert("PT3S")).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("'soon' is not a duration");
    }

    @Test
    void parsesOptionsWithDefaultsThatFitTheTimeBudget() {
        BenchmarkCommand command = new BenchmarkCommand();
        new CommandLine(command).parseArgs("-s", "point-select,rest", "--rounds", "5");

        assertThat(command.scenarios).containsExactly("point-select", "rest");
        assertThat(command.rounds).isEqualTo(5);
        assertThat(command.duration).isEqualTo(Duration.ofSeconds(2));
        assertThat(command.warmup).isEqualTo(Duration.ofMillis(1500));
        assertThat(command.concurrency).containsExactly(1, 16, 64);
        assertThat(command.poolSize).isEqualTo(16);
        assertThat(command.streamRows).isEqualTo(1_000_000);
    }

    @Test
    void namesTheScenariosWhenOneIsUnknown() {
        assertThat(BenchmarkCommand.Scenario.of("bulk-load")).isEqualTo(BenchmarkCommand.Scenario.BULK_LOAD);
        assertThat(BenchmarkCommand.Scenario.of("JMH")).isEqualTo(BenchmarkCommand.Scenario.JMH);
        assertThatThrownBy(() -> BenchmarkCommand.Scenario.of("soak")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("unknown scenario 'soak'").hasMessageContaining("point-select");
    }
}
