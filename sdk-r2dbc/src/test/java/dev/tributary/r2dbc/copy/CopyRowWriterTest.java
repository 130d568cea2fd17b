package dev.tributary.r2dbc.copy;

import dev.tributary.sql.load.ColumnType;
import dev.tributary.sql.load.LoadException;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CancellationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CopyRowWriterTest {

    private static RecordStream records(SourceRecord... records) {
        Deque<SourceRecord> held = new ArrayDeque<>(List.of(records));
        return new RecordStream(held, null, null, null, -1, 0, "test");
    }

    private static SourceRecord record(long ordinal, String[] values, byte... kinds) {
        return new SourceRecord(ordinal + 1, ordinal, values, kinds.length == 0 ? null : kinds);
    }

    private static String drain(CopyRowWriter writer) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (!writer.exhausted()) {
            ByteBuf chunk = writer.nextChunk();
            if (chunk != null) {
                try {
                    byte[] bytes = new byte[chunk.readableBytes()];
                    chunk.readBytes(bytes);
                    out.writeBytes(bytes);
                } finally {
                    chunk.release();
                }
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void writesCopyCsvWithNullsEmptyStringsAndNormalizedValues() throws Exception {
        List<TargetColumn> targets = List.of(
                TargetColumn.created("label", ColumnType.TEXT, true, ""),
                TargetColumn.created("n", ColumnType.BIGINT, true, ""),
                TargetColumn.created("at", ColumnType.TIMESTAMPTZ, true, ""),
                TargetColumn.created("doc", ColumnType.JSONB, true, ""));
        CopyRowWriter writer = new CopyRowWriter(records(
                record(1, new String[]{"a,b", "42", "2024-05-31T12:00", "{\"x\":1}"},
                        SourceRecord.TEXT, SourceRecord.NUMBER, SourceRecord.TEXT, SourceRecord.STRUCTURE),
                record(2, new String[]{"", "", "2024-05-31", "plain \"q\""},
                        SourceRecord.TEXT, SourceRecord.TEXT, SourceRecord.TEXT, SourceRecord.TEXT),
                record(3, new String[]{"\\.", null, null, null})), targets, "test");

        assertThat(drain(writer)).isEqualTo("\"a,b\",\"42\",\"2024-05-31T12:00+00\",\"{\"\"x\"\":1}\"\n"
                + "\"\",,\"2024-05-31 00:00:00+00\",\"\"\"plain \\\"\"q\\\"\"\"\"\"\n"
                + "\"\\.\",,,\n");
    }

    @Test
    void cutsTheDataIntoChunksOfAbout64KiB() throws Exception {
        List<SourceRecord> many = new ArrayList<>();
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 5_000; i++) {
            String text = "row " + i + " " + "é".repeat(40);
            many.add(record(i, new String[]{String.valueOf(i), text}));
            expected.append('"').append(i).append("\",\"").append(text).append("\"\n");
        }
        CopyRowWriter writer = new CopyRowWriter(records(many.toArray(new SourceRecord[0])), List.of(
                TargetColumn.created("id", ColumnType.BIGINT, false, ""), TargetColumn.created("text", ColumnType.TEXT, false, "")), "test");

        List<Integer> sizes = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (!writer.exhausted()) {
            ByteBuf chunk = writer.nextChunk();
            sizes.add(chunk.readableBytes());
            byte[] bytes = new byte[chunk.readableBytes()];
            chunk.readBytes(bytes);
            chunk.release();
            out.writeBytes(bytes);
        }

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected.toString());
        assertThat(sizes).hasSizeGreaterThan(5);
        assertThat(sizes.subList(0, sizes.size() - 1)).allSatisfy(size ->
                assertThat(size).isBetween(CopyRowWriter.CHUNK_SIZE, CopyRowWriter.CHUNK_SIZE + 20_000));
    }

    @Test
    void namesTheRecordLineAndColumnOfAValueThatDoesNotFit() throws Exception {
        CopyRowWriter writer = new CopyRowWriter(records(
                record(1, new String[]{"1"}), record(2, new String[]{"x1"})),
                List.of(TargetColumn.created("n", ColumnType.BIGINT, false, " (inferred)")), "numbers.csv");

        assertThatThrownBy(writer::nextChunk).isInstanceOfSatisfying(LoadException.class, e -> {
            assertThat(e.getRecord()).isEqualTo(2);
            assertThat(e.getLine()).isEqualTo(3);
            assertThat(e.getColumn()).isEqualTo("n");
            assertThat(e.getMessage()).isEqualTo("\"x1\" is not a bigint (inferred) (numbers.csv, line 3, record 2, column 'n')");
        });
        writer.close();
    }

    @Test
    void checksValuesForExistingColumnTypes() throws Exception {
        assertThat(misfit(TargetColumn.existing("s", "smallint", "int2", false), "40000")).isEqualTo("\"40000\" is not a smallint");
        assertThat(misfit(TargetColumn.existing("b", "boolean", "bool", false), "maybe")).isEqualTo("\"maybe\" is not a boolean");
        assertThat(misfit(TargetColumn.existing("d", "date", "date", false), "31/05/2024"))
                .startsWith("\"31/05/2024\" is not a date (expected ISO 8601");
        assertThat(misfit(TargetColumn.existing("j", "jsonb", "jsonb", false), "{oops")).isEqualTo("\"{oops\" is not valid JSON");
        assertThat(misfit(TargetColumn.existing("n", "numeric(5,2)", "numeric", false), "1.5")).isNull();
        assertThat(misfit(TargetColumn.existing("u", "uuid", "uuid", false), "not checked here")).isNull();
    }

    private static String misfit(TargetColumn column, String value) throws Exception {
        com.fasterxml.jackson.dataformat.csv.CsvGenerator generator = com.fasterxml.jackson.dataformat.csv.CsvFactory.builder().build()
                .createGenerator(new ByteArrayOutputStream());
        generator.setSchema(com.fasterxml.jackson.dataformat.csv.CsvSchema.emptySchema());
        generator.writeStartArray();
        generator.writeStartArray();
        return column.write(generator, SourceRecord.TEXT, value);
    }

    @Test
    void refusesToWriteOnceClosed() throws Exception {
        CopyRowWriter writer = new CopyRowWriter(records(record(1, new String[]{"1"})),
                List.of(TargetColumn.created("n", ColumnType.BIGINT, false, "")), "test");
        writer.close();

        assertThatThrownBy(writer::nextChunk).isInstanceOf(CancellationException.class);
    }
}
