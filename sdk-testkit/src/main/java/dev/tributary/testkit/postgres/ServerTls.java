package dev.tributary.testkit.postgres;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * TLS material for an {@link EmbeddedPostgresServer}: a fresh self-signed certificate authority
 * and a server certificate it signed, valid for the given DNS names only (subjectAltName). Keys
 * are EC P-256, signatures SHA256withECDSA (RFC 5480, RFC 5758); everything is generated in
 * memory with BouncyCastle, nothing is fetched.
 *
 * <pre>{@code
 * ServerTls tls = ServerTls.selfSigned("localhost");
 * try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.builder().tls(tls).start()) {
 *     // clients: sslmode=verify-full, sslrootcert=tls.rootCertificate(), host "localhost"
 * }
 * }</pre>
 * Because the server certificate names only the given DNS names, {@code verify-full} succeeds
 * for {@code localhost} and fails for {@code 127.0.0.1} (no IP address entry), while
 * {@code verify-ca} succeeds for both. Two instances have two unrelated authorities, so one's
 * {@link #rootCertificate()} is a "wrong root" for the other's server.
 * <p>
 * The root certificate is written to a temporary file on creation (clients read it from a path,
 * as libpq's {@code sslrootcert} does); {@link #close()} deletes it.
 */
public final class ServerTls implements AutoCloseable {

    /** The server certificate's file name in the data directory ({@code ssl_cert_file}). */
    public static final String SERVER_CERTIFICATE_FILE = "server.crt";

    /** The server key's file name in the data directory ({@code ssl_key_file}), mode 0600. */
    public static final String SERVER_KEY_FILE = "server.key";

    private static final Duration VALIDITY = Duration.ofDays(2);

    private final List<String> dnsNames;
    private final String rootCertificatePem;
    private final String serverCertificatePem;
    private final String serverKeyPem;
    private final Path rootCertificateFile;

    private ServerTls(List<String> dnsNames, String rootCertificatePem, String serverCertificatePem, String serverKeyPem,
                      Path rootCertificateFile) {
        this.dnsNames = dnsNames;
        this.rootCertificatePem = rootCertificatePem;
        this.serverCertificatePem = serverCertificatePem;
        this.serverKeyPem = serverKeyPem;
        this.rootCertificateFile = rootCertificateFile;
    }

    /**
     * Generates a certificate authority and a server certificate for the given DNS names.
     * Blocking (key generation, one file write): call it from a test or main thread.
     *
     * @param dnsNames the server certificate's subjectAltName DNS entries (at least one; the
     *                 first is also its common name), for example {@code "localhost"}
     * @return the TLS material
     * @throws IllegalArgumentException if no name is given
     * @throws IllegalStateException    if the JDK lacks EC P-256 or SHA256withECDSA
     * @throws UncheckedIOException     if the root certificate cannot be written
     */
    public static ServerTls selfSigned(String... dnsNames) {
        if (dnsNames == null || dnsNames.length == 0) {
            throw new IllegalArgumentException("at least one DNS name is required for the server certificate");
        }
        List<String> names = List.copyOf(Arrays.asList(dnsNames));
        try {
            SecureRandom random = new SecureRandom();
            KeyPair caKeys = ecKeyPair(random);
            KeyPair serverKeys = ecKeyPair(random);
            Instant now = Instant.now();
            Date notBefore = Date.from(now.minus(Duration.ofHours(1)));
            Date notAfter = Date.from(now.plus(VALIDITY));
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();

            X500Name caName = new X500Name("CN=Tributary test CA " + Long.toHexString(random.nextLong()));
            X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, serial(random), notBefore, notAfter,
                    caName, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509CertificateHolder caCertificate = ca.build(signer(caKeys.getPrivate()));

            GeneralName[] altNames = names.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
            X509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caName, serial(random), notBefore, notAfter,
                    new X500Name("CN=" + names.get(0)), serverKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(serverKeys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(caCertificate));
            X509CertificateHolder serverCertificate = server.build(signer(caKeys.getPrivate()));

            String rootPem = pem(caCertificate);
            Path rootFile = Files.createTempFile("tributary-root-", ".crt");
            Files.writeString(rootFile, rootPem, StandardCharsets.US_ASCII);
            return new ServerTls(names, rootPem, pem(serverCertificate), pem(new JcaPKCS8Generator(serverKeys.getPrivate(), null).generate()), rootFile);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("Could not generate TLS certificates for " + names, e);
        } catch (CertIOException e) {
            throw new IllegalStateException("Could not encode a certificate extension for " + names, e);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the root certificate for " + names, e);
        }
    }

    /**
     * @return the PEM file of the certificate authority that signed the server certificate, for
     * clients ({@code sslrootcert}); deleted by {@link #close()}
     */
    public Path rootCertificate() {
        return this.rootCertificateFile;
    }

    /**
     * @return the certificate authority in PEM form
     */
    public String rootCertificatePem() {
        return this.rootCertificatePem;
    }

    /**
     * @return the DNS names the server certificate is valid for
     */
    public List<String> dnsNames() {
        return this.dnsNames;
    }

    /**
     * Writes {@value #SERVER_CERTIFICATE_FILE} and {@value #SERVER_KEY_FILE} (mode 0600, as
     * PostgreSQL demands of a key file it owns) into a PostgreSQL data directory. Blocking.
     *
     * @param dataDirectory the data directory
     * @throws UncheckedIOException if a file cannot be written
     */
    public void writeServerFiles(Path dataDirectory) {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        try {
            Files.writeString(dataDirectory.resolve(SERVER_CERTIFICATE_FILE), this.serverCertificatePem, StandardCharsets.US_ASCII);
            Path key = dataDirectory.resolve(SERVER_KEY_FILE);
            Files.deleteIfExists(key);
            Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(key, this.serverKeyPem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the server certificate and key into " + dataDirectory, e);
        }
    }

    /**
     * Deletes the root certificate file.
     */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(this.rootCertificateFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + this.rootCertificateFile, e);
        }
    }

    @Override
    public String toString() {
        return "ServerTls{dnsNames=" + this.dnsNames + ", rootCertificate=" + this.rootCertificateFile + '}';
    }

    private static KeyPair ecKeyPair(SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        return generator.generateKeyPair();
    }

    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(64, random).add(BigInteger.ONE);
    }

    private static ContentSigner signer(PrivateKey key) throws OperatorCreationException {
        return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
    }

    private static String pem(Object object) throws IOException {
        // X509CertificateHolder or PemObject
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }
}
