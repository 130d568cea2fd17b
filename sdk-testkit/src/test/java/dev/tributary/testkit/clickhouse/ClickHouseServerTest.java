package dev.tributary.testkit.clickhouse;

import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClickHouseServerTest {

    @Test
    void aMissingServerFailsWithTheInstallCommand() {
        assertThat(ClickHouseServer.notInstalled())
                .hasMessageContaining("ClickHouse is not installed")
                .hasMessageContaining("apt-get install -y clickhouse-server");
    }

    @Test
    void aBinaryThatCannotRunFailsTheStartNamingIt() {
        Path nowhere = Path.of("/nonexistent/clickhouse-server");
        assertThatThrownBy(() -> ClickHouseServer.builder().binary(nowhere).start())
                .isInstanceOfAny(UncheckedIOException.class, IllegalStateException.class)
                .hasMessageContaining("ClickHouse");
    }

    @Test
    void aServerThatExitsAtOnceFailsTheStartWithItsStatus() {
        assertThatThrownBy(() -> ClickHouseServer.builder().binary(Path.of("/bin/false"))
                .startTimeout(Duration.ofSeconds(10)).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ClickHouse exited with status 1 before answering http://127.0.0.1:")
                .hasMessageContaining("Its output and log:");
    }

    @Test
    void rejectsUserNamesThatAreNotPlainIdentifiers() {
        assertThatThrownBy(() -> ClickHouseServer.builder().user("a<b", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a<b");
        assertThatThrownBy(() -> ClickHouseServer.builder().user("default", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("default");
        assertThatThrownBy(() -> ClickHouseServer.builder().keepAliveTimeout(Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 s");
    }

    @Test
    void rejectsHttpPortsOutsideTheTcpRange() {
        assertThatThrownBy(() -> ClickHouseServer.builder().httpPort(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("httpPort").hasMessageContaining("0");
        assertThatThrownBy(() -> ClickHouseServer.builder().httpPort(65536))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65536");
    }
}
