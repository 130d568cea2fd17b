package dev.tributary.r2dbc.clickhouse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TabSeparatedReaderTest {

    static byte[] resource(String name) {
        try (InputStream in = TabSeparatedReaderTest.class.getResourceAsStream("/clickhouse/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /clickhouse/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a whole body fed as the given chunks; rows as joined strings for easy comparison. */
    private static Result read(byte[] body, int... cuts) {
        TabSeparatedReader reader = new TabSeparatedReader(true);
        List<String[]> rows = new ArrayList<>();
        int from = 0;
        RuntimeException failure = null;
        try {
            for (int cut : cuts) {
                rows.addAll(feed(reader, body, from, cut));
                from = cut;
            }
            rows.addAll(feed(reader, body, from, body.length));
            rows.addAll(reader.finish());
        } catch (RuntimeException e) {
            failure = e;
        }
        return new Result(reader, rows, failure);
    }

    private static List<String[]> feed(TabSeparatedReader reader, byte[] body, int from, int to) {
        ByteBuf chunk = Unpooled.copiedBuffer(body, from, to - from);
        try {
            int readerIndex = chunk.readerIndex();
            List<String[]> rows = reader.feed(chunk);
            assertThat(chunk.readerIndex()).isEqualTo(readerIndex);
            return rows;
        } finally {
            chunk.release();
        }
    }

    private record Result(TabSeparatedReader reader, List<String[]> rows, RuntimeException failure) {
        List<String> joined() {
            return rows.stream().map(r -> String.join("|", r)).toList();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsTheRealAllTypesBodyWithHeaderAndRawFields() {
        Result result = read(resource("all-types.tsv"));
        assertThat(result.failure).isNull();
        assertThat(result.reader.names()).hasSize(34).startsWith("i8", "i16").contains("dtz", "sarr").endsWith("lc");
        assertThat(result.reader.types()).hasSize(34);
        assertThat(result.reader.types().get(19).name()).isEqualTo("DateTime('Europe/Paris')");
        assertThat(result.reader.types().get(22).enumValues()).containsEntry("it's", -3).containsEntry("b,)", 2);
        assertThat(result.rows).hasSize(1);
        String[] row = result.rows.get(0);
        assertThat(row).hasSize(34);
        assertThat(row[0]).isEqualTo("-128");
        assertThat(row[15]).isEqualTo("tab\\there\\nnew line \\\\ back \\'quote\\' \\0nul é 日本 🎉");
        assertThat(row[28]).isEqualTo("['a','b\\'c','tab\\tx','']");
        assertThat(row[25]).isEqualTo("\\N");
    }

    @Test
    void givesTheSameRowsForEverySplitPointOfTheRealBody() {
        byte[] body = resource("all-types.tsv");
        List<String> expected = read(body).joined();
        for (int cut = 0; cut <= body.length; cut++) {
            Result result = read(body, cut);
            assertThat(result.failure).as("cut at %d", cut).isNull();
            assertThat(result.joined()).as("cut at %d", cut).isEqualTo(expected);
            assertThat(result.reader.types()).hasSize(34);
        }
        // and every pair of split points around the multi-byte characters and escapes
        int emoji = indexOf(body, utf8("🎉"));
        for (int a = emoji - 12; a <= emoji + 4; a++) {
            for (int b = a; b <= emoji + 6; b++) {
                assertThat(read(body, a, b).joined()).as("cuts %d, %d", a, b).isEqualTo(expected);
            }
        }
    }

    @Test
    void readsByteByByteChunks() {
        byte[] body = resource("all-types.tsv");
        int[] cuts = new int[body.length - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        assertThat(read(body, cuts).joined()).isEqualTo(read(body).joined());
    }

    @Test
    void failsWithTheServerErrorAtTheEndOfTheRealMidStreamBodyAtEverySplitPoint() {
        byte[] body = resource("mid-stream-error.tsv");
        for (int cut = 0; cut <= body.length; cut++) {
            Result result = read(body, cut);
            assertThat(result.failure).as("cut at %d", cut).isInstanceOf(ServerErrorText.Failure.class);
            ServerErrorText error = ((ServerErrorText.Failure) result.failure).error();
            assertThat(error.code()).isEqualTo(395);
            assertThat(error.message()).isEqualTo("Value passed to 'throwIf' function is non zero");
            assertThat(result.rows).as("cut at %d", cut).hasSize(120);
            assertThat(result.rows.get(119)).containsExactly("196607", "0");
            assertThat(result.joined()).noneMatch(r -> r.contains("Code"));
        }
    }

    @Test
    void failsWithTheModernErrorFormAppendedInsideALine() {
        byte[] body = utf8("a\tb\nString\tString\nx\ty\nhalf\tCode: 395. DB::Exception: Value passed to 'throwIf'"
                + " function is non-zero: while executing 'FUNCTION throwIf(x)'. (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO)"
                + " (version 23.8.2.7 (official build))\n");
        for (int cut = 0; cut <= body.length; cut++) {
            Result result = read(body, cut);
            assertThat(result.joined()).as("cut at %d", cut).containsExactly("x|y");
            assertThat(result.failure).isInstanceOf(ServerErrorText.Failure.class);
            ServerErrorText error = ((ServerErrorText.Failure) result.failure).error();
            assertThat(error.code()).isEqualTo(395);
            assertThat(error.message()).isEqualTo("Value passed to 'throwIf' function is non-zero: while executing"
                    + " 'FUNCTION throwIf(x)'. (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO)");
        }
    }

    @Test
    void failsWithAnErrorThatSpansSeveralLinesAndHasNoFinalNewline() {
        byte[] body = utf8("n\nUInt64\n1\n2\nCode: 241. DB::Exception: Memory limit exceeded\nStack trace:\n0. x\n1. y");
        Result result = read(body, 12);
        assertThat(result.joined()).containsExactly("1", "2");
        assertThat(((ServerErrorText.Failure) result.failure).error())
                .isEqualTo(new ServerErrorText(241, "Memory limit exceeded"));
    }

    @Test
    void holdsALineThatLooksLikeAnErrorUntilTheBodyProvesItData() {
        StringBuilder text = new StringBuilder("s\nString\n");
        text.append("Code: 1, e.displayText() = DB::Exception: logged text\n");
        int filler = 0;
        while (text.length() < TabSeparatedReader.MAX_HELD_BYTES + 200) {
            text.append("row ").append(filler++).append('\n');
        }
        byte[] body = utf8(text.toString());
        TabSeparatedReader reader = new TabSeparatedReader(true);
        List<String[]> rows = new ArrayList<>();
        int chunk = 1000;
        int fedWhileHeld = 0;
        for (int from = 0; from < body.length; from += chunk) {
            List<String[]> got = feed(reader, body, from, Math.min(body.length, from + chunk));
            if (rows.isEmpty() && got.isEmpty()) {
                fedWhileHeld += chunk;
            }
            rows.addAll(got);
        }
        rows.addAll(reader.finish());
        assertThat(fedWhileHeld).isBetween(TabSeparatedReader.MAX_HELD_BYTES - chunk, TabSeparatedReader.MAX_HELD_BYTES + chunk);
        assertThat(rows).hasSize(filler + 1);
        assertThat(rows.get(0)).containsExactly("Code: 1, e.displayText() = DB::Exception: logged text");
        assertThat(rows.get(filler)).containsExactly("row " + (filler - 1));
    }

    @Test
    void doesNotHoldDataThatOnlyMentionsACode() {
        // only the strict error starts are held: data that merely mentions "Code: 5" flows at once
        Result result = read(utf8("s\tt\nString\tString\nCode: 5 items\tx\n"));
        assertThat(result.failure).isNull();
        assertThat(result.joined()).containsExactly("Code: 5 items|x");
    }

    @Test
    void returnsLastRowsThatLookLikeAnErrorStartButAreWholeRowsWithoutAServerSuffix() {
        byte[] body = utf8("s\tn\nString\tUInt64\n"
                + "Code: 1, e.displayText() = DB::Exception: a logged message\t61\n");
        for (int cut = 0; cut <= body.length; cut++) {
            Result result = read(body, cut);
            assertThat(result.failure).as("cut at %d", cut).isNull();
            assertThat(result.joined()).containsExactly("Code: 1, e.displayText() = DB::Exception: a logged message|61");
        }
        Result oneColumn = read(utf8("s\nString\nCode: 2. DB::Exception: logged\n"));
        assertThat(oneColumn.failure).isNull();
        assertThat(oneColumn.joined()).containsExactly("Code: 2. DB::Exception: logged");
    }

    @Test
    void failsOnAnErrorTextWithItsServerSuffixEvenWhereItCouldBeARow() {
        Result oneColumn = read(utf8("s\nString\nx\nCode: 2, e.displayText() = DB::Exception: boom, e.what() = DB::Exception\n"));
        assertThat(oneColumn.joined()).containsExactly("x");
        assertThat(((ServerErrorText.Failure) oneColumn.failure).error()).isEqualTo(new ServerErrorText(2, "boom"));
        Result modern = read(utf8("s\nString\nCode: 3. DB::Exception: boom. (X) (version 24.3.1.1 (official build))\n"));
        assertThat(((ServerErrorText.Failure) modern.failure).error()).isEqualTo(new ServerErrorText(3, "boom. (X)"));
    }

    @Test
    void rejectsARowWithTheWrongFieldCountNamingTheLine() {
        Result result = read(utf8("a\tb\nUInt8\tUInt8\n1\t2\n3\n"));
        assertThat(result.failure).isInstanceOf(TabSeparatedReader.MalformedResponse.class)
                .hasMessageContaining("line 4").hasMessageContaining("1 fields, expected 2");
        assertThat(result.joined()).containsExactly("1|2");
    }

    @Test
    void rejectsATypesLineWithTheWrongFieldCount() {
        assertThat(read(utf8("a\tb\nUInt8\n")).failure).isInstanceOf(TabSeparatedReader.MalformedResponse.class)
                .hasMessageContaining("line 2");
    }

    @Test
    void rejectsATruncatedBody() {
        assertThat(read(utf8("a\nUInt8\n1\n2")).failure).isInstanceOf(TabSeparatedReader.MalformedResponse.class)
                .hasMessageContaining("line 4").hasMessageContaining("no final newline");
        assertThat(read(utf8("a\n")).failure).isInstanceOf(TabSeparatedReader.MalformedResponse.class)
                .hasMessageContaining("types line");
    }

    @Test
    void rejectsAnUnparsableTypesLine() {
        assertThat(read(utf8("a\nDecimal(x)\n")).failure).isInstanceOf(TabSeparatedReader.MalformedResponse.class)
                .hasMessageContaining("line 2").hasMessageContaining("Decimal(x)");
    }

    @Test
    void readsAHeaderOnlyBodyAndAnEmptyBody() {
        Result header = read(resource("no-rows.tsv"));
        assertThat(header.failure).isNull();
        assertThat(header.reader.names()).containsExactly("n");
        assertThat(header.reader.types()).extracting(ClickHouseType::name).containsExactly("UInt64");
        assertThat(header.rows).isEmpty();
        Result empty = read(new byte[0]);
        assertThat(empty.failure).isNull();
        assertThat(empty.reader.names()).isNull();
        assertThat(empty.rows).isEmpty();
    }

    @Test
    void readsPlainTabSeparatedWithoutHeader() {
        TabSeparatedReader reader = new TabSeparatedReader(false);
        ByteBuf chunk = Unpooled.copiedBuffer("1\tx\n\t\n", StandardCharsets.UTF_8);
        try {
            List<String[]> rows = reader.feed(chunk);
            assertThat(rows).hasSize(2);
            assertThat(rows.get(0)).containsExactly("1", "x");
            assertThat(rows.get(1)).containsExactly("", "");
        } finally {
            chunk.release();
        }
        assertThat(reader.finish()).isEmpty();
        assertThat(reader.names()).isNull();
    }

    @Test
    void fuzzesRandomBodiesAndRandomSplits() {
        Random random = new Random(42);
        String[] alphabet = {"a", "é", "日", "🎉", "\\t", "\\n", "\\\\", "\\'", "\\N", "Code: ", "0", " "};
        for (int round = 0; round < 200; round++) {
            int columns = 1 + random.nextInt(4);
            StringBuilder body = new StringBuilder();
            List<String> expected = new ArrayList<>();
            body.append(String.join("\t", java.util.Collections.nCopies(columns, "c"))).append('\n');
            body.append(String.join("\t", java.util.Collections.nCopies(columns, "String"))).append('\n');
            int rowCount = random.nextInt(30);
            for (int r = 0; r < rowCount; r++) {
                String[] fields = new String[columns];
                for (int c = 0; c < columns; c++) {
                    StringBuilder field = new StringBuilder();
                    int len = random.nextInt(6);
                    for (int k = 0; k < len; k++) {
                        field.append(alphabet[random.nextInt(alphabet.length)]);
                    }
                    fields[c] = field.toString();
                }
                expected.add(String.join("|", fields));
                body.append(String.join("\t", fields)).append('\n');
            }
            byte[] bytes = utf8(body.toString());
            int[] cuts = random.ints(random.nextInt(8), 0, bytes.length + 1).sorted().toArray();
            Result result = read(bytes, cuts);
            assertThat(result.failure).as("round %d cuts %s", round, Arrays.toString(cuts)).isNull();
            assertThat(result.joined()).as("round %d", round).isEqualTo(expected);
        }
    }

    @Test
    void decodesTenMillionUInt64RowsAndReportsTheRate() {
        // a body of 10,000,000 UInt64 values as numbers() sends it, in 64 KiB chunks
        byte[] header = utf8("number\nUInt64\n");
        int rows = 10_000_000;
        byte[] block = new byte[64 * 1024];
        TabSeparatedReader reader = new TabSeparatedReader(true);
        ByteBuf chunk = Unpooled.buffer(block.length + 32);
        long count = 0;
        long checksum = 0;
        long bytes = 0;
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        try {
            chunk.writeBytes(header);
            long next = 0;
            while (next < rows || chunk.isReadable()) {
                while (next < rows && chunk.writableBytes() > 21) {
                    writeDecimal(chunk, next++);
                    chunk.writeByte('\n');
                }
                bytes += chunk.readableBytes();
                for (String[] row : reader.feed(chunk)) {
                    checksum += Long.parseLong(row[0]);
                    count++;
                }
                chunk.clear();
            }
            for (String[] row : reader.finish()) {
                checksum += Long.parseLong(row[0]);
                count++;
            }
        } finally {
            chunk.release();
        }
        long nanos = System.nanoTime() - start;
        long cpuNanos = threads.getCurrentThreadCpuTime() - cpuStart;
        assertThat(count).isEqualTo(rows);
        assertThat(checksum).isEqualTo((long) rows * (rows - 1) / 2);
        // CPU time of this thread too: the machine is shared, so wall time varies with the load
        System.out.printf("TabSeparatedReader: %,d UInt64 rows (%,d bytes) generated, split and parsed with Long.parseLong"
                        + " in %d ms wall (%,.0f rows/s), %d ms CPU of this thread (%,.0f rows/s per core)%n",
                count, bytes, nanos / 1_000_000, count * 1e9 / nanos, cpuNanos / 1_000_000, count * 1e9 / cpuNanos);
    }

    private static void writeDecimal(ByteBuf out, long value) {
        if (value == 0) {
            out.writeByte('0');
            return;
        }
        byte[] digits = new byte[20];
        int i = digits.length;
        while (value > 0) {
            digits[--i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        out.writeBytes(digits, i, digits.length - i);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("not found");
    }

    @Test
    void refusesToBeFedAfterFinish() {
        TabSeparatedReader reader = new TabSeparatedReader(true);
        reader.finish();
        ByteBuf chunk = Unpooled.copiedBuffer("x", StandardCharsets.UTF_8);
        try {
            assertThatThrownBy(() -> reader.feed(chunk)).isInstanceOf(IllegalStateException.class);
        } finally {
            chunk.release();
        }
    }
}
