package dev.tributary.r2dbc.copy;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonRecordReaderTest {

    private static JsonRecordReader reader(String json, SourceColumns columns) throws IOException {
        return new JsonRecordReader(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), columns);
    }

    private static List<SourceRecord> all(JsonRecordReader reader) throws Exception {
        List<SourceRecord> records = new ArrayList<>();
        for (SourceRecord r = reader.next(); r != null; r = reader.next()) {
            records.add(r);
        }
        return records;
    }

    @Test
    void readsAnArrayOfObjectsWithKindsAndNestedJson() throws Exception {
        SourceColumns columns = new SourceColumns();
        List<SourceRecord> records = all(reader("[\n{\"id\": 1, \"name\": \"a\", \"ok\": true, \"tags\": [\"x\", {\"y\": null}]},\n"
                + "{\"name\": \"b\", \"extra\": null, \"id\": 2.5}\n]", columns));

        assertThat(columns.names()).containsExactly("id", "name", "ok", "tags", "extra");
        assertThat(records).extracting(SourceRecord::line).containsExactly(2L, 3L);
        SourceRecord first = records.get(0);
        assertThat(first.value(0)).isEqualTo("1");
        assertThat(first.kind(0)).isEqualTo(SourceRecord.NUMBER);
        assertThat(first.kind(1)).isEqualTo(SourceRecord.TEXT);
        assertThat(first.kind(2)).isEqualTo(SourceRecord.BOOLEAN);
        assertThat(first.value(3)).isEqualTo("[\"x\",{\"y\":null}]");
        assertThat(first.kind(3)).isEqualTo(SourceRecord.STRUCTURE);
        assertThat(first.value(4)).isNull();
        SourceRecord second = records.get(1);
        assertThat(second.value(0)).isEqualTo("2.5");
        assertThat(second.value(2)).isNull();
        assertThat(second.value(3)).isNull();
    }

    @Test
    void readsNdjsonWithBlankLines() throws Exception {
        List<SourceRecord> records = all(reader("{\"a\":\"x\"}\n\n{\"a\":\"y\"}\n", new SourceColumns()));

        assertThat(records).extracting(r -> r.value(0)).containsExactly("x", "y");
        assertThat(records).extracting(SourceRecord::line).containsExactly(1L, 3L);
        assertThat(records).extracting(SourceRecord::ordinal).containsExactly(1L, 2L);
    }

    @Test
    void refusesARecordThatIsNotAnObject() throws Exception {
        JsonRecordReader reader = reader("[{\"a\":1}, 2]", new SourceColumns());
        reader.next();

        assertThatThrownBy(reader::next).isInstanceOfSatisfying(SourceFormatException.class, e -> {
            assertThat(e.ordinal()).isEqualTo(2);
            assertThat(e.reason()).isEqualTo("record 2 is a JSON number, not a JSON object");
        });
    }

    @Test
    void refusesAKeyOnceTheColumnsAreFrozen() throws Exception {
        SourceColumns columns = new SourceColumns();
        columns.indexOf("a");
        columns.freeze("after the sample");
        JsonRecordReader reader = reader("{\"a\":1}\n{\"a\":2,\"b\":3}\n", columns);
        reader.next();

        assertThatThrownBy(reader::next).isInstanceOfSatisfying(SourceFormatException.class, e -> {
            assertThat(e.column()).isEqualTo("b");
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.reason()).isEqualTo("the key 'b' first appears in record 2, after the sample");
        });
    }

    @Test
    void reportsSyntaxErrorsWithLineAndColumn() throws Exception {
        JsonRecordReader reader = reader("[\n{\"a\": 1},\n{\"a\": }\n]", new SourceColumns());
        reader.next();

        assertThatThrownBy(reader::next).isInstanceOfSatisfying(SourceFormatException.class, e -> {
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.ordinal()).isEqualTo(2);
            assertThat(e.reason()).startsWith("invalid JSON at line 3, column 7 (in record 2, which starts at line 3): Unexpected character ('}'");
        });
    }

    @Test
    void refusesContentAfterTheTopLevelArray() throws Exception {
        JsonRecordReader reader = reader("[{\"a\":1}]\n{\"a\":2}", new SourceColumns());
        reader.next();

        assertThatThrownBy(reader::next).isInstanceOfSatisfying(SourceFormatException.class,
                e -> assertThat(e.reason()).contains("content after the end of the top-level array"));
    }
}
