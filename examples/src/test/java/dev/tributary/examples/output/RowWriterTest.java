package dev.tributary.examples.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RowWriterTest {

    private static Map<String, Object> row(Object... namesAndValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            row.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return row;
    }

    private static String write(OutputFormat format, List<Map<String, Object>> rows) throws IOException {
        StringWriter out = new StringWriter();
        RowWriter writer = RowWriter.create(format, out);
        for (Map<String, Object> row : rows) {
            writer.write(row);
        }
        writer.close();
        assertThat(writer.rowCount()).isEqualTo(rows.size());
        return out.toString();
    }

    @Test
    void writesCsvWithAHeaderRfc4180QuotingAndEmptyStringsApartFromNull() throws IOException {
        String csv = write(OutputFormat.CSV, List.of(
                row("name", "Aleknagik / New Airport", "elevation_ft", 66L, "keywords", null),
                row("name", "He said \"hi\", twice", "elevation_ft", -5L, "keywords", "a,b\nc"),
                row("name", "", "elevation_ft", 0L, "keywords", "2026-11-21T20:07:14.170491Z")));
        assertThat(csv).isEqualTo("name,elevation_ft,keywords\n"
                + "\"Aleknagik / New Airport\",66,\n"
                + "\"He said \"\"hi\"\", twice\",-5,\"a,b\nc\"\n"
                + "\"\",0,\"2026-11-21T20:07:14.170491Z\"\n");
    }

    @Test
    void writesNothingForCsvWithoutRows() throws IOException {
        assertThat(write(OutputFormat.CSV, List.of())).isEmpty();
    }

    @Test
    void writesAJsonArrayWithNativeNumbersNullsAndIsoDates() throws IOException {
        String json = write(OutputFormat.JSON, List.of(
                row("name", "中国", "n", 39L, "lat", 29.323056d, "price", new BigDecimal("12.50"), "d", LocalDate.of(2024, 5, 31),
                        "t", OffsetDateTime.of(2024, 5, 31, 12, 0, 0, 0, ZoneOffset.UTC), "ok", true, "none", null),
                row("name", "x", "n", 1L, "lat", Double.NaN, "price", BigDecimal.ONE, "d", null, "t", null, "ok", false,
                        "none", new String[] {"a", "b"})));
        JsonNode array = new ObjectMapper().readTree(json);
        assertThat(array.isArray()).isTrue();
        assertThat(array).hasSize(2);
        JsonNode first = array.get(0);
        assertThat(first.get("name").asText()).isEqualTo("中国");
        assertThat(first.get("n").isIntegralNumber()).isTrue();
        assertThat(first.get("n").asLong()).isEqualTo(39L);
        assertThat(first.get("lat").asDouble()).isEqualTo(29.323056d);
        assertThat(first.get("price").decimalValue()).isEqualByComparingTo("12.50");
        assertThat(first.get("d").asText()).isEqualTo("2024-05-31");
        assertThat(first.get("t").asText()).isEqualTo("2024-05-31T12:00Z");
        assertThat(first.get("ok").asBoolean()).isTrue();
        assertThat(first.get("none").isNull()).isTrue();
        JsonNode second = array.get(1);
        assertThat(second.get("lat").asText()).isEqualTo("NaN");
        assertThat(second.get("none").isArray()).isTrue();
        assertThat(second.get("none").get(1).asText()).isEqualTo("b");
    }

    @Test
    void embedsJsonColumnsAsJsonAndShowsThemAsTextElsewhere() throws IOException {
        Map<String, Object> row = row("doc", new JsonText("{\"runways\": [\"01L\", \"19R\"]}"));
        JsonNode json = new ObjectMapper().readTree(write(OutputFormat.JSON, List.of(row)));
        assertThat(json.get(0).get("doc").get("runways").get(1).asText()).isEqualTo("19R");
        assertThat(write(OutputFormat.CSV, List.of(row))).isEqualTo("doc\n\"{\"\"runways\"\": [\"\"01L\"\", \"\"19R\"\"]}\"\n");
        assertThat(write(OutputFormat.TABLE, List.of(row)).split("\\R")[2]).isEqualTo("{\"runways\": [\"01L\", \"19R\"]}");
    }

    @Test
    void writesAnEmptyJsonArrayWithoutRows() throws IOException {
        assertThat(write(OutputFormat.JSON, List.of()).trim()).isEqualTo("[ ]");
    }

    @Test
    void writesATableOnClose() throws IOException {
        String table = write(OutputFormat.TABLE, List.of(row("continent", "AS", "large_airports", 142L),
                row("continent", "NA", "large_airports", 116L)));
        assertThat(table.split("\\R")).containsExactly(
                "continent  large_airports",
                "---------  --------------",
                "AS                    142",
                "NA                    116",
                "(2 rows)");
    }

    @Test
    void rejectsARowWithOtherColumnsThanTheFirst() throws IOException {
        RowWriter writer = RowWriter.create(OutputFormat.CSV, new StringWriter());
        writer.write(row("a", 1L, "b", 2L));
        assertThatThrownBy(() -> writer.write(row("b", 2L, "a", 1L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[b, a]")
                .hasMessageContaining("[a, b]");
    }
}
