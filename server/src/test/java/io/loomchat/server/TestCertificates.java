package io.loomchat.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for tests, made with the JDK's keytool, for the names given (e.g.
 * "dns:localhost"), written as cert.pem and key.pem (PKCS#8) and as a PKCS#12 keystore.
 */
public record TestCertificates(Path certPem, Path keyPem, Path keystore, Path passwordFile) {

    private static final String PASSWORD = "test-only-password";

    public static TestCertificates create(Path dir, String subjectAltNames) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "loomchat",
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=loomchat-test",
                "-ext", "SAN=" + subjectAltNames, "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        Certificate cert = store.getCertificate("loomchat");
        PrivateKey key = (PrivateKey) store.getKey("loomchat", PASSWORD.toCharArray());
        Path certPem = dir.resolve("cert.pem");
        Path keyPem = dir.resolve("key.pem");
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
        Path passwordFile = dir.resolve("keystore-password");
        Files.writeString(passwordFile, PASSWORD + "\n");
        return new TestCertificates(certPem, keyPem, keystore, passwordFile);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
