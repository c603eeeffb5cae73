package io.loomchat.server.guard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The operator accounts of {@code --operators-file}: one {@code name:pbkdf2-sha256:ITERATIONS:SALT:HASH}
 * line each (salt and hash in Base64), made by {@code loomchat-server --hash-password NAME}. Passwords are
 * never stored, and checking one takes the same work and a constant-time comparison whether the name
 * exists or not, so neither timing nor errors tell which names are operators.
 */
public final class Operators {

    static final String SCHEME = "pbkdf2-sha256";
    /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
    static final int ITERATIONS = 600_000;
    private static final int HASH_BYTES = 32;

    private record Account(byte[] salt, int iterations, byte[] hash) {
    }

    private final Map<String, Account> accounts;
    private final Account decoy;

    private Operators(Map<String, Account> accounts) {
        this.accounts = accounts;
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        this.decoy = new Account(salt, ITERATIONS, new byte[HASH_BYTES]);
    }

    public static Operators none() {
        return new Operators(Map.of());
    }

    public static Operators load(Path file) throws IOException {
        Map<String, Account> accounts = new HashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(":");
            try {
                if (f.length != 5 || !f[1].equals(SCHEME)) {
                    throw new IllegalArgumentException("expected name:" + SCHEME + ":ITERATIONS:SALT:HASH");
                }
                accounts.put(f[0], new Account(Base64.getDecoder().decode(f[3]), Integer.parseInt(f[2]),
                        Base64.getDecoder().decode(f[4])));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " line " + (i + 1) + ": " + e.getMessage()
                        + " (make one with: loomchat-server --hash-password NAME)");
            }
        }
        return new Operators(Map.copyOf(accounts));
    }

    public int size() {
        return accounts.size();
    }

    /** Whether {@code password} is {@code name}'s. Slow on purpose (PBKDF2); call it on the caller's own thread. */
    public boolean verify(String name, String password) {
        Account account = accounts.get(name);
        Account checked = account == null ? decoy : account;
        byte[] hash = hash(password, checked.salt(), checked.iterations());
        return MessageDigest.isEqual(hash, checked.hash()) && account != null;
    }

    /** The operators-file line for {@code name} and {@code password}, with a fresh salt. */
    public static String line(String name, String password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return name + ":" + SCHEME + ":" + ITERATIONS + ":" + Base64.getEncoder().encodeToString(salt) + ":"
                + Base64.getEncoder().encodeToString(hash(password, salt, ITERATIONS));
    }

    private static byte[] hash(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BYTES * 8);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        }
    }
}
