package dev.tributary.emulator.pgwire;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.StringPreparation;
import com.ongres.scram.common.exception.ScramException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * Answers the upstream server's authentication requests for one session, as a PostgreSQL client
 * does (https://www.postgresql.org/docs/current/auth-password.html): the password in clear
 * (method {@code password}), the MD5 digest {@code "md5" + md5hex(md5hex(password + user) + salt)}
 * (method {@code md5}), or SCRAM-SHA-256 (RFC 5802, RFC 7677; method {@code scram-sha-256}) through
 * the {@code com.ongres.scram} client that pgjdbc and r2dbc-postgresql use, without channel
 * binding (the upstream connection is plain TCP on loopback). Runs on the session's event loop.
 */
final class UpstreamAuthentication {

    /** The SCRAM client nonce: 24 printable characters, as r2dbc-postgresql and pgjdbc draw them. */
    private static final int NONCE_LENGTH = 24;

    private final UpstreamLogin login;
    private final SecureRandom random;
    private ScramClient scram;
    private boolean scramVerified;

    /**
     * @param login  whom to log in as
     * @param random a seeded generator for SCRAM nonces (seeded before use: seeding reads the
     *               entropy device, which must not happen on an event loop)
     */
    UpstreamAuthentication(UpstreamLogin login, SecureRandom random) {
        this.login = login;
        this.random = random;
    }

    /**
     * @param code    the authentication request code (not 0, AuthenticationOk)
     * @param payload the request's data after the code
     * @return the message to send upstream, or {@code null} when none is due (AuthenticationSASLFinal)
     * @throws UpstreamLoginException     if the request cannot be answered
     * @throws ProtocolViolationException if the request is malformed
     */
    ByteBuf answer(int code, ByteBuf payload, ByteBufAllocator alloc) {
        switch (code) {
            case WireMessages.AUTH_CLEARTEXT_PASSWORD:
                return WireMessages.passwordMessage(alloc, password("password"));
            case WireMessages.AUTH_MD5_PASSWORD:
                if (payload.readableBytes() != 4) {
                    throw new ProtocolViolationException("invalid AuthenticationMD5Password from the database server: "
                            + payload.readableBytes() + " bytes of salt, 4 expected");
                }
                byte[] salt = new byte[4];
                payload.getBytes(payload.readerIndex(), salt);
                return WireMessages.passwordMessage(alloc, md5Password(password("md5"), this.login.user(), salt));
            case WireMessages.AUTH_SASL:
                return saslInitialResponse(WireMessages.cStringList(payload, "AuthenticationSASL mechanism list"), alloc);
            case WireMessages.AUTH_SASL_CONTINUE:
                return saslResponse(payload.toString(StandardCharsets.UTF_8), alloc);
            case WireMessages.AUTH_SASL_FINAL:
                saslFinal(payload.toString(StandardCharsets.UTF_8));
                return null;
            case WireMessages.AUTH_KERBEROS_V5:
            case WireMessages.AUTH_GSS:
            case WireMessages.AUTH_SSPI:
                throw new UpstreamLoginException("the database server asks user \"" + this.login.user()
                        + "\" for Kerberos/GSSAPI/SSPI authentication (request " + code + "), which the gateway cannot answer");
            default:
                throw new UpstreamLoginException("the database server asks user \"" + this.login.user()
                        + "\" for an authentication method the gateway does not know (request " + code + ")");
        }
    }

    /**
     * @throws UpstreamLoginException if a SCRAM exchange began and its server signature was not verified
     */
    void checkComplete() {
        if (this.scram != null && !this.scramVerified) {
            throw new UpstreamLoginException("the database server accepted user \"" + this.login.user()
                    + "\" before proving its SCRAM signature (no AuthenticationSASLFinal)");
        }
    }

    private ByteBuf saslInitialResponse(List<String> mechanisms, ByteBufAllocator alloc) {
        if (this.scram != null) {
            throw new ProtocolViolationException("the database server started a second SASL exchange");
        }
        if (!mechanisms.contains(ScramMechanism.SCRAM_SHA_256.getName())) {
            throw new UpstreamLoginException("the database server offers SASL mechanisms " + mechanisms
                    + " to user \"" + this.login.user() + "\"; the gateway speaks SCRAM-SHA-256 without channel binding only");
        }
        try {
            this.scram = ScramClient.builder()
                    .advertisedMechanisms(List.of(ScramMechanism.SCRAM_SHA_256.getName()))
                    .username(this.login.user())
                    .password(password("scram-sha-256").toCharArray())
                    .stringPreparation(StringPreparation.POSTGRESQL_PREPARATION)
                    .nonceSupplier(() -> ScramFunctions.nonce(NONCE_LENGTH, this.random))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UpstreamLoginException("could not start SCRAM-SHA-256 for user \"" + this.login.user() + "\": " + e.getMessage(), e);
        }
        return WireMessages.saslInitialResponse(alloc, this.scram.getScramMechanism().getName(), this.scram.clientFirstMessage().toString());
    }

    private ByteBuf saslResponse(String serverFirst, ByteBufAllocator alloc) {
        if (this.scram == null) {
            throw new ProtocolViolationException("the database server sent AuthenticationSASLContinue without a SASL exchange");
        }
        try {
            this.scram.serverFirstMessage(serverFirst);
            return WireMessages.saslResponse(alloc, this.scram.clientFinalMessage().toString());
        } catch (ScramException | IllegalArgumentException | IllegalStateException e) {
            throw new UpstreamLoginException("SCRAM-SHA-256 with the database server failed for user \"" + this.login.user()
                    + "\" at the server-first-message: " + e.getMessage(), e);
        }
    }

    private void saslFinal(String serverFinal) {
        if (this.scram == null) {
            throw new ProtocolViolationException("the database server sent AuthenticationSASLFinal without a SASL exchange");
        }
        try {
            this.scram.serverFinalMessage(serverFinal);
            this.scramVerified = true;
        } catch (ScramException | IllegalArgumentException | IllegalStateException e) {
            throw new UpstreamLoginException("SCRAM-SHA-256 with the database server failed for user \"" + this.login.user()
                    + "\" at the server-final-message: " + e.getMessage(), e);
        }
    }

    private String password(String method) {
        String password = this.login.password();
        if (password == null) {
            throw new UpstreamLoginException("the database server asks user \"" + this.login.user() + "\" for a password (" + method
                    + " authentication) but the authenticator's UpstreamLogin has none");
        }
        return password;
    }

    /** PostgreSQL's MD5 password answer (src/common/md5_common.c, pg_md5_encrypt applied twice). */
    static String md5Password(String password, String user, byte[] salt) {
        HexFormat hex = HexFormat.of();
        MessageDigest md5 = md5();
        md5.update(password.getBytes(StandardCharsets.UTF_8));
        md5.update(user.getBytes(StandardCharsets.UTF_8));
        byte[] inner = hex.formatHex(md5.digest()).getBytes(StandardCharsets.US_ASCII);
        md5.update(inner);
        md5.update(salt);
        return "md5" + hex.formatHex(md5.digest());
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new UpstreamLoginException("the JDK lacks MD5, needed for md5 authentication", e);
        }
    }
}
