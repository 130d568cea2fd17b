package dev.tributary.testkit.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A blocking echo server on 127.0.0.1 for byte-level proxy tests: a thread per connection (daemon)
 * writes back every byte it reads. Independent of Netty, so it cannot share a bug with the proxy.
 */
final class EchoServer implements AutoCloseable {

    private final ServerSocket listener;
    private final Thread acceptor;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    EchoServer() throws IOException {
        this.listener = new ServerSocket(0, 128, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        this.acceptor = new Thread(this::acceptLoop, "echo-acceptor");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    int port() {
        return this.listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!this.listener.isClosed()) {
            try {
                Socket socket = this.listener.accept();
                this.sockets.add(socket);
                Thread echo = new Thread(() -> echo(socket), "echo-" + socket.getPort());
                echo.setDaemon(true);
                echo.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void echo(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the peer reset: the test looks at what its client saw
        } finally {
            this.sockets.remove(socket);
        }
    }

    @Override
    public void close() throws IOException {
        this.listener.close();
        for (Socket s : this.sockets) {
            s.close();
        }
    }
}
