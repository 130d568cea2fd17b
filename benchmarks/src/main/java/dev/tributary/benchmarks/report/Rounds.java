package dev.tributary.benchmarks.report;

import java.util.Arrays;
import java.util.List;

/**
 * The figures of one measurement over several rounds: the median is quoted, min and max are the
 * noise note. Immutable.
 *
 * @param values the rounds' values in the order they ran; not empty
 */
public record Rounds(List<Double> values) {

    public Rounds {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("a measurement needs at least one round");
        }
        values = List.copyOf(values);
    }

    /**
     * @param values the rounds' values
     * @return the rounds
     */
    public static Rounds of(double... values) {
        return new Rounds(Arrays.stream(values).boxed().toList());
    }

    /**
     * @return the median: the middle value, or the mean of the two middle values of an even count
     */
    public double median() {
        double[] sorted = sorted();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** @return the smallest value */
    public double min() {
        return sorted()[0];
    }

    /** @return the largest value */
    public double max() {
        double[] sorted = sorted();
        return sorted[sorted.length - 1];
    }

    /**
     * @return the spread around the median, {@code (max - min) / median} (0 for one round, or a zero median)
     */
    public double spread() {
        double median = median();
        return median == 0 ? 0 : (max() - min()) / median;
    }

    private double[] sorted() {
        return this.values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }
}
