package dev.tributary.r2dbc;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionFailuresTest {

    @Test
    void connectFailuresThatMayPassAreTransient() {
        assertThat(ConnectionFailures.isTransientConnectFailure(new R2dbcNonTransientResourceException("x", new ConnectException("refused")))).isTrue();
        assertThat(ConnectionFailures.isTransientConnectFailure(new IOException("Connection reset by peer"))).isTrue();
        assertThat(ConnectionFailures.isTransientConnectFailure(new ClosedChannelException())).isTrue();
        for (String state : new String[]{"08006", "08001", "57P01", "57P02", "57P03", "53300"}) {
            assertThat(ConnectionFailures.isTransientConnectFailure(new R2dbcTransientResourceException("x", state))).as(state).isTrue();
        }
    }

    @Test
    void aPooledConnectionFoundDeadByR2dbcPoolValidationMayBeAcquiredAgain() {
        assertThat(ConnectionFailures.isStaleConnectionRejected(new R2dbcNonTransientResourceException("Connection validation failed"))).isTrue();
        assertThat(ConnectionFailures.isTransientConnectFailure(new R2dbcNonTransientResourceException("Connection validation failed"))).isFalse();
        assertThat(ConnectionFailures.isStaleConnectionRejected(new R2dbcNonTransientResourceException("something else"))).isFalse();
    }

    @Test
    void authenticationUnknownDatabasesAndTlsErrorsAreNot() {
        assertThat(ConnectionFailures.isTransientConnectFailure(new R2dbcPermissionDeniedException("auth", "28P01"))).isFalse();
        assertThat(ConnectionFailures.isTransientConnectFailure(new R2dbcNonTransientResourceException("no db", "3D000"))).isFalse();
        assertThat(ConnectionFailures.isTransientConnectFailure(new R2dbcNonTransientResourceException("tls",
                new SSLHandshakeException("PKIX path building failed")))).isFalse();
        assertThat(ConnectionFailures.isTransientConnectFailure(new IllegalArgumentException("bad option"))).isFalse();
    }
}
