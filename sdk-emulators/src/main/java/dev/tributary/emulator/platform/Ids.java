package dev.tributary.emulator.platform;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * Random identifiers, API keys, passwords and download tokens from one DRBG that is seeded when
 * the emulator is built (on the caller's thread). {@link UUID#randomUUID()} and a default
 * {@code SecureRandom} read {@code /dev/urandom} on every call, a file read that must not happen
 * on an event loop; a seeded DRBG does not read the device again.
 */
final class Ids {

    private static final char[] WORD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final SecureRandom random;

    Ids() {
        try {
            this.random = SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no DRBG SecureRandom", e);
        }
        // instantiates (and seeds) the DRBG here, not later on an event loop
        this.random.nextBytes(new byte[16]);
    }

    /** @return a random (version 4) UUID */
    UUID uuid() {
        byte[] b = new byte[16];
        this.random.nextBytes(b);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (b[i] & 0xff);
        }
        for (int i = 8; i < 16; i++) {
            lsb = (lsb << 8) | (b[i] & 0xff);
        }
        return new UUID(msb, lsb);
    }

    /** @return {@code v2_} and 40 random letters and digits (about 238 bits), the platform's key shape */
    String apiKey() {
        return "v2_" + word(40);
    }

    /** @return a random password for a PostgreSQL role (letters and digits, so it needs no quoting) */
    String password() {
        return word(32);
    }

    /** @return a random URL-safe token of 43 characters (about 256 bits) for a download link */
    String token() {
        return word(43);
    }

    private String word(int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(WORD[this.random.nextInt(WORD.length)]);
        }
        return s.toString();
    }
}
