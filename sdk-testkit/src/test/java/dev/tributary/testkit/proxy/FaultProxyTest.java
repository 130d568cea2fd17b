package dev.tributary.testkit.proxy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The proxy at the byte level, in front of a blocking echo server.
 */
class FaultProxyTest {

    private static EchoServer echo;
    private static ExecutorService writers;

    @BeforeAll
    static void startEchoServer() throws IOException {
        echo = new EchoServer();
        writers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "echo-client-writer");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stopEchoServer() throws IOException {
        writers.shutdownNow();
        echo.close();
    }

    @Test
    void passesBytesThroughUnchangedAndCountsThem() throws Exception {
        byte[] data = randomBytes(1024 * 1024, 1);
        try (FaultProxy proxy = FaultProxy.to("127.0.0.1", echo.port()).start()) {
            assertThat(proxy.host()).isEqualTo("127.0.0.1");
            assertThat(proxy.port()).isPositive().isNotEqualTo(echo.port());
            try (Socket socket = connect(proxy)) {
                assertThat(exchange(socket, data)).isEqualTo(data);
            }
            eventually(() -> {
                assertThat(proxy.bytesToUpstream()).isEqualTo(data.length);
                assertThat(proxy.bytesToClients()).isEqualTo(data.length);
                assertThat(proxy.openConnections()).isZero();
            });
            assertThat(proxy.acceptedConnections()).isEqualTo(1);
            assertThat(proxy.refusedConnections()).isZero();
            assertThat(proxy.droppedConnections()).isZero();
        }
    }

    @Test
    void dropAllResetsEveryOpenConnectionAndAdmitsNewOnes() throws Exception {
        try (FaultProxy proxy = FaultProxy.to("127.0.0.1", echo.port()).start()) {
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket socket = connect(proxy);
                    open.add(socket);
                    assertThat(exchange(socket, text("before " + i))).isEqualTo(text("before " + i));
                }
                assertThat(proxy.openConnections()).isEqualTo(3);

                proxy.dropAll();

                for (Socket socket : open) {
                    assertThatThrownBy(() -> socket.getInputStream().read())
                            .isInstanceOf(SocketException.class)
                            .hasMessageContaining("reset");
                }
                try (Socket fresh = connect(proxy)) {
                    assertThat(exchange(fresh, text("after"))).isEqualTo(text("after"));
                    eventually(() -> assertThat(proxy.droppedConnections()).isEqualTo(3));
                    eventually(() -> assertThat(proxy.openConnections()).isEqualTo(1));
                }
                assertThat(proxy.acceptedConnections()).isEqualTo(4);
            } finally {
                for (Socket socket : open) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void refuseNewResetsNewConnectionsKeepsOpenOnesAndPassThroughRestores() throws Exception {
        try (FaultProxy proxy = FaultProxy.to("127.0.0.1", echo.port()).start(); Socket existing = connect(proxy)) {
            assertThat(exchange(existing, text("one"))).isEqualTo(text("one"));

            proxy.refuseNew();

            long start = System.nanoTime();
            assertThatThrownBy(() -> connectAndRead(proxy))
                    .isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(exchange(existing, text("two"))).isEqualTo(text("two"));
            assertThat(proxy.refusedConnections()).isEqualTo(1);

            proxy.passThrough();

            try (Socket fresh = connect(proxy)) {
                assertThat(exchange(fresh, text("three"))).isEqualTo(text("three"));
            }
            assertThat(proxy.acceptedConnections()).isEqualTo(2);
            assertThat(proxy.refusedConnections()).isEqualTo(1);
        }
    }

    @Test
    void holdNewDelaysNewConnectionsThenPassesThemThrough() throws Exception {
        try (FaultProxy proxy = FaultProxy.to("127.0.0.1", echo.port()).start().holdNew(Duration.ofMillis(800))) {
            long start = System.nanoTime();
            try (Socket socket = connect(proxy)) {
                assertThat(exchange(socket, text("cold"))).isEqualTo(text("cold"));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(800));
        }
    }

    @Test
    void blackHoleStopsTrafficWithoutClosingAndHealsIntact() throws Exception {
        try (FaultProxy proxy = FaultProxy.to("127.0.0.1", echo.port()).start(); Socket existing = connect(proxy)) {
            assertThat(exchange(existing, text("before"))).isEqualTo(text("before"));

            proxy.blackHole();

            existing.getOutputStream().write(text("during"));
            existing.setSoTimeout(500);
            assertThatThrownBy(() -> existing.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            try (Socket swallowed = connect(proxy)) {
                swallowed.setSoTimeout(500);
                swallowed.getOutputStream().write(text("hello?"));
                assertThatThrownBy(() -> swallowed.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
                assertThat(proxy.acceptedConnections()).isEqualTo(2);

                proxy.passThrough();

                existing.setSoTimeout(5000);
                assertThat(existing.getInputStream().readNBytes(6)).isEqualTo(text("during"));
                assertThat(exchange(existing, text("after"))).isEqualTo(text("after"));
                // a connection accepted by the black hole stays swallowed: no answer, no close
                swallowed.getOutputStream().write(text("still there?"));
                assertThatThrownBy(() -> swallowed.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            }
            eventually(() -> assertThat(proxy.bytesToUpstream()).isEqualTo("before".length() + "during".length() + "after".length()));
        }
    }

    @Test
    void throttleLimitsTheRateOfEachDirectionAndUnthrottledLiftsIt() throws Exception {
        int rate = 40_000;
        byte[] data = randomBytes(40_000, 2);
        try (FaultProxy proxy = FaultProxy.to("127.0.0.1", echo.port()).start().throttle(rate);
             Socket socket = connect(proxy)) {
            long start = System.nanoTime();
            assertThat(exchange(socket, data)).isEqualTo(data);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            // K bytes at N bytes/s take K/N s less one slice (1/20 s); both directions overlap
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(900));

            // a transfer that would take 25 s at 1 kB/s finishes once the throttle is lifted
            proxy.throttle(1_000);
            byte[] large = randomBytes(25_000, 3);
            Future<?> writing = writers.submit(() -> write(socket, large));
            socket.setSoTimeout(500);
            assertThat(socket.getInputStream().read()).isEqualTo(large[0] & 0xff);
            Thread.sleep(200);
            proxy.unthrottled();
            socket.setSoTimeout(5000);
            byte[] rest = socket.getInputStream().readNBytes(large.length - 1);
            writing.get(5, TimeUnit.SECONDS);
            assertThat(rest).isEqualTo(Arrays.copyOfRange(large, 1, large.length));
        }
    }

    @Test
    void bytesWaitingInTheProxyAreReleasedWhenConnectionsAreDroppedOrClosed() throws Exception {
        byte[] data = randomBytes(64 * 1024, 4);
        FaultProxy proxy = FaultProxy.to("127.0.0.1", echo.port()).start().throttle(1_000);
        try {
            try (Socket dropped = connect(proxy); Socket other = connect(proxy)) {
                writers.submit(() -> write(dropped, data));
                writers.submit(() -> write(other, data));
                // the first slice of each goes through; the rest waits in the proxy
                assertThat(dropped.getInputStream().read()).isEqualTo(data[0] & 0xff);
                assertThat(other.getInputStream().read()).isEqualTo(data[0] & 0xff);
                proxy.blackHole();

                proxy.dropAll();

                assertThatThrownBy(() -> dropped.getInputStream().readNBytes(data.length)).isInstanceOf(SocketException.class);
                eventually(() -> assertThat(proxy.droppedConnections()).isEqualTo(2));
                assertThatThrownBy(() -> other.getInputStream().readNBytes(data.length)).isInstanceOf(SocketException.class);
            }
            try (Socket waiting = connect(proxy.passThrough().throttle(1_000))) {
                writers.submit(() -> write(waiting, data));
                assertThat(waiting.getInputStream().read()).isEqualTo(data[0] & 0xff);
                proxy.blackHole();

                proxy.close();

                assertThat(waiting.getInputStream().readNBytes(data.length)).hasSizeLessThan(data.length);
            }
        } finally {
            proxy.close();
        }
        // NettyLeakCheck fails this class if a waiting buffer was not released
    }

    @Test
    void aFailedUpstreamConnectResetsTheClient() throws Exception {
        int closedPort;
        try (ServerSocket unused = new ServerSocket(0, 1, loopback())) {
            closedPort = unused.getLocalPort();
        }
        try (FaultProxy proxy = FaultProxy.to("127.0.0.1", closedPort).start()) {
            assertThatThrownBy(() -> connectAndRead(proxy))
                    .isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
            assertThat(proxy.failedUpstreamConnects()).isEqualTo(1);
            eventually(() -> assertThat(proxy.openConnections()).isZero());
        }
    }

    @Test
    void closeFreesThePortClosesConnectionsAndEndsItsThread() throws Exception {
        Set<Thread> before = proxyThreads();
        FaultProxy proxy = FaultProxy.to("127.0.0.1", echo.port()).start();
        Set<Thread> started = proxyThreads();
        started.removeAll(before);
        int port = proxy.port();
        try (Socket socket = connect(proxy)) {
            assertThat(exchange(socket, text("bye"))).isEqualTo(text("bye"));
            assertThat(started).hasSize(1);

            proxy.close();
            proxy.close();

            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThat(started).allSatisfy(t -> assertThat(t.isAlive()).isFalse());
            try (ServerSocket again = new ServerSocket()) {
                again.setReuseAddress(true);
                again.bind(new InetSocketAddress(loopback(), port));
                assertThat(again.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void listensOnAGivenPortAndReportsAPortInUse() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, loopback())) {
            port = probe.getLocalPort();
        }
        try (FaultProxy proxy = FaultProxy.to("127.0.0.1", echo.port()).port(port).start()) {
            assertThat(proxy.port()).isEqualTo(port);
            assertThatThrownBy(() -> FaultProxy.to("127.0.0.1", echo.port()).port(port).start())
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("127.0.0.1:" + port);
        }
    }

    @Test
    void rejectsBadArgumentsNamingThem() {
        assertThatThrownBy(() -> FaultProxy.to(null, 5432)).isInstanceOf(NullPointerException.class).hasMessage("host");
        assertThatThrownBy(() -> FaultProxy.to(" ", 5432)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host");
        assertThatThrownBy(() -> FaultProxy.to("127.0.0.1", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("upstream port").hasMessageContaining("0");
        assertThatThrownBy(() -> FaultProxy.to("127.0.0.1", 5432).port(70_000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> FaultProxy.to("127.0.0.1", 5432).upstreamConnectTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connect timeout");
        assertThatThrownBy(() -> FaultProxy.to("no-such-host.invalid", 5432).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-host.invalid");
        try (FaultProxy proxy = FaultProxy.to("127.0.0.1", echo.port()).start()) {
            assertThatThrownBy(() -> proxy.throttle(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("throttle rate");
            assertThatThrownBy(() -> proxy.holdNew(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("hold delay");
            assertThat(proxy.toString()).contains("127.0.0.1:" + proxy.port(), "pass through");
        }
    }

    @Test
    void manyConcurrentConnectionsStayIntactWhileModesChange() throws Exception {
        int connections = 32;
        int size = 256 * 1024;
        try (FaultProxy proxy = FaultProxy.to("127.0.0.1", echo.port()).start()) {
            List<Socket> sockets = new ArrayList<>();
            List<Future<byte[]>> results = new ArrayList<>();
            List<byte[]> sent = new ArrayList<>();
            try {
                for (int i = 0; i < connections; i++) {
                    sockets.add(connect(proxy));
                }
                // the proxy admits a connection on its own thread, just after the client's connect returns
                eventually(() -> assertThat(proxy.openConnections()).isEqualTo(connections));
                for (int i = 0; i < connections; i++) {
                    Socket socket = sockets.get(i);
                    byte[] data = randomBytes(size, 100 + i);
                    sent.add(data);
                    socket.setSoTimeout(15_000);
                    results.add(writers.submit(() -> exchange(socket, data)));
                }
                // modes for new connections must not disturb open ones; pauses and throttles must not corrupt
                proxy.refuseNew();
                Thread.sleep(50);
                proxy.blackHole();
                Thread.sleep(150);
                proxy.holdNew(Duration.ofSeconds(1));
                Thread.sleep(50);
                proxy.throttle(200_000);
                Thread.sleep(150);
                proxy.blackHole();
                Thread.sleep(100);
                proxy.passThrough();
                Thread.sleep(50);
                proxy.unthrottled();
                for (int i = 0; i < connections; i++) {
                    assertThat(results.get(i).get(20, TimeUnit.SECONDS)).as("connection %d", i).isEqualTo(sent.get(i));
                }
                eventually(() -> assertThat(proxy.bytesToClients()).isEqualTo((long) connections * size));
                assertThat(proxy.acceptedConnections()).isEqualTo(connections);
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
            eventually(() -> assertThat(proxy.openConnections()).isZero());
        }
    }

    @Test
    void repeatedDropsUnderChurnNeverCorruptALiveConnectionAndLeaveNothingOpen() throws Exception {
        int clients = 8;
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        AtomicLong attempts = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        AtomicLong reset = new AtomicLong();
        try (FaultProxy proxy = FaultProxy.to("127.0.0.1", echo.port()).start()) {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                byte[] data = randomBytes(32 * 1024, 200 + i);
                running.add(writers.submit(() -> {
                    while (System.nanoTime() < until) {
                        attempts.incrementAndGet();
                        try (Socket socket = connect(proxy)) {
                            byte[] back = exchange(socket, data);
                            // a reset may cut an exchange short; what arrives is never wrong
                            assertThat(back).isEqualTo(Arrays.copyOf(data, back.length));
                            if (back.length == data.length) {
                                completed.incrementAndGet();
                            }
                        } catch (IOException | ExecutionException e) {
                            reset.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            while (System.nanoTime() < until) {
                Thread.sleep(100);
                proxy.dropAll();
                proxy.throttle(2_000_000);
                Thread.sleep(20);
                proxy.unthrottled();
            }
            for (Future<?> client : running) {
                client.get(10, TimeUnit.SECONDS);
            }
            assertThat(completed.get()).isPositive();
            assertThat(reset.get()).isPositive();
            assertThat(proxy.droppedConnections()).isPositive();
            eventually(() -> {
                assertThat(proxy.acceptedConnections()).isEqualTo(attempts.get());
                assertThat(proxy.openConnections()).isZero();
            });
        }
    }

    // ----------------------------------------------------------------------------- helpers

    private static Socket connect(FaultProxy proxy) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(proxy.host(), proxy.port()), 2000);
        socket.setSoTimeout(5000);
        return socket;
    }

    /** Connects and reads one byte: a reset may surface in either step, as it races the client's connect. */
    private static int connectAndRead(FaultProxy proxy) throws IOException {
        try (Socket socket = connect(proxy)) {
            return socket.getInputStream().read();
        }
    }

    /** Writes {@code data} from another thread and reads as many bytes back. */
    private static byte[] exchange(Socket socket, byte[] data) throws Exception {
        Future<?> writing = writers.submit(() -> write(socket, data));
        byte[] back = socket.getInputStream().readNBytes(data.length);
        writing.get(5, TimeUnit.SECONDS);
        return back;
    }

    private static Void write(Socket socket, byte[] data) throws IOException {
        socket.getOutputStream().write(data);
        socket.getOutputStream().flush();
        return null;
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static InetAddress loopback() throws IOException {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    }

    private static Set<Thread> proxyThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(FaultProxy.THREAD_NAME_PREFIX))
                .collect(Collectors.toSet());
    }

    static void eventually(ThrowingRunnable assertion) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
