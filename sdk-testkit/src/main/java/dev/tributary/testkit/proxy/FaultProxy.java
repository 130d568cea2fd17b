package dev.tributary.testkit.proxy;

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
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * A TCP proxy on 127.0.0.1 that injects the network faults a serverless database shows: it
 * passes bytes through to an upstream server (an embedded PostgreSQL, an emulator, anything on
 * TCP) until a test tells it to reset every open connection, refuse new ones (the server is
 * asleep), hold new ones before connecting them (a cold start), black-hole traffic (no answer, no
 * reset), or throttle it.
 *
 * <pre>{@code
 * try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startDefault();
 *      FaultProxy proxy = FaultProxy.to(pg.host(), pg.port()).start()) {
 *     SqlClient db = Tributary.sql("r2dbc:postgresql://postgres@" + proxy.host() + ":" + proxy.port() + "/postgres")
 *             .build();
 *     proxy.holdNew(Duration.ofSeconds(3));   // cold start: new connections wait 3 s for the server
 *     ...
 *     proxy.dropAll();                         // every open connection is reset (RST)
 *     proxy.refuseNew();                       // asleep: new connections are reset at once
 *     proxy.blackHole();                       // nothing moves, nothing closes
 *     proxy.throttle(64 * 1024);               // 64 KiB/s per connection and direction
 *     proxy.passThrough().unthrottled();       // healthy again
 * }
 * }</pre>
 *
 * <h2>Behaviour</h2>
 * How new connections are admitted is one mode, switched at any time from any thread and in
 * effect when the switching method returns:
 * <ul>
 *   <li>{@link #passThrough()} (the default): connect upstream at once and forward both ways;</li>
 *   <li>{@link #refuseNew()}: reset each new connection as soon as it is accepted (SO_LINGER 0,
 *       then close); the client sees {@code Connection reset} on its connect, first read or first
 *       write (a server that is down would fail the connect itself with "connection refused": the
 *       proxy keeps listening so that its port cannot be taken meanwhile). Open connections keep
 *       working;</li>
 *   <li>{@link #holdNew(Duration)}: accept, wait, then connect upstream and forward; what the
 *       client sends meanwhile waits in its socket (the proxy does not read it);</li>
 *   <li>{@link #blackHole()}: accept, read and discard everything, never answer, never close;
 *       open connections stop forwarding in both directions (their bytes wait in the proxy and in
 *       the sockets, nothing is lost) until the black hole ends, when they resume intact, as a
 *       network partition that heals. Connections accepted during the black hole stay swallowed.</li>
 * </ul>
 * {@link #dropAll()} is an action, not a mode: it resets every open connection (client and
 * upstream side, RST), and new connections go on according to the mode; a client that writes to a
 * dropped connection right after {@code dropAll()} returned sees the reset, not an answer.
 * {@link #throttle(long)} limits every connection, open and new, in each direction separately,
 * until {@link #unthrottled()}.
 * <p>
 * When the upstream server refuses or resets, the client side is reset too; when one side closes
 * (FIN), what it sent is forwarded and the other side is closed. Half-closed connections are not
 * kept. An upstream connect that fails is counted in {@link #failedUpstreamConnects()}.
 *
 * <h2>Design</h2>
 * Plain Netty (NIO transport) on a dedicated event loop of one daemon thread, not the shared
 * reactor-netty loops: the proxy does not compete with the client under test for threads, a client
 * loop that stalls cannot stall the proxy, and {@link #close()} can shut the loop down and join its
 * thread. Each connection is a pair of channels on that loop with auto-read off: a side is read
 * only when its previous chunk has been handed on and the other side is writable (backpressure, as
 * in Netty's proxy example), which is also how a black hole pauses a connection without closing it
 * and how a throttle slices and schedules writes. Netty supplies the rest: RST through SO_LINGER 0,
 * timers on the loop for holds and throttling, and reference-counted buffers, released on every
 * path (the tests run with paranoid leak detection; BlockHound watches the loop thread).
 * The alternatives: reactor-netty's {@code TcpServer}/{@code TcpClient} fit plain forwarding, but
 * every fault here needs the channel underneath (auto-read, linger, pausing without closing), so
 * they would only add a layer to reach around; a hand-written {@code java.nio} selector loop would
 * do the same work with more code to get right (partial writes, interest sets, timers, shutdown);
 * blocking sockets need two threads per connection, and a blocked read cannot be paused or
 * interrupted without closing its socket. One thread carries hundreds of connections of test
 * traffic; the proxy is not meant for benchmarks.
 * <p>
 * Thread safety: every method may be called from any thread. The mode methods and counters never
 * block (they may be called on an event loop); {@link Builder#start()} and {@link #close()}
 * block briefly and belong on a test or main thread.
 */
public final class FaultProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);

    /** Thread names start with this (then Netty's pool and thread numbers). */
    static final String THREAD_NAME_PREFIX = "tributary-fault-proxy";

    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    private final InetSocketAddress upstream;
    private final int upstreamConnectTimeoutMillis;
    private final EventLoopGroup loop;
    private final List<Thread> threads;
    private final Channel listener;
    private final int port;

    private final AtomicReference<Admission> admission = new AtomicReference<>(Admission.PASS_THROUGH);
    private volatile long bytesPerSecond;
    private final AtomicLong dropEpoch = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Set<ProxyConnection> connections = ConcurrentHashMap.newKeySet();

    private final LongAdder accepted = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder failedUpstreamConnects = new LongAdder();
    private final AtomicInteger open = new AtomicInteger();
    private final LongAdder bytesToUpstream = new LongAdder();
    private final LongAdder bytesToClients = new LongAdder();

    private FaultProxy(Builder builder, InetSocketAddress upstream) {
        this.upstream = upstream;
        this.upstreamConnectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, builder.upstreamConnectTimeout.toMillis());
        this.threads = new CopyOnWriteArrayList<>();
        ThreadFactory named = new DefaultThreadFactory(THREAD_NAME_PREFIX, true);
        ThreadFactory recorded = task -> {
            Thread t = named.newThread(task);
            this.threads.add(t);
            return t;
        };
        this.loop = new MultiThreadIoEventLoopGroup(1, recorded, NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(this.loop)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 512)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ProxyConnection(FaultProxy.this, ch, FaultProxy.this.dropEpoch.get()).clientSide());
                    }
                });
        InetSocketAddress local = new InetSocketAddress(loopbackAddress(), builder.port);
        ChannelFuture bound = bootstrap.bind(local).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            shutDownLoop();
            Throwable cause = bound.cause();
            String message = "Could not listen on " + local.getHostString() + ":" + builder.port + " for the fault proxy to "
                    + describe(upstream);
            throw cause instanceof IOException ? new UncheckedIOException(message, (IOException) cause)
                    : new IllegalStateException(message, cause);
        }
        this.listener = bound.channel();
        this.port = ((InetSocketAddress) this.listener.localAddress()).getPort();
        LOG.debug("Fault proxy listening on 127.0.0.1:{} to {}", this.port, describe(upstream));
    }

    /**
     * Starts building a proxy to a server.
     *
     * @param host the upstream host name or address, for example {@code pg.host()}; not null or blank
     * @param port the upstream TCP port, 1..65535
     * @return a builder (listening on a free port unless {@link Builder#port(int)} says otherwise)
     * @throws IllegalArgumentException if the host is blank or the port out of range
     * @throws NullPointerException     if the host is null
     */
    public static Builder to(String host, int port) {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("The upstream host of the fault proxy must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("The upstream port of the fault proxy must be 1..65535, was " + port);
        }
        return new Builder(host, port);
    }

    /**
     * @return the address the proxy listens on, {@code 127.0.0.1}
     */
    public String host() {
        return "127.0.0.1";
    }

    /**
     * @return the TCP port the proxy listens on (the one chosen when the builder asked for 0)
     */
    public int port() {
        return this.port;
    }

    /**
     * @return the resolved upstream address
     */
    public InetSocketAddress upstream() {
        return this.upstream;
    }

    // ---------------------------------------------------------------------------------- modes

    /**
     * Admits new connections normally (the default) and ends a {@link #blackHole()}: paused
     * connections resume. Connections already held by {@link #holdNew(Duration)} keep their delay.
     *
     * @return this proxy
     */
    public FaultProxy passThrough() {
        return admit(Admission.PASS_THROUGH);
    }

    /**
     * "Asleep": resets each new connection as soon as it is accepted (SO_LINGER 0 then close), so
     * that the client's first read or write fails with a connection reset. Open connections keep
     * working. Ends a {@link #blackHole()}.
     *
     * @return this proxy
     */
    public FaultProxy refuseNew() {
        return admit(Admission.REFUSE);
    }

    /**
     * "Cold start": accepts each new connection, waits {@code delay}, then connects it upstream and
     * passes it through. The proxy does not read from the client while it waits. Ends a
     * {@link #blackHole()}.
     *
     * @param delay how long to hold each new connection, not negative (millisecond precision)
     * @return this proxy
     * @throws IllegalArgumentException if the delay is negative
     * @throws NullPointerException     if it is null
     */
    public FaultProxy holdNew(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("The hold delay of the fault proxy must not be negative, was " + delay);
        }
        return admit(Admission.hold(delay));
    }

    /**
     * Stops all traffic without closing anything: new connections are accepted and what they
     * send is read and discarded, with no answer and no close; open connections stop forwarding in
     * both directions and resume, with nothing lost, when another mode is set. Clients see
     * timeouts, not errors.
     *
     * @return this proxy
     */
    public FaultProxy blackHole() {
        return admit(Admission.BLACK_HOLE);
    }

    /**
     * Resets every open connection now (RST on the client and the upstream side), including held
     * and black-holed ones; new connections are admitted as the mode says. Once this method has
     * returned, the proxy starts no further write on a connection it dropped (a write already under
     * way on the proxy's thread may complete); the resets themselves follow on that thread at once.
     *
     * @return this proxy
     */
    public FaultProxy dropAll() {
        this.dropEpoch.incrementAndGet();
        forEachConnection(ProxyConnection::dropIfStale);
        return this;
    }

    /**
     * Limits forwarding to {@code bytesPerSecond} on every connection (open and new), in each
     * direction separately. Bytes go out in slices of a twentieth of a second's worth (at least one
     * byte), so a transfer of {@code K} bytes takes at least about {@code K / bytesPerSecond}
     * seconds less one slice.
     *
     * @param bytesPerSecond the rate, positive
     * @return this proxy
     * @throws IllegalArgumentException if the rate is not positive
     */
    public FaultProxy throttle(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("The throttle rate of the fault proxy must be positive (bytes per second), was "
                    + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        LOG.debug("Fault proxy on port {}: throttled to {} bytes/s", this.port, bytesPerSecond);
        return this;
    }

    /**
     * Lifts a {@link #throttle(long)}: connections forward as fast as they can again.
     *
     * @return this proxy
     */
    public FaultProxy unthrottled() {
        this.bytesPerSecond = 0;
        LOG.debug("Fault proxy on port {}: unthrottled", this.port);
        forEachConnection(ProxyConnection::resume);
        return this;
    }

    private FaultProxy admit(Admission next) {
        Admission previous = this.admission.getAndSet(next);
        LOG.debug("Fault proxy on port {}: {} (was {})", this.port, next, previous);
        if (next != Admission.BLACK_HOLE) {
            forEachConnection(ProxyConnection::resume);
        }
        return this;
    }

    // ------------------------------------------------------------------------------- counters

    /**
     * @return how many connections were accepted and admitted (passed, held or swallowed); refused
     *         ones are counted by {@link #refusedConnections()} only
     */
    public long acceptedConnections() {
        return this.accepted.sum();
    }

    /**
     * @return how many admitted connections have their client side open now
     */
    public int openConnections() {
        return this.open.get();
    }

    /**
     * @return how many new connections {@link #refuseNew()} reset
     */
    public long refusedConnections() {
        return this.refused.sum();
    }

    /**
     * @return how many connections {@link #dropAll()} reset
     */
    public long droppedConnections() {
        return this.dropped.sum();
    }

    /**
     * @return how many upstream connects failed (the server refused, or did not answer in time);
     *         each one reset its client connection
     */
    public long failedUpstreamConnects() {
        return this.failedUpstreamConnects.sum();
    }

    /**
     * @return how many bytes were written to the upstream server, over all connections
     */
    public long bytesToUpstream() {
        return this.bytesToUpstream.sum();
    }

    /**
     * @return how many bytes were written back to the clients, over all connections
     */
    public long bytesToClients() {
        return this.bytesToClients.sum();
    }

    // ---------------------------------------------------------------------------------- close

    /**
     * Stops listening, closes every connection (both sides), shuts the event loop down and joins
     * its thread. The port is free when this returns. Idempotent. Blocks up to a few seconds: call
     * it from a test or main thread (on the proxy's own thread it only starts the shutdown).
     */
    @Override
    public void close() {
        if (!this.closed.compareAndSet(false, true)) {
            return;
        }
        LOG.debug("Closing the fault proxy on port {}", this.port);
        boolean ownThread = this.threads.contains(Thread.currentThread());
        ChannelFuture unbound = this.listener.close();
        forEachConnection(ProxyConnection::close);
        if (ownThread) {
            this.loop.shutdownGracefully(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        unbound.awaitUninterruptibly(SHUTDOWN_TIMEOUT.toMillis());
        shutDownLoop();
    }

    private void shutDownLoop() {
        this.loop.shutdownGracefully(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
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

    @Override
    public String toString() {
        return "FaultProxy{127.0.0.1:" + this.port + " -> " + describe(this.upstream) + ", " + this.admission.get()
                + (this.bytesPerSecond > 0 ? ", throttled to " + this.bytesPerSecond + " B/s" : "")
                + ", accepted=" + acceptedConnections() + ", open=" + openConnections() + ", refused=" + refusedConnections()
                + ", dropped=" + droppedConnections() + ", bytesToUpstream=" + bytesToUpstream()
                + ", bytesToClients=" + bytesToClients() + (this.closed.get() ? ", closed" : "") + '}';
    }

    // ----------------------------------------------------- package-private, for ProxyConnection

    /**
     * Decides what happens to a connection just accepted (on its event loop).
     */
    void admit(ProxyConnection connection) {
        Admission now = this.admission.get();
        if (this.closed.get()) {
            connection.close();
            return;
        }
        if (now == Admission.REFUSE) {
            this.refused.increment();
            connection.refuse();
            return;
        }
        this.accepted.increment();
        this.open.incrementAndGet();
        connection.client().closeFuture().addListener(f -> this.open.decrementAndGet());
        this.connections.add(connection);
        // dropAll() bumps the epoch, then sweeps the set: re-check after adding, so one of the two sees it
        if (connection.isStale() || this.closed.get()) {
            if (this.closed.get()) {
                connection.close();
            } else {
                connection.dropIfStale();
            }
            return;
        }
        now.apply(connection);
    }

    void forget(ProxyConnection connection) {
        this.connections.remove(connection);
    }

    boolean forwardingPaused() {
        return this.admission.get() == Admission.BLACK_HOLE;
    }

    long bytesPerSecond() {
        return this.bytesPerSecond;
    }

    long dropEpoch() {
        return this.dropEpoch.get();
    }

    InetSocketAddress upstreamAddress() {
        return this.upstream;
    }

    int upstreamConnectTimeoutMillis() {
        return this.upstreamConnectTimeoutMillis;
    }

    void countDropped() {
        this.dropped.increment();
    }

    void countFailedUpstreamConnect() {
        this.failedUpstreamConnects.increment();
    }

    LongAdder bytesToUpstreamCounter() {
        return this.bytesToUpstream;
    }

    LongAdder bytesToClientsCounter() {
        return this.bytesToClients;
    }

    private void forEachConnection(java.util.function.Consumer<ProxyConnection> action) {
        for (ProxyConnection c : this.connections) {
            try {
                c.client().eventLoop().execute(() -> action.accept(c));
            } catch (RejectedExecutionException e) {
                // the loop is shutting down: close() closes every channel anyway
                return;
            }
        }
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
     * What happens to a connection when it is accepted: one immutable value per mode, swapped
     * atomically.
     */
    private static final class Admission {

        static final Admission PASS_THROUGH = new Admission("pass through", -1);
        static final Admission REFUSE = new Admission("refuse new connections", -1);
        static final Admission BLACK_HOLE = new Admission("black hole", -1);

        private final String name;
        private final long holdMillis;

        private Admission(String name, long holdMillis) {
            this.name = name;
            this.holdMillis = holdMillis;
        }

        static Admission hold(Duration delay) {
            return new Admission("hold new connections " + delay.toMillis() + " ms", delay.toMillis());
        }

        void apply(ProxyConnection connection) {
            if (this == BLACK_HOLE) {
                connection.swallow();
            } else if (this.holdMillis > 0) {
                connection.connectUpstreamAfter(this.holdMillis);
            } else {
                connection.connectUpstream();
            }
        }

        @Override
        public String toString() {
            return this.name;
        }
    }

    /**
     * Builds and starts a {@link FaultProxy}. Not thread-safe.
     */
    public static final class Builder {

        private final String host;
        private final int upstreamPort;
        private int port;
        private Duration upstreamConnectTimeout = Duration.ofSeconds(10);

        private Builder(String host, int upstreamPort) {
            this.host = host;
            this.upstreamPort = upstreamPort;
        }

        /**
         * @param port the port to listen on (on 127.0.0.1), 0..65535; 0, the default, picks a free one
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("The listening port of the fault proxy must be 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * @param timeout how long a connect to the upstream server may take before the client
         *                connection is reset; positive, default 10 s
         * @return this builder
         * @throws IllegalArgumentException if not positive
         * @throws NullPointerException     if null
         */
        public Builder upstreamConnectTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("The upstream connect timeout of the fault proxy must be positive, was " + timeout);
            }
            this.upstreamConnectTimeout = timeout;
            return this;
        }

        /**
         * Resolves the upstream host, binds the listening socket and starts forwarding (blocking,
         * briefly).
         *
         * @return the running proxy, in {@link FaultProxy#passThrough()} mode
         * @throws IllegalArgumentException if the upstream host cannot be resolved
         * @throws UncheckedIOException     if the port cannot be bound
         */
        public FaultProxy start() {
            InetSocketAddress upstream = new InetSocketAddress(this.host, this.upstreamPort);
            if (upstream.isUnresolved()) {
                throw new IllegalArgumentException("The upstream host of the fault proxy cannot be resolved: " + this.host);
            }
            return new FaultProxy(this, upstream);
        }
    }
}
