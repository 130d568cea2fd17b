package dev.tributary.emulator.pgwire;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A PostgreSQL endpoint that takes API keys as passwords, in front of a real PostgreSQL server: it
 * speaks the PostgreSQL wire protocol (version 3,
 * https://www.postgresql.org/docs/current/protocol-flow.html) to clients on 127.0.0.1, asks each
 * for a cleartext password (over TLS when the client asks for it, or always when
 * {@link Builder#requireTls(boolean) required}), lets a {@link PasswordAuthenticator} decide, logs
 * in to the upstream server as the authenticator says (trust, password, md5 or scram-sha-256),
 * and then forwards the bytes of the session both ways unchanged. This is how the bit.io
 * platform's database endpoint behaves (API key as the password, user name ignored, database
 * {@code <username>/<db_name>}, {@code sslmode=require}), so the SDK's {@code bitio} backend runs
 * against it as against the service.
 *
 * <pre>{@code
 * try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startDefault();
 *      PostgresGateway gateway = PostgresGateway.to(pg.host(), pg.port())
 *              .authenticator((database, user, password) -> apiKey.equals(password)
 *                      ? Mono.just(UpstreamLogin.trusted(database, "postgres"))
 *                      : Mono.empty())                              // 28P01 for a wrong key
 *              .tls(certificateChainPem, privateKeyPem)             // optional: answer SSLRequest with 'S'
 *              .start()) {
 *     SqlClient db = Tributary.sql(BitioOptions.builder()
 *             .host(gateway.host()).port(gateway.port())
 *             .database("alice/demo").apiKey(apiKey)
 *             .build()).build();
 *     ...
 *     gateway.closeAllSessions();                                   // the platform closed idle sessions
 * }
 * }</pre>
 *
 * <h2>Protocol</h2>
 * To a client the gateway is a PostgreSQL server: SSLRequest gets {@code 'S'} and a TLS handshake
 * with the configured certificate, or {@code 'N'} without one; GSSENCRequest gets {@code 'N'}; a
 * CancelRequest is forwarded unchanged to the upstream server (the process id and key a client
 * holds are the upstream's, from its BackendKeyData), and the client's connection is closed once
 * the upstream has closed its own; a StartupMessage is answered with AuthenticationCleartextPassword.
 * Refusals are FATAL ErrorResponses with PostgreSQL's SQLSTATEs: {@code 28P01} "password
 * authentication failed for user ..." for a password the authenticator refused, {@code 28000} for
 * a plaintext client when TLS is required or a startup without a user, {@code 0A000} for a
 * protocol other than 3.x, {@code 08P01} for a protocol violation (a message length out of range,
 * a malformed message, data sent in clear after an SSLRequest), {@code 57014} when startup takes
 * longer than the {@link Builder#startupTimeout(Duration) startup timeout}, {@code 08006} when the
 * upstream server cannot be reached, {@code 08004} when the gateway cannot log in upstream (a
 * method it cannot answer, a password missing from the {@link UpstreamLogin}), and {@code XX000}
 * when the authenticator fails. What the upstream server answers during its startup (an
 * ErrorResponse such as {@code 3D000} for a database that does not exist, notices, a
 * NegotiateProtocolVersion) reaches the client unchanged. The upstream gets the client's
 * StartupMessage parameters ({@code application_name}, {@code client_encoding}, {@code DateStyle},
 * {@code options}, ...) and protocol version, with the user and database of the
 * {@link UpstreamLogin}. Passwords are never logged, printed or echoed.
 *
 * <h2>Design</h2>
 * Plain Netty (NIO transport) on a dedicated event loop group of daemon threads, as the test kit's
 * {@code FaultProxy}: the gateway does not compete with the clients under test for reactor-netty's
 * threads, and {@link #close()} can shut its loops down and join them. Each session is a client
 * channel and an upstream channel on the same loop, auto-read off: during startup a
 * {@link PgFrameDecoder} cuts whole messages (and rejects absurd lengths before buffering them),
 * afterwards each side is read only when the other is writable (backpressure, so a 100,000-row
 * result or a COPY streams through without piling up in the gateway). Buffers are released on
 * every path; nothing blocks on the loops (the authenticator's {@code Mono} is subscribed to
 * there, and its result hops back to the session's loop).
 * <p>
 * Thread safety: every method may be called from any thread. The counters and
 * {@link #closeAllSessions()} never block; {@link Builder#start()} and {@link #close()} block
 * briefly and belong on a test or main thread.
 */
public final class PostgresGateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresGateway.class);

    /** Thread names start with this (then Netty's pool and thread numbers). */
    static final String THREAD_NAME_PREFIX = "tributary-pg-gateway";

    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    private final InetSocketAddress upstream;
    private final PasswordAuthenticator authenticator;
    private final SslContext sslContext;
    private final boolean tlsRequired;
    private final Duration startupTimeout;
    private final int upstreamConnectTimeoutMillis;
    private final SecureRandom random;
    private final EventLoopGroup loops;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final Channel listener;
    private final int port;

    private final AtomicBoolean closed = new AtomicBoolean();
    private final Set<GatewaySession> sessions = ConcurrentHashMap.newKeySet();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder authenticated = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder upstreamConnections = new LongAdder();
    private final LongAdder cancelRequests = new LongAdder();
    private final AtomicInteger open = new AtomicInteger();

    private PostgresGateway(Builder builder, SslContext sslContext) {
        this.upstream = builder.upstream;
        this.authenticator = builder.authenticator;
        this.sslContext = sslContext;
        this.tlsRequired = builder.tlsRequired;
        this.startupTimeout = builder.startupTimeout;
        this.upstreamConnectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, builder.upstreamConnectTimeout.toMillis());
        this.random = seededRandom();
        ThreadFactory named = new DefaultThreadFactory(THREAD_NAME_PREFIX, true);
        ThreadFactory recorded = task -> {
            Thread t = named.newThread(task);
            this.threads.add(t);
            return t;
        };
        this.loops = new MultiThreadIoEventLoopGroup(builder.eventLoopThreads, recorded, NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(this.loops)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 512)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        GatewaySession.attach(PostgresGateway.this, ch);
                    }
                });
        InetSocketAddress local = new InetSocketAddress(loopbackAddress(), builder.port);
        ChannelFuture bound = bootstrap.bind(local).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            shutDownLoops();
            Throwable cause = bound.cause();
            String message = "Could not listen on 127.0.0.1:" + builder.port + " for the PostgreSQL gateway to " + describe(this.upstream);
            throw cause instanceof IOException ? new UncheckedIOException(message, (IOException) cause)
                    : new IllegalStateException(message, cause);
        }
        this.listener = bound.channel();
        this.port = ((InetSocketAddress) this.listener.localAddress()).getPort();
        LOG.debug("PostgreSQL gateway listening on 127.0.0.1:{} to {} (TLS {})", this.port, describe(this.upstream),
                sslContext == null ? "off" : this.tlsRequired ? "required" : "offered");
    }

    /**
     * Starts building a gateway to an upstream PostgreSQL server.
     *
     * @param host the upstream host name or address, for example {@code pg.host()}; not blank
     * @param port the upstream port, 1..65535
     * @return a builder (listening on a free port, TLS off, unless told otherwise)
     * @throws IllegalArgumentException if the host is blank or the port out of range
     * @throws NullPointerException     if the host is {@code null}
     */
    public static Builder to(String host, int port) {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("The upstream host of the PostgreSQL gateway must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("The upstream port of the PostgreSQL gateway must be 1..65535, was " + port);
        }
        return new Builder(host, port);
    }

    /** @return the address the gateway listens on, {@code 127.0.0.1} */
    public String host() {
        return "127.0.0.1";
    }

    /** @return the TCP port the gateway listens on (the one chosen when the builder asked for 0) */
    public int port() {
        return this.port;
    }

    /** @return the upstream server's address */
    public InetSocketAddress upstream() {
        return this.upstream;
    }

    /** @return whether SSLRequests are answered with {@code 'S'} and a TLS handshake */
    public boolean tlsEnabled() {
        return this.sslContext != null;
    }

    /** @return whether clients that do not use TLS are refused */
    public boolean tlsRequired() {
        return this.tlsRequired;
    }

    // ------------------------------------------------------------------------------ counters

    /** @return how many client connections were accepted (sessions, cancel requests, refused ones alike) */
    public long acceptedConnections() {
        return this.accepted.sum();
    }

    /** @return how many clients the authenticator accepted */
    public long authenticatedSessions() {
        return this.authenticated.sum();
    }

    /**
     * @return how many clients the gateway refused: a password the authenticator refused (28P01),
     *         or a plaintext startup when TLS is required (28000); neither opens an upstream connection
     */
    public long refusedSessions() {
        return this.refused.sum();
    }

    /** @return how many upstream connections sessions opened (cancel requests not counted) */
    public long upstreamConnections() {
        return this.upstreamConnections.sum();
    }

    /** @return how many CancelRequests were forwarded to the upstream server */
    public long cancelRequests() {
        return this.cancelRequests.sum();
    }

    /** @return how many sessions are authenticated and forwarding now */
    public int openSessions() {
        return this.open.get();
    }

    /**
     * Drops every authenticated session, as a serverless platform closes idle sessions: both
     * sides are closed (FIN; what was already forwarded is flushed first). Sessions still starting
     * are left alone; new connections are accepted as before. Non-blocking: the closes happen on
     * the gateway's threads right after this returns.
     *
     * @return how many sessions are being closed
     */
    public int closeAllSessions() {
        int closing = 0;
        for (GatewaySession session : this.sessions) {
            if (session.isSpliced()) {
                session.closeNow();
                closing++;
            }
        }
        LOG.debug("PostgreSQL gateway on port {}: closing {} sessions", this.port, closing);
        return closing;
    }

    /**
     * Stops listening, closes every session (both sides), shuts the event loops down and joins
     * their threads. The port is free when this returns. Idempotent. Blocks up to a few seconds:
     * call it from a test or main thread (on the gateway's own thread it only starts the shutdown).
     */
    @Override
    public void close() {
        if (!this.closed.compareAndSet(false, true)) {
            return;
        }
        LOG.debug("Closing the PostgreSQL gateway on port {}", this.port);
        boolean ownThread = this.threads.contains(Thread.currentThread());
        ChannelFuture unbound = this.listener.close();
        for (GatewaySession session : this.sessions) {
            session.closeNow();
        }
        if (ownThread) {
            this.loops.shutdownGracefully(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        unbound.awaitUninterruptibly(SHUTDOWN_TIMEOUT.toMillis());
        shutDownLoops();
    }

    @Override
    public String toString() {
        return "PostgresGateway{127.0.0.1:" + this.port + " -> " + describe(this.upstream)
                + ", tls=" + (this.sslContext == null ? "off" : this.tlsRequired ? "required" : "offered")
                + ", accepted=" + acceptedConnections() + ", authenticated=" + authenticatedSessions() + ", refused=" + refusedSessions()
                + ", open=" + openSessions() + ", cancelRequests=" + cancelRequests() + (this.closed.get() ? ", closed" : "") + '}';
    }

    // ------------------------------------------------------- package-private, for GatewaySession

    /** Adds an accepted session; false when the gateway is closed (the session closes itself). */
    boolean register(GatewaySession session) {
        this.accepted.increment();
        this.sessions.add(session);
        if (this.closed.get()) {
            this.sessions.remove(session);
            return false;
        }
        return true;
    }

    void forget(GatewaySession session) {
        this.sessions.remove(session);
    }

    PasswordAuthenticator authenticator() {
        return this.authenticator;
    }

    SslContext sslContext() {
        return this.sslContext;
    }

    Duration startupTimeout() {
        return this.startupTimeout;
    }

    int upstreamConnectTimeoutMillis() {
        return this.upstreamConnectTimeoutMillis;
    }

    SecureRandom random() {
        return this.random;
    }

    void countAuthenticated() {
        this.authenticated.increment();
    }

    void countRefused() {
        this.refused.increment();
    }

    void countUpstreamConnection() {
        this.upstreamConnections.increment();
    }

    void countCancelRequest() {
        this.cancelRequests.increment();
    }

    void sessionSpliced() {
        this.open.incrementAndGet();
    }

    void sessionUnspliced() {
        this.open.decrementAndGet();
    }

    private void shutDownLoops() {
        this.loops.shutdownGracefully(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(SHUTDOWN_TIMEOUT.toMillis() + 1000);
        for (Thread t : this.threads) {
            try {
                t.join(SHUTDOWN_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A generator for SCRAM nonces, seeded here so that the event loops never read the entropy device. */
    private static SecureRandom seededRandom() {
        SecureRandom random;
        try {
            random = SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            random = new SecureRandom();
        }
        random.nextBytes(new byte[32]);
        return random;
    }

    private static InetAddress loopbackAddress() {
        try {
            return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    /**
     * Builds and starts a {@link PostgresGateway}. Not thread-safe.
     */
    public static final class Builder {

        private final InetSocketAddress upstream;
        private int port;
        private PasswordAuthenticator authenticator;
        private SslContext sslContext;
        private Path certificateChain;
        private Path privateKey;
        private boolean tlsRequired;
        private Duration startupTimeout = Duration.ofSeconds(60);
        private Duration upstreamConnectTimeout = Duration.ofSeconds(10);
        private int eventLoopThreads = 1;

        private Builder(String host, int port) {
            this.upstream = new InetSocketAddress(host, port);
        }

        /**
         * @param port the TCP port to listen on, on 127.0.0.1; 0 (the default) for a free one
         * @return this builder
         * @throws IllegalArgumentException if it is out of 0..65535
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("The port of the PostgreSQL gateway must be 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * @param authenticator decides on every client's password; required
         * @return this builder
         * @throws NullPointerException if it is {@code null}
         */
        public Builder authenticator(PasswordAuthenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
            return this;
        }

        /**
         * Turns TLS on with a certificate chain and key in PEM files (read by {@link #start()}),
         * for example those {@code ServerTls.writeServerFiles(dir)} writes.
         *
         * @param certificateChain the server certificate first, then its issuers (PEM)
         * @param privateKey       the server key, PKCS#8 PEM, unencrypted
         * @return this builder
         * @throws NullPointerException if either is {@code null}
         */
        public Builder tls(Path certificateChain, Path privateKey) {
            this.certificateChain = Objects.requireNonNull(certificateChain, "certificateChain");
            this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
            this.sslContext = null;
            return this;
        }

        /**
         * Turns TLS on with a Netty server context of the caller's (protocols, ciphers, client
         * certificates...).
         *
         * @param sslContext a server context
         * @return this builder
         * @throws IllegalArgumentException if it is a client context
         * @throws NullPointerException     if it is {@code null}
         */
        public Builder tls(SslContext sslContext) {
            Objects.requireNonNull(sslContext, "sslContext");
            if (!sslContext.isServer()) {
                throw new IllegalArgumentException("The PostgreSQL gateway needs a server SslContext, got a client one");
            }
            this.sslContext = sslContext;
            this.certificateChain = null;
            this.privateKey = null;
            return this;
        }

        /**
         * @param required whether clients that do not negotiate TLS are refused (FATAL, SQLSTATE
         *                 {@code 28000}) after their StartupMessage, as a platform with
         *                 {@code sslmode=require} does; default {@code false}. Needs {@code tls(...)}.
         * @return this builder
         */
        public Builder requireTls(boolean required) {
            this.tlsRequired = required;
            return this;
        }

        /**
         * @param timeout how long a client may take from connecting to the end of authentication,
         *                upstream login included (PostgreSQL's {@code authentication_timeout});
         *                default 60 s; positive
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = positive(timeout, "startupTimeout");
            return this;
        }

        /**
         * @param timeout how long connecting to the upstream server may take; default 10 s; positive
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder upstreamConnectTimeout(Duration timeout) {
            this.upstreamConnectTimeout = positive(timeout, "upstreamConnectTimeout");
            return this;
        }

        /**
         * @param threads event loop threads carrying the sessions (each session stays on one);
         *                default 1; 1..64
         * @return this builder
         * @throws IllegalArgumentException if it is out of range
         */
        public Builder eventLoopThreads(int threads) {
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("eventLoopThreads of the PostgreSQL gateway must be 1..64, was " + threads);
            }
            this.eventLoopThreads = threads;
            return this;
        }

        /**
         * Starts listening. Blocking (reads the TLS files, binds): call it from a test or main thread.
         *
         * @return the running gateway
         * @throws IllegalStateException    if no authenticator was given, or TLS is required but not configured
         * @throws IllegalArgumentException if the TLS files cannot be read as a certificate chain and key
         * @throws UncheckedIOException     if the port cannot be bound
         */
        public PostgresGateway start() {
            if (this.authenticator == null) {
                throw new IllegalStateException("The PostgreSQL gateway needs an authenticator: Builder.authenticator(...)");
            }
            SslContext context = this.sslContext != null ? this.sslContext : this.certificateChain != null ? readTls() : null;
            if (this.tlsRequired && context == null) {
                throw new IllegalStateException("The PostgreSQL gateway cannot require TLS without a certificate: call Builder.tls(...)");
            }
            return new PostgresGateway(this, context);
        }

        private SslContext readTls() {
            for (Path file : List.of(this.certificateChain, this.privateKey)) {
                if (!Files.isReadable(file)) {
                    throw new IllegalArgumentException("The TLS file " + file + " of the PostgreSQL gateway is missing or unreadable");
                }
            }
            try {
                return SslContextBuilder.forServer(this.certificateChain.toFile(), this.privateKey.toFile()).build();
            } catch (SSLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("Could not read a certificate chain from " + this.certificateChain
                        + " and a private key from " + this.privateKey + " for the PostgreSQL gateway: " + e.getMessage(), e);
            }
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + " of the PostgreSQL gateway must be positive, was " + value);
            }
            return value;
        }

        @Override
        public String toString() {
            return "PostgresGateway.Builder{upstream=" + describe(this.upstream) + ", port=" + this.port
                    + ", tls=" + (this.sslContext != null || this.certificateChain != null) + ", tlsRequired=" + this.tlsRequired + '}';
        }
    }
}
