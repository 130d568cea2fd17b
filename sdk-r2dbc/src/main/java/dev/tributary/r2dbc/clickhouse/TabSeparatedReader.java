package dev.tributary.r2dbc.clickhouse;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Incremental reader of a {@code TabSeparatedWithNamesAndTypes} (or plain {@code TabSeparated})
 * response body fed as chunks split at arbitrary byte positions (inside a UTF-8 character, inside
 * an escape sequence). A raw {@code \n} byte always ends a line (newlines inside values travel
 * escaped as the two characters {@code \n}); {@code \t} separates fields. Not thread-safe: one
 * reader per response, fed in order.
 *
 * <p><b>The error at the end of a 200 body.</b> When a query fails after rows started streaming,
 * ClickHouse appends its error text ({@code Code: 395, e.displayText() = DB::Exception: ...,
 * e.what() = DB::Exception} on 18.16; {@code Code: 395. DB::Exception: ...} since 21.x) to the body
 * and ends it. The rule: a line that contains such an error start (the strict forms
 * {@code Code: NN, e.displayText() = } and {@code Code: NN. DB::Exception: }, anywhere in the line)
 * is held back with everything after it, and never returned as a row, until either the body
 * ends or more than {@value #MAX_HELD_BYTES} bytes are held, which proves it data (an error
 * text is short and ends the body): the held lines are then returned as rows. So the reader
 * holds back at most 64 KiB plus one chunk, and only when a row looks like an error start.
 * When the body ends, {@link #finish()} throws {@link ServerErrorText.Failure} if the held text
 * ends like a server error ({@code , e.what() = DB::Exception}, {@code (version ...)}, a stack
 * trace) or cannot be rows (a field count other than the header's, a partial line); else
 * (whole rows with the right field count, e.g. a logged message as the last value) it returns
 * them as rows. A one-column String result whose last value is exactly an error text with its
 * server suffix stays ambiguous and counts as an error.
 *
 * <p>Fields of rows are returned raw (still TSV-escaped); {@link ClickHouseValues#decode} decodes
 * them. Header fields (names, types) are unescaped. ASCII-only fields are built without UTF-8
 * decoding.
 */
final class TabSeparatedReader {

    /** How many bytes a suspected error text may hold back before it counts as data. */
    static final int MAX_HELD_BYTES = 64 * 1024;

    private static final Pattern STRICT_ERROR_START =
            Pattern.compile("Code: \\d{1,9}(?:, e\\.displayText\\(\\) = |\\. DB::Exception: )");
    private static final byte[] CODE = "Code: ".getBytes(StandardCharsets.US_ASCII);

    private final boolean withNamesAndTypes;
    private List<String> names;
    private List<ClickHouseType> types;
    private int columnCount = -1;

    private byte[] buffer = new byte[8192];
    /** Bytes in {@link #buffer}. */
    private int length;
    /** Start of the first line not yet consumed. */
    private int lineStart;
    /** Where the search for the next {@code \n} resumes. */
    private int scanPos;
    /** Number of complete lines consumed (header included), for error messages. */
    private long lineNumber;
    /** Start of the held region (a line with a suspected error start), or -1. */
    private int holdStart = -1;
    /** Offset of the error start inside the held region. */
    private int holdErrorOffset;
    private boolean finished;
    /** A malformed line found after good rows of the same chunk: thrown by the next call. */
    private MalformedResponse pendingFailure;

    /** Positions of the tabs (then of the newline) of the line being scanned. */
    private int[] ends = new int[16];
    /** Tabs recorded in {@link #ends} for the current, incomplete line. */
    private int tabCount;
    /** OR of the current line's non-separator bytes: negative when it has a non-ASCII byte. */
    private int lineBits;
    /** Whether the current line has a 'C' (a possible error start). */
    private boolean lineHasC;

    /**
     * @param withNamesAndTypes whether the body starts with the names and types header lines
     *                          ({@code TabSeparatedWithNamesAndTypes}); else plain {@code TabSeparated}
     */
    TabSeparatedReader(boolean withNamesAndTypes) {
        this.withNamesAndTypes = withNamesAndTypes;
    }

    /**
     * Feeds one chunk. The chunk's indexes are not changed and it is not released (the caller
     * releases it).
     *
     * @param chunk the next bytes of the body
     * @return the rows completed by this chunk (raw, still escaped fields), possibly empty
     * @throws MalformedResponse (from this call, or from the next call when this chunk also completed good
     *                           rows in front of the bad line) if a row has a different number of fields than the header (names the line)
     *                           or the types line does not parse
     */
    List<String[]> feed(ByteBuf chunk) {
        if (finished) {
            throw new IllegalStateException("feed after finish");
        }
        if (pendingFailure != null) {
            throw pendingFailure;
        }
        int n = chunk.readableBytes();
        if (n == 0) {
            return List.of();
        }
        ensureCapacity(n);
        chunk.getBytes(chunk.readerIndex(), buffer, length, n);
        length += n;
        List<String[]> rows = new ArrayList<>();
        try {
            process(rows);
        } catch (MalformedResponse e) {
            if (rows.isEmpty()) {
                throw e;
            }
            pendingFailure = e; // return the good rows in front of the bad line first
        }
        return rows.isEmpty() ? List.of() : rows;
    }

    /**
     * Ends the body.
     *
     * @return the rows still held back (a suspected error text that was data after all), usually empty
     * @throws ServerErrorText.Failure if the body ended with a ClickHouse error text (rows before it
     *                                 were returned by {@link #feed}; a partial row in front of it is dropped)
     * @throws MalformedResponse       if the body ended inside a line or after the names line only
     */
    List<String[]> finish() {
        if (finished) {
            return List.of();
        }
        finished = true;
        if (pendingFailure != null) {
            throw pendingFailure;
        }
        List<String[]> rows = new ArrayList<>();
        if (holdStart >= 0) {
            String text = new String(buffer, holdStart + holdErrorOffset, length - holdStart - holdErrorOffset,
                    StandardCharsets.UTF_8);
            Optional<ServerErrorText> error = ServerErrorText.parse(text);
            if (error.isPresent() && (ServerErrorText.hasServerSuffix(text) || !heldLinesAreRows())) {
                throw new ServerErrorText.Failure(error.get());
            }
            releaseHold(rows);
        }
        if (length > lineStart) {
            int errorAt = errorStart(lineStart, length);
            if (errorAt >= 0) {
                String text = new String(buffer, errorAt, length - errorAt, StandardCharsets.UTF_8);
                Optional<ServerErrorText> error = ServerErrorText.parse(text);
                if (error.isPresent()) {
                    throw new ServerErrorText.Failure(error.get());
                }
            }
            throw new MalformedResponse("ClickHouse response ended inside line " + (lineNumber + 1)
                    + " (no final newline): " + preview(lineStart, length));
        }
        if (withNamesAndTypes && names != null && types == null) {
            throw new MalformedResponse("ClickHouse response ended after the column names line, without the types line");
        }
        return rows;
    }

    /** @return the column names from the header, or {@code null} until it arrived (or for plain TabSeparated) */
    List<String> names() {
        return names;
    }

    /** @return the column types from the header, or {@code null} until it arrived (or for plain TabSeparated) */
    List<ClickHouseType> types() {
        return types;
    }

    /** @return the number of complete lines read so far, header lines included */
    long lines() {
        return lineNumber;
    }

    private void process(List<String[]> rows) {
        if (holdStart >= 0) {
            if (length - holdStart <= MAX_HELD_BYTES) {
                return;
            }
            releaseHold(rows);
            if (holdStart >= 0) {
                return;
            }
        }
        scanLines(rows, -1);
        compact();
    }

    /**
     * Splits complete lines from {@link #scanPos} in one pass that also records the tabs, whether the
     * line has a non-ASCII byte and whether it has a 'C' (a possible error start) of the current line,
     * so a line split over chunks is never scanned twice. {@code forceDataLine} is a line start never held.
     */
    private void scanLines(List<String[]> rows, int forceDataLine) {
        byte[] b = buffer;
        int end = length;
        int[] fe = ends;
        int count = tabCount;
        int bits = lineBits;
        boolean sawC = lineHasC;
        int i = scanPos;
        while (i < end) {
            byte c = b[i];
            if (c == '\n') {
                int start = lineStart;
                if (sawC && start != forceDataLine) {
                    int errorAt = errorStart(start, i);
                    if (errorAt >= 0) {
                        holdStart = start;
                        holdErrorOffset = errorAt - start;
                        resetLine();
                        scanPos = end;
                        return;
                    }
                }
                if (count == fe.length) {
                    fe = ends = Arrays.copyOf(fe, fe.length * 2);
                }
                fe[count++] = i;
                line(start, i, count, bits >= 0, rows);
                lineNumber++;
                lineStart = i + 1;
                count = 0;
                bits = 0;
                sawC = false;
                fe = ends;
            } else if (c == '\t') {
                if (count == fe.length) {
                    fe = ends = Arrays.copyOf(fe, fe.length * 2);
                }
                fe[count++] = i;
            } else {
                bits |= c;
                if (c == 'C') {
                    sawC = true;
                }
            }
            i++;
        }
        scanPos = end;
        tabCount = count;
        lineBits = bits;
        lineHasC = sawC;
    }

    private void resetLine() {
        tabCount = 0;
        lineBits = 0;
        lineHasC = false;
    }

    /** @return whether the held region is whole lines that each have the header's field count */
    private boolean heldLinesAreRows() {
        if (columnCount < 0 || (withNamesAndTypes && types == null) || length == holdStart
                || buffer[length - 1] != '\n') {
            return false;
        }
        int fields = 1;
        for (int i = holdStart; i < length; i++) {
            byte b = buffer[i];
            if (b == '\t') {
                fields++;
            } else if (b == '\n') {
                if (fields != columnCount) {
                    return false;
                }
                fields = 1;
            }
        }
        return true;
    }

    private void releaseHold(List<String[]> rows) {
        int forced = holdStart;
        holdStart = -1;
        scanPos = lineStart;
        resetLine();
        scanLines(rows, forced);
        if (holdStart < 0) {
            compact();
        }
    }

    /** @return the position of a strict error start in {@code [from, to)}, or -1 */
    private int errorStart(int from, int to) {
        byte[] b = buffer;
        int last = to - CODE.length;
        for (int i = from; i <= last; i++) {
            if (b[i] == 'C' && b[i + 1] == 'o' && b[i + 2] == 'd' && b[i + 3] == 'e' && b[i + 4] == ':' && b[i + 5] == ' ') {
                int window = Math.min(to - i, 64);
                String head = new String(b, i, window, StandardCharsets.ISO_8859_1);
                if (STRICT_ERROR_START.matcher(head).lookingAt()) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Builds the line {@code [start, end)} whose field ends are {@code ends[0, count)}. */
    private void line(int start, int end, int count, boolean ascii, List<String[]> rows) {
        byte[] b = buffer;
        int[] fe = ends;
        String[] fields = new String[count];
        int fieldStart = start;
        for (int f = 0; f < count; f++) {
            int fieldEnd = fe[f];
            fields[f] = ascii ? new String(b, fieldStart, fieldEnd - fieldStart, StandardCharsets.ISO_8859_1)
                    : string(b, fieldStart, fieldEnd);
            fieldStart = fieldEnd + 1;
        }
        if (withNamesAndTypes && names == null) {
            names = Collections.unmodifiableList(unescapeAll(fields));
            columnCount = count;
            return;
        }
        if (columnCount >= 0 && count != columnCount) {
            throw new MalformedResponse("ClickHouse response line " + (lineNumber + 1) + " has " + count
                    + " fields, expected " + columnCount + ": " + preview(start, end));
        }
        if (withNamesAndTypes && types == null) {
            List<String> typeNames = unescapeAll(fields);
            List<ClickHouseType> parsed = new ArrayList<>(count);
            for (String typeName : typeNames) {
                try {
                    parsed.add(ClickHouseType.parse(typeName));
                } catch (IllegalArgumentException e) {
                    throw new MalformedResponse("ClickHouse response line " + (lineNumber + 1)
                            + " (the types line): " + e.getMessage(), e);
                }
            }
            types = Collections.unmodifiableList(parsed);
            return;
        }
        columnCount = count;
        rows.add(fields);
    }

    private static String string(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] < 0) {
                return new String(b, from, to - from, StandardCharsets.UTF_8);
            }
        }
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static List<String> unescapeAll(String[] fields) {
        List<String> out = new ArrayList<>(fields.length);
        for (String field : fields) {
            out.add(TsvEscaping.unescape(field, 0, field.length()));
        }
        return out;
    }

    private String preview(int from, int to) {
        int n = Math.min(to - from, 200);
        String text = new String(buffer, from, n, StandardCharsets.UTF_8);
        return "'" + text.replace("\t", "\\t") + (to - from > n ? "...'" : "'");
    }

    private void compact() {
        int keep = holdStart >= 0 ? holdStart : lineStart;
        if (keep == 0) {
            return;
        }
        int remaining = length - keep;
        System.arraycopy(buffer, keep, buffer, 0, remaining);
        length = remaining;
        scanPos -= keep;
        lineStart -= keep;
        for (int t = 0; t < tabCount; t++) {
            ends[t] -= keep;
        }
        if (holdStart >= 0) {
            holdStart -= keep;
        }
    }

    private void ensureCapacity(int more) {
        if (length + more > buffer.length) {
            compact();
            if (length + more > buffer.length) {
                int capacity = Math.max(buffer.length * 2, length + more);
                buffer = Arrays.copyOf(buffer, capacity);
            }
        }
    }

    /** A response body that is not well-formed TabSeparated: truncated, or a row with the wrong field count. */
    static final class MalformedResponse extends IllegalStateException {

        private static final long serialVersionUID = 1L;

        MalformedResponse(String message) {
            super(message);
        }

        MalformedResponse(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
