package dev.tributary.testkit.postgres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ServerTlsTest {

    private static X509Certificate read(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    @Test
    void issuesAServerCertificateForTheGivenNamesOnlySignedByItsOwnAuthority(@TempDir Path dataDirectory) throws Exception {
        try (ServerTls tls = ServerTls.selfSigned("localhost"); ServerTls other = ServerTls.selfSigned("localhost")) {
            tls.writeServerFiles(dataDirectory);
            X509Certificate root = read(tls.rootCertificate());
            X509Certificate server = read(dataDirectory.resolve(ServerTls.SERVER_CERTIFICATE_FILE));

            assertThat(root.getBasicConstraints()).isGreaterThanOrEqualTo(0);
            assertThat(server.getBasicConstraints()).isEqualTo(-1);
            server.verify(root.getPublicKey());
            assertThat(server.getSubjectAlternativeNames()).containsExactly(List.of(2, "localhost"));
            assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
            assertThat(read(other.rootCertificate()).getSubjectX500Principal()).isNotEqualTo(root.getSubjectX500Principal());
            assertThat(Files.readString(dataDirectory.resolve(ServerTls.SERVER_KEY_FILE))).startsWith("-----BEGIN PRIVATE KEY-----");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDirectory.resolve(ServerTls.SERVER_KEY_FILE))))
                    .isEqualTo("rw-------");
            assertThat(tls.rootCertificatePem()).isEqualTo(Files.readString(tls.rootCertificate()));
        }
    }

    @Test
    void deletesTheRootCertificateFileOnClose() {
        ServerTls tls = ServerTls.selfSigned("localhost", "db.internal");
        Path root = tls.rootCertificate();
        assertThat(tls.dnsNames()).containsExactly("localhost", "db.internal");
        assertThat(root).exists();

        tls.close();

        assertThat(root).doesNotExist();
    }

    @Test
    void needsAtLeastOneName() {
        assertThatIllegalArgumentException().isThrownBy(ServerTls::selfSigned).withMessageContaining("at least one DNS name");
    }
}
