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

    /**
     * A private CA ({@code ca.pem}) and a certificate it signed for {@code subjectAltNames}
     * ({@code signed-cert.pem}, key in {@code signed-key.pem}), as a NATS server's operator would have them.
     */
    public record Signed(Path caPem, Path certPem, Path keyPem) {
    }

    public static Signed signedByPrivateCa(Path dir, String subjectAltNames) throws Exception {
        Files.createDirectories(dir);
        Path keystore = dir.resolve("ca-and-server.p12");
        Path request = dir.resolve("server.csr");
        Path signed = dir.resolve("signed-cert.pem");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=loomchat-test-ca", "-ext", "bc:c", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD);
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=nats-test", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-certreq", "-alias", "server", "-file", request.toString(), "-keystore", keystore.toString(),
                "-storepass", PASSWORD);
        keytool("-gencert", "-alias", "ca", "-infile", request.toString(), "-outfile", signed.toString(), "-rfc",
                "-validity", "2", "-ext", "SAN=" + subjectAltNames, "-keystore", keystore.toString(), "-storepass", PASSWORD);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        Path caPem = dir.resolve("ca.pem");
        Path keyPem = dir.resolve("signed-key.pem");
        Files.writeString(caPem, pem("CERTIFICATE", store.getCertificate("ca").getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", store.getKey("server", PASSWORD.toCharArray()).getEncoded()));
        return new Signed(caPem, signed, keyPem);
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + output);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
