package dev.tributary.emulator.pgwire;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One client connection of a {@link PostgresGateway}, from accept to close: the startup
 * negotiation with the client (TLS, the StartupMessage, a cleartext password checked by the
 * {@link PasswordAuthenticator}), the login upstream, then the {@link Splice}. Every method runs on
 * the client channel's event loop, which the upstream channel shares, so the state needs no lock;
 * only {@link #spliced} is read from other threads.
 */
final class GatewaySession {

    private static final Logger LOG = LoggerFactory.getLogger(GatewaySession.class);

    /** Typed messages a client may send before the splice: PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH plus header. */
    private static final int MAX_CLIENT_MESSAGE = 65_535 + WireMessages.TYPED_HEADER;
    /** Typed messages the upstream may send before AuthenticationOk (errors and notices included). */
    private static final int MAX_UPSTREAM_MESSAGE = 1 << 20;

    private enum State {
        /** Waiting for SSLRequest, GSSENCRequest, CancelRequest or StartupMessage. */
        NEGOTIATING,
        /** AuthenticationCleartextPassword sent, waiting for the PasswordMessage. */
        AWAITING_PASSWORD,
        /** The authenticator is deciding. */
        AUTHENTICATING,
        /** Connecting to the upstream server. */
        CONNECTING_UPSTREAM,
        /** Logging in upstream. */
        UPSTREAM_STARTUP,
        /** Forwarding a CancelRequest upstream. */
        CANCELLING,
        /** Bytes flow both ways unchanged. */
        SPLICED,
        CLOSED
    }

    private final PostgresGateway gateway;
    private final Channel client;
    private final PgFrameDecoder clientDecoder;
    private final ClientStartup clientStartup = new ClientStartup();

    private State state = State.NEGOTIATING;
    private volatile boolean spliced;
    private boolean tls;
    private int protocolVersion;
    private String user;
    private String database;
    private Map<String, String> clientParameters = Map.of();
    private Disposable authentication;
    private ScheduledFuture<?> startupDeadline;
    private Channel upstream;
    private PgFrameDecoder upstreamDecoder;
    private UpstreamStartup upstreamStartup;
    private UpstreamAuthentication upstreamAuthentication;

    private GatewaySession(PostgresGateway gateway, SocketChannel client) {
        this.gateway = gateway;
        this.client = client;
        this.clientDecoder = new PgFrameDecoder("client", false, MAX_CLIENT_MESSAGE);
    }

    /**
     * Takes over a client connection just accepted: its pipeline gets the startup decoder and
     * handler; the session registers with the gateway once the channel is active.
     */
    static void attach(PostgresGateway gateway, SocketChannel client) {
        GatewaySession session = new GatewaySession(gateway, client);
        client.pipeline().addLast("pg-client-frames", session.clientDecoder).addLast("pg-client-startup", session.clientStartup);
    }

    /** @return whether the session is authenticated and spliced (any thread) */
    boolean isSpliced() {
        return this.spliced;
    }

    /** Closes both sides now (any thread): {@link PostgresGateway#closeAllSessions()} and {@link PostgresGateway#close()}. */
    void closeNow() {
        try {
            this.client.eventLoop().execute(this::close);
        } catch (RejectedExecutionException e) {
            // the loop is shutting down, which closes every channel anyway
            this.client.close();
        }
    }

    // ------------------------------------------------------------------------ client startup

    private void accepted() {
        if (!this.gateway.register(this)) {
            close();
            return;
        }
        this.startupDeadline = this.client.eventLoop().schedule(this::startupTimedOut,
                this.gateway.startupTimeout().toMillis(), TimeUnit.MILLISECONDS);
        this.client.read();
    }

    private void clientMessage(ByteBuf frame) {
        switch (this.state) {
            case NEGOTIATING:
                negotiate(frame);
                break;
            case AWAITING_PASSWORD:
                password(frame);
                break;
            case CANCELLING:
            case CLOSED:
                break;
            default:
                throw new ProtocolViolationException("unexpected message of type '" + PgFrameDecoder.printable((char) frame.getByte(0))
                        + "' from the client while the gateway is authenticating it");
        }
    }

    private void negotiate(ByteBuf frame) {
        int length = frame.readableBytes();
        int code = frame.getInt(frame.readerIndex() + 4);
        switch (code) {
            case WireMessages.SSL_REQUEST_CODE:
                requireLength("SSLRequest", length, 8);
                sslRequest();
                break;
            case WireMessages.GSSENC_REQUEST_CODE:
                requireLength("GSSENCRequest", length, 8);
                this.client.writeAndFlush(WireMessages.singleByte(this.client.alloc(), 'N'));
                this.client.read();
                break;
            case WireMessages.CANCEL_REQUEST_CODE:
                // 16 bytes in protocol 3.0; 3.2 allows secret keys of up to 256 bytes
                if (length < 16 || length > 12 + 256) {
                    throw new ProtocolViolationException("invalid length of CancelRequest: " + length + " bytes (16 to 268 allowed)");
                }
                forwardCancel(frame.retainedDuplicate());
                break;
            default:
                startup(frame, code);
        }
    }

    private static void requireLength(String message, int length, int expected) {
        if (length != expected) {
            throw new ProtocolViolationException("invalid length of " + message + ": " + length + " bytes (" + expected + " expected)");
        }
    }

    private void sslRequest() {
        if (this.clientDecoder.bufferedBytes() > 0) {
            // CVE-2021-23214: bytes sent after the SSLRequest would be read as if they came over TLS
            throw new ProtocolViolationException("received unencrypted data after SSL request");
        }
        SslContext sslContext = this.gateway.sslContext();
        if (sslContext == null || this.tls) {
            this.client.writeAndFlush(WireMessages.singleByte(this.client.alloc(), 'N'));
        } else {
            // 'S' goes out in clear; the handler, added first, encrypts everything after it
            this.client.writeAndFlush(WireMessages.singleByte(this.client.alloc(), 'S'));
            this.client.pipeline().addFirst("tls", sslContext.newHandler(this.client.alloc()));
            this.tls = true;
        }
        this.client.read();
    }

    private void startup(ByteBuf frame, int version) {
        if (version >>> 16 != 3) {
            fatal("0A000", "unsupported frontend protocol " + WireMessages.protocolVersion(version) + ": server supports 3.0 to 3.0");
            return;
        }
        Map<String, String> parameters = WireMessages.startupParameters(frame);
        String userName = parameters.remove("user");
        if (userName == null || userName.isEmpty()) {
            fatal("28000", "no PostgreSQL user name specified in startup packet");
            return;
        }
        String databaseName = parameters.remove("database");
        this.protocolVersion = version;
        this.user = userName;
        this.database = databaseName == null || databaseName.isEmpty() ? userName : databaseName;
        this.clientParameters = parameters;
        if (this.gateway.tlsRequired() && !this.tls) {
            this.gateway.countRefused();
            LOG.debug("Refusing user \"{}\" for database \"{}\" from {}: TLS is required", this.user, this.database, this.client.remoteAddress());
            fatal("28000", "no encryption: the server requires TLS for user \"" + this.user + "\", database \"" + this.database
                    + "\" (connect with sslmode=require)");
            return;
        }
        this.clientDecoder.expectTyped();
        this.state = State.AWAITING_PASSWORD;
        this.client.writeAndFlush(WireMessages.authenticationCleartextPassword(this.client.alloc()));
        this.client.read();
    }

    private void password(ByteBuf frame) {
        byte type = frame.getByte(frame.readerIndex());
        if (type != WireMessages.PASSWORD_MESSAGE) {
            throw new ProtocolViolationException("expected password response, got message type '" + PgFrameDecoder.printable((char) type) + "'");
        }
        String password = WireMessages.soleCString(frame, "password packet");
        this.state = State.AUTHENTICATING;
        Mono<UpstreamLogin> decision;
        try {
            decision = Objects.requireNonNull(this.gateway.authenticator().authenticate(this.database, this.user, password),
                    "the PasswordAuthenticator returned null instead of a Mono");
        } catch (RuntimeException e) {
            authenticated(null, e);
            return;
        }
        this.authentication = decision
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .subscribe(login -> onLoop(() -> authenticated(login.orElse(null), null)),
                        error -> onLoop(() -> authenticated(null, error)));
    }

    private void authenticated(UpstreamLogin login, Throwable error) {
        if (this.state != State.AUTHENTICATING) {
            return;
        }
        this.authentication = null;
        if (error != null) {
            LOG.warn("The PasswordAuthenticator failed for user \"{}\", database \"{}\"; refusing the client", this.user, this.database, error);
            fatal("XX000", "could not authenticate user \"" + this.user + "\": the server failed to check the password");
            return;
        }
        if (login == null) {
            this.gateway.countRefused();
            LOG.debug("Refused user \"{}\" for database \"{}\" from {}: wrong password", this.user, this.database, this.client.remoteAddress());
            fatal("28P01", "password authentication failed for user \"" + this.user + "\"");
            return;
        }
        this.gateway.countAuthenticated();
        LOG.debug("Accepted user \"{}\" for database \"{}\" from {}; logging in upstream as {}", this.user, this.database,
                this.client.remoteAddress(), login);
        this.upstreamAuthentication = new UpstreamAuthentication(login, this.gateway.random());
        this.state = State.CONNECTING_UPSTREAM;
        connectUpstream(login);
    }

    private void onLoop(Runnable task) {
        if (this.client.eventLoop().inEventLoop()) {
            task.run();
        } else {
            try {
                this.client.eventLoop().execute(task);
            } catch (RejectedExecutionException e) {
                // the gateway is closing: every channel is closed anyway
            }
        }
    }

    // ---------------------------------------------------------------------- upstream startup

    private void connectUpstream(UpstreamLogin login) {
        this.gateway.countUpstreamConnection();
        this.upstreamDecoder = new PgFrameDecoder("database server", true, MAX_UPSTREAM_MESSAGE);
        this.upstreamStartup = new UpstreamStartup();
        ChannelFuture connecting = upstreamBootstrap(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast("pg-upstream-frames", GatewaySession.this.upstreamDecoder)
                        .addLast("pg-upstream-startup", GatewaySession.this.upstreamStartup);
            }
        }).connect(this.gateway.upstream());
        this.upstream = connecting.channel();
        connecting.addListener((ChannelFutureListener) f -> {
            if (this.state != State.CONNECTING_UPSTREAM) {
                f.channel().close();
                return;
            }
            if (!f.isSuccess()) {
                LOG.debug("Could not connect to the upstream server {}: {}", this.gateway.upstream(), f.cause().toString());
                fatal("08006", "could not connect to the database server: " + f.cause().getMessage());
                return;
            }
            this.state = State.UPSTREAM_STARTUP;
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put("user", login.user());
            parameters.put("database", login.database());
            parameters.putAll(this.clientParameters);
            this.upstream.writeAndFlush(WireMessages.startupMessage(this.upstream.alloc(), this.protocolVersion, parameters));
            this.upstream.read();
        });
    }

    private Bootstrap upstreamBootstrap(ChannelInitializer<SocketChannel> initializer) {
        return new Bootstrap()
                .group(this.client.eventLoop())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, this.gateway.upstreamConnectTimeoutMillis())
                .handler(initializer);
    }

    private void upstreamMessage(ByteBuf frame) {
        if (this.state != State.UPSTREAM_STARTUP) {
            return;
        }
        byte type = frame.getByte(frame.readerIndex());
        switch (type) {
            case WireMessages.AUTHENTICATION: {
                if (frame.readableBytes() < 9) {
                    throw new ProtocolViolationException("invalid authentication request from the database server: "
                            + frame.readableBytes() + " bytes");
                }
                int code = frame.getInt(frame.readerIndex() + WireMessages.TYPED_HEADER);
                if (code == WireMessages.AUTH_OK) {
                    splice(frame);
                    return;
                }
                ByteBuf payload = frame.slice(frame.readerIndex() + 9, frame.readableBytes() - 9);
                ByteBuf answer = this.upstreamAuthentication.answer(code, payload, this.upstream.alloc());
                if (answer != null) {
                    this.upstream.writeAndFlush(answer);
                }
                this.upstream.read();
                return;
            }
            case WireMessages.ERROR_RESPONSE:
                // database does not exist, role cannot log in, too many connections...: as the server said it
                LOG.debug("The upstream server refused user \"{}\" for database \"{}\"", this.user, this.database);
                this.state = State.CLOSED;
                this.client.writeAndFlush(frame.retain()).addListener(ChannelFutureListener.CLOSE);
                close();
                return;
            case WireMessages.NOTICE_RESPONSE:
            case WireMessages.NEGOTIATE_PROTOCOL_VERSION:
                this.client.writeAndFlush(frame.retain());
                this.upstream.read();
                return;
            default:
                throw new ProtocolViolationException("unexpected message of type '" + PgFrameDecoder.printable((char) type)
                        + "' from the database server before authentication completed");
        }
    }

    /**
     * Forwards AuthenticationOk and switches both channels to the splice: what the upstream
     * decoder still holds (ParameterStatus, BackendKeyData, ReadyForQuery...) follows it as raw
     * bytes, in order.
     */
    private void splice(ByteBuf authenticationOk) {
        this.upstreamAuthentication.checkComplete();
        this.state = State.SPLICED;
        this.spliced = true;
        cancelStartupDeadline();
        this.gateway.sessionSpliced();
        this.client.write(authenticationOk.retain());
        this.client.pipeline().replace(this.clientStartup, "pg-splice", new Splice(this.upstream, this));
        this.client.pipeline().remove(this.clientDecoder);
        this.upstream.pipeline().replace(this.upstreamStartup, "pg-splice", new Splice(this.client, this));
        this.upstream.pipeline().remove(this.upstreamDecoder);
        this.client.flush();
        this.client.read();
        this.upstream.read();
        LOG.debug("Session of user \"{}\" for database \"{}\" from {} spliced to {}", this.user, this.database,
                this.client.remoteAddress(), this.upstream.remoteAddress());
    }

    // --------------------------------------------------------------------------- cancelling

    /**
     * Forwards a CancelRequest unchanged to the upstream server and, as libpq does, waits until
     * the server closes that connection (it has then acted on the request) before closing the
     * client's: a client that waits for the close knows the cancel was processed.
     */
    private void forwardCancel(ByteBuf request) {
        this.state = State.CANCELLING;
        this.gateway.countCancelRequest();
        ChannelFuture connecting = upstreamBootstrap(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast("pg-cancel", new CancelForwarding());
            }
        }).connect(this.gateway.upstream());
        this.upstream = connecting.channel();
        connecting.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                request.release();
                LOG.debug("Could not forward a CancelRequest to {}: {}", this.gateway.upstream(), f.cause().toString());
                close();
                return;
            }
            f.channel().writeAndFlush(request).addListener((ChannelFutureListener) written -> {
                if (written.isSuccess()) {
                    written.channel().read();
                } else {
                    close();
                }
            });
        });
    }

    // ------------------------------------------------------------------------------ endings

    private void startupTimedOut() {
        if (this.state == State.CANCELLING) {
            close();
        } else if (this.state != State.SPLICED && this.state != State.CLOSED) {
            LOG.debug("Startup of the session from {} timed out in state {}", this.client.remoteAddress(), this.state);
            fatal("57014", "canceling authentication due to timeout");
        }
    }

    /** Sends a FATAL ErrorResponse to the client, then closes both sides. */
    private void fatal(String sqlState, String message) {
        if (this.state == State.CLOSED) {
            return;
        }
        releaseStartup();
        if (this.client.isActive()) {
            this.client.write(WireMessages.fatalError(this.client.alloc(), sqlState, message));
        }
        close();
    }

    /** Closes both sides (the client after what was written to it). Idempotent. */
    void close() {
        releaseStartup();
        if (this.upstream != null) {
            this.upstream.close();
        }
        if (this.client.isActive()) {
            this.client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            this.client.close();
        }
    }

    /** Ends what the startup holds: the deadline and a running authenticator (cancelled). */
    private void releaseStartup() {
        this.state = State.CLOSED;
        cancelStartupDeadline();
        if (this.authentication != null) {
            this.authentication.dispose();
            this.authentication = null;
        }
    }

    /** A spliced side closed: {@link Splice} closes the other one once what it has is flushed. */
    void sideClosed() {
        this.state = State.CLOSED;
        if (this.spliced) {
            this.spliced = false;
            this.gateway.sessionUnspliced();
        }
        forget();
    }

    void spliceFailed(Channel side, Throwable cause) {
        String which = side == this.client ? "client" : "upstream";
        if (cause instanceof IOException) {
            LOG.debug("Session of user \"{}\": the {} side failed: {}", this.user, which, cause.toString());
        } else {
            LOG.warn("Session of user \"{}\": unexpected failure on the {} side; closing the session", this.user, which, cause);
        }
        side.close();
    }

    private void forget() {
        this.gateway.forget(this);
    }

    private void cancelStartupDeadline() {
        if (this.startupDeadline != null) {
            this.startupDeadline.cancel(false);
            this.startupDeadline = null;
        }
    }

    private void failed(String side, Throwable cause) {
        Throwable problem = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                && !(cause instanceof ProtocolViolationException) ? cause.getCause() : cause;
        if (problem instanceof ProtocolViolationException) {
            LOG.debug("Protocol violation in the session from {}: {}", this.client.remoteAddress(), problem.getMessage());
            fatal(ProtocolViolationException.SQL_STATE, problem.getMessage());
        } else if (problem instanceof UpstreamLoginException) {
            LOG.warn("Could not log in upstream for user \"{}\", database \"{}\": {}", this.user, this.database, problem.getMessage());
            fatal(UpstreamLoginException.SQL_STATE, problem.getMessage());
        } else if (problem instanceof IOException || problem instanceof javax.net.ssl.SSLException) {
            LOG.debug("The {} side of the session from {} failed: {}", side, this.client.remoteAddress(), problem.toString());
            close();
        } else {
            LOG.warn("Unexpected failure on the {} side of the session from {}; closing it", side, this.client.remoteAddress(), cause);
            fatal("XX000", "internal error in the gateway");
        }
    }

    /** The client channel's handler until the splice. */
    private final class ClientStartup extends ChannelInboundHandlerAdapter {

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            accepted();
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            ByteBuf frame = (ByteBuf) msg;
            try {
                clientMessage(frame);
            } catch (ProtocolViolationException | UpstreamLoginException e) {
                failed("client", e);
            } finally {
                frame.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (GatewaySession.this.state != State.CANCELLING) {
                // a CancelRequest is forwarded even when its client does not wait for the outcome
                close();
            }
            forget();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failed("client", cause);
        }
    }

    /** The handler of a connection that carries a CancelRequest upstream: the server answers nothing and closes. */
    private final class CancelForwarding extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            ctx.read();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("Forwarding a CancelRequest failed: {}", cause.toString());
            ctx.close();
        }
    }

    /** The upstream channel's handler until the splice. */
    private final class UpstreamStartup extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            ByteBuf frame = (ByteBuf) msg;
            try {
                upstreamMessage(frame);
            } catch (ProtocolViolationException | UpstreamLoginException e) {
                failed("upstream", e);
            } finally {
                frame.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (GatewaySession.this.state == State.UPSTREAM_STARTUP) {
                fatal("08006", "the database server closed the connection during authentication");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failed("upstream", cause);
        }
    }
}
