package io.loomchat.server.connection;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the server's TLS context from a PEM certificate chain and PKCS#8 key, or from a PKCS#12
 * keystore whose password comes from a file (never the command line, where {@code ps} shows it), and logs
 * the certificate's SHA-256 fingerprint: clients that find the server on the LAN show it on first contact,
 * and the operator can tell people what to compare it with.
 */
public final class TlsSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TlsSetup.class);

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

    private TlsSetup() {
    }

    public static SSLContext fromPem(Path certificateChain, Path privateKey) throws IOException, GeneralSecurityException {
        List<Certificate> chain = new ArrayList<>();
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        try (InputStream in = Files.newInputStream(certificateChain)) {
            chain.addAll(x509.generateCertificates(in));
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + certificateChain);
        }
        PrivateKey key = readPkcs8Key(privateKey, chain.get(0).getPublicKey().getAlgorithm());
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] none = new char[0];
        store.setKeyEntry("loomchat", key, none, chain.toArray(Certificate[]::new));
        return context(store, none);
    }

    public static SSLContext fromKeystore(Path keystore, Path passwordFile) throws IOException, GeneralSecurityException {
        char[] password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip().toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password);
        }
        return context(store, password);
    }

    private static PrivateKey readPkcs8Key(Path file, String algorithm) throws IOException, GeneralSecurityException {
        Matcher m = PEM.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        while (m.find()) {
            if (m.group(1).equals("PRIVATE KEY")) {
                byte[] der = Base64.getMimeDecoder().decode(m.group(2));
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            }
            if (m.group(1).endsWith("PRIVATE KEY")) {
                throw new GeneralSecurityException(file + " holds a '" + m.group(1) + "'; convert it to PKCS#8 with: "
                        + "openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
            }
        }
        throw new GeneralSecurityException("no 'BEGIN PRIVATE KEY' block in " + file);
    }

    /**
     * A certificate's SHA-256 fingerprint as people compare it: uppercase hex pairs joined by colons (what
     * {@code --make-certificate} prints, and the client shows).
     */
    public static String fingerprint(Certificate certificate) throws GeneralSecurityException {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }

    private static SSLContext context(KeyStore store, char[] password) throws GeneralSecurityException {
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                LOG.info("TLS certificate SHA-256 fingerprint: {} (clients that find this server on the LAN show it on first "
                        + "contact: tell people to compare it)", fingerprint(store.getCertificate(alias)));
                break;
            }
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** What went wrong with the TLS files, in the user's terms. */
    public static String problem(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        if (e instanceof NoSuchFileException) {
            return "no such file: " + message;
        }
        if (e instanceof AccessDeniedException) {
            return "cannot read " + message;
        }
        if (e instanceof IOException && e.getCause() instanceof UnrecoverableKeyException
                || message.contains("password was incorrect") || message.contains("Integrity check failed")) {
            return "the keystore password is wrong (the first line of --tls-keystore-password-file)";
        }
        return message;
    }
}
