package dev.tributary.emulator.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.tributary.sql.load.LoadException;
import io.r2dbc.postgresql.codec.Json;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.NanoTime;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DateLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.EnumLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.JsonLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.StringLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.UUIDLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Apache Parquet files, with Apache parquet-java ({@code parquet-hadoop}, on local files: no
 * Hadoop file system, only a few Hadoop classes it still loads). Exports write the platform API's
 * {@code parquet} format; imports read a flat Parquet file back, so that an export re-imports as
 * the same rows.
 *
 * <h2>Export</h2>
 * One column per result column, every one {@code OPTIONAL} (SQL {@code NULL} is a missing value),
 * typed from the column's PostgreSQL type (case-insensitive; the driver's {@code INT4} and the SQL
 * name {@code integer} alike):
 * <table>
 * <caption>PostgreSQL types and the Parquet types they are written as</caption>
 * <tr><th>PostgreSQL</th><th>Parquet</th></tr>
 * <tr><td>{@code int2}</td><td>{@code INT32} annotated {@code INT(16, signed)}</td></tr>
 * <tr><td>{@code int4}</td><td>{@code INT32} annotated {@code INT(32, signed)}</td></tr>
 * <tr><td>{@code int8}</td><td>{@code INT64} annotated {@code INT(64, signed)}</td></tr>
 * <tr><td>{@code float4}, {@code float8}</td><td>{@code FLOAT}, {@code DOUBLE}</td></tr>
 * <tr><td>{@code bool}</td><td>{@code BOOLEAN}</td></tr>
 * <tr><td>{@code date}</td><td>{@code INT32} annotated {@code DATE}</td></tr>
 * <tr><td>{@code timestamp}</td><td>{@code INT64} {@code TIMESTAMP(MICROS, isAdjustedToUTC=false)}</td></tr>
 * <tr><td>{@code timestamptz}</td><td>{@code INT64} {@code TIMESTAMP(MICROS, isAdjustedToUTC=true)}</td></tr>
 * <tr><td>{@code numeric}</td><td>{@code BINARY} {@code STRING}: its exact decimal text (an
 * unconstrained {@code numeric} has no precision and scale a Parquet {@code DECIMAL} needs)</td></tr>
 * <tr><td>{@code json}, {@code jsonb}</td><td>{@code BINARY} {@code JSON}</td></tr>
 * <tr><td>{@code bytea}</td><td>{@code BINARY}, the bytes</td></tr>
 * <tr><td>anything else ({@code text}, {@code varchar}, {@code uuid}, {@code time}, arrays, ...)</td>
 * <td>{@code BINARY} {@code STRING}: the value's text (arrays as JSON)</td></tr>
 * </table>
 * Pages are {@value #COMPRESSION}-compressed, through snappy-java, whose native library ships
 * inside its jar (no Hadoop or system native library is needed). Rows are buffered in row groups of
 * at most {@value #ROW_GROUP_BYTES} bytes, so memory stays bounded. A value that does not fit its
 * column (a {@code String} in an {@code int4} column, a timestamp beyond the microseconds a long
 * holds) fails the export with an {@link IllegalArgumentException} naming the row and column.
 *
 * <h2>Import</h2>
 * A flat file (every column a primitive, not repeated) is read row group by row group; the CSV has
 * a header with the column names. Values: integers and floating point numbers as Java writes them
 * ({@code 42}, {@code 0.5}, {@code 1.0E20}; unsigned integers as unsigned), booleans as
 * {@code true}/{@code false}, {@code DECIMAL} in plain notation, {@code DATE} as
 * {@code 2024-05-31}, {@code TIMESTAMP} as ISO 8601 ({@code 2024-05-31T12:00:00Z} when adjusted to
 * UTC, {@code 2024-05-31T12:00:00} when not; legacy {@code INT96} timestamps as UTC), {@code TIME}
 * as {@code 12:30:00}, strings, enums and JSON as their text (an empty string as {@code ""}),
 * {@code UUID} in its canonical form, other binary values as PostgreSQL's hex {@code bytea} text
 * ({@code \x0a1b}), missing values as empty fields. Page checksums, where the writer wrote them,
 * are verified. A file that is not Parquet, has an encrypted
 * footer, or has a nested, repeated, {@code FLOAT16}, {@code INTERVAL} or other column it cannot
 * show as text is a {@link LoadException} naming the file (and the column).
 */
final class ParquetFiles implements ImportConverter, ExportWriter {

    /** The compression of exported pages. */
    static final String COMPRESSION = "SNAPPY";

    /** The largest row group an export buffers before writing it. */
    static final long ROW_GROUP_BYTES = 32L * 1024 * 1024;

    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENCRYPTED_MAGIC = "PARE".getBytes(StandardCharsets.US_ASCII);

    private static final long JULIAN_DAY_OF_EPOCH = 2_440_588L;
    private static final long NANOS_PER_DAY = 86_400_000_000_000L;

    private static final JsonMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    @Override
    public Flux<ByteBuffer> toCsv(Path file) {
        return CsvFormat.toCsv(file, "Parquet", ParquetFiles::openRows);
    }

    @Override
    public Mono<Long> write(List<ExportColumn> columns, Flux<Object[]> rows, Path target) {
        return Mono.defer(() -> {
            MessageType schema;
            try {
                schema = schema(columns);
            } catch (IllegalArgumentException e) {
                return Mono.error(e);
            }
            return ExportFileFormat.write(columns, rows, target, file -> new FileRowWriter(columns, schema, file));
        });
    }

    // ---- export ---------------------------------------------------------------------------

    /** How an exported column is written. */
    enum ColumnKind {
        INT16, INT32, INT64, FLOAT, DOUBLE, BOOLEAN, DATE, TIMESTAMP, TIMESTAMPTZ, BYTES, JSON, STRING;

        /**
         * @param postgresType a PostgreSQL type name as the driver reports it ({@code INT4}) or as SQL
         *                     writes it ({@code integer}); case-insensitive
         * @return how a column of that type is written
         */
        static ColumnKind of(String postgresType) {
            switch (postgresType.trim().toLowerCase(Locale.ROOT)) {
                case "int2":
                case "smallint":
                    return INT16;
                case "int4":
                case "integer":
                case "int":
                    return INT32;
                case "int8":
                case "bigint":
                    return INT64;
                case "float4":
                case "real":
                    return FLOAT;
                case "float8":
                case "double precision":
                    return DOUBLE;
                case "bool":
                case "boolean":
                    return BOOLEAN;
                case "date":
                    return DATE;
                case "timestamp":
                case "timestamp without time zone":
                    return TIMESTAMP;
                case "timestamptz":
                case "timestamp with time zone":
                    return TIMESTAMPTZ;
                case "bytea":
                    return BYTES;
                case "json":
                case "jsonb":
                    return JSON;
                default:
                    return STRING;
            }
        }

        PrimitiveType type(String name) {
            switch (this) {
                case INT16:
                    return Types.optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(16, true)).named(name);
                case INT32:
                    return Types.optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(32, true)).named(name);
                case INT64:
                    return Types.optional(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.intType(64, true)).named(name);
                case FLOAT:
                    return Types.optional(PrimitiveTypeName.FLOAT).named(name);
                case DOUBLE:
                    return Types.optional(PrimitiveTypeName.DOUBLE).named(name);
                case BOOLEAN:
                    return Types.optional(PrimitiveTypeName.BOOLEAN).named(name);
                case DATE:
                    return Types.optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.dateType()).named(name);
                case TIMESTAMP:
                    return Types.optional(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(false, TimeUnit.MICROS)).named(name);
                case TIMESTAMPTZ:
                    return Types.optional(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS)).named(name);
                case BYTES:
                    return Types.optional(PrimitiveTypeName.BINARY).named(name);
                case JSON:
                    return Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.jsonType()).named(name);
                default:
                    return Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(name);
            }
        }
    }

    /**
     * @param columns the result's columns
     * @return the Parquet schema they are written with
     * @throws IllegalArgumentException when two columns have the same name (Parquet needs distinct names)
     */
    static MessageType schema(List<ExportColumn> columns) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("an export needs at least one column");
        }
        Set<String> names = new HashSet<>();
        Types.MessageTypeBuilder builder = Types.buildMessage();
        for (ExportColumn column : columns) {
            if (!names.add(column.name())) {
                throw new IllegalArgumentException("the result has two columns named '" + column.name()
                        + "'; a Parquet file needs distinct column names (alias one of them)");
            }
            builder.addField(ColumnKind.of(column.postgresType()).type(column.name()));
        }
        return builder.named("schema");
    }

    /** Writes one export's file. */
    private static final class FileRowWriter implements ExportFileFormat.RowWriter {

        private final List<ExportColumn> columns;
        private final ColumnKind[] kinds;
        private final ParquetWriter<Object[]> writer;

        FileRowWriter(List<ExportColumn> columns, MessageType schema, Path file) throws IOException {
            this.columns = columns;
            this.kinds = columns.stream().map(c -> ColumnKind.of(c.postgresType())).toArray(ColumnKind[]::new);
            this.writer = new RowWriterBuilder(new LocalOutputFile(file), new RowWriteSupport(schema, this.kinds))
                    .withConf(new PlainParquetConfiguration())
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .withCompressionCodec(CompressionCodecName.valueOf(COMPRESSION))
                    .withRowGroupSize(ROW_GROUP_BYTES)
                    .build();
        }

        @Override
        public void write(Object[] row, long rowNumber) throws IOException {
            Object[] values = new Object[row.length];
            for (int i = 0; i < row.length; i++) {
                if (row[i] != null) {
                    try {
                        values[i] = parquetValue(this.kinds[i], row[i]);
                    } catch (RuntimeException e) {
                        ExportColumn column = this.columns.get(i);
                        throw new IllegalArgumentException("row " + rowNumber + ", column '" + column.name() + "' ("
                                + column.postgresType() + "): cannot write the " + row[i].getClass().getSimpleName()
                                + " as Parquet " + this.kinds[i] + ": " + CsvFormat.describe(e), e);
                    }
                }
            }
            this.writer.write(values);
        }

        @Override
        public void finish() {
            // the footer is written on close
        }

        @Override
        public void close() throws IOException {
            this.writer.close();
        }
    }

    /**
     * @return the value as the record consumer takes it: {@code Integer}, {@code Long},
     *         {@code Float}, {@code Double}, {@code Boolean} or {@link Binary}
     */
    private static Object parquetValue(ColumnKind kind, Object value) {
        switch (kind) {
            case INT16:
                return (int) shortValue(value);
            case INT32:
                return Math.toIntExact(longValue(value));
            case INT64:
                return longValue(value);
            case FLOAT:
                return ((Number) value).floatValue();
            case DOUBLE:
                return ((Number) value).doubleValue();
            case BOOLEAN:
                return (Boolean) value;
            case DATE:
                return Math.toIntExact(((LocalDate) value).toEpochDay());
            case TIMESTAMP:
                return epochMicros(value instanceof LocalDateTime at ? at.toInstant(ZoneOffset.UTC) : instant(value));
            case TIMESTAMPTZ:
                return epochMicros(instant(value));
            case BYTES:
                return Binary.fromConstantByteArray(bytes(value));
            case JSON:
                return Binary.fromString(value instanceof Json json ? json.asString() : value instanceof String s ? s : jsonText(value));
            default:
                return Binary.fromString(text(value));
        }
    }

    private static short shortValue(Object value) {
        long v = longValue(value);
        if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
            throw new ArithmeticException(v + " is out of the int2 range");
        }
        return (short) v;
    }

    private static long longValue(Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigDecimal d) {
            return d.longValueExact();
        }
        if (value instanceof BigInteger i) {
            return i.longValueExact();
        }
        throw new ClassCastException("not an integer");
    }

    private static Instant instant(Object value) {
        if (value instanceof OffsetDateTime at) {
            return at.toInstant();
        }
        if (value instanceof ZonedDateTime at) {
            return at.toInstant();
        }
        if (value instanceof Instant at) {
            return at;
        }
        if (value instanceof LocalDateTime at) {
            return at.toInstant(ZoneOffset.UTC);
        }
        throw new ClassCastException("not a timestamp");
    }

    private static long epochMicros(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
    }

    private static byte[] bytes(Object value) {
        if (value instanceof ByteBuffer buffer) {
            byte[] copy = new byte[buffer.remaining()];
            buffer.duplicate().get(copy);
            return copy;
        }
        if (value instanceof byte[] bytes) {
            return bytes.clone();
        }
        throw new ClassCastException("not bytes");
    }

    private static String text(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof Json json) {
            return json.asString();
        }
        if (value instanceof ByteBuffer || value instanceof byte[]) {
            return CsvFormat.byteaHex(bytes(value));
        }
        if (value.getClass().isArray() || value instanceof Collection) {
            return jsonText(value);
        }
        return value.toString();
    }

    private static String jsonText(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write it as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The parquet-java builder of a writer of rows (arrays of converted values). */
    private static final class RowWriterBuilder extends ParquetWriter.Builder<Object[], RowWriterBuilder> {

        private final RowWriteSupport support;

        RowWriterBuilder(LocalOutputFile file, RowWriteSupport support) {
            super(file);
            this.support = support;
        }

        @Override
        protected RowWriterBuilder self() {
            return this;
        }

        @Override
        protected WriteSupport<Object[]> getWriteSupport(ParquetConfiguration conf) {
            return this.support;
        }

        @Override
        protected WriteSupport<Object[]> getWriteSupport(Configuration conf) {
            return this.support;
        }
    }

    /** Hands rows of converted values to parquet-java's record consumer. */
    private static final class RowWriteSupport extends WriteSupport<Object[]> {

        private final MessageType schema;
        private final ColumnKind[] kinds;
        private RecordConsumer consumer;

        RowWriteSupport(MessageType schema, ColumnKind[] kinds) {
            this.schema = schema;
            this.kinds = kinds;
        }

        @Override
        public WriteContext init(Configuration configuration) {
            return new WriteContext(this.schema, Map.of());
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return new WriteContext(this.schema, Map.of());
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.consumer = recordConsumer;
        }

        @Override
        public void write(Object[] values) {
            this.consumer.startMessage();
            for (int i = 0; i < values.length; i++) {
                Object value = values[i];
                if (value == null) {
                    continue;
                }
                String name = this.schema.getFieldName(i);
                this.consumer.startField(name, i);
                switch (this.kinds[i]) {
                    case INT16:
                    case INT32:
                    case DATE:
                        this.consumer.addInteger((Integer) value);
                        break;
                    case INT64:
                    case TIMESTAMP:
                    case TIMESTAMPTZ:
                        this.consumer.addLong((Long) value);
                        break;
                    case FLOAT:
                        this.consumer.addFloat((Float) value);
                        break;
                    case DOUBLE:
                        this.consumer.addDouble((Double) value);
                        break;
                    case BOOLEAN:
                        this.consumer.addBoolean((Boolean) value);
                        break;
                    default:
                        this.consumer.addBinary((Binary) value);
                        break;
                }
                this.consumer.endField(name, i);
            }
            this.consumer.endMessage();
        }
    }

    // ---- import ---------------------------------------------------------------------------

    private static CsvFormat.RecordReader openRows(Path file) throws IOException {
        String source = CsvFormat.sourceName(file);
        checkMagic(file, source);
        ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file),
                ParquetReadOptions.builder(new PlainParquetConfiguration()).usePageChecksumVerification(true).build());
        try {
            MessageType schema = reader.getFileMetaData().getSchema();
            ValueText[] texts = new ValueText[schema.getFieldCount()];
            for (int i = 0; i < texts.length; i++) {
                texts[i] = valueText(schema.getType(i), source);
            }
            return new FileRowReader(reader, schema, texts);
        } catch (RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    private static void checkMagic(Path file, String source) throws IOException {
        byte[] head = new byte[4];
        byte[] tail = new byte[4];
        long size;
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            size = channel.size();
            if (size >= 12) {
                channel.read(ByteBuffer.wrap(head));
                channel.position(size - 4);
                channel.read(ByteBuffer.wrap(tail));
            }
        }
        if (size >= 12 && Arrays.equals(head, MAGIC) && Arrays.equals(tail, ENCRYPTED_MAGIC)) {
            throw new LoadException("the Parquet file is encrypted (an encrypted footer); export it without encryption",
                    source, 0, 0, null, null);
        }
        if (size < 12 || !Arrays.equals(head, MAGIC) || !Arrays.equals(tail, MAGIC)) {
            throw new LoadException("the file is not a Parquet file (it does not start and end with the magic bytes PAR1"
                    + (size < 12 ? ", and has only " + size + " bytes" : "") + ")", source, 0, 0, null, null);
        }
    }

    /** Writes one value of a row as CSV text. */
    @FunctionalInterface
    private interface ValueText {
        String text(Group row, int field);
    }

    private static ValueText valueText(Type type, String source) {
        if (!type.isPrimitive() || type.isRepetition(Type.Repetition.REPEATED)) {
            throw new LoadException("column '" + type.getName() + "' is " + (type.isPrimitive() ? "repeated" : "nested (a group)")
                    + ": only flat Parquet files, one value per column, can be imported", source, 0, 0, type.getName(), null);
        }
        PrimitiveType primitive = type.asPrimitiveType();
        LogicalTypeAnnotation annotation = primitive.getLogicalTypeAnnotation();
        switch (primitive.getPrimitiveTypeName()) {
            case BOOLEAN:
                return (row, i) -> row.getBoolean(i, 0) ? "true" : "false";
            case FLOAT:
                return (row, i) -> Float.toString(row.getFloat(i, 0));
            case DOUBLE:
                return (row, i) -> Double.toString(row.getDouble(i, 0));
            case INT32:
                return int32Text(annotation, type.getName(), source);
            case INT64:
                return int64Text(annotation, type.getName(), source);
            case INT96:
                return (row, i) -> int96Text(row.getInt96(i, 0));
            case BINARY:
            case FIXED_LEN_BYTE_ARRAY:
                return binaryText(annotation, type.getName(), source);
            default:
                throw unsupported(type.getName(), primitive.toString(), source);
        }
    }

    private static ValueText int32Text(LogicalTypeAnnotation annotation, String name, String source) {
        if (annotation == null) {
            return (row, i) -> Integer.toString(row.getInteger(i, 0));
        }
        if (annotation instanceof IntLogicalTypeAnnotation integer) {
            return integer.isSigned() ? (row, i) -> Integer.toString(row.getInteger(i, 0))
                    : (row, i) -> Integer.toUnsignedString(row.getInteger(i, 0));
        }
        if (annotation instanceof DateLogicalTypeAnnotation) {
            return (row, i) -> LocalDate.ofEpochDay(row.getInteger(i, 0)).format(DateTimeFormatter.ISO_LOCAL_DATE);
        }
        if (annotation instanceof DecimalLogicalTypeAnnotation decimal) {
            return (row, i) -> BigDecimal.valueOf(row.getInteger(i, 0), decimal.getScale()).toPlainString();
        }
        if (annotation instanceof TimeLogicalTypeAnnotation) {
            return (row, i) -> LocalTime.ofNanoOfDay(row.getInteger(i, 0) * 1_000_000L).format(DateTimeFormatter.ISO_LOCAL_TIME);
        }
        throw unsupported(name, "INT32 " + annotation, source);
    }

    private static ValueText int64Text(LogicalTypeAnnotation annotation, String name, String source) {
        if (annotation == null) {
            return (row, i) -> Long.toString(row.getLong(i, 0));
        }
        if (annotation instanceof IntLogicalTypeAnnotation integer) {
            return integer.isSigned() ? (row, i) -> Long.toString(row.getLong(i, 0)) : (row, i) -> Long.toUnsignedString(row.getLong(i, 0));
        }
        if (annotation instanceof DecimalLogicalTypeAnnotation decimal) {
            return (row, i) -> BigDecimal.valueOf(row.getLong(i, 0), decimal.getScale()).toPlainString();
        }
        if (annotation instanceof TimestampLogicalTypeAnnotation timestamp) {
            TimeUnit unit = timestamp.getUnit();
            if (timestamp.isAdjustedToUTC()) {
                return (row, i) -> instant(row.getLong(i, 0), unit).atOffset(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            }
            return (row, i) -> LocalDateTime.ofInstant(instant(row.getLong(i, 0), unit), ZoneOffset.UTC)
                    .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
        }
        if (annotation instanceof TimeLogicalTypeAnnotation time) {
            long nanosPerUnit = time.getUnit() == TimeUnit.MICROS ? 1_000L : 1L;
            return (row, i) -> LocalTime.ofNanoOfDay(row.getLong(i, 0) * nanosPerUnit).format(DateTimeFormatter.ISO_LOCAL_TIME);
        }
        throw unsupported(name, "INT64 " + annotation, source);
    }

    private static Instant instant(long value, TimeUnit unit) {
        switch (unit) {
            case MILLIS:
                return Instant.ofEpochMilli(value);
            case MICROS:
                return Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1_000L);
            default:
                return Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000_000L), Math.floorMod(value, 1_000_000_000L));
        }
    }

    /** Legacy Impala/Spark timestamps: a Julian day and the nanoseconds of that day, taken as UTC. */
    private static String int96Text(Binary value) {
        NanoTime time = NanoTime.fromBinary(value);
        long days = time.getJulianDay() - JULIAN_DAY_OF_EPOCH;
        Instant at = Instant.ofEpochSecond(Math.multiplyExact(days, 86_400L)).plusNanos(time.getTimeOfDayNanos() % NANOS_PER_DAY);
        return at.atOffset(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    private static ValueText binaryText(LogicalTypeAnnotation annotation, String name, String source) {
        if (annotation == null) {
            return (row, i) -> CsvFormat.byteaHex(row.getBinary(i, 0).getBytes());
        }
        if (annotation instanceof StringLogicalTypeAnnotation || annotation instanceof EnumLogicalTypeAnnotation
                || annotation instanceof JsonLogicalTypeAnnotation) {
            return (row, i) -> row.getBinary(i, 0).toStringUsingUTF8();
        }
        if (annotation instanceof DecimalLogicalTypeAnnotation decimal) {
            return (row, i) -> new BigDecimal(new BigInteger(row.getBinary(i, 0).getBytes()), decimal.getScale()).toPlainString();
        }
        if (annotation instanceof UUIDLogicalTypeAnnotation) {
            return (row, i) -> {
                ByteBuffer bytes = row.getBinary(i, 0).toByteBuffer();
                return new UUID(bytes.getLong(bytes.position()), bytes.getLong(bytes.position() + 8)).toString();
            };
        }
        if (annotation instanceof LogicalTypeAnnotation.BsonLogicalTypeAnnotation) {
            return (row, i) -> CsvFormat.byteaHex(row.getBinary(i, 0).getBytes());
        }
        throw unsupported(name, annotation.toString(), source);
    }

    private static LoadException unsupported(String column, String type, String source) {
        return new LoadException("column '" + column + "' is of the Parquet type " + type + ", which cannot be imported as text",
                source, 0, 0, column, null);
    }

    /** The rows of a file, row group by row group. */
    private static final class FileRowReader implements CsvFormat.RecordReader {

        private final ParquetFileReader reader;
        private final MessageType schema;
        private final MessageColumnIO columns;
        private final ValueText[] texts;
        private boolean headerWritten;
        private PageReadStore rowGroup;
        private RecordReader<Group> records;
        private long remaining;
        private long row;

        FileRowReader(ParquetFileReader reader, MessageType schema, ValueText[] texts) {
            this.reader = reader;
            this.schema = schema;
            this.columns = new ColumnIOFactory().getColumnIO(schema);
            this.texts = texts;
        }

        @Override
        public boolean next(CsvFormat.Record out) throws IOException {
            if (!this.headerWritten) {
                this.headerWritten = true;
                for (Type field : this.schema.getFields()) {
                    out.field(field.getName());
                }
                return true;
            }
            while (this.remaining == 0) {
                if (this.rowGroup != null) {
                    this.rowGroup.close();
                    this.rowGroup = null;
                }
                PageReadStore next = this.reader.readNextRowGroup();
                if (next == null) {
                    return false;
                }
                this.rowGroup = next;
                this.remaining = next.getRowCount();
                this.records = this.columns.getRecordReader(next, new GroupRecordConverter(this.schema));
            }
            Group values = this.records.read();
            this.remaining--;
            this.row++;
            for (int i = 0; i < this.texts.length; i++) {
                out.field(values.getFieldRepetitionCount(i) == 0 ? null : this.texts[i].text(values, i));
            }
            return true;
        }

        /** @return the 1-based row being read (the header is not a row of the file) */
        @Override
        public long line() {
            return this.row + 1;
        }

        @Override
        public void close() throws IOException {
            try {
                if (this.rowGroup != null) {
                    this.rowGroup.close();
                }
            } finally {
                this.reader.close();
            }
        }
    }
}
