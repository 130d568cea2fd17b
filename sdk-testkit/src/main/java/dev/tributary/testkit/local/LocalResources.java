package dev.tributary.testkit.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What the test servers take from the local machine: a free loopback port, and a temporary
 * directory deleted afterwards. Blocking; for test set-up and tear-down, not event loops.
 */
public final class LocalResources {

    private LocalResources() {
    }

    /**
     * A TCP port free on the loopback interface at the time of the call (another process may take it
     * before the caller binds it, as with any such probe).
     *
     * @return the port, 1 to 65535
     * @throws IOException if no port can be bound
     */
    public static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /**
     * Deletes a directory tree, files first, best effort: what cannot be deleted (a file another
     * process still holds) is left, silently.
     *
     * @param dir the directory; {@code null} or absent does nothing
     */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temporary directory
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
