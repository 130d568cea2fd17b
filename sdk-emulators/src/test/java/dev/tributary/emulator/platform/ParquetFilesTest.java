package dev.tributary.emulator.platform;

import dev.tributary.emulator.platform.ExportWriter.ExportColumn;
import dev.tributary.sql.load.LoadException;
import io.r2dbc.postgresql.codec.Json;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.NanoTime;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static dev.tributary.emulator.platform.FormatTestFiles.TIMEOUT;
import static dev.tributary.emulator.platform.FormatTestFiles.awaitClosed;
import static dev.tributary.emulator.platform.FormatTestFiles.loadFailure;
import static dev.tributary.emulator.platform.FormatTestFiles.openDescriptors;
import static dev.tributary.emulator.platform.FormatTestFiles.record;
import static dev.tributary.emulator.platform.FormatTestFiles.records;
import static dev.tributary.emulator.platform.FormatTestFiles.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Parquet files written by {@link ParquetFiles} and by parquet-java's own example writer, read back
 * with parquet-java and converted to CSV; bad files; resources released on cancel.
 */
class ParquetFilesTest {

    private final ParquetFiles parquet = new ParquetFiles();

    @TempDir
    Path dir;

    private static final List<ExportColumn> TYPED_COLUMNS = List.of(new ExportColumn("id", "INT4"), new ExportColumn("small", "int2"),
            new ExportColumn("big", "int8"), new ExportColumn("ratio", "FLOAT8"), new ExportColumn("real4", "float4"),
            new ExportColumn("amount", "NUMERIC"), new ExportColumn("ok", "BOOL"), new ExportColumn("day", "DATE"),
            new ExportColumn("at", "TIMESTAMPTZ"), new ExportColumn("local_at", "TIMESTAMP"), new ExportColumn("note", "TEXT"),
            new ExportColumn("code", "VARCHAR"), new ExportColumn("doc", "JSONB"), new ExportColumn("raw", "BYTEA"),
            new ExportColumn("tags", "_TEXT"), new ExportColumn("key", "UUID"));

    private static final List<Object[]> TYPED_ROWS = List.of(
            new Object[]{1, (short) -7, 9_007_199_254_740_993L, 0.5, 1.5f, new BigDecimal("12.50"), true, LocalDate.of(2024, 5, 31),
                    OffsetDateTime.of(2024, 6, 1, 8, 30, 15, 123_456_000, ZoneOffset.ofHours(2)),
                    LocalDateTime.of(1850, 1, 1, 0, 0), "Ålesund 日本 القاهرة, \"quoted\"\nline", "NO",
                    Json.of("{\"a\": [1, 2]}"), ByteBuffer.wrap(new byte[]{0x0a, 0x1b, (byte) 0xff}), new String[]{"a", "b c"},
                    UUID.fromString("123e4567-e89b-12d3-a456-426614174000")},
            new Object[]{-2, null, Long.MIN_VALUE, Double.NaN, null, new BigDecimal("0.1000000000000000000001"), false,
                    LocalDate.of(1, 1, 1), null, null, "", null, null, ByteBuffer.allocate(0), null, null},
            new Object[]{null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null});

    @Test
    void writesEachPostgresTypeAsItsParquetTypeAndReadsItBack() throws IOException {
        Path target = this.dir.resolve("typed.parquet");

        assertThat(this.parquet.write(TYPED_COLUMNS, Flux.fromIterable(TYPED_ROWS), target).block(TIMEOUT)).isEqualTo(3);

        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(target),
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
            MessageType schema = reader.getFileMetaData().getSchema();
            assertThat(schema.getFields()).allMatch(field -> field.isRepetition(Type.Repetition.OPTIONAL));
            assertThat(schema.getType("id").asPrimitiveType().getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.INT32);
            assertThat(schema.getType("small").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.intType(16, true));
            assertThat(schema.getType("big").asPrimitiveType().getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.INT64);
            assertThat(schema.getType("ratio").asPrimitiveType().getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.DOUBLE);
            assertThat(schema.getType("real4").asPrimitiveType().getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.FLOAT);
            assertThat(schema.getType("amount").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.stringType());
            assertThat(schema.getType("ok").asPrimitiveType().getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.BOOLEAN);
            assertThat(schema.getType("day").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.dateType());
            assertThat(schema.getType("at").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS));
            assertThat(schema.getType("local_at").getLogicalTypeAnnotation())
                    .isEqualTo(LogicalTypeAnnotation.timestampType(false, TimeUnit.MICROS));
            assertThat(schema.getType("doc").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.jsonType());
            assertThat(schema.getType("raw").getLogicalTypeAnnotation()).isNull();
            assertThat(schema.getType("key").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.stringType());
            assertThat(reader.getRecordCount()).isEqualTo(3);
            assertThat(reader.getFooter().getBlocks().get(0).getColumns()).extracting(ColumnChunkMetaData::getCodec)
                    .containsOnly(CompressionCodecName.SNAPPY);
        }

        assertThat(records(text(this.parquet.toCsv(target)))).containsExactly(
                record("id", "small", "big", "ratio", "real4", "amount", "ok", "day", "at", "local_at", "note", "code", "doc", "raw",
                        "tags", "key"),
                record("1", "-7", "9007199254740993", "0.5", "1.5", "12.50", "true", "2024-05-31", "2024-06-01T06:30:15.123456Z",
                        "1850-01-01T00:00:00", "Ålesund 日本 القاهرة, \"quoted\"\nline", "NO", "{\"a\": [1, 2]}", "\\x0a1bff",
                        "[\"a\",\"b c\"]", "123e4567-e89b-12d3-a456-426614174000"),
                record("-2", null, "-9223372036854775808", "NaN", null, "0.1000000000000000000001", "false", "0001-01-01", null, null, "",
                        null, null, "\\x", null, null),
                record(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null));
    }

    @Test
    void readsTheParquetTypesOtherWritersUse() throws IOException {
        MessageType schema = Types.buildMessage()
                .required(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.decimalType(2, 9)).named("price")
                .required(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MILLIS)).named("at_millis")
                .required(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(false, TimeUnit.NANOS)).named("at_nanos")
                .required(PrimitiveTypeName.INT96).named("spark_at")
                .required(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY).length(16).as(LogicalTypeAnnotation.uuidType()).named("key")
                .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.enumType()).named("mood")
                .required(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(32, false)).named("unsigned")
                .required(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.timeType(false, TimeUnit.MILLIS)).named("clock")
                .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.decimalType(4, 30)).named("huge")
                .optional(PrimitiveTypeName.INT64).named("plain")
                .named("other");
        Path file = this.dir.resolve("other.parquet");
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema)
                .withConf(new PlainParquetConfiguration()).withCompressionCodec(CompressionCodecName.GZIP).build()) {
            UUID key = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
            ByteBuffer keyBytes = ByteBuffer.allocate(16).putLong(key.getMostSignificantBits()).putLong(key.getLeastSignificantBits());
            writer.write(new SimpleGroupFactory(schema).newGroup()
                    .append("price", 1234)
                    .append("at_millis", Instant.parse("2024-05-31T12:00:00.250Z").toEpochMilli())
                    .append("at_nanos", 1_717_156_800_123_456_789L)
                    .append("spark_at", new NanoTime(2_460_462, 43_200_000_000_001L).toBinary()) // 2024-05-31, noon and 1 ns
                    .append("key", Binary.fromConstantByteArray(keyBytes.array()))
                    .append("mood", "happy")
                    .append("unsigned", -1)
                    .append("clock", 45_015_250)
                    .append("huge", Binary.fromConstantByteArray(new BigDecimal("-12345678901234567890123.4567").unscaledValue().toByteArray())));
        }

        assertThat(records(text(this.parquet.toCsv(file)))).containsExactly(
                record("price", "at_millis", "at_nanos", "spark_at", "key", "mood", "unsigned", "clock", "huge", "plain"),
                record("12.34", "2024-05-31T12:00:00.25Z", "2024-05-31T12:00:00.123456789", "2024-05-31T12:00:00.000000001Z",
                        "123e4567-e89b-12d3-a456-426614174000", "happy", "4294967295", "12:30:15.25", "-12345678901234567890123.4567", null));
    }

    @Test
    void rejectsANestedColumnNamingIt() throws IOException {
        MessageType schema = Types.buildMessage()
                .required(PrimitiveTypeName.INT32).named("id")
                .optionalGroup().optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("city").named("address")
                .named("nested");
        Path file = this.dir.resolve("nested.parquet");
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema)
                .withConf(new PlainParquetConfiguration()).build()) {
            Group row = new SimpleGroupFactory(schema).newGroup().append("id", 1);
            row.addGroup("address").append("city", "Oslo");
            writer.write(row);
        }

        LoadException error = loadFailure(this.parquet.toCsv(file));

        assertThat(error.getColumn()).isEqualTo("address");
        assertThat(error.getMessage()).isEqualTo("column 'address' is nested (a group): only flat Parquet files, one value per column, "
                + "can be imported (nested.parquet, column 'address')");
    }

    @Test
    void rejectsDuplicateColumnNames() {
        assertThatThrownBy(() -> this.parquet.write(List.of(new ExportColumn("id", "int4"), new ExportColumn("id", "int8")),
                Flux.empty(), this.dir.resolve("twice.parquet")).block(TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two columns named 'id'");
    }

    @Test
    void rejectsAValueThatDoesNotFitItsColumnAndLeavesNoFileBehind() throws IOException {
        Path target = this.dir.resolve("bad.parquet");

        assertThatThrownBy(() -> this.parquet.write(List.of(new ExportColumn("id", "int4"), new ExportColumn("n", "int2")),
                Flux.just(new Object[]{1, (short) 1}, new Object[]{2, 40_000}), target).block(TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("row 2, column 'n' (int2): cannot write the Integer as Parquet INT16: 40000 is out of the int2 range");
        assertThat(FormatTestFiles.fileNames(this.dir)).isEmpty();
    }

    @Test
    void rejectsAFileThatIsNotParquet() throws IOException {
        Path csv = Files.writeString(this.dir.resolve("cities.parquet"), "name,lat\nVila,42.5\n");

        LoadException error = loadFailure(this.parquet.toCsv(csv));

        assertThat(error.getMessage()).isEqualTo("the file is not a Parquet file (it does not start and end with the magic bytes PAR1)"
                + " (cities.parquet)");
    }

    @Test
    void rejectsACorruptFileNamingIt() throws IOException {
        Path good = this.dir.resolve("good.parquet");
        this.parquet.write(List.of(new ExportColumn("n", "int8"), new ExportColumn("label", "text")),
                Flux.range(1, 5_000).map(i -> new Object[]{(long) i, "label " + i}), good).block(TIMEOUT);
        byte[] bytes = Files.readAllBytes(good);
        for (int i = 64; i < 4_064; i++) {
            bytes[i] ^= 0x5a; // inside the first column chunk's pages
        }
        Path corrupt = Files.write(this.dir.resolve("corrupt.parquet"), bytes);

        LoadException error = loadFailure(this.parquet.toCsv(corrupt));

        assertThat(error.getSource()).isEqualTo("corrupt.parquet");
        assertThat(error.getMessage()).startsWith("cannot read the Parquet file: ").contains("(corrupt.parquet, line 1)");
    }

    @Test
    void closesTheFileWhenTheConversionIsCancelled() throws Exception {
        Path big = this.dir.resolve("big.parquet");
        this.parquet.write(List.of(new ExportColumn("n", "int4"), new ExportColumn("label", "text")),
                Flux.range(1, 30_000).map(i -> new Object[]{i, "row number " + i + " of a file too long for one chunk"}), big)
                .block(TIMEOUT);

        StepVerifier.create(this.parquet.toCsv(big), 1)
                .assertNext(chunk -> assertThat(StandardCharsets.UTF_8.decode(chunk).toString()).startsWith("n,label\n1,"))
                .then(() -> assertThat(openDescriptors(big)).as("the file is open while it is read").isPositive())
                .thenCancel()
                .verify(TIMEOUT);

        assertThat(awaitClosed(big)).isZero();
    }
}
