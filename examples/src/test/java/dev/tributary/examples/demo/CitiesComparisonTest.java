package dev.tributary.examples.demo;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How the demo decides that ClickHouse's and PostgreSQL's answers agree. */
class CitiesComparisonTest {

    private static Map<String, Object> row(String country, Number cities, Number regions, double avgLat, double maxLat) {
        return Map.of("country", country, "cities", cities, "regions", regions, "avg_lat", avgLat, "max_lat", maxLat);
    }

    @Test
    void answersAgreeAcrossNumberTypesAndSummationOrder() {
        // ClickHouse counts are UInt64 (BigInteger), PostgreSQL's bigint (Long); doubles summed in another order
        List<Map<String, Object>> ch = List.of(row("US", BigInteger.valueOf(17_343), BigInteger.valueOf(51), 38.339812345678904, 71.2906));
        List<Map<String, Object>> pg = List.of(row("US", 17_343L, 51L, 38.33981234567891, 71.2906));
        assertThat(CitiesComparison.firstDifference(ch, pg)).isNull();
    }

    @Test
    void namesTheFirstDifferenceRowColumnAndBothValues() {
        List<Map<String, Object>> ch = List.of(row("US", 17_343L, 51L, 38.3398, 71.2906), row("IT", 10_053L, 20L, 43.4299, 47.0403));
        List<Map<String, Object>> pg = List.of(row("US", 17_343L, 51L, 38.3398, 71.2906), row("IT", 10_053L, 21L, 43.4299, 47.0403));
        assertThat(CitiesComparison.firstDifference(ch, pg)).isEqualTo("row 2 (IT / IT): regions 20 in ClickHouse, 21 in PostgreSQL");
        assertThat(CitiesComparison.firstDifference(ch, pg.subList(0, 1))).isEqualTo("ClickHouse answered 2 rows, PostgreSQL 1");
        List<Map<String, Object>> shifted = List.of(row("US", 17_343L, 51L, 38.3398, 71.2906), row("IT", 10_053L, 20L, 43.43, 47.0403));
        assertThat(CitiesComparison.firstDifference(ch, shifted)).isEqualTo("row 2 (IT / IT): avg_lat 43.4299 in ClickHouse, 43.43 in PostgreSQL");
        List<Map<String, Object>> other = List.of(row("MX", 17_343L, 51L, 38.3398, 71.2906), row("IT", 10_053L, 20L, 43.4299, 47.0403));
        assertThat(CitiesComparison.firstDifference(ch, other)).isEqualTo("row 1 (US / MX): country US in ClickHouse, MX in PostgreSQL");
    }
}
