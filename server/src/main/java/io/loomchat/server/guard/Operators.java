package io.loomchat.server.guard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator accounts of {@code --operators-file}: one {@code name:pbkdf2-sha256:ITERATIONS:SALT:HASH}
 * line each (see {@link PasswordHash}), made by {@code loomchat-server --hash-password NAME}. Passwords are
 * never stored, and checking one takes the same work and a constant-time comparison whether the name
 * exists or not, so neither timing nor errors tell which names are operators.
 */
public final class Operators {

    private final Map<String, PasswordHash> accounts;
    private final PasswordHash decoy = PasswordHash.decoy(PasswordHash.OWASP_ITERATIONS);

    private Operators(Map<String, PasswordHash> accounts) {
        this.accounts = accounts;
    }

    public static Operators none() {
        return new Operators(Map.of());
    }

    public static Operators load(Path file) throws IOException {
        Map<String, PasswordHash> accounts = new HashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            try {
                if (colon <= 0) {
                    throw new IllegalArgumentException("expected name:" + PasswordHash.SCHEME + ":ITERATIONS:SALT:HASH");
                }
                accounts.put(line.substring(0, colon), PasswordHash.parse(line.substring(colon + 1)));
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
        PasswordHash account = accounts.get(name);
        return (account == null ? decoy : account).matches(password) && account != null;
    }

    /** The operators-file line for {@code name} and {@code password}, with a fresh salt. */
    public static String line(String name, String password) {
        return name + ":" + PasswordHash.of(password, PasswordHash.OWASP_ITERATIONS).format();
    }
}
