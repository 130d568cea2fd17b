package dev.tributary.benchmarks.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RoundsTest {

    @Test
    void quotesTheMiddleValueOfAnOddCountWhateverTheOrderTheRoundsRanIn() {
        Rounds rounds = Rounds.of(30, 10, 20);

        assertThat(rounds.median()).isEqualTo(20);
        assertThat(rounds.min()).isEqualTo(10);
        assertThat(rounds.max()).isEqualTo(30);
        assertThat(rounds.values()).containsExactly(30.0, 10.0, 20.0);
    }

    @Test
    void quotesTheMeanOfTheTwoMiddleValuesOfAnEvenCount() {
        assertThat(Rounds.of(4, 1, 3, 100).median()).isEqualTo(3.5);
    }

    @Test
    void measuresTheSpreadAroundTheMedian() {
        assertThat(Rounds.of(90, 100, 110).spread()).isEqualTo(0.2);
        assertThat(Rounds.of(42).spread()).isZero();
        assertThat(Rounds.of(0, 0).spread()).isZero();
    }

    @Test
    void refusesAMeasurementWithoutRounds() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Rounds(List.of())).withMessageContaining("at least one round");
    }
}
