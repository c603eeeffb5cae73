package io.loomchat.cli.connection;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A TLS certificate's SHA-256 fingerprint, written the way the server prints it (its {@code --make-certificate}
 * and its start log): 32 bytes in uppercase hex, joined by colons. People compare it by eye, so it is always
 * shown in that one form, whatever form they typed it in.
 *
 * @param text the canonical form, {@code 3F:A2:...:9A}
 */
public record Fingerprint(String text) {

    private static final HexFormat COLONS = HexFormat.ofDelimiter(":").withUpperCase();
    private static final int BYTES = 32;

    public Fingerprint {
        if (text.length() != BYTES * 3 - 1 || !text.equals(text.toUpperCase(Locale.ROOT))) {
            throw new IllegalArgumentException("not a canonical SHA-256 fingerprint: " + text);
        }
    }

    /** The fingerprint of {@code certificate} (of its DER encoding, as every TLS tool computes it). */
    public static Fingerprint of(Certificate certificate) {
        try {
            return new Fingerprint(COLONS.formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded())));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A fingerprint as a person gives it: hex with or without colons (or spaces), either case, with or without
     * a leading {@code SHA256:}. Throws IllegalArgumentException saying what was expected.
     */
    public static Fingerprint parse(String given) {
        String hex = given.strip().replaceFirst("(?i)^sha-?256:?", "").replaceAll("[:\\s]", "");
        if (!hex.matches("[0-9A-Fa-f]{" + BYTES * 2 + "}")) {
            throw new IllegalArgumentException("'" + given + "' is not a SHA-256 fingerprint: expected 32 bytes in hex, "
                    + "AB:CD:...:EF, as the server prints it");
        }
        return new Fingerprint(COLONS.formatHex(HexFormat.of().parseHex(hex)));
    }

    @Override
    public String toString() {
        return text;
    }
}
