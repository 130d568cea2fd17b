package dev.tributary.r2dbc;

import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;

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

    @Test
    void certificateFailuresUnderTheDriversConnectionFailureStateAreTlsSetUpFailures() {
        // r2dbc-postgresql: PostgresConnectionException (08003) around the handshake failure
        Throwable hostNotNamed = new R2dbcNonTransientResourceException("Cannot connect to 127.0.0.1:5432", "08003",
                handshakeFailure("No subject alternative names present", new CertificateException("No subject alternative names present")));
        Throwable untrustedChain = new R2dbcNonTransientResourceException("Cannot connect to localhost:5432", "08003",
                handshakeFailure("PKIX path building failed", new CertPathBuilderException("unable to find valid certification path")));

        assertThat(ConnectionFailures.tlsSetupFailure(hostNotNamed)).isEqualTo("sslMode verify-full: the server's certificate does not name the host");
        assertThat(ConnectionFailures.tlsSetupFailure(untrustedChain)).startsWith("sslMode verify-ca or verify-full: the server's certificate chain");
        for (Throwable failure : new Throwable[]{hostNotNamed, untrustedChain}) {
            assertThat(ConnectionFailures.isTransientConnectFailure(failure)).isFalse();
            // nothing was sent: not a connection lost under a statement (no re-run, no unknown outcome)
            assertThat(ConnectionFailures.isConnectionLost(failure)).isFalse();
        }
    }

    @Test
    void aSocketClosedOrSilentDuringTheTlsHandshakeIsTransient() {
        Throwable jdkEof = new R2dbcNonTransientResourceException("Cannot connect to localhost:5432", "08006",
                handshakeFailure("Remote host terminated the handshake", new EOFException("SSL peer shut down incorrectly")));
        Throwable nettyClosed = new SSLHandshakeException("Connection closed while SSL/TLS handshake was in progress");
        Throwable nettyTimeout = new R2dbcNonTransientResourceException("Cannot connect to localhost:5432", "08003",
                new SslHandshakeTimeoutException("handshake timed out after 10000ms"));

        for (Throwable failure : new Throwable[]{jdkEof, nettyClosed, nettyTimeout}) {
            assertThat(ConnectionFailures.tlsSetupFailure(failure)).isNull();
            assertThat(ConnectionFailures.isTransientConnectFailure(failure)).as(failure.toString()).isTrue();
        }
    }

    @Test
    void aTlsSetUpFailureNamesTheRequirementAndKeepsTheDriversStateAndCause() {
        Throwable driver = new R2dbcNonTransientResourceException("Cannot connect to 127.0.0.1:5432", "08003",
                handshakeFailure("No name matching db.example.com found", new CertificateException("No name matching db.example.com found")));

        Throwable typed = ConnectionFailures.typedTlsSetupFailure(driver);

        assertThat(typed).isInstanceOf(ConnectionFailures.TlsSetupException.class).isInstanceOf(R2dbcNonTransientResourceException.class)
                .hasCause(driver)
                .hasMessage("Cannot open a connection over TLS (sslMode verify-full: the server's certificate does not name the host):"
                        + " Cannot connect to 127.0.0.1:5432: No name matching db.example.com found. Not retried: check sslMode, sslRootCert"
                        + " and the host name against the server's TLS set-up");
        assertThat(((R2dbcNonTransientResourceException) typed).getSqlState()).isEqualTo("08003");
        assertThat(ConnectionFailures.isTransientConnectFailure(typed)).isFalse();
        assertThat(ConnectionFailures.typedTlsSetupFailure(typed)).isSameAs(typed);
        Throwable refused = new R2dbcNonTransientResourceException("x", new ConnectException("refused"));
        assertThat(ConnectionFailures.typedTlsSetupFailure(refused)).isSameAs(refused);
    }

    /** As the JDK's TLS engine reports a handshake failure (Java 17 has no constructor taking the cause). */
    private static SSLHandshakeException handshakeFailure(String message, Throwable cause) {
        SSLHandshakeException failure = new SSLHandshakeException(message);
        failure.initCause(cause);
        return failure;
    }
}
