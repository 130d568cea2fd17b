/**
 * A non-blocking R2DBC driver for ClickHouse (and ByteHouse) over the ClickHouse HTTP interface,
 * on reactor-netty.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * ClickHouseConnectionFactory factory = new ClickHouseConnectionFactory(ClickHouseConnectionConfiguration.builder()
 *         .host("127.0.0.1").port(8123).username("default").password(secret).build());
 * // or through the SPI: ConnectionFactories.get("r2dbc:clickhouse://default:secret@127.0.0.1:8123/default")
 *
 * Flux<String> names = Flux.usingWhen(factory.create(),
 *         c -> Flux.from(c.createStatement("SELECT name FROM system.tables WHERE database = $1").bind(0, "system").execute())
 *                 .concatMap(result -> result.map((row, meta) -> row.get("name", String.class))),
 *         ClickHouseConnection::close);
 *
 * Mono<Long> loaded = Mono.usingWhen(factory.create(),
 *         c -> c.insert("cities", List.of("name", "population"), rowsPublisher),   // one streamed POST
 *         ClickHouseConnection::close);
 * }</pre>
 *
 * <h2>On the wire</h2>
 * One HTTP POST per statement (per set of bindings; a {@link dev.tributary.r2dbc.clickhouse.ClickHouseBatch}
 * sends one per statement), the SQL in the body. Statements that return rows ({@code SELECT},
 * {@code WITH}, {@code SHOW}, {@code DESCRIBE}, {@code EXISTS}) get
 * {@code FORMAT TabSeparatedWithNamesAndTypes} appended: that format works from ClickHouse 18.16
 * to current releases and on ByteHouse, and its header gives the column names and types. URL
 * parameters: {@code database}, a fresh {@code query_id} (a random UUID) per statement,
 * {@code session_id} with {@code session(true)}, {@code enable_http_compression=1} with
 * {@code compression(true)} (the default; never {@code compress=1}), the configured settings and
 * {@code max_execution_time} from {@code setStatementTimeout}. Credentials travel in headers only
 * ({@code Authorization: Basic}, or {@code X-ClickHouse-User}/{@code X-ClickHouse-Key}), never in
 * the URL.
 *
 * <h2>Results</h2>
 * Rows are decoded as the body arrives, with backpressure: the socket is read only as fast as the
 * subscriber requests rows, so a result of any size flows in bounded memory (measured: 10,000,000
 * rows with a subscriber reading 100,000 rows/s kept the heap within a few MB, with the server
 * held back by TCP flow control). Column metadata is 0-based; names are matched ignoring case.
 * Values are decoded lazily on {@code Row.get}; the ClickHouse-to-Java type mapping is the table in
 * {@link dev.tributary.r2dbc.clickhouse.ClickHouseType}. An error that ClickHouse reports after rows
 * started streaming (inside a 200 body) arrives after the rows before it, as the same exception an
 * error response would give. Rows updated are reported only where the server says
 * ({@code X-ClickHouse-Summary}, ClickHouse 19.x and later); otherwise
 * {@code getRowsUpdated()} completes empty.
 *
 * <h2>Binds</h2>
 * Markers {@code $1}..{@code $n}; {@code bind(0, v)} fills {@code $1}. Values are substituted
 * client-side as escaped literals (ClickHouse 18.16 has no query parameters); on servers from 19.11
 * (from the handshake's {@code version()}), or with {@code serverSideParameters(ALWAYS)}, they
 * travel as {@code {pN:Type}} placeholders and {@code param_pN} URL parameters instead.
 *
 * <h2>Connections, sessions and the order of statements</h2>
 * A connection owns at most one keep-alive TCP connection. Its statements run one after the
 * other: a statement waits until the result before it has been consumed (or its subscriber
 * cancelled) -- so always consume or cancel a result. This also keeps a {@code session_id}
 * ({@code session(true)}: temporary tables, {@code SET}) from running two queries at once, which
 * ClickHouse refuses (error 373). A pool of these connections pools keep-alive connections.
 *
 * <h2>Cancel</h2>
 * Cancelling the subscriber of a running statement (before or after its first row) closes its TCP
 * connection and sends {@code KILL QUERY WHERE query_id = '...'} on a separate connection of the
 * factory, fire-and-forget (a failure is logged at WARN). Measured on ClickHouse 18.16: the query
 * leaves {@code system.processes} within about 150 ms.
 *
 * <h2>Transactions</h2>
 * ClickHouse has no transactions. Every statement commits on its own and
 * {@code isAutoCommit()} is always {@code true}. {@code setAutoCommit(true)},
 * {@code commitTransaction()} and {@code rollbackTransaction()} complete without effect (there is
 * never a transaction to end, as in auto-commit mode); {@code beginTransaction()},
 * {@code setAutoCommit(false)} and the savepoint methods signal an
 * {@link io.r2dbc.spi.R2dbcNonTransientResourceException} saying so, rather than pretend. The
 * isolation level reported is {@code READ_COMMITTED} (a statement reads the data parts written
 * completely before it started); setting another signals the same error.
 *
 * <h2>Errors</h2>
 * ClickHouse's {@code Code: NN} becomes {@link io.r2dbc.spi.R2dbcException#getErrorCode()}, its
 * message the exception's, the statement {@code getSql()}: syntax and unknown names
 * {@link io.r2dbc.spi.R2dbcBadGrammarException}, authentication
 * {@link io.r2dbc.spi.R2dbcPermissionDeniedException}, time limits
 * {@link io.r2dbc.spi.R2dbcTimeoutException}, busy or locked
 * {@link io.r2dbc.spi.R2dbcTransientResourceException}, unparsable or out-of-range values
 * {@link io.r2dbc.spi.R2dbcDataIntegrityViolationException}, others an
 * {@link io.r2dbc.spi.R2dbcNonTransientException}. A refused, reset or closed socket is an
 * {@link io.r2dbc.spi.R2dbcTransientResourceException} with the socket error as its cause; a TLS
 * failure an {@link io.r2dbc.spi.R2dbcNonTransientResourceException}.
 *
 * <h2>TLS</h2>
 * {@code ssl(true)} with the JDK's trust store, {@code trustedCertificates(pem)} or a ready
 * {@code sslContext}; the server's certificate must name the host unless
 * {@code hostnameVerification(false)}. Plain HTTP to any host is allowed (ClickHouse is often run
 * that way inside a network); choose TLS where the network is not trusted.
 *
 * @see <a href="https://clickhouse.com/docs/en/interfaces/http">ClickHouse HTTP interface</a>
 * @see <a href="https://r2dbc.io/spec/1.0.0.RELEASE/spec/html/">R2DBC 1.0 specification</a>
 */
package dev.tributary.r2dbc.clickhouse;
