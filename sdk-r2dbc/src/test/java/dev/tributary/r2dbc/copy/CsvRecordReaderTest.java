package dev.tributary.r2dbc.copy;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvRecordReaderTest {

    private static CsvRecordReader reader(String csv) throws IOException {
        return new CsvRecordReader(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<SourceRecord> all(String csv) throws Exception {
        CsvRecordReader reader = reader(csv);
        List<SourceRecord> records = new ArrayList<>();
        for (SourceRecord r = reader.next(); r != null; r = reader.next()) {
            records.add(r);
        }
        return records;
    }

    private static List<String> values(SourceRecord record) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < record.size(); i++) {
            values.add(record.value(i));
        }
        return values;
    }

    @Test
    void knowsTheLineEachRecordStartsOnAcrossEmbeddedLineBreaks() throws Exception {
        List<SourceRecord> records = all("a,b\r\n1,\"two\r\nlines\"\r\n2,x\r\n");

        assertThat(records).extracting(SourceRecord::line).containsExactly(1L, 2L, 4L);
        assertThat(records).extracting(SourceRecord::ordinal).containsExactly(1L, 2L, 3L);
        assertThat(values(records.get(1))).containsExactly("1", "two\r\nlines");
    }

    @Test
    void readsUnquotedEmptyFieldsAsNullAndQuotedOnesAsEmptyStrings() throws Exception {
        List<SourceRecord> records = all("a,b,c\n,\"\",x\n1,\"x\",\n\"say \"\"hi\"\"\",,\n");

        assertThat(values(records.get(1))).containsExactly(null, "", "x");
        // jackson-dataformats-text#615 (fixed in 2.21.2): the empty last field after a quoted one is NULL too
        assertThat(values(records.get(2))).containsExactly("1", "x", null);
        assertThat(values(records.get(3))).containsExactly("say \"hi\"", null, null);
    }

    @Test
    void skipsBlankLinesAndAByteOrderMark() throws Exception {
        List<SourceRecord> records = all("\uFEFFname\n\nAda\n\n\nGrace\n");

        assertThat(records).extracting(r -> r.value(0)).containsExactly("name", "Ada", "Grace");
        assertThat(records).extracting(SourceRecord::line).containsExactly(1L, 3L, 6L);
        assertThat(records).extracting(SourceRecord::ordinal).containsExactly(1L, 2L, 3L);
    }

    @Test
    void namesTheLineWhereARecordWithAnUnclosedQuoteStarts() throws Exception {
        CsvRecordReader reader = reader("a,b\n1,x\n2,\"oops\n3,y\n4,z\n");
        reader.next();
        reader.next();

        assertThatThrownBy(reader::next).isInstanceOfSatisfying(SourceFormatException.class, e -> {
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.ordinal()).isEqualTo(3);
            assertThat(e.reason()).startsWith("unclosed quote in the record that starts at line 3");
        });
    }

    @Test
    void reportsTextAfterAClosingQuoteWithItsPosition() throws Exception {
        CsvRecordReader reader = reader("a,b\n1,\"x\"y\n");
        reader.next();

        assertThatThrownBy(reader::next).isInstanceOfSatisfying(SourceFormatException.class, e -> {
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.reason()).startsWith("malformed CSV at line 2, column ").contains("in the record that starts at line 2");
        });
    }

    @Test
    void reportsInvalidUtf8WithTheLineOfTheBadBytes() throws Exception {
        byte[] bytes = "a\nok\nbad \u00e9 here\n".getBytes(StandardCharsets.UTF_8);
        int bad = Arrays.asList(new String(bytes, StandardCharsets.ISO_8859_1).split("")).indexOf("\u00c3");
        bytes[bad] = (byte) 0xff;
        CsvRecordReader reader = new CsvRecordReader(new ByteArrayInputStream(bytes));
        reader.next();
        reader.next();

        assertThatThrownBy(reader::next).isInstanceOfSatisfying(SourceFormatException.class, e -> {
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.reason()).startsWith("invalid UTF-8 at line 3 (byte offset " + bad + ")");
        });
    }
}
