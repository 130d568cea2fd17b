package dev.tributary.r2dbc.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A connection to ClickHouse over its HTTP interface: at most one keep-alive TCP connection,
 * statements run one after the other (a statement waits until the result before it was consumed
 * or cancelled). See the package documentation for transactions, cancel and sessions.
 *
 * <pre>{@code
 * Mono<Long> loaded = Mono.usingWhen(factory.create(),
 *         c -> c.insert("cities", List.of("name", "population"), Flux.just(List.of("Paris", 2_102_650), List.of("Lyon", 522_250))),
 *         ClickHouseConnection::close);
 * }</pre>
 */
public final class ClickHouseConnection implements Connection {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The first ClickHouse release line whose HTTP interface takes {@code param_} query parameters, as far as AUTO assumes. */
    static final int[] SERVER_PARAMETERS_SINCE = {19, 11};

    /** ClickHouse's SESSION_IS_LOCKED: another query of the session is still running. */
    static final int SESSION_IS_LOCKED = 373;

    /** Rows of a bulk insert body are sent in chunks of about this many bytes. */
    static final int INSERT_CHUNK_BYTES = 64 * 1024;

    private static final Pattern IDENTIFIER_PART = Pattern.compile("[^.`\"]+|`(?:[^`\\\\]|\\\\.)*`|\"(?:[^\"\\\\]|\\\\.)*\"");

    private final ClickHouseConnectionConfiguration configuration;
    private final ClickHouseTransport transport;
    private final ClickHouseTransport.Control control;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Statements sent or waiting to be, whose response has not been read to its end: killed by {@link #close()}. */
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private volatile String serverVersion;
    private volatile ZoneId serverZone;
    private volatile boolean serverSideParameters;
    private volatile Duration statementTimeout;

    ClickHouseConnection(ClickHouseConnectionConfiguration configuration, ClickHouseTransport transport, ClickHouseTransport.Control control) {
        this.configuration = configuration;
        this.transport = transport;
        this.control = control;
    }

    /**
     * Runs {@code SELECT version(), timezone()} and keeps the answers.
     *
     * @return this connection, once the server answered
     */
    Mono<ClickHouseConnection> handshake() {
        return createStatement("SELECT version(), timezone()").execute()
                .concatMap(result -> result.map((row, meta) -> List.of(row.get(0, String.class), row.get(1, String.class))))
                .single()
                .map(answer -> {
                    serverVersion = answer.get(0);
                    serverZone = ZoneId.of(answer.get(1));
                    serverSideParameters = switch (configuration.serverSideParameters()) {
                        case ALWAYS -> true;
                        case NEVER -> false;
                        case AUTO -> supportsServerSideParameters(serverVersion);
                    };
                    return this;
                });
    }

    /** @return whether a server of that version takes {@code param_} query parameters (19.11 and later) */
    static boolean supportsServerSideParameters(String version) {
        Matcher matcher = Pattern.compile("(\\d+)\\.(\\d+)").matcher(version);
        if (!matcher.lookingAt()) {
            return false;
        }
        int major = Integer.parseInt(matcher.group(1));
        int minor = Integer.parseInt(matcher.group(2));
        return major > SERVER_PARAMETERS_SINCE[0] || major == SERVER_PARAMETERS_SINCE[0] && minor >= SERVER_PARAMETERS_SINCE[1];
    }

    boolean useServerSideParameters() {
        return serverSideParameters;
    }

    /**
     * @param sql the statement; {@code $1}..{@code $n} are bind markers
     * @return a statement to bind and execute
     * @throws IllegalArgumentException when the SQL cannot be scanned for markers (an unterminated literal)
     */
    @Override
    public ClickHouseStatement createStatement(String sql) {
        if (sql == null) {
            throw new IllegalArgumentException("sql must not be null");
        }
        return new ClickHouseStatement(this, sql);
    }

    /** @return a batch of statements without binds */
    @Override
    public ClickHouseBatch createBatch() {
        return new ClickHouseBatch(this);
    }

    /**
     * Runs one statement: one POST with a fresh {@code query_id}.
     *
     * @param body       the SQL, binds rendered
     * @param parameters extra URL parameters (server-side {@code param_}s)
     * @param sql        the statement as written, for error messages
     * @return the result, once the response headers arrived
     */
    Mono<ClickHouseResult> run(String body, Map<String, String> parameters, String sql) {
        return Mono.defer(() -> {
            if (closed.get()) {
                return Mono.error(new R2dbcNonTransientResourceException("The ClickHouse connection is closed", null, 0, sql));
            }
            boolean rows = ClickHouseStatement.returnsRows(body);
            String request = rows ? ClickHouseStatement.withFormat(body) : body;
            String queryId = ClickHouseTransport.randomId();
            Map<String, String> all = statementParameters(queryId);
            all.putAll(parameters);
            Mono<ClickHouseTransport.Exchange> exchange = exchange(sessionLockRetry(transport.post(all, request, sql)), queryId, sql);
            return rows ? exchange.map(x -> ClickHouseResult.of(rowSegments(x, queryId, sql)))
                    : exchange.flatMap(x -> drain(x, queryId, sql));
        });
    }

    /**
     * With a session, a statement that follows a cancelled one may find the session still locked
     * by it for a moment (error 373, SESSION_IS_LOCKED: nothing ran): sent again after a short
     * backoff, up to 5 times. Not for bulk inserts (their rows cannot be replayed).
     */
    private Mono<ClickHouseTransport.Exchange> sessionLockRetry(Mono<ClickHouseTransport.Exchange> post) {
        if (transport.sessionId() == null) {
            return post;
        }
        return post.retryWhen(Retry.backoff(5, Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(500))
                .filter(e -> e instanceof io.r2dbc.spi.R2dbcException && ((io.r2dbc.spi.R2dbcException) e).getErrorCode() == SESSION_IS_LOCKED)
                .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
    }

    private Map<String, String> statementParameters(String queryId) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("query_id", queryId);
        Duration timeout = statementTimeout;
        if (timeout != null) {
            // ClickHouse's limit is in whole seconds
            all.put("max_execution_time", Long.toString(Math.max(1, (timeout.toMillis() + 999) / 1000)));
        }
        return all;
    }

    /** Response headers awaited, the wait bounded by {@code responseTimeout}; cancelled before them, the query is killed. */
    private Mono<ClickHouseTransport.Exchange> exchange(Mono<ClickHouseTransport.Exchange> post, String queryId, String sql) {
        AtomicBoolean answered = new AtomicBoolean();
        Mono<ClickHouseTransport.Exchange> exchange = post
                .doOnSubscribe(subscription -> running.add(queryId))
                .doOnNext(x -> answered.set(true))
                .doOnError(e -> {
                    answered.set(true);
                    running.remove(queryId);
                })
                .doOnCancel(() -> {
                    if (answered.compareAndSet(false, true)) {
                        running.remove(queryId);
                        control.kill(queryId);
                    }
                });
        Duration timeout = configuration.responseTimeout();
        if (timeout != null) {
            exchange = exchange.timeout(timeout, Mono.error(() -> new io.r2dbc.spi.R2dbcTimeoutException(
                    "No response from ClickHouse within responseTimeout " + timeout + " (query_id " + queryId + ")", null, 0, sql)));
        }
        return exchange.onErrorMap(e -> ClickHouseExceptions.translate(e, "executing on " + configuration.host() + ":" + configuration.port(), sql));
    }

    /** A query's rows, decoded chunk by chunk as the subscriber asks for them. */
    private Flux<io.r2dbc.spi.Result.Segment> rowSegments(ClickHouseTransport.Exchange exchange, String queryId, String sql) {
        ZoneId zone = serverZone != null ? serverZone : ZoneOffset.UTC;
        return Flux.defer(() -> {
            TabSeparatedReader reader = new TabSeparatedReader(true);
            ClickHouseRowMetadata[] metadata = new ClickHouseRowMetadata[1];
            return exchange.body()
                    // no fusion: each buffer is read inside onNext, before reactor-netty releases it
                    .hide()
                    .map(reader::feed)
                    .concatWith(Mono.fromCallable(reader::finish))
                    .concatMapIterable(rows -> rows, 1)
                    .map(fields -> {
                        if (metadata[0] == null) {
                            metadata[0] = new ClickHouseRowMetadata(reader.names(), reader.types());
                        }
                        return (io.r2dbc.spi.Result.Segment) new ClickHouseResult.ClickHouseRowSegment(new ClickHouseRow(metadata[0], fields, zone));
                    })
                    .as(reading -> body(reading, exchange, queryId, sql, "reading the result of query_id "));
        });
    }

    /** A statement without rows: its (empty) body read, its update count from the summary header when there is one. */
    private Mono<ClickHouseResult> drain(ClickHouseTransport.Exchange exchange, String queryId, String sql) {
        StringBuilder tail = new StringBuilder();
        return exchange.body()
                .hide()
                .doOnNext(buffer -> keepTail(tail, buffer))
                .then(Mono.fromCallable(() -> {
                    ServerErrorText.parse(tail.toString()).ifPresent(error -> {
                        throw new ServerErrorText.Failure(error);
                    });
                    return ClickHouseResult.updateCount(writtenRows(exchange));
                }))
                .flux()
                .as(reading -> body(reading, exchange, queryId, sql, "reading the response to query_id "))
                .single();
    }

    /**
     * The end of reading a response body: errors typed with {@code what} and the query id, and the
     * query out of {@link #running} when the reading terminates (before the subscriber hears of it:
     * a {@code close()} right after must not kill a finished query); a cancel cuts the response
     * and kills the query.
     */
    private <T> Flux<T> body(Flux<T> reading, ClickHouseTransport.Exchange exchange, String queryId, String sql, String what) {
        return reading.onErrorMap(e -> ClickHouseExceptions.translate(e, what + queryId, sql))
                .doOnTerminate(() -> running.remove(queryId))
                .doOnCancel(() -> {
                    running.remove(queryId);
                    exchange.dispose();
                    control.kill(queryId);
                });
    }

    /** Keeps the last 4 KiB of text: enough for an error text at the end of a body. */
    private static void keepTail(StringBuilder tail, ByteBuf buffer) {
        tail.append(buffer.toString(StandardCharsets.UTF_8));
        if (tail.length() > 4096) {
            tail.delete(0, tail.length() - 4096);
        }
    }

    /** @return {@code written_rows} of the {@code X-ClickHouse-Summary} header, or {@code null} without one */
    static Long writtenRows(ClickHouseTransport.Exchange exchange) {
        String summary = exchange.header(ClickHouseTransport.SUMMARY_HEADER);
        if (summary == null || summary.isBlank()) {
            return null;
        }
        try {
            JsonNode written = JSON.readTree(summary).get("written_rows");
            return written == null || written.isNull() ? null : Long.valueOf(written.asText());
        } catch (Exception malformed) {
            return null;
        }
    }

    /**
     * Streams rows into a table as ONE POST: {@code INSERT INTO table (columns) FORMAT TabSeparated}
     * in the {@code query} URL parameter, the rows as a chunked TSV body (fields written by
     * {@link ClickHouseLiterals#appendTsvField}, sent in chunks of about 64 KiB as the socket takes them).
     * ClickHouse inserts blocks as it parses them ({@code max_insert_block_size} rows): a failure
     * after the first block may leave the blocks before it inserted.
     *
     * @param table   the table: {@code name} or {@code database.name}; a part in backticks or double quotes is kept as written
     * @param columns the column names, in the order of each row's values; not empty
     * @param rows    the rows; each list holds one value per column ({@code null} for NULL)
     * @return the number of rows sent, once the server answered 200; errors: the server's error mapped
     *         ({@link io.r2dbc.spi.R2dbcDataIntegrityViolationException} for a value it cannot parse,
     *         {@link io.r2dbc.spi.R2dbcBadGrammarException} for an unknown table or column ...),
     *         {@link IllegalArgumentException} naming the row and column for a row of the wrong size or a
     *         value without a TSV form, the error of {@code rows} as it is; cancelling stops the POST
     *         and kills the query
     */
    public Mono<Long> insert(String table, List<String> columns, Publisher<? extends List<?>> rows) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(columns, "columns");
        Objects.requireNonNull(rows, "rows");
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("columns must not be empty");
        }
        StringBuilder sqlText = new StringBuilder("INSERT INTO ").append(tableName(table)).append(" (");
        for (int i = 0; i < columns.size(); i++) {
            sqlText.append(i == 0 ? "" : ", ").append(quoteIdentifier(Objects.requireNonNull(columns.get(i), "column name")));
        }
        String sql = sqlText.append(") FORMAT TabSeparated").toString();
        int width = columns.size();
        return Mono.defer(() -> {
            if (closed.get()) {
                return Mono.error(new R2dbcNonTransientResourceException("The ClickHouse connection is closed", null, 0, sql));
            }
            String queryId = ClickHouseTransport.randomId();
            Map<String, String> parameters = statementParameters(queryId);
            parameters.put("query", sql);
            AtomicLong sent = new AtomicLong();
            AtomicBoolean cancelled = new AtomicBoolean();
            Flux<ByteBuf> body = tsvChunks(rows, columns, width, sent, cancelled);
            return exchange(transport.postStream(parameters, body, sql), queryId, sql)
                    .flatMap(x -> drain(x, queryId, sql))
                    .map(result -> sent.get())
                    .doOnCancel(() -> cancelled.set(true));
        });
    }

    /** How many bytes of a raw body {@link #queryBody} holds back, in case they turn out to be a server error text. */
    static final int RAW_BODY_HOLD_BYTES = 64 * 1024;

    private static final Pattern RAW_BODY_ERROR = Pattern.compile("Code: \\d{1,9}(?:, e\\.displayText\\(\\) = |\\. DB::Exception: )");

    /**
     * Runs a query and streams its response body as ClickHouse writes it in {@code format}
     * ({@code CSVWithNames}, {@code JSONEachRow}, {@code TabSeparated} ...; any output format the
     * server knows): one POST, {@code FORMAT format} appended after the query's last token, binds
     * ({@code $1}..{@code $n}) rendered as literals. The last {@value #RAW_BODY_HOLD_BYTES} bytes are held
     * back until the body ends, so that an error ClickHouse appends to a 200 body after rows
     * (an error in the middle of the result) is signalled instead of passed on as data.
     *
     * @param sql      a query (SELECT, WITH, SHOW ...) without a FORMAT clause
     * @param values   one value per marker, in order ({@code null} for NULL)
     * @param format   a ClickHouse output format name (letters and digits)
     * @param settings extra ClickHouse settings for this query (URL parameters), e.g.
     *                 {@code output_format_json_quote_64bit_integers=0}; may be empty
     * @return the body in chunks as they arrive (heap buffers, owned by the subscriber), demand passed
     *         to the socket; errors: the server's error mapped as for statements (also one that ends
     *         the body), {@link IllegalArgumentException} for a bad format name or a marker count
     *         other than the number of values; cancelling closes the TCP connection and kills the query
     */
    public Flux<java.nio.ByteBuffer> queryBody(String sql, List<?> values, String format, Map<String, String> settings) {
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(settings, "settings");
        if (format == null || !format.matches("[A-Za-z][A-Za-z0-9]*")) {
            throw new IllegalArgumentException("format must be a ClickHouse format name (letters and digits), got " + format);
        }
        ClickHouseSql parsed = ClickHouseSql.parse(sql);
        if (parsed.parameterCount() != values.size()) {
            throw new IllegalArgumentException("The query has " + parsed.parameterCount() + " bind markers but " + values.size()
                    + " values were given: " + sql);
        }
        List<String> literals = new java.util.ArrayList<>(values.size());
        values.forEach(value -> literals.add(ClickHouseLiterals.literal(value)));
        String rendered = parsed.render(literals);
        String body = rendered.substring(0, ClickHouseStatement.significantEnd(rendered)) + "\nFORMAT " + format;
        return Flux.defer(() -> {
            if (closed.get()) {
                return Flux.error(new R2dbcNonTransientResourceException("The ClickHouse connection is closed", null, 0, sql));
            }
            String queryId = ClickHouseTransport.randomId();
            Map<String, String> parameters = statementParameters(queryId);
            parameters.putAll(settings);
            return exchange(transport.post(parameters, body, sql), queryId, sql)
                    .flatMapMany(x -> rawBody(x, queryId, sql));
        });
    }

    /** The body copied to heap buffers, its last bytes held back until the end (see {@link #queryBody}). */
    private Flux<java.nio.ByteBuffer> rawBody(ClickHouseTransport.Exchange exchange, String queryId, String sql) {
        return Flux.defer(() -> {
            // the body's last chunks, at least RAW_BODY_HOLD_BYTES of them (when there are that many); older ones are passed on
            java.util.ArrayDeque<byte[]> held = new java.util.ArrayDeque<>();
            long[] heldBytes = {0};
            return exchange.body()
                    .hide()
                    .concatMapIterable(buffer -> {
                        byte[] bytes = new byte[buffer.readableBytes()];
                        buffer.readBytes(bytes);
                        held.addLast(bytes);
                        heldBytes[0] += bytes.length;
                        List<java.nio.ByteBuffer> passOn = new java.util.ArrayList<>(2);
                        while (heldBytes[0] - held.peekFirst().length >= RAW_BODY_HOLD_BYTES) {
                            byte[] oldest = held.removeFirst();
                            heldBytes[0] -= oldest.length;
                            passOn.add(java.nio.ByteBuffer.wrap(oldest));
                        }
                        return passOn;
                    }, 1)
                    .concatWith(Flux.defer(() -> {
                        java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream((int) heldBytes[0]);
                        held.forEach(joined::writeBytes);
                        held.clear();
                        byte[] tail = joined.toByteArray();
                        // ISO-8859-1: one char per byte, so a match's index is a byte offset
                        String text = new String(tail, java.nio.charset.StandardCharsets.ISO_8859_1);
                        Matcher matcher = RAW_BODY_ERROR.matcher(text);
                        int errorAt = -1;
                        while (matcher.find()) {
                            errorAt = matcher.start();
                        }
                        if (errorAt >= 0) {
                            String errorText = new String(tail, errorAt, tail.length - errorAt, java.nio.charset.StandardCharsets.UTF_8);
                            java.util.Optional<ServerErrorText> error = ServerErrorText.parse(errorText);
                            if (error.isPresent() && ServerErrorText.hasServerSuffix(errorText)) {
                                Flux<java.nio.ByteBuffer> before = errorAt == 0 ? Flux.empty()
                                        : Flux.just(java.nio.ByteBuffer.wrap(tail, 0, errorAt).slice());
                                return before.concatWith(Mono.error(ClickHouseExceptions.fromServer(error.get().code(), error.get().message(), sql)));
                            }
                        }
                        return tail.length == 0 ? Flux.empty() : Flux.just(java.nio.ByteBuffer.wrap(tail));
                    }))
                    .as(reading -> body(reading, exchange, queryId, sql, "reading the result of query_id "));
        });
    }

    /**
     * Rows as TSV in chunks of about {@link #INSERT_CHUNK_BYTES}; each chunk a heap buffer (nothing to
     * release if dropped). Once {@code cancelled} is set the chunks fail: the rows are read in a
     * loop on the event loop while the socket takes them, and reactor-netty does not stop that loop
     * when the response is cancelled.
     */
    private static Flux<ByteBuf> tsvChunks(Publisher<? extends List<?>> rows, List<String> columns, int width, AtomicLong sent,
                                           AtomicBoolean cancelled) {
        return Flux.defer(() -> {
            StringBuilder text = new StringBuilder(INSERT_CHUNK_BYTES + 1024);
            return Flux.<List<?>>from(rows).<ByteBuf>handle((row, sink) -> {
                if (cancelled.get()) {
                    sink.error(new java.util.concurrent.CancellationException("the insert was cancelled"));
                    return;
                }
                long number = sent.get() + 1;
                if (row == null || row.size() != width) {
                    sink.error(new IllegalArgumentException("Row " + number + " has " + (row == null ? "no list" : row.size() + " values")
                            + " for " + width + " columns " + columns));
                    return;
                }
                int mark = text.length();
                for (int i = 0; i < width; i++) {
                    if (i > 0) {
                        text.append('\t');
                    }
                    try {
                        ClickHouseLiterals.appendTsvField(text, row.get(i));
                    } catch (IllegalArgumentException bad) {
                        text.setLength(mark);
                        sink.error(new IllegalArgumentException("Row " + number + ", column " + columns.get(i) + ": " + bad.getMessage(), bad));
                        return;
                    }
                }
                text.append('\n');
                sent.incrementAndGet();
                if (text.length() >= INSERT_CHUNK_BYTES) {
                    sink.next(take(text));
                }
            }).concatWith(Mono.fromSupplier(() -> text.length() == 0 ? null : take(text)));
        });
    }

    private static ByteBuf take(StringBuilder text) {
        ByteBuf chunk = io.netty.buffer.Unpooled.wrappedBuffer(text.toString().getBytes(StandardCharsets.UTF_8));
        text.setLength(0);
        return chunk;
    }

    /** @return the table name with each part quoted in backticks, unless already quoted */
    static String tableName(String table) {
        Matcher matcher = IDENTIFIER_PART.matcher(table);
        StringBuilder out = new StringBuilder();
        int position = 0;
        int parts = 0;
        while (position < table.length()) {
            if (!matcher.find(position) || matcher.start() != position) {
                throw new IllegalArgumentException("table must be name or database.name, got '" + table + "'");
            }
            String part = matcher.group();
            out.append(part.startsWith("`") || part.startsWith("\"") ? part : quoteIdentifier(part));
            position = matcher.end();
            parts++;
            if (position < table.length()) {
                if (table.charAt(position) != '.' || position == table.length() - 1 || parts == 2) {
                    throw new IllegalArgumentException("table must be name or database.name, got '" + table + "'");
                }
                out.append('.');
                position++;
            }
        }
        if (parts == 0) {
            throw new IllegalArgumentException("table must not be empty");
        }
        return out.toString();
    }

    /** @return the identifier in backticks, backslashes and backticks escaped */
    static String quoteIdentifier(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("identifier must not be empty");
        }
        return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`";
    }

    /** @return the server's version from the handshake, e.g. {@code 18.16.1} */
    public String serverVersion() {
        return serverVersion;
    }

    /** @return the server's time zone from the handshake ({@code timezone()}), used for {@code DateTime} columns without their own */
    public ZoneId serverZone() {
        return serverZone;
    }

    /** @return this connection's {@code session_id}, or {@code null} when the configuration has no sessions */
    public String sessionId() {
        return transport.sessionId();
    }

    private static R2dbcNonTransientResourceException noTransactions(String what) {
        return new R2dbcNonTransientResourceException("ClickHouse has no transactions: " + what
                + " is not available (every statement commits on its own; the connection is always in auto-commit mode)");
    }

    /** @return an error: {@link R2dbcNonTransientResourceException}, ClickHouse has no transactions */
    @Override
    public Mono<Void> beginTransaction() {
        return Mono.error(() -> noTransactions("beginTransaction"));
    }

    /** @return an error: {@link R2dbcNonTransientResourceException}, ClickHouse has no transactions */
    @Override
    public Mono<Void> beginTransaction(TransactionDefinition definition) {
        return Mono.error(() -> noTransactions("beginTransaction"));
    }

    /** @return completes: there is never a transaction to commit (auto-commit) */
    @Override
    public Mono<Void> commitTransaction() {
        return Mono.empty();
    }

    /** @return completes: there is never a transaction to roll back (auto-commit) */
    @Override
    public Mono<Void> rollbackTransaction() {
        return Mono.empty();
    }

    /** @return an error: {@link R2dbcNonTransientResourceException}, ClickHouse has no savepoints */
    @Override
    public Mono<Void> createSavepoint(String name) {
        return Mono.error(() -> noTransactions("createSavepoint"));
    }

    /** @return an error: {@link R2dbcNonTransientResourceException}, ClickHouse has no savepoints */
    @Override
    public Mono<Void> releaseSavepoint(String name) {
        return Mono.error(() -> noTransactions("releaseSavepoint"));
    }

    /** @return an error: {@link R2dbcNonTransientResourceException}, ClickHouse has no savepoints */
    @Override
    public Mono<Void> rollbackTransactionToSavepoint(String name) {
        return Mono.error(() -> noTransactions("rollbackTransactionToSavepoint"));
    }

    /** @return {@code true}, always */
    @Override
    public boolean isAutoCommit() {
        return true;
    }

    /**
     * @param autoCommit {@code true}
     * @return completes for {@code true}; an error ({@link R2dbcNonTransientResourceException}) for {@code false}
     */
    @Override
    public Mono<Void> setAutoCommit(boolean autoCommit) {
        return autoCommit ? Mono.empty() : Mono.error(() -> noTransactions("setAutoCommit(false)"));
    }

    /**
     * @return {@link IsolationLevel#READ_COMMITTED}: without transactions, each statement reads the data
     *         parts that were completely written when it started
     */
    @Override
    public IsolationLevel getTransactionIsolationLevel() {
        return IsolationLevel.READ_COMMITTED;
    }

    /**
     * @return completes for {@link IsolationLevel#READ_COMMITTED}; an error ({@link R2dbcNonTransientResourceException}) for others
     */
    @Override
    public Mono<Void> setTransactionIsolationLevel(IsolationLevel isolationLevel) {
        Objects.requireNonNull(isolationLevel, "isolationLevel");
        return IsolationLevel.READ_COMMITTED.equals(isolationLevel) ? Mono.empty()
                : Mono.error(() -> noTransactions("isolation level " + isolationLevel.asSql()));
    }

    /**
     * Sets {@code max_execution_time} (whole seconds, rounded up) on this connection's statements.
     *
     * @param timeout positive, or {@link Duration#ZERO} for none
     * @return completes
     */
    @Override
    public Mono<Void> setStatementTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
        }
        return Mono.fromRunnable(() -> statementTimeout = timeout.isZero() ? null : timeout);
    }

    /**
     * ClickHouse has no row locks a statement waits for; its table-lock timeout is a server setting.
     *
     * @return completes without effect
     */
    @Override
    public Mono<Void> setLockWaitTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return Mono.empty();
    }

    /**
     * @param depth {@link ValidationDepth#LOCAL}: not closed; {@link ValidationDepth#REMOTE}: also
     *              {@code GET /ping} answered within the connect timeout (waits behind a running statement)
     * @return whether the connection is usable; never an error
     */
    @Override
    public Mono<Boolean> validate(ValidationDepth depth) {
        Objects.requireNonNull(depth, "depth");
        return Mono.defer(() -> {
            if (closed.get()) {
                return Mono.just(false);
            }
            return depth == ValidationDepth.LOCAL ? Mono.just(true) : transport.ping(configuration.connectTimeout());
        });
    }

    /**
     * Closes the TCP connection (a result still being read is cut), sends {@code KILL QUERY} for
     * each statement whose response was not read to its end (a query the server computes
     * without writing, such as a long aggregation, would otherwise run on), and frees the
     * connection's resources; idempotent.
     *
     * @return completes when closed
     */
    @Override
    public Mono<Void> close() {
        return Mono.defer(() -> {
            if (closed.compareAndSet(false, true)) {
                List.copyOf(running).forEach(queryId -> {
                    running.remove(queryId);
                    control.kill(queryId);
                });
            }
            return transport.dispose();
        });
    }

    /** @return product {@code ClickHouse} and the server's version */
    @Override
    public ConnectionMetadata getMetadata() {
        String version = serverVersion;
        return new ConnectionMetadata() {
            @Override
            public String getDatabaseProductName() {
                return "ClickHouse";
            }

            @Override
            public String getDatabaseVersion() {
                return version;
            }
        };
    }

    @Override
    public String toString() {
        return "ClickHouseConnection{" + configuration.host() + ":" + configuration.port() + ", database=" + configuration.database()
                + ", version=" + serverVersion + (transport.sessionId() != null ? ", session_id=" + transport.sessionId() : "")
                + (closed.get() ? ", closed" : "") + "}";
    }
}
