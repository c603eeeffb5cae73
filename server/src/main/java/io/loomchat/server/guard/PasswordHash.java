package io.loomchat.server.guard;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A password as the server keeps it: PBKDF2-HMAC-SHA256 with a random 16-byte salt, written
 * {@code pbkdf2-sha256:ITERATIONS:SALT:HASH} (salt and hash in Base64). The JDK's own PBKDF2 rather than a
 * library's Argon2id: no native code and no new dependency, and OWASP's iteration count makes it as slow
 * as it needs to be. Checking is slow on purpose and compares in constant time.
 */
public record PasswordHash(int iterations, byte[] salt, byte[] hash) {

    public static final String SCHEME = "pbkdf2-sha256";
    /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
    public static final int OWASP_ITERATIONS = 600_000;
    private static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** {@code password} hashed with a fresh salt. Slow on purpose. */
    public static PasswordHash of(String password, int iterations) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations));
    }

    /**
     * A hash no password matches, checked with the same work as a real one: so that asking for a name that
     * does not exist takes as long as a wrong password for one that does.
     */
    public static PasswordHash decoy(int iterations) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return new PasswordHash(iterations, salt, new byte[HASH_BYTES]);
    }

    /** Reads {@code pbkdf2-sha256:ITERATIONS:SALT:HASH}; IllegalArgumentException says what is wrong. */
    public static PasswordHash parse(String text) {
        String[] f = text.split(":");
        if (f.length != 4 || !f[0].equals(SCHEME)) {
            throw new IllegalArgumentException("expected " + SCHEME + ":ITERATIONS:SALT:HASH");
        }
        int iterations = Integer.parseInt(f[1]);
        byte[] hash = Base64.getDecoder().decode(f[3]);
        if (iterations < 1 || hash.length != HASH_BYTES) {
            throw new IllegalArgumentException("impossible iterations or hash length");
        }
        return new PasswordHash(iterations, Base64.getDecoder().decode(f[2]), hash);
    }

    public String format() {
        return SCHEME + ":" + iterations + ":" + Base64.getEncoder().encodeToString(salt) + ":"
                + Base64.getEncoder().encodeToString(hash);
    }

    /** Whether {@code password} is the one hashed. Slow on purpose; constant-time comparison. */
    public boolean matches(String password) {
        return MessageDigest.isEqual(derive(password, salt, iterations), hash);
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BYTES * 8);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        }
    }

    /** Never the salt or hash, in logs or test output. */
    @Override
    public String toString() {
        return SCHEME + ":" + iterations + ":***";
    }
}
